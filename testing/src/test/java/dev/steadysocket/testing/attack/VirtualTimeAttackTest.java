package dev.steadysocket.testing.attack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.steadysocket.ConnectionState;
import dev.steadysocket.Envelope;
import dev.steadysocket.SetupMessage;
import dev.steadysocket.SteadySocket;
import dev.steadysocket.testing.FakeServer;
import dev.steadysocket.testing.SocketEvents;
import dev.steadysocket.testing.SteadySocketExtension;
import dev.steadysocket.testing.TestClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The in-memory mode's virtual time: whether every clock really is the TestClock's, and the clock's own rules. */
@ExtendWith(SteadySocketExtension.class)
class VirtualTimeAttackTest {
  private static SteadySocket open(FakeServer server, SocketEvents events) {
    SteadySocket socket = server.newSocket().listener(events).build();
    socket.connect();
    server.clock().runUntilIdle();
    return socket;
  }

  /**
   * Promise (client-core, 5576b58): an envelope whose timestamp is the one {@code
   * Envelope.builder}/{@code of} preset is stamped with the socket's clock when the socket sends it
   * (Outbound.send). Setup messages are sent by SetupEncoder, which never restamps: under the kit a
   * {@code SetupMessage.of(Envelope.of(...))} reaches the server with the real wall-clock time at
   * which it was built, three virtual days before it was sent. ({@code fromToken} and
   * {@code cancelWith} take the same path.) Severity: medium.
   */
  @Test
  void setupMessagesAreNotStampedWithTheSocketsClock(FakeServer server, TestClock clock) {
    SteadySocket socket = server.newSocket().build();
    try {
      socket.setup(SetupMessage.of(Envelope.of("subscribe", "prices")));
      clock.advanceBy(Duration.ofDays(3));
      socket.connect();
      clock.runUntilIdle();
      assertEquals(clock.now(), Instant.ofEpochMilli(server.expectReceived("subscribe").timestamp()));
    } finally {
      socket.close();
    }
  }

  /**
   * Promise: {@code advanceUntil} checks the condition "after each task". It runs every task due at
   * the instant before it checks, so a state held only within one instant is never seen: after a
   * drop, the socket goes RECONNECTING -> CONNECTING -> OPEN, CONNECTING and OPEN at the same virtual
   * instant, and {@code advanceUntil(state == CONNECTING)} runs to its limit and fails, though the
   * socket was CONNECTING (SocketEvents recorded it). Severity: medium (the natural way to wait for
   * "the banner says connecting" cannot work).
   */
  @Test
  void advanceUntilNeverSeesAStateHeldWithinOneInstant(FakeServer server, TestClock clock) {
    SocketEvents events = new SocketEvents();
    SteadySocket socket = open(server, events);
    try {
      server.connection().drop();
      clock.advanceUntil(() -> socket.state() == ConnectionState.RECONNECTING, Duration.ofMinutes(1));
      clock.advanceUntil(() -> socket.state() == ConnectionState.CONNECTING, Duration.ofMinutes(1));
    } finally {
      socket.close();
    }
  }

  /**
   * Promise: "a test looks at the state at T-1 and at T without sleeping", and the banner
   * example ("reconnecting in 8 s after the third failure"). A socket from {@code newSocket()} keeps
   * the default backoff with full jitter from an unseeded random, so the same script on two fresh
   * servers gives two different virtual timelines. Resolved by documenting (docs/testing.md, "Repeatable
   * timelines"): the jitter is the app's backoff's; a test that wants one timeline gives the socket a
   * seeded one, and then the kit itself adds no nondeterminism: the same script, the same timeline.
   */
  @Test
  void theSameScriptTwiceGivesTheSameVirtualTimelineWithASeededBackoff() {
    assertEquals(reconnectDelays(), reconnectDelays());
  }

  private static List<Duration> reconnectDelays() {
    try (FakeServer server = FakeServer.inMemory()) {
      TestClock clock = server.clock();
      SocketEvents events = new SocketEvents();
      SteadySocket socket = server.newSocket().listener(events)
          .backoff(dev.steadysocket.Backoff.defaults().withRandom(new java.util.Random(42))).build();
      socket.connect();
      clock.runUntilIdle();
      try {
        server.refuseConnections();
        clock.advanceBy(Duration.ofMinutes(1));
        List<Duration> delays = new ArrayList<>();
        for (SocketEvents.Reconnect r : events.reconnects()) delays.add(r.delay());
        return delays;
      } finally {
        socket.close();
        clock.runUntilIdle();
      }
    }
  }

  /**
   * Promise: frames move one per clock task; the link keeps moving. When an {@code onMessage}
   * handler throws, the exception leaves {@code runUntilIdle} (good), but MemoryLink's pump had
   * marked itself running and never re-posts: every frame queued behind, and every later one from
   * the client (heartbeats included), is never delivered. The connection is silently wedged until
   * the heartbeat declares it dead minutes later. (On loopback OkHttp fails the connection instead.)
   * Severity: medium.
   */
  @Test
  void aThrowingServerHandlerWedgesTheInMemoryLink(FakeServer server, TestClock clock) {
    server.onMessage("boom", (c, e) -> {
      throw new IllegalStateException("a bug in the test's handler");
    });
    SteadySocket socket = open(server, new SocketEvents());
    try {
      socket.send(Envelope.of("boom", 1));
      socket.send(Envelope.of("after", 2));
      assertThrows(IllegalStateException.class, clock::runUntilIdle);
      socket.send(Envelope.of("later", 3));
      clock.advanceBy(Duration.ofSeconds(1));
      assertEquals(List.of("boom", "after", "later"), types(server.received()));
    } finally {
      socket.close();
    }
  }

  private static List<String> types(List<Envelope> envelopes) {
    List<String> out = new ArrayList<>();
    for (Envelope e : envelopes) out.add(e.type());
    return out;
  }
}
