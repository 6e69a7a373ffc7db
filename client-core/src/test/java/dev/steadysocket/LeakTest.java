package dev.steadysocket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.steadysocket.internal.SharedResources;
import dev.steadysocket.testkit.FaultProxy;
import dev.steadysocket.testkit.ServerPeer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.Test;

/** Reconnect cycles must not leave threads behind; close() must release everything we created. */
class LeakTest {
  private static final int CYCLES = 200;

  /**
   * Threads SteadySocket does not own: OkHttp's process-wide task pool and Okio's timeout
   * watchdog, both singleton daemons that end after 60 s idle, whoever used them.
   */
  private static boolean notOurs(Thread t) {
    return t.getName().startsWith("OkHttp TaskRunner") || t.getName().equals("Okio Watchdog");
  }

  @Test
  void forcedReconnectCyclesThenCloseReturnToTheThreadBaseline() throws Exception {
    Set<Thread> baseline = new HashSet<>(Thread.getAllStackTraces().keySet());
    int opens;
    try (MockWebServer server = new MockWebServer()) {
      ServerPeer peer = new ServerPeer(false);
      server.setDispatcher(new Dispatcher() {
        @Override
        public MockResponse dispatch(RecordedRequest request) {
          return peer.upgrade();
        }
      });
      server.start();
      try (FaultProxy proxy = new FaultProxy(server.getSocketAddress())) {
        BlockingQueue<ConnectionState> states = new LinkedBlockingQueue<>();
        SteadySocket socket =
            SteadySocket.builder("ws://127.0.0.1:" + proxy.port() + "/")
                .backoff(Backoff.exponential(Duration.ofMillis(1), Duration.ofMillis(5)))
                .minimumUptime(Duration.ZERO)
                .listener(new SteadySocketListener() {
                  @Override
                  public void onStateChanged(ConnectionState previous, ConnectionState current) {
                    states.add(current);
                  }
                })
                .build();
        socket.connect();
        opens = 0;
        while (opens <= CYCLES) {
          ConnectionState s = states.poll(10, TimeUnit.SECONDS);
          assertTrue(s != null, "stuck after " + opens + " opens");
          if (s != ConnectionState.OPEN) continue;
          opens++;
          if (opens <= CYCLES) proxy.resetAll();
        }
        assertEquals(CYCLES + 1, socket.metrics().reconnects() + 1);
        socket.close();
        socket.closeFuture().get(10, TimeUnit.SECONDS);
      }
    }
    assertEquals(0, SharedResources.clientUsers(), "shared OkHttpClient still referenced");

    List<Thread> extra = new ArrayList<>();
    for (Thread t : Thread.getAllStackTraces().keySet()) {
      if (!baseline.contains(t) && !notOurs(t)) extra.add(t);
    }
    for (Thread t : extra) t.join(10_000); // waits for termination, bounded
    List<String> alive = new ArrayList<>();
    for (Thread t : extra) if (t.isAlive()) alive.add(t.getName());
    assertTrue(alive.isEmpty(), "threads left behind after " + CYCLES + " cycles: " + alive);
    System.out.printf(
        "leak test: %d reconnect cycles, %d threads before, %d after (excluding OkHttp's TaskRunner)%n",
        CYCLES, baseline.size(), countLive(baseline));
  }

  private static int countLive(Set<Thread> baseline) {
    int n = 0;
    for (Thread t : Thread.getAllStackTraces().keySet()) if (baseline.contains(t) || !notOurs(t)) n++;
    return n;
  }
}
