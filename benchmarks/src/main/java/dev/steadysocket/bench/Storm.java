package dev.steadysocket.bench;

import dev.steadysocket.ConnectionState;
import dev.steadysocket.SteadySocket;
import dev.steadysocket.SteadySocketListener;
import dev.steadysocket.bench.server.HoldServer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Figure 6: 1,000 SteadySockets with default settings on one server; the server "restarts" (every
 * connection dropped, the port closed for a moment, then listening again). Reported: the time
 * until all are OPEN again, and how evenly the reconnect attempts spread: the largest share of
 * all attempts that falls in any 100 ms window. An attempt is a handshake call OkHttp runs,
 * timed by an application interceptor on OkHttp's dispatcher thread as the call starts: the
 * sockets get an OkHttpClient configured like SteadySocket's own (unbounded dispatcher) plus that
 * interceptor, so attempts are timed where they happen, not when a callback reaches the app.
 */
public final class Storm {
  private Storm() {}

  public static void run(Results results, Config config) throws Exception {
    int n = config.stormClients;
    Map<String, Object> sec = results.section("storm");
    sec.put("clients", n);
    sec.put("server_downtime_ms", config.stormDowntimeMillis);
    dev.steadysocket.Backoff backoff =
        config.stormInitialBackoff == null
            ? dev.steadysocket.Backoff.defaults()
            : dev.steadysocket.Backoff.exponential(config.stormInitialBackoff, java.time.Duration.ofSeconds(30));
    sec.put("backoff", backoff.toString());
    AtomicInteger open = new AtomicInteger();
    ConcurrentLinkedQueue<Long> attempts = new ConcurrentLinkedQueue<>();
    List<SteadySocket> sockets = new ArrayList<>(n);
    okhttp3.OkHttpClient clientToClose = null;
    try (HoldServer server = HoldServer.start(0)) {
      SteadySocketListener listener = new SteadySocketListener() {
        @Override
        public void onStateChanged(ConnectionState previous, ConnectionState current) {
          if (current == ConnectionState.OPEN) open.incrementAndGet();
          if (previous == ConnectionState.OPEN) open.decrementAndGet();
        }
      };
      okhttp3.Dispatcher dispatcher = new okhttp3.Dispatcher();
      dispatcher.setMaxRequests(Integer.MAX_VALUE);
      dispatcher.setMaxRequestsPerHost(Integer.MAX_VALUE);
      okhttp3.OkHttpClient client = new okhttp3.OkHttpClient.Builder()
          .dispatcher(dispatcher)
          .addInterceptor(chain -> {
            attempts.add(System.nanoTime());
            return chain.proceed(chain.request());
          })
          .build();
      clientToClose = client;
      for (int i = 0; i < n; i++) {
        SteadySocket s = SteadySocket.builder(server.url("/hold?id=storm" + i)).okHttpClient(client).backoff(backoff).listener(listener).build();
        sockets.add(s);
        s.connect();
      }
      awaitOpen(open, n, 120);
      // Past the default minimum uptime (5 s), so every socket's backoff starts from attempt 1.
      Thread.sleep(5_500);
      attempts.clear();
      long killed = server.kill().get(10, TimeUnit.SECONDS);
      Thread.sleep(config.stormDowntimeMillis);
      long up = server.listen().get(10, TimeUnit.SECONDS);
      boolean all = awaitOpen(open, n, 180);
      long allOpen = System.nanoTime();
      long[] times = attempts.stream().mapToLong(Long::longValue).toArray();
      int peak = Stats.maxInWindow(times, TimeUnit.MILLISECONDS.toNanos(100));
      double share = times.length == 0 ? 0 : (double) peak / times.length;
      sec.put("all_open_again", all);
      sec.put("open_after", open.get());
      sec.put("seconds_from_restart_to_all_open", Stats.round((allOpen - up) / 1e9));
      sec.put("seconds_from_drop_to_all_open", Stats.round((allOpen - killed) / 1e9));
      sec.put("reconnect_attempts", times.length);
      sec.put("attempts_per_client", Stats.round(times.length / (double) n));
      sec.put("peak_attempts_in_100ms", peak);
      sec.put("peak_100ms_share", Stats.round(share));
      // Attempts per 100 ms bin since the drop, for the chart.
      int bins = 0;
      for (long t : times) bins = Math.max(bins, (int) ((t - killed) / 100_000_000L) + 1);
      int[] hist = new int[Math.max(bins, 1)];
      for (long t : times) hist[(int) Math.max(0, (t - killed) / 100_000_000L)]++;
      sec.put("attempts_per_100ms_since_drop", hist);
      sec.put("restart_at_ms", Stats.round((up - killed) / 1e6));
      results.row("storm", "steadysocket", "seconds from restart to all OPEN", "s", (allOpen - up) / 1e9);
      results.row("storm", "steadysocket", "peak share of attempts in 100 ms", "fraction", share);
      Loopback.log("storm: %d clients, all open again %.2f s after restart, %d attempts, peak 100 ms share %.1f %%",
          n, (allOpen - up) / 1e9, times.length, share * 100);
    } finally {
      for (SteadySocket s : sockets) s.close();
      for (SteadySocket s : sockets) s.closeFuture().get(30, TimeUnit.SECONDS);
      if (clientToClose != null) clientToClose.dispatcher().executorService().shutdown();
    }
  }

  static boolean awaitOpen(AtomicInteger open, int n, int seconds) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    while (open.get() < n) {
      if (System.nanoTime() > deadline) return false;
      Thread.sleep(5);
    }
    return true;
  }

  static Map<String, Object> map(Object... kv) {
    Map<String, Object> m = new LinkedHashMap<>();
    for (int i = 0; i < kv.length; i += 2) m.put((String) kv[i], kv[i + 1]);
    return m;
  }
}
