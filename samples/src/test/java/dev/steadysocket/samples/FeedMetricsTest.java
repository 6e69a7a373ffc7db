package dev.steadysocket.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.steadysocket.ConnectionState;
import dev.steadysocket.Envelope;
import dev.steadysocket.SteadySocket;
import dev.steadysocket.testing.FakeServer;
import dev.steadysocket.testing.SteadySocketExtension;
import dev.steadysocket.testing.TestClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code --metrics} on a real socket on the test kit's in-memory server: each {@link FeedMetrics#tick}
 * is called by the test, at times of the kit's virtual clock, so the figures are exact.
 */
@ExtendWith(SteadySocketExtension.class)
class FeedMetricsTest {
  private final List<String> lines = new ArrayList<>();
  private final AtomicReference<FeedMetrics> observer = new AtomicReference<>();

  /** A socket whose FeedMetrics reads the virtual clock and is ticked by hand. */
  private SteadySocket socket(FakeServer server, TestClock clock) {
    return server.newSocket()
        .observer(s -> {
          FeedMetrics m = new FeedMetrics(s, () -> clock.elapsed().toNanos(), lines::add);
          observer.set(m);
          return m;
        })
        .build();
  }

  private String tick() {
    observer.get().tick();
    return lines.get(lines.size() - 1);
  }

  @Test
  void eachTickShowsTheStateTheCountersAndTheRatesOfTheSecondBefore(FakeServer server, TestClock clock) {
    SteadySocket socket = socket(server, clock);
    assertEquals("[metrics] IDLE  reconnects=0  ping=-  echo=-  in=0/s  out=0/s  outbox=0", tick());
    socket.connect();
    clock.runUntilIdle();
    for (int i = 0; i < 30; i++) server.connection().send("ticker", i);
    socket.send(Envelope.of("text", "hello"));
    clock.advanceBy(Duration.ofSeconds(1));
    assertEquals("[metrics] OPEN  reconnects=0  ping=-  echo=-  in=30/s  out=1/s  outbox=0", tick());

    for (int i = 0; i < 10; i++) server.connection().send("ticker", i);
    clock.advanceBy(Duration.ofSeconds(2)); // a late tick: 10 messages over 2 s
    assertEquals("[metrics] OPEN  reconnects=0  ping=-  echo=-  in=5/s  out=0/s  outbox=0", tick());
    socket.close();
    clock.runUntilIdle();
  }

  @Test
  void anOutageShowsAsReconnectingWithTheOutboxFillingThenAReconnect(FakeServer server, TestClock clock) {
    SteadySocket socket = socket(server, clock);
    socket.connect();
    clock.runUntilIdle();
    server.refuseConnections();
    server.connection().drop();
    clock.runUntilIdle();
    socket.send(Envelope.of("text", 1));
    socket.send(Envelope.of("text", 2));
    assertTrue(tick().startsWith("[metrics] RECONNECTING  reconnects=0  "), lines.toString());
    assertTrue(lines.get(0).endsWith("  outbox=2"), lines.toString());

    server.restore();
    // Past any backoff: reconnected, the outbox written; and past a heartbeat round (30 s), whose
    // ping and echo the in-memory link answers at once in virtual time.
    clock.advanceBy(Duration.ofSeconds(60));
    assertEquals(ConnectionState.OPEN, socket.state());
    assertEquals("[metrics] OPEN  reconnects=1  ping=0.00ms  echo=0.00ms  in=0/s  out=0/s  outbox=0", tick(),
        lines.toString()); // 2 sent over 60 s rounds to 0/s
    socket.close();
    clock.runUntilIdle();
  }

  @Test
  void theRoundTripsAreTheLastOnesTheSocketReported(FakeServer server, TestClock clock) {
    SteadySocket socket = socket(server, clock);
    socket.connect();
    clock.runUntilIdle();
    // In memory a round trip takes no virtual time: the test reports figures of its own.
    observer.get().pongReceived(420_000);
    observer.get().heartbeatEchoed(3_140_000);
    observer.get().pongReceived(380_000);
    assertTrue(tick().contains("  ping=0.38ms  echo=3.1ms  "), lines.toString());
    socket.close();
    clock.runUntilIdle();
  }

  @Test
  void theTickerThreadEndsWhenTheSocketCloses(FakeServer server, TestClock clock) throws Exception {
    SteadySocket socket = server.newSocket()
        .observer(s -> new FeedMetrics(s, System::nanoTime, lines::add).start(Duration.ofMinutes(10)))
        .build();
    Thread ticker = Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.getName().equals("feed-cli metrics")).findFirst().orElseThrow();
    assertTrue(ticker.isDaemon(), "never keeps the JVM alive");
    socket.connect();
    clock.runUntilIdle();
    assertTrue(ticker.isAlive());
    socket.close();
    clock.runUntilIdle();
    assertEquals(ConnectionState.CLOSED, socket.state());
    ticker.join(10_000); // returns as soon as it ends: the close stopped it
    assertFalse(ticker.isAlive(), "the ticker ended with the socket");
    assertEquals(List.of(), lines, "no tick within the 10 min interval");
  }
}
