package dev.steadysocket.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.steadysocket.ConnectionState;
import dev.steadysocket.Envelope;
import dev.steadysocket.SteadySocket;
import dev.steadysocket.testing.server.Envelopes;
import dev.steadysocket.testing.server.StreamId;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Defects a reader of the kit found (the Javadoc pass); each test failed before its fix. */
@ExtendWith(SteadySocketExtension.class)
class KitReviewRegressionTest {
  @Test
  void dropEndsAHalfOpenConnection(FakeServer server, TestClock clock) {
    SocketEvents events = new SocketEvents();
    SteadySocket socket = server.newSocket().listener(events).build();
    try {
      socket.connect();
      clock.runUntilIdle();
      ServerConnection c = server.connection();
      c.goHalfOpen();
      c.drop();
      clock.runUntilIdle();
      assertFalse(c.isOpen(), "the server's side ended");
      assertEquals(1, events.reconnects().size(), "the client read the end of stream at once: " + events);
    } finally {
      socket.close();
    }
  }

  @Test
  void advanceUntilRefusesANegativeLimitAndTimeNeverGoesBack(TestClock clock) {
    clock.advanceBy(Duration.ofSeconds(10));
    assertThrows(IllegalArgumentException.class, () -> clock.advanceUntil(() -> false, Duration.ofSeconds(-5)));
    assertEquals(Duration.ofSeconds(10), clock.elapsed());
  }

  @Test
  void closeCodesAreCheckedInMemoryAsOkHttpChecksThemOnLoopback(FakeServer server, TestClock clock) {
    SteadySocket socket = server.newSocket().build();
    try {
      socket.connect();
      clock.runUntilIdle();
      assertThrows(IllegalArgumentException.class, () -> server.connection().close(1005, "reserved"));
      assertThrows(IllegalArgumentException.class, () -> server.connection().close(999, "too low"));
      assertEquals(ConnectionState.OPEN, socket.state());
    } finally {
      socket.close();
    }
  }

  @Test
  void countsAndDurationsAreValidatedWithClearMessages(FakeServer server) {
    assertThrows(IllegalArgumentException.class, () -> server.rejectNextHandshakes(-1, 503, null));
    assertThrows(IllegalArgumentException.class, () -> server.rejectNextHandshakes(1, 503, Duration.ofMillis(-1)));
    assertThrows(IllegalArgumentException.class, () -> server.loseNextAcks(-1));
    assertThrows(IllegalArgumentException.class, () -> server.delayAcks(Duration.ofSeconds(-1)));
    assertThrows(NullPointerException.class, () -> FakeServer.builder().resumeGrace(null));
    assertThrows(NullPointerException.class, () -> FakeServer.builder().clock(null));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> server.stream("feed").recent(-1));
    assertTrue(e.getMessage().contains("count"), e.getMessage());
  }

  @Test
  void aSubSecondRetryAfterRoundsUpNotToZero(FakeServer server, TestClock clock) {
    server.rejectNextHandshakes(1, 503, Duration.ofMillis(1_500));
    SocketEvents events = new SocketEvents();
    SteadySocket socket = server.newSocket().listener(events).build();
    try {
      socket.connect();
      clock.runUntilIdle();
      assertEquals(Duration.ofSeconds(2), events.reconnects().get(0).delay(), "Retry-After is whole seconds: 1.5 s -> 2");
    } finally {
      socket.close();
    }
  }

  @Test
  void inMemoryTheServersTimeIsTheTestClocks(FakeServer server, TestClock clock) {
    SocketEvents events = new SocketEvents();
    SteadySocket socket = server.newSocket().listener(events).build();
    try {
      socket.connect();
      clock.advanceBy(Duration.ofSeconds(3));
      String id = server.publish("feed", "tick", 1);
      server.connection().send("note", "x");
      clock.runUntilIdle();
      assertEquals(clock.now().toEpochMilli(), StreamId.parse(id).millis(), "stream ids from the test clock");
      assertEquals(clock.now().toEpochMilli(), events.messages("note").get(0).timestamp());
      assertEquals(clock.now().toEpochMilli(), events.messages("tick").get(0).timestamp());
    } finally {
      socket.close();
    }
  }

  @Test
  void serverParsingIsAsStrictAsTheClientsCodec() {
    assertTrue(Envelopes.parseObject("{\"a\":1} xyz") == null, "trailing data is not an envelope");
    assertFalse(Envelopes.wantsAck(Envelopes.parseObject("{\"meta\":{\"ack\":\"true\"}}")), "only JSON true asks");
    assertFalse(Envelopes.wantsAck(Envelopes.parseObject("{\"meta\":{\"ack\":1}}")));
    assertTrue(Envelopes.wantsAck(Envelopes.parseObject("{\"meta\":{\"ack\":true}}")));
    assertEquals(null, StreamId.parse("+5-+3"));
  }

  @Test
  void recordedBinaryMessagesCannotBeChangedThroughTheGetter() {
    SocketEvents events = new SocketEvents();
    events.onBinaryMessage(new byte[] {1, 2});
    events.binaryMessages().get(0)[0] = 9;
    assertEquals(1, events.binaryMessages().get(0)[0]);
  }

  @Test
  void envelopeIdsAreStillRandomButTimestampsFollowTheClock(FakeServer server, TestClock clock) {
    SteadySocket socket = server.newSocket().build();
    try {
      socket.connect();
      clock.runUntilIdle();
      socket.send(Envelope.of("a", 1));
      clock.runUntilIdle();
      assertEquals(TestClock.EPOCH.toEpochMilli(), server.expectReceived("a").timestamp());
    } finally {
      socket.close();
    }
  }
}
