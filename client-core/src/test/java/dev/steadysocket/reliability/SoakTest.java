package dev.steadysocket.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.steadysocket.Backoff;
import dev.steadysocket.ConnectionState;
import dev.steadysocket.Heartbeat;
import dev.steadysocket.SteadySocket;
import dev.steadysocket.SteadySocketListener;
import dev.steadysocket.internal.SharedResources;
import dev.steadysocket.reliability.Report.Section;
import dev.steadysocket.testkit.RecordingListener;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.ref.WeakReference;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Issue item 2: forced disconnect/reconnect cycles against the real Node {@code ws} server; every
 * cycle must reconnect, and threads and retained heap must be back at their baseline afterwards.
 * CI runs {@code soak.cycles} (default 100, set in client-core/pom.xml); the full soak is {@code
 * mvn -pl client-core verify -Dsoak.cycles=1000}.
 */
@Tag("soak")
class SoakTest extends RealPeerTest {
  private static final int CYCLES = Integer.getInteger("soak.cycles", 100);
  /** Retained-heap growth tolerated after GC: generous, the figure itself is what is reported. */
  private static final long HEAP_SLACK = 16L << 20;

  private static NodeServer node;

  @BeforeAll
  static void startNode() throws Exception {
    node = NodeServer.start();
  }

  @AfterAll
  static void stopNode() throws Exception {
    if (node != null) node.close();
  }

  /**
   * Threads SteadySocket does not own: OkHttp's process-wide task runner and Okio's watchdog
   * (daemons that end after 60 s idle, whoever used them), and the test's own process readers.
   */
  private static boolean notOurs(Thread t) {
    String n = t.getName();
    return n.startsWith("OkHttp TaskRunner") || n.equals("Okio Watchdog") || n.startsWith("scenarios.js");
  }

  @Test
  void forcedReconnectCyclesAllReconnectAndLeaveNoThreadsOrHeapBehind() throws Exception {
    runCycles(20); // warm-up: classes loaded, caches filled, shared resources created and released
    Set<Thread> baseline = new HashSet<>(Thread.getAllStackTraces().keySet());
    int threadsBefore = countOurs();
    long heapBefore = retainedHeap();

    long t0 = System.nanoTime();
    WeakReference<SteadySocket> ref = runCycles(CYCLES);
    long elapsed = System.nanoTime() - t0;

    assertEquals(0, SharedResources.clientUsers(), "shared OkHttpClient still referenced");
    List<String> alive = new ArrayList<>();
    for (Thread t : Thread.getAllStackTraces().keySet()) {
      if (baseline.contains(t) || notOurs(t)) continue;
      t.join(15_000); // bounded wait for it to end
      if (t.isAlive()) alive.add(t.getName());
    }
    assertTrue(alive.isEmpty(), "threads left behind after " + CYCLES + " cycles: " + alive);
    int threadsAfter = countOurs();
    long heapAfter = retainedHeap();
    assertNull(ref.get(), "the closed socket is still reachable");
    assertTrue(heapAfter <= heapBefore + HEAP_SLACK,
        "retained heap grew from " + Report.mb(heapBefore) + " to " + Report.mb(heapAfter));

    String figure = String.format(Locale.ROOT,
        "%,d cycles in %s (%.1f ms/cycle); live threads %d before → %d after; retained heap after GC %s before → %s after",
        CYCLES, Report.ms(elapsed), elapsed / 1e6 / CYCLES, threadsBefore, threadsAfter,
        Report.mb(heapBefore), Report.mb(heapAfter));
    System.out.println("soak: " + figure);
    Report.note("Soak cycles", CYCLES + (CYCLES < 1000 ? " (CI count; full run: -Dsoak.cycles=1000)" : " (full run)"));
    String n = String.format(Locale.ROOT, "%,d", CYCLES);
    Report.row(Section.SOAK,
        n + " forced disconnects (the server destroys the TCP connection on command), Node ws /echo,"
            + " after a 20-cycle warm-up",
        "100 % reconnected; threads and retained heap back to baseline after close",
        n + "/" + n + " reconnected (metrics().reconnects() = " + n + "), echo every 10th cycle;"
            + " no thread left behind; the socket was garbage-collected after close",
        figure);
  }

  /** Opens a socket, forces {@code cycles} reconnects, closes it; returns a weak ref to it. */
  private WeakReference<SteadySocket> runCycles(int cycles) throws Exception {
    BlockingQueue<ConnectionState> states = new LinkedBlockingQueue<>();
    RecordingListener echoes = new RecordingListener(RecordingListener.REAL_PEER_TIMEOUT_MILLIS);
    SteadySocket socket =
        SteadySocket.builder(node.url("/echo"))
            .backoff(Backoff.exponential(Duration.ofMillis(1), Duration.ofMillis(10)))
            .minimumUptime(Duration.ZERO)
            .heartbeat(Heartbeat.every(Duration.ofSeconds(5)))
            .listener(new SteadySocketListener() {
              @Override
              public void onStateChanged(ConnectionState previous, ConnectionState current) {
                states.add(current);
              }

              @Override
              public void onMessage(dev.steadysocket.Envelope envelope) {
                echoes.onMessage(envelope);
              }
            })
            .build();
    socket.connect();
    int opens = 0;
    while (true) {
      ConnectionState s = states.poll(15, TimeUnit.SECONDS);
      assertTrue(s != null, "stuck after " + opens + " opens, state " + socket.state());
      if (s != ConnectionState.OPEN) continue;
      opens++;
      if (opens % 10 == 0) echo(socket, echoes, "soak-" + opens);
      if (opens > cycles) break;
      socket.send(command("destroy"));
    }
    assertEquals(cycles, socket.metrics().reconnects());
    socket.close();
    socket.closeFuture().get(15, TimeUnit.SECONDS);
    return new WeakReference<>(socket);
  }

  private static int countOurs() {
    int n = 0;
    for (Thread t : Thread.getAllStackTraces().keySet()) if (t.isAlive() && !notOurs(t)) n++;
    return n;
  }

  /** Heap in use after full collections, once it stops shrinking. */
  private static long retainedHeap() {
    MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    long last = Long.MAX_VALUE;
    for (int i = 0; i < 10; i++) {
      System.gc();
      long used = memory.getHeapMemoryUsage().getUsed();
      if (used >= last - (256 << 10)) return Math.min(used, last);
      last = used;
    }
    return last;
  }
}
