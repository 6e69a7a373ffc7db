package dev.steadysocket;

import static dev.steadysocket.ConnectionState.CLOSED;
import static dev.steadysocket.ConnectionState.CLOSING;
import static dev.steadysocket.ConnectionState.CONNECTING;
import static dev.steadysocket.ConnectionState.IDLE;
import static dev.steadysocket.ConnectionState.OPEN;
import static dev.steadysocket.ConnectionState.RECONNECTING;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.steadysocket.testkit.FakeTransports;
import dev.steadysocket.testkit.RecordingListener;
import java.io.IOException;
import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The state machine in virtual time: a fake transport, a fake scheduler and a direct callback
 * executor, so every event happens on the test thread at the moment the test decides.
 */
class ConnectionLoopTest extends VirtualTimeTest {
  // ------------------------------------------------------------------ backoff

  @Test
  void backoffDelaysAreExactInVirtualTime() {
    SteadySocket socket = open(builder().build());
    Backoff expected = Backoff.defaults().withRandom(new Random(42));
    long[] delays = new long[6];
    for (int i = 0; i < delays.length; i++) delays[i] = expected.delay(i + 1).toMillis();

    dropWith(new IOException("reset"));
    for (int attempt = 1; attempt <= delays.length; attempt++) {
      if (attempt == 1) {
        listener.assertError(ConnectionLostException.class);
        listener.assertState(OPEN, RECONNECTING);
      }
      listener.assertReconnecting(attempt);
      int before = transports.count();
      if (delays[attempt - 1] > 0) {
        clock.advanceByMillis(delays[attempt - 1] - 1);
        assertEquals(before, transports.count(), "attempt " + attempt + " started at T-1 ms");
        assertEquals(RECONNECTING, socket.state());
        clock.advanceByMillis(1);
      } else {
        clock.runUntilIdle();
      }
      assertEquals(before + 1, transports.count(), "attempt " + attempt + " did not start at T");
      listener.assertState(RECONNECTING, CONNECTING);
      dropWith(new IOException("refused"));
      listener.assertError(ConnectionLostException.class);
      listener.assertState(CONNECTING, RECONNECTING);
    }
    listener.assertReconnecting(delays.length + 1);
    socket.close();
    clock.runUntilIdle();
    listener.assertState(RECONNECTING, CLOSING);
    listener.assertState(CLOSING, CLOSED);
    listener.assertClosed();
  }

  @Test
  void reconnectDelayStaysWithinTheCeiling() {
    SteadySocket socket = open(builder().build());
    dropWith(new IOException("reset"));
    listener.assertError(ConnectionLostException.class);
    listener.assertState(OPEN, RECONNECTING);
    for (int attempt = 1; attempt <= 8; attempt++) {
      RecordingListener.Reconnecting r = listener.assertReconnecting(attempt);
      long ceiling = Math.min(30_000, 1000L << (attempt - 1));
      assertTrue(r.delay.toMillis() <= ceiling, r.delay + " > " + ceiling);
      clock.advanceBy(r.delay);
      listener.assertState(RECONNECTING, CONNECTING);
      dropWith(new IOException("refused"));
      listener.assertError(ConnectionLostException.class);
      listener.assertState(CONNECTING, RECONNECTING);
    }
    listener.assertReconnecting(9);
    socket.close();
    clock.runUntilIdle();
    listener.awaitState(CLOSED);
    listener.assertClosed();
  }

  @Test
  void attemptCounterResetsOnlyAfterMinimumUptime() {
    SteadySocket socket =
        open(builder().backoff(Backoff.defaults().withoutJitter()).minimumUptime(Duration.ofSeconds(5)).build());

    // Dropped after 4.999 s: still counts as a failure, so the next delay keeps growing.
    clock.advanceByMillis(4_999);
    dropWith(new IOException("drop 1"));
    listener.assertError(ConnectionLostException.class);
    listener.assertState(OPEN, RECONNECTING);
    assertEquals(1000, listener.assertReconnecting(1).delay.toMillis());
    clock.advanceByMillis(1000);
    transports.last().open();
    clock.runUntilIdle();
    listener.assertState(RECONNECTING, CONNECTING);
    listener.assertState(CONNECTING, OPEN);
    clock.advanceByMillis(4_999);
    dropWith(new IOException("drop 2"));
    listener.assertError(ConnectionLostException.class);
    listener.assertState(OPEN, RECONNECTING);
    assertEquals(2000, listener.assertReconnecting(2).delay.toMillis());

    // Open for the full 5 s: the next drop starts over at attempt 1.
    clock.advanceByMillis(2000);
    transports.last().open();
    clock.runUntilIdle();
    listener.assertState(RECONNECTING, CONNECTING);
    listener.assertState(CONNECTING, OPEN);
    clock.advanceByMillis(5_000);
    dropWith(new IOException("drop 3"));
    listener.assertError(ConnectionLostException.class);
    listener.assertState(OPEN, RECONNECTING);
    assertEquals(1000, listener.assertReconnecting(1).delay.toMillis());
    socket.close();
    clock.runUntilIdle();
    listener.awaitState(CLOSED);
    listener.assertClosed();
  }

  @Test
  void maxAttemptsEndsInClosedWithTheLastFailure() {
    SteadySocket socket = builder().maxReconnectAttempts(2).build();
    socket.connect();
    clock.runUntilIdle();
    listener.assertState(IDLE, CONNECTING);
    for (int attempt = 1; attempt <= 2; attempt++) {
      dropWith(new IOException("refused " + attempt));
      listener.assertError(ConnectionLostException.class);
      listener.assertState(CONNECTING, RECONNECTING);
      clock.advanceBy(listener.assertReconnecting(attempt).delay);
      listener.assertState(RECONNECTING, CONNECTING);
    }
    dropWith(new IOException("refused 3"));
    ConnectionLostException last = listener.assertError(ConnectionLostException.class);
    ReconnectAttemptsExhaustedException exhausted =
        listener.assertError(ReconnectAttemptsExhaustedException.class);
    assertSame(last, exhausted.getCause());
    assertEquals(3, exhausted.attempts());
    listener.assertState(CONNECTING, CLOSED);
    CloseReason reason = listener.assertClosed();
    assertSame(exhausted, reason.error());
    assertFalse(reason.initiatedByApp());
    assertEquals(3, transports.count());
    clock.advanceBy(Duration.ofMinutes(10));
    assertEquals(3, transports.count(), "no attempt after giving up");
  }

  @Test
  void reconnectNowSkipsTheWait() {
    SteadySocket socket = open(builder().build());
    dropOpenConnection();
    socket.reconnectNow();
    clock.runUntilIdle();
    listener.assertState(RECONNECTING, CONNECTING);
    assertEquals(2, transports.count());
  }

  // ------------------------------------------------------------------ heartbeat

  @Test
  void halfOpenLinkIsDetectedWithinIntervalPlusTimeout() {
    Heartbeat hb = Heartbeat.every(Duration.ofSeconds(30)).withTimeout(Duration.ofSeconds(10));
    SteadySocket socket = open(builder().heartbeat(hb).build());
    FakeTransports.Fake t = transports.last();

    // Tick 1 at +30 s; the server echoes the heartbeat, as servers speaking our format do.
    clock.advanceBy(Duration.ofSeconds(30));
    assertEquals(1, t.sentHeartbeats().size());
    Envelope sent = MessageCodec.jackson().decode(t.sentHeartbeats().get(0));
    clock.advanceByMillis(20);
    t.receive("{\"type\":\"heartbeat\",\"id\":\"" + sent.id() + "\"}");
    assertEquals(20, socket.metrics().lastHeartbeatRttMillis());

    // The link goes silent right after that echo. Tick 2 at +60 s, its check at +70 s: the
    // verdict comes interval + timeout (40 s) after the last sign of life, not a millisecond early.
    clock.advanceBy(Duration.ofSeconds(40).minusMillis(20 + 1));
    assertEquals(OPEN, socket.state(), "declared dead before interval + timeout");
    assertEquals(2, t.sentHeartbeats().size());
    clock.advanceByMillis(1);
    assertEquals(RECONNECTING, socket.state());
    t.assertCancelled();
    listener.assertError(DeadLinkException.class);
    listener.assertState(OPEN, RECONNECTING);
    listener.assertReconnecting(1);
  }

  @Test
  void pongsAloneKeepAPingOnlyHeartbeatAlive() {
    Heartbeat hb =
        Heartbeat.every(Duration.ofSeconds(5)).withTimeout(Duration.ofSeconds(2)).withoutEnvelope();
    SteadySocket socket = open(builder().heartbeat(hb).build());
    FakeTransports.Fake t = transports.last();
    // OkHttp's own ping timer runs slightly ahead of ours, so each pong lands 100 ms before our
    // tick. It must still count for that round. Ticks at 5r s, checks at 5r + 2 s.
    clock.advanceByMillis(4_900);
    for (int round = 1; round <= 10; round++) {
      t.pongs++;
      clock.advanceByMillis(2_100); // now 5r + 2 s: the check has run
      assertEquals(OPEN, socket.state(), "round " + round);
      clock.advanceByMillis(2_900);
    }
    // Now 54.9 s. Pongs stopped after the one at 49.9 s: the check at 52 s saw it, the check at
    // 57 s finds nothing new.
    clock.advanceByMillis(2_100 - 1);
    assertEquals(OPEN, socket.state());
    clock.advanceByMillis(1);
    assertEquals(RECONNECTING, socket.state());
    assertTrue(t.sentHeartbeats().isEmpty(), "ping-only must not send envelopes");
    listener.assertError(DeadLinkException.class);
    listener.assertState(OPEN, RECONNECTING);
    listener.assertReconnecting(1);
  }

  @Test
  void heartbeatRepliesNeverReachTheApplication() {
    SteadySocket socket = open(builder().heartbeat(Heartbeat.every(Duration.ofSeconds(1))).build());
    transports.last().receive("{\"type\":\"heartbeat\",\"id\":\"x\"}");
    transports.last().receive("{\"type\":\"ticker\",\"content\":1}");
    listener.assertMessage("ticker");
    assertEquals(1, socket.metrics().messagesReceived());
  }
}
