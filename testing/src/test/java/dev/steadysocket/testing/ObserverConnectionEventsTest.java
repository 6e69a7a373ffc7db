package dev.steadysocket.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.steadysocket.Backoff;
import dev.steadysocket.ConnectionState;
import dev.steadysocket.Disconnect;
import dev.steadysocket.Heartbeat;
import dev.steadysocket.SteadySocket;
import dev.steadysocket.SteadySocketBuilder;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The connection events of {@link dev.steadysocket.SocketObserver} — stateChanged, attemptStarted,
 * handshakeResponse, connectionOpened, disconnected, reconnectScheduled, paused, resumed,
 * connectionReplaced, closed — in memory on the kit's virtual clock: each fires once per
 * occurrence, in the documented order, at the virtual instant it happens, with exact figures. The
 * backoff has no jitter (1 s doubling to 30 s), so every delay is the backoff's own.
 */
@ExtendWith(SteadySocketExtension.class)
class ObserverConnectionEventsTest {
  private static final String[] CONNECTION_EVENTS = {
    "stateChanged", "attemptStarted", "handshakeResponse", "connectionOpened", "disconnected",
    "reconnectScheduled", "paused", "resumed", "connectionReplaced", "closed"
  };

  /** A socket with a deterministic backoff and no heartbeat (quiet histories). */
  private static SteadySocketBuilder socket(FakeServer server, RecordingObserver rec) {
    return server.newSocket().observer(rec.factory())
        .backoff(Backoff.exponential(Duration.ofSeconds(1), Duration.ofSeconds(30)).withoutJitter())
        .heartbeat(Heartbeat.disabled());
  }

  @Test
  void aConnectionItsDropTheReconnectAndTheClose(FakeServer server, TestClock clock) {
    RecordingObserver rec = new RecordingObserver(clock);
    SteadySocket socket = socket(server, rec).build();
    try {
      socket.connect();
      clock.runUntilIdle();
      assertEquals(List.of(
          "PT0S stateChanged(IDLE, CONNECTING)",
          "PT0S attemptStarted(0, 1)",
          "PT0S handshakeResponse(101)",
          "PT0S stateChanged(CONNECTING, OPEN)",
          "PT0S connectionOpened(null, '', PT0S)"), rec.timeline());
      rec.clear();

      clock.advanceBy(Duration.ofSeconds(7)); // past the minimum uptime (5 s): stable
      server.connection().drop();
      clock.runUntilIdle();
      assertEquals(List.of(
          "PT7S disconnected(TRANSPORT_FAILURE/ConnectionLostException, PT7S)",
          "PT7S stateChanged(OPEN, RECONNECTING)",
          "PT7S reconnectScheduled(1, PT1S, ConnectionLostException)"), rec.timeline());
      Disconnect d = (Disconnect) rec.only("disconnected").arg(0);
      assertEquals(true, d.wasOpen());
      rec.clear();

      clock.advanceBy(Duration.ofSeconds(1));
      assertEquals(List.of(
          "PT8S stateChanged(RECONNECTING, CONNECTING)",
          "PT8S attemptStarted(0, 1)",
          "PT8S handshakeResponse(101)",
          "PT8S stateChanged(CONNECTING, OPEN)",
          "PT8S connectionOpened(null, '', PT0S)"), rec.timeline());
      rec.clear();
      clock.advanceBy(Duration.ofSeconds(2));
    } finally {
      socket.close();
    }
    clock.runUntilIdle();
    assertEquals(List.of(
        "PT10S stateChanged(OPEN, CLOSING)",
        "PT10S stateChanged(CLOSING, CLOSED)",
        "PT10S closed(1000 app)"), rec.timeline());
  }

  /**
   * Attempt numbers as the contract states them: 1 for the first attempt since connect(), then 2,
   * 3…; reconnectScheduled names the number attemptStarted then reports, and the delay the
   * attempt really waited. The URL index goes round the failover URLs; a 503's Retry-After is the
   * delay.
   */
  @Test
  void failedAttemptsAreNumberedAndGoRoundTheFailoverUrls(FakeServer server, TestClock clock) {
    RecordingObserver rec = new RecordingObserver(clock);
    SteadySocket socket = socket(server, rec).failoverUrls("ws://b.fake.test/", "ws://c.fake.test/").build();
    try {
      server.refuseConnections();
      socket.connect();
      clock.advanceBy(Duration.ofSeconds(4)); // attempts at 0, 1 and 3 s refused; the next is due at 7 s
      server.restore();
      server.rejectNextHandshakes(1, 503, Duration.ofSeconds(3));
      clock.advanceBy(Duration.ofSeconds(20));
      assertEquals(List.of(
          "PT0S attemptStarted(0, 1)",
          "PT0S disconnected(TRANSPORT_FAILURE/ConnectionLostException, -1)",
          "PT0S reconnectScheduled(2, PT1S, ConnectionLostException)",
          "PT1S attemptStarted(1, 2)",
          "PT1S disconnected(TRANSPORT_FAILURE/ConnectionLostException, -1)",
          "PT1S reconnectScheduled(3, PT2S, ConnectionLostException)",
          "PT3S attemptStarted(2, 3)",
          "PT3S disconnected(TRANSPORT_FAILURE/ConnectionLostException, -1)",
          "PT3S reconnectScheduled(4, PT4S, ConnectionLostException)",
          "PT7S attemptStarted(0, 4)",
          "PT7S handshakeResponse(503)",
          "PT7S disconnected(HANDSHAKE_REJECTED/HandshakeException, -1)",
          "PT7S reconnectScheduled(5, PT3S, HandshakeException)",
          "PT10S attemptStarted(1, 5)",
          "PT10S handshakeResponse(101)",
          "PT10S connectionOpened(null, '', PT0S)"),
          rec.timeline("attemptStarted", "handshakeResponse", "disconnected", "reconnectScheduled", "connectionOpened"));
      assertEquals(503, ((Disconnect) rec.named("disconnected").get(3).arg(0)).httpStatus());
      assertEquals(5, socket.metrics().connectionAttempts());
    } finally {
      socket.close();
    }
  }

  /** After an open connection that stayed up less than the minimum uptime, the count goes on. */
  @Test
  void aConnectionShorterThanTheMinimumUptimeDoesNotStartTheCountAgain(FakeServer server, TestClock clock) {
    RecordingObserver rec = new RecordingObserver(clock);
    SteadySocket socket = socket(server, rec).build();
    try {
      socket.connect();
      clock.advanceBy(Duration.ofSeconds(2));
      server.connection().drop(); // open 2 s < 5 s: not stable
      clock.advanceBy(Duration.ofSeconds(10));
      server.connection().drop(); // open 9 s: stable, the count starts again
      clock.advanceBy(Duration.ofSeconds(2));
      assertEquals(List.of(
          "PT0S attemptStarted(0, 1)",
          "PT0S connectionOpened(null, '', PT0S)",
          "PT2S disconnected(TRANSPORT_FAILURE/ConnectionLostException, PT2S)",
          "PT2S reconnectScheduled(2, PT1S, ConnectionLostException)",
          "PT3S attemptStarted(0, 2)",
          "PT3S connectionOpened(null, '', PT0S)",
          "PT12S disconnected(TRANSPORT_FAILURE/ConnectionLostException, PT9S)",
          "PT12S reconnectScheduled(1, PT1S, ConnectionLostException)",
          "PT13S attemptStarted(0, 1)",
          "PT13S connectionOpened(null, '', PT0S)"),
          rec.timeline("attemptStarted", "disconnected", "reconnectScheduled", "connectionOpened"));
      assertEquals(2, socket.metrics().reconnects(), "two reconnects after the first open");
    } finally {
      socket.close();
    }
  }

  @Test
  void a401WithoutATokenProviderEndsTheSocketAndClosedIsTheLastEvent(FakeServer server, TestClock clock) {
    RecordingObserver rec = new RecordingObserver(clock);
    SteadySocket socket = socket(server, rec).build();
    try {
      server.rejectNextHandshakes(1, 401, null);
      socket.connect();
      clock.runUntilIdle();
      assertEquals(List.of(
          "stateChanged(IDLE, CONNECTING)",
          "attemptStarted(0, 1)",
          "handshakeResponse(401)",
          "disconnected(HANDSHAKE_REJECTED/AuthenticationException, -1)",
          "stateChanged(CONNECTING, CLOSED)",
          "closed(-1 socket)"), rec.lines());
      assertEquals(ConnectionState.CLOSED, socket.state());
    } finally {
      socket.close();
    }
    clock.runUntilIdle();
    assertEquals("closed", rec.last().name, "nothing after closed, close() included");
  }

  @Test
  void a401WithATokenProviderRetriesWithAFreshTokenAfterTheBackoffFloor(FakeServer server, TestClock clock) {
    RecordingObserver rec = new RecordingObserver(clock);
    SteadySocket socket = socket(server, rec).tokenProvider(refresh -> refresh ? "fresh" : "stale").build();
    try {
      server.rejectNextHandshakes(1, 401, null);
      socket.connect();
      clock.advanceBy(Duration.ofSeconds(1));
      assertEquals(List.of(
          "PT0S attemptStarted(0, 1)",
          "PT0S handshakeResponse(401)",
          "PT0S disconnected(HANDSHAKE_REJECTED/AuthenticationException, -1)",
          "PT0S reconnectScheduled(2, PT0.1S, AuthenticationException)",
          "PT0.1S attemptStarted(0, 2)",
          "PT0.1S handshakeResponse(101)",
          "PT0.1S connectionOpened(null, '', PT0S)"),
          rec.timeline("attemptStarted", "handshakeResponse", "disconnected", "reconnectScheduled", "connectionOpened"));
      assertEquals("Bearer fresh", server.connection().header("Authorization"));
    } finally {
      socket.close();
    }
  }

  @Test
  void theSubprotocolTheServerChoseIsReported(FakeServer server, TestClock clock) {
    RecordingObserver rec = new RecordingObserver(clock);
    SteadySocket socket = socket(server, rec).subprotocols("feed.v2", "feed.v1").build();
    try {
      socket.connect();
      clock.runUntilIdle();
      assertEquals(List.of("connectionOpened(feed.v2, '', PT0S)"), rec.lines("connectionOpened"));
      assertEquals("feed.v2", socket.subprotocol());
    } finally {
      socket.close();
    }
  }

  @Test
  void pauseAndResumeWithSeveralReasons(FakeServer server, TestClock clock) {
    RecordingObserver rec = new RecordingObserver(clock);
    SteadySocket socket = socket(server, rec).build();
    try {
      socket.connect();
      clock.advanceBy(Duration.ofSeconds(6));
      rec.clear();
      socket.pause("background");
      socket.pause("offline");
      socket.pause("background"); // already held: no event
      clock.runUntilIdle();
      assertEquals(List.of("paused(background)", "stateChanged(OPEN, PAUSED)", "paused(offline)"),
          rec.lines(CONNECTION_EVENTS));
      rec.clear();

      socket.resume("unknown"); // never held: no event
      socket.resume("background");
      clock.advanceBy(Duration.ofSeconds(1));
      assertEquals(List.of("resumed(background, stillPaused)"), rec.lines(CONNECTION_EVENTS));
      rec.clear();

      socket.resume("offline");
      clock.runUntilIdle();
      assertEquals(List.of(
          "PT7S resumed(offline, released)",
          "PT7S stateChanged(PAUSED, CONNECTING)",
          "PT7S attemptStarted(0, 1)",
          "PT7S handshakeResponse(101)",
          "PT7S stateChanged(CONNECTING, OPEN)",
          "PT7S connectionOpened(null, '', PT0S)"), rec.timeline(CONNECTION_EVENTS));
    } finally {
      socket.close();
    }
  }

  @Test
  void aPauseBeforeConnectTakesEffectOnConnect(FakeServer server, TestClock clock) {
    RecordingObserver rec = new RecordingObserver(clock);
    SteadySocket socket = socket(server, rec).build();
    try {
      socket.pause("metered");
      socket.connect();
      clock.runUntilIdle();
      assertEquals(List.of("paused(metered)", "stateChanged(IDLE, PAUSED)"), rec.lines());
    } finally {
      socket.close();
    }
  }

  /**
   * A resume starts the count again ({@code onReconnecting} too, the listener's Javadoc says so):
   * the attempt after a pause in an outage is attempt 1, not the number planned before the pause.
   */
  @Test
  void theFirstAttemptAfterAResumeIsAttemptOne(FakeServer server, TestClock clock) {
    RecordingObserver rec = new RecordingObserver(clock);
    SocketEvents listener = new SocketEvents();
    SteadySocket socket = socket(server, rec).listener(listener).build();
    try {
      server.refuseConnections();
      socket.connect();
      clock.advanceBy(Duration.ofSeconds(2)); // attempts 1 and 2 refused; attempt 3 planned for 5 s
      socket.pause("offline");
      clock.advanceBy(Duration.ofSeconds(10));
      socket.resume("offline");
      clock.runUntilIdle();
      assertEquals(List.of(
          "PT0S attemptStarted(0, 1)",
          "PT0S reconnectScheduled(2, PT1S, ConnectionLostException)",
          "PT1S attemptStarted(0, 2)",
          "PT1S reconnectScheduled(3, PT2S, ConnectionLostException)",
          "PT12S attemptStarted(0, 1)",
          "PT12S reconnectScheduled(2, PT1S, ConnectionLostException)"),
          rec.timeline("attemptStarted", "reconnectScheduled"));
    } finally {
      socket.close();
    }
  }

  @Test
  void anEventAfterCloseIsNotALoopEvent(FakeServer server, TestClock clock) {
    RecordingObserver rec = new RecordingObserver(clock);
    SteadySocket socket = socket(server, rec).build();
    socket.pause("offline");
    socket.connect();
    clock.runUntilIdle();
    socket.close();
    clock.runUntilIdle();
    assertEquals("closed", rec.last().name);
    socket.resume("offline"); // the reason was held when the socket closed
    socket.pause("again");
    clock.runUntilIdle();
    assertEquals("closed", rec.last().name, "closed is the loop's last event: " + rec.lines());
  }

  @Test
  void replaceConnectionWhileOpenStartsANewAttempt(FakeServer server, TestClock clock) {
    RecordingObserver rec = new RecordingObserver(clock);
    SteadySocket socket = socket(server, rec).build();
    try {
      socket.connect();
      clock.advanceBy(Duration.ofSeconds(6));
      ServerConnection first = server.connection();
      rec.clear();
      socket.replaceConnection();
      clock.runUntilIdle();
      assertEquals(List.of(
          "connectionReplaced()",
          "stateChanged(OPEN, CONNECTING)",
          "attemptStarted(0, 1)",
          "handshakeResponse(101)",
          "stateChanged(CONNECTING, OPEN)",
          "connectionOpened(null, '', PT0S)"), rec.lines());
      assertEquals(false, first.isOpen(), "the old connection was closed, without a disconnected event");
      assertEquals(1, socket.metrics().reconnects(), "a replacement counts as a reconnect");
    } finally {
      socket.close();
    }
  }

  /** While connecting, a replace abandons the attempt and starts the next: the second since connect(). */
  @Test
  void replaceConnectionWhileConnectingStartsTheNextAttempt(FakeServer server, TestClock clock) {
    RecordingObserver rec = new RecordingObserver(clock);
    SteadySocket socket = socket(server, rec).build();
    try {
      socket.connect();
      socket.replaceConnection(); // runs on the loop right after connect(): the attempt is in flight
      clock.runUntilIdle();
      assertEquals(List.of(
          "stateChanged(IDLE, CONNECTING)",
          "attemptStarted(0, 1)",
          "connectionReplaced()",
          "attemptStarted(0, 2)",
          "handshakeResponse(101)",
          "stateChanged(CONNECTING, OPEN)",
          "connectionOpened(null, '', PT0S)"), rec.lines());
      assertEquals(1, server.handshakes(), "the abandoned attempt never reached the server");
    } finally {
      socket.close();
    }
  }

  /** A replace during a wait the server imposed (503 with Retry-After) is ignored: no event. */
  @Test
  void replaceConnectionDuringAServerImposedWaitDoesNothing(FakeServer server, TestClock clock) {
    RecordingObserver rec = new RecordingObserver(clock);
    SteadySocket socket = socket(server, rec).build();
    try {
      server.rejectNextHandshakes(1, 503, Duration.ofSeconds(10));
      socket.connect();
      clock.runUntilIdle();
      rec.clear();
      socket.replaceConnection();
      socket.reconnectNow();
      clock.advanceBy(Duration.ofSeconds(9));
      assertEquals(List.of(), rec.lines());
      clock.advanceBy(Duration.ofSeconds(1));
      assertEquals(List.of("PT10S attemptStarted(0, 2)"), rec.timeline("attemptStarted", "connectionReplaced"));
    } finally {
      socket.close();
    }
  }

  /** Every transition the listener hears of, the observer heard of first, in the same order, once. */
  @Test
  void stateChangedMatchesTheListenersTransitionsOneForOne(FakeServer server, TestClock clock) {
    RecordingObserver rec = new RecordingObserver(clock);
    SocketEvents listener = new SocketEvents();
    SteadySocket socket = socket(server, rec).listener(listener).build();
    socket.connect();
    clock.advanceBy(Duration.ofSeconds(6));
    server.connection().drop();
    clock.advanceBy(Duration.ofSeconds(2));
    socket.pause("p");
    clock.runUntilIdle();
    socket.resume("p");
    clock.runUntilIdle();
    socket.replaceConnection();
    clock.runUntilIdle();
    server.refuseConnections();
    clock.advanceBy(Duration.ofSeconds(3));
    socket.close();
    clock.runUntilIdle();
    List<String> fromListener = new java.util.ArrayList<>();
    List<ConnectionState> states = new java.util.ArrayList<>(listener.states());
    states.add(0, ConnectionState.IDLE); // the listener's list leaves the initial state out
    for (int i = 1; i < states.size(); i++) fromListener.add("stateChanged(" + states.get(i - 1) + ", " + states.get(i) + ")");
    assertEquals(fromListener, rec.lines("stateChanged"));
    for (int i = 1; i < rec.count("stateChanged"); i++) {
      assertSame(rec.named("stateChanged").get(i - 1).arg(1), rec.named("stateChanged").get(i).arg(0), "a chain");
    }
  }
}
