package dev.steadysocket;

import static dev.steadysocket.ConnectionState.CLOSED;
import static dev.steadysocket.ConnectionState.CLOSING;
import static dev.steadysocket.ConnectionState.CONNECTING;
import static dev.steadysocket.ConnectionState.IDLE;
import static dev.steadysocket.ConnectionState.OPEN;
import static dev.steadysocket.ConnectionState.PAUSED;
import static dev.steadysocket.ConnectionState.RECONNECTING;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.steadysocket.testkit.FakeTransports;
import java.io.IOException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Issue #19, parts 2 and 3 through the public API: {@code checkLiveness(timeout)} and {@code
 * heartbeat(Heartbeat)} at run time. Virtual time; the base builder has the heartbeat disabled.
 */
class LivenessAndHeartbeatChangeTest extends VirtualTimeTest {
  static final Duration FIVE_S = Duration.ofSeconds(5);

  /** The open connection is found dead now: the transitions and callbacks of a heartbeat failure. */
  void assertDeadLink(SteadySocket socket, FakeTransports.Fake t, String silence) {
    assertEquals(RECONNECTING, socket.state());
    t.assertCancelled();
    DeadLinkException e = listener.assertError(DeadLinkException.class);
    assertEquals("no frame or pong for " + silence + " ms after a heartbeat", e.getMessage());
    listener.assertState(OPEN, RECONNECTING);
    listener.assertReconnecting(1);
  }


  // ---------------------------------------------------------------- checkLiveness

  @Test
  void aSilentLinkIsDeclaredDeadAtTheTimeoutWithTheHeartbeatDisabled() {
    SteadySocket socket = open(builder().build());
    FakeTransports.Fake t = transports.last();
    clock.advanceBy(Duration.ofMinutes(10)); // deep sleep: no heartbeat would ever notice
    socket.checkLiveness(FIVE_S);
    clock.runUntilIdle();
    assertEquals(1, t.pings, "a ping now");
    clock.advanceBy(FIVE_S.minusNanos(1));
    assertEquals(OPEN, socket.state(), "not a nanosecond early");
    clock.advanceBy(Duration.ofNanos(1));
    assertDeadLink(socket, t, "5000");
    closeWhileReconnecting(socket);
  }

  @Test
  void aPongOrAFrameInTimeKeepsTheConnection() {
    SteadySocket socket = open(builder().build());
    FakeTransports.Fake t = transports.last();
    socket.checkLiveness(FIVE_S);
    clock.advanceBy(FIVE_S.minusNanos(1));
    t.pong();
    clock.advanceBy(Duration.ofSeconds(1));
    socket.checkLiveness(FIVE_S);
    clock.advanceBy(FIVE_S.minusNanos(1));
    t.receive("{\"type\":\"news\"}");
    listener.assertMessage("news");
    clock.advanceBy(Duration.ofMinutes(5));
    assertEquals(OPEN, socket.state());
    assertEquals(2, t.pings);
    closeOpen(socket);
  }

  @Test
  void outsideOpenItDoesNothing() {
    SteadySocket socket = builder().build();
    socket.checkLiveness(FIVE_S); // IDLE
    socket.connect();
    clock.runUntilIdle();
    listener.assertState(IDLE, CONNECTING);
    socket.checkLiveness(FIVE_S); // CONNECTING: nothing is remembered for the OPEN to come
    clock.runUntilIdle();
    FakeTransports.Fake first = transports.last();
    first.open();
    clock.runUntilIdle();
    listener.assertState(CONNECTING, OPEN);
    clock.advanceBy(Duration.ofMinutes(1));
    assertEquals(OPEN, socket.state());
    assertEquals(0, first.pings);

    dropWith(new IOException("reset"));
    listener.assertError(ConnectionLostException.class);
    listener.assertState(OPEN, RECONNECTING);
    listener.assertReconnecting(1);
    socket.checkLiveness(FIVE_S); // RECONNECTING
    socket.pause("background");
    socket.checkLiveness(FIVE_S); // PAUSED
    clock.runUntilIdle();
    listener.assertState(RECONNECTING, PAUSED);
    socket.close();
    clock.runUntilIdle();
    listener.assertState(PAUSED, CLOSING);
    listener.assertState(CLOSING, CLOSED);
    listener.assertClosed();
    socket.checkLiveness(FIVE_S); // CLOSED
    clock.runUntilIdle();
    assertEquals(1, transports.count());
    assertEquals(0, first.pings);
  }

  @Test
  void aRetiredConnectionsCheckIsCancelled() {
    SteadySocket socket = open(builder().build());
    socket.checkLiveness(FIVE_S);
    socket.replaceConnection();
    clock.runUntilIdle();
    listener.assertState(OPEN, CONNECTING);
    transports.last().open();
    clock.runUntilIdle();
    listener.assertState(CONNECTING, OPEN);
    clock.advanceBy(Duration.ofMinutes(1));
    assertEquals(OPEN, socket.state(), "the old check did not judge the new connection");
    assertEquals(0, transports.last().pings);
    closeOpen(socket);
  }

  @Test
  void aSecondCallKeepsTheSoonerDeadline() {
    SteadySocket socket = open(builder().build());
    FakeTransports.Fake t = transports.last();
    socket.checkLiveness(FIVE_S);
    socket.checkLiveness(Duration.ofSeconds(30));
    clock.advanceBy(FIVE_S);
    assertDeadLink(socket, t, "5000");
    closeWhileReconnecting(socket);
  }

  @Test
  void itWorksBesideTheHeartbeat() {
    Heartbeat hb = Heartbeat.every(Duration.ofSeconds(30)).withTimeout(Duration.ofSeconds(10));
    SteadySocket socket = open(builder().heartbeat(hb).build());
    FakeTransports.Fake t = transports.last();
    clock.advanceBy(Duration.ofSeconds(5));
    socket.checkLiveness(Duration.ofSeconds(2));
    clock.advanceBy(Duration.ofSeconds(2));
    assertDeadLink(socket, t, "2000");
    closeWhileReconnecting(socket);
  }

  @Test
  void theTimeoutIsValidated() {
    SteadySocket socket = builder().build();
    assertThrows(IllegalArgumentException.class, () -> socket.checkLiveness(Duration.ZERO));
    assertThrows(IllegalArgumentException.class, () -> socket.checkLiveness(Duration.ofNanos(-1)));
    assertThrows(NullPointerException.class, () -> socket.checkLiveness(null));
    socket.checkLiveness(Duration.ofNanos(1)); // the smallest accepted
    assertThrows(NullPointerException.class, () -> socket.heartbeat(null));
    socket.close();
    clock.runUntilIdle();
    listener.assertState(IDLE, CLOSING);
    listener.assertState(CLOSING, CLOSED);
    listener.assertClosed();
  }

  // ---------------------------------------------------------------- heartbeat(Heartbeat)

  @Test
  void enablingWhileOpenStartsRoundsOneIntervalFromTheChange() {
    SteadySocket socket = open(builder().build());
    FakeTransports.Fake t = transports.last();
    clock.advanceBy(Duration.ofSeconds(12));
    socket.heartbeat(Heartbeat.every(Duration.ofSeconds(30)).withTimeout(Duration.ofSeconds(10)));
    clock.advanceBy(Duration.ofSeconds(30).minusNanos(1));
    assertEquals(0, t.pings);
    clock.advanceBy(Duration.ofNanos(1));
    assertEquals(1, t.pings);
    assertEquals(1, t.sentHeartbeats().size(), "the envelope too");
    clock.advanceBy(Duration.ofSeconds(10));
    assertDeadLink(socket, t, "10000");
    closeWhileReconnecting(socket);
  }

  @Test
  void aLongerIntervalWhileOpenReBasesTheSchedule() {
    Heartbeat foreground = Heartbeat.every(Duration.ofSeconds(10)).withTimeout(Duration.ofSeconds(5));
    SteadySocket socket = open(builder().heartbeat(foreground).build());
    assertSame(foreground, socket.heartbeat(), "the builder's, until changed");
    FakeTransports.Fake t = transports.last();
    clock.advanceBy(Duration.ofSeconds(4));
    Heartbeat background = Heartbeat.every(Duration.ofSeconds(30)).withTimeout(Duration.ofSeconds(10)).withoutEnvelope();
    socket.heartbeat(background);
    assertSame(background, socket.heartbeat(), "what the Android adapter restores from");
    clock.advanceBy(Duration.ofSeconds(6).minusNanos(1));
    assertEquals(0, t.pings);
    clock.advanceBy(Duration.ofNanos(1));
    assertEquals(1, t.pings, "the round due at 10 s is not postponed by a longer interval");
    t.pong();
    clock.advanceBy(Duration.ofSeconds(30).minusNanos(1));
    assertEquals(1, t.pings, "then every 30 s");
    clock.advanceBy(Duration.ofNanos(1));
    assertEquals(2, t.pings);
    assertEquals(0, t.sentHeartbeats().size(), "ping only now");
    assertEquals(OPEN, socket.state());
    closeOpen(socket);
  }

  /** Review of #19: each call re-based the rounds, so calls every 4 s starved 10 s rounds forever. */
  @Test
  void repeatedCallsNeverPostponeARound() {
    Heartbeat hb = Heartbeat.every(Duration.ofSeconds(10)).withTimeout(Duration.ofSeconds(5));
    SteadySocket socket = open(builder().heartbeat(hb).build());
    FakeTransports.Fake t = transports.last();
    for (int i = 0; i < 10; i++) {
      clock.advanceBy(Duration.ofSeconds(4));
      socket.heartbeat(hb);
      t.pong();
    }
    assertEquals(4, t.pings, "rounds at 10, 20, 30 and 40 s");
    assertEquals(OPEN, socket.state());
    closeOpen(socket);
  }

  @Test
  void disablingWhileOpenStopsRounds() {
    Heartbeat hb = Heartbeat.every(Duration.ofSeconds(10)).withTimeout(Duration.ofSeconds(5));
    SteadySocket socket = open(builder().heartbeat(hb).build());
    socket.heartbeat(Heartbeat.disabled());
    clock.advanceBy(Duration.ofMinutes(10));
    assertEquals(0, transports.last().pings);
    assertEquals(OPEN, socket.state());
    closeOpen(socket);
  }

  @Test
  void aChangeAppliesToLaterConnections() {
    SteadySocket socket = open(builder().build());
    dropOpenConnection();
    socket.heartbeat(Heartbeat.every(Duration.ofSeconds(20)).withTimeout(Duration.ofSeconds(3)));
    socket.reconnectNow();
    clock.runUntilIdle();
    listener.assertState(RECONNECTING, CONNECTING);
    FakeTransports.Fake t = transports.last();
    t.open();
    clock.runUntilIdle();
    listener.assertState(CONNECTING, OPEN);
    clock.advanceBy(Duration.ofSeconds(20));
    assertEquals(1, t.pings);
    clock.advanceBy(Duration.ofSeconds(3));
    assertFalse(t.pings > 1);
    assertDeadLink(socket, t, "3000");
    closeWhileReconnecting(socket);
  }
}
