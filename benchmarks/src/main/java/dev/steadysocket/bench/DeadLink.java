package dev.steadysocket.bench;

import dev.steadysocket.SteadySocketException;
import dev.steadysocket.ConnectionState;
import dev.steadysocket.DeadLinkException;
import dev.steadysocket.Heartbeat;
import dev.steadysocket.SteadySocket;
import dev.steadysocket.SteadySocketListener;
import dev.steadysocket.bench.server.HoldServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Figure 7: half-open links. Each socket's server side is frozen at a random moment (the TCP
 * connection stays up, the server never reads or writes on it again); the detection time is from
 * the freeze until the socket leaves OPEN. The heartbeat is the default scaled down 20×
 * (30 s / 10 s → 1.5 s / 0.5 s); the documented bound is interval + timeout.
 */
public final class DeadLink {
  static final Heartbeat HEARTBEAT = Heartbeat.every(Duration.ofMillis(1500)).withTimeout(Duration.ofMillis(500));

  private DeadLink() {}

  public static void run(Results results, Config config) throws Exception {
    int n = config.deadLinkSockets;
    long bound = HEARTBEAT.worstCaseDetection().toNanos();
    Map<String, Object> sec = results.section("deadlink");
    sec.put("sockets", n);
    sec.put("heartbeat", HEARTBEAT.toString());
    sec.put("bound_ms", HEARTBEAT.worstCaseDetection().toMillis());
    long[] frozenAt = new long[n];
    long[] detectedAt = new long[n];
    String[] cause = new String[n];
    AtomicInteger open = new AtomicInteger();
    AtomicInteger detected = new AtomicInteger();
    List<SteadySocket> sockets = new ArrayList<>(n);
    try (HoldServer server = HoldServer.start(0)) {
      for (int i = 0; i < n; i++) {
        int k = i;
        SteadySocket s = SteadySocket.builder(server.url("/hold?id=dead" + i))
            .heartbeat(HEARTBEAT)
            .listener(new SteadySocketListener() {
              private Throwable lastError;

              @Override
              public void onError(SteadySocketException error) {
                lastError = error;
              }

              @Override
              public void onStateChanged(ConnectionState previous, ConnectionState current) {
                if (current == ConnectionState.OPEN) open.incrementAndGet();
                if (previous == ConnectionState.OPEN && frozenAt[k] != 0 && detectedAt[k] == 0) {
                  detectedAt[k] = System.nanoTime();
                  cause[k] = lastError instanceof DeadLinkException ? "heartbeat"
                      : lastError == null ? "unknown" : "okhttp ping (" + lastError.getClass().getSimpleName() + ")";
                  detected.incrementAndGet();
                }
              }
            })
            .build();
        sockets.add(s);
        s.connect();
      }
      Storm.awaitOpen(open, n, 60);
      Thread.sleep(1000);
      // Freeze each at a random moment over two heartbeat intervals, so freezes fall at every
      // phase of each socket's heartbeat cycle.
      long span = 2 * HEARTBEAT.interval().toNanos();
      long start = System.nanoTime();
      long[] offsets = new long[n];
      for (int i = 0; i < n; i++) offsets[i] = ThreadLocalRandom.current().nextLong(span);
      Integer[] order = new Integer[n];
      for (int i = 0; i < n; i++) order[i] = i;
      java.util.Arrays.sort(order, (a, b) -> Long.compare(offsets[a], offsets[b]));
      for (int i : order) {
        long wait = start + offsets[i] - System.nanoTime();
        if (wait > 0) TimeUnit.NANOSECONDS.sleep(wait);
        frozenAt[i] = server.freeze("dead" + i).get(5, TimeUnit.SECONDS);
      }
      long deadline = System.nanoTime() + 3 * bound + TimeUnit.SECONDS.toNanos(2);
      while (detected.get() < n && System.nanoTime() < deadline) Thread.sleep(10);
      Thread.sleep(100); // the detection records are written on the callback thread
      List<Long> times = new ArrayList<>();
      Map<String, Integer> causes = new LinkedHashMap<>();
      int within = 0;
      for (int i = 0; i < n; i++) {
        if (detectedAt[i] == 0 || frozenAt[i] <= 0) continue;
        long t = detectedAt[i] - frozenAt[i];
        times.add(t);
        if (t <= bound) within++;
        causes.merge(cause[i], 1, Integer::sum);
      }
      long[] arr = times.stream().mapToLong(Long::longValue).toArray();
      sec.put("detected", arr.length);
      sec.put("within_bound", within);
      sec.put("causes", causes);
      if (arr.length > 0) {
        sec.put("detection_ms", Stats.percentiles(arr, 1e6));
        long[] sorted = arr.clone();
        java.util.Arrays.sort(sorted);
        double[] ms = new double[sorted.length];
        for (int i = 0; i < ms.length; i++) ms[i] = Stats.round(sorted[i] / 1e6);
        sec.put("detection_ms_sorted", ms);
        Map<String, Double> p = Stats.percentiles(arr, 1e6);
        results.row("deadlink", "steadysocket", "detection p50", "ms", p.get("p50"));
        results.row("deadlink", "steadysocket", "detection p99", "ms", p.get("p99"));
        results.row("deadlink", "steadysocket", "detection max", "ms", p.get("max"));
        Loopback.log("deadlink: %d/%d detected, %d within %d ms; p50 %.0f ms, max %.0f ms; causes %s",
            arr.length, n, within, bound / 1_000_000, p.get("p50"), p.get("max"), causes);
      }
    } finally {
      for (SteadySocket s : sockets) s.close();
      for (SteadySocket s : sockets) s.closeFuture().get(30, TimeUnit.SECONDS);
    }
  }
}
