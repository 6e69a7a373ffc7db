package dev.steadysocket.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.steadysocket.CloseReason;
import dev.steadysocket.ConnectionState;
import dev.steadysocket.DeadLinkException;
import dev.steadysocket.Envelope;
import dev.steadysocket.HandshakeException;
import dev.steadysocket.Heartbeat;
import dev.steadysocket.SteadySocket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The in-memory FakeServer: the protocol it speaks and the faults it injects, all in virtual time. */
@ExtendWith(SteadySocketExtension.class)
class InMemoryServerTest {
  private static SteadySocket open(FakeServer server, SocketEvents events) {
    SteadySocket socket = server.newSocket().listener(events).build();
    socket.connect();
    server.clock().runUntilIdle();
    assertEquals(ConnectionState.OPEN, socket.state());
    return socket;
  }

  @Test
  void opensAndExchangesEnvelopesWithoutTimePassing(FakeServer server, TestClock clock) {
    SocketEvents events = new SocketEvents();
    SteadySocket socket = open(server, events);
    try {
      socket.send(Envelope.of("chat", Map.of("text", "hi")));
      server.connection().send("ticker", Map.of("price", 42));
      clock.runUntilIdle();
      assertEquals("hi", server.expectReceived("chat").content().path("text").asText());
      assertEquals(42, events.messages("ticker").get(0).content().path("price").asInt());
      assertEquals(Duration.ZERO, clock.elapsed());
      assertEquals(List.of(ConnectionState.CONNECTING, ConnectionState.OPEN), events.states());
    } finally {
      socket.close();
    }
  }

  @Test
  void stampsEnvelopesWithTheVirtualClock(FakeServer server, TestClock clock) {
    SteadySocket socket = open(server, new SocketEvents());
    try {
      clock.advanceBy(Duration.ofSeconds(5));
      socket.send(Envelope.of("chat", "x"));
      clock.runUntilIdle();
      assertEquals(TestClock.EPOCH.plusSeconds(5).toEpochMilli(), server.expectReceived("chat").timestamp());
    } finally {
      socket.close();
    }
  }

  @Test
  void echoesHeartbeatsSoTheLinkStaysUpForHours(FakeServer server, TestClock clock) {
    SocketEvents events = new SocketEvents();
    SteadySocket socket = open(server, events);
    try {
      clock.advanceBy(Duration.ofHours(3));
      assertEquals(ConnectionState.OPEN, socket.state());
      assertEquals(1, server.handshakes());
      assertTrue(socket.metrics().lastHeartbeatRttMillis() >= 0);
    } finally {
      socket.close();
    }
  }

  @Test
  void halfOpenIsDetectedByTheHeartbeatAndTheSocketReconnects(FakeServer server, TestClock clock) {
    SocketEvents events = new SocketEvents();
    SteadySocket socket = open(server, events);
    try {
      server.connection().goHalfOpen();
      Duration took = clock.advanceUntil(() -> !events.reconnects().isEmpty(), Duration.ofMinutes(5));
      assertInstanceOf(DeadLinkException.class, events.reconnects().get(0).cause());
      assertTrue(took.compareTo(Duration.ofSeconds(30)) > 0, "detected after " + took);
      clock.advanceUntil(() -> socket.state() == ConnectionState.OPEN, Duration.ofMinutes(1));
      assertEquals(2, server.handshakes());
    } finally {
      socket.close();
    }
  }

  @Test
  void dropAndResetReconnectWithBackoff(FakeServer server, TestClock clock) {
    SocketEvents events = new SocketEvents();
    SteadySocket socket = open(server, events);
    try {
      server.connection().drop();
      clock.advanceUntil(() -> socket.state() == ConnectionState.OPEN && server.handshakes() == 2, Duration.ofMinutes(1));
      server.connection().reset();
      clock.advanceUntil(() -> socket.state() == ConnectionState.OPEN && server.handshakes() == 3, Duration.ofMinutes(1));
      assertEquals(2, events.reconnects().size());
      assertTrue(events.reconnects().stream().allMatch(r -> r.delay().compareTo(Duration.ZERO) > 0));
    } finally {
      socket.close();
    }
  }

  @Test
  void rejectedHandshakesCarryStatusAndRetryAfter(FakeServer server, TestClock clock) {
    server.rejectNextHandshakes(2, 503, Duration.ofSeconds(20));
    SocketEvents events = new SocketEvents();
    SteadySocket socket = server.newSocket().listener(events).build();
    try {
      socket.connect();
      clock.advanceUntil(() -> socket.state() == ConnectionState.OPEN, Duration.ofMinutes(2));
      assertEquals(3, server.handshakes());
      assertEquals(Duration.ofSeconds(20), events.reconnects().get(0).delay());
      HandshakeException e = assertInstanceOf(HandshakeException.class, events.reconnects().get(0).cause());
      assertEquals(503, e.statusCode());
    } finally {
      socket.close();
    }
  }

  @Test
  void refusedConnectionsBackOffUntilRestored(FakeServer server, TestClock clock) {
    SocketEvents events = new SocketEvents();
    SteadySocket socket = open(server, events);
    try {
      server.refuseConnections();
      clock.advanceBy(Duration.ofMinutes(2));
      assertEquals(ConnectionState.RECONNECTING, socket.state());
      assertTrue(events.reconnects().size() >= 4, "retries: " + events.reconnects());
      assertTrue(events.reconnects().stream().allMatch(r -> r.delay().compareTo(Duration.ofSeconds(30)) <= 0));
      server.restore();
      clock.advanceUntil(() -> socket.state() == ConnectionState.OPEN, Duration.ofSeconds(31));
    } finally {
      socket.close();
    }
  }

  @Test
  void closeWithACodeReachesTheSocket(FakeServer server, TestClock clock) {
    SocketEvents events = new SocketEvents();
    SteadySocket socket = server.newSocket().listener(events).maxReconnectAttempts(0).build();
    socket.connect();
    clock.runUntilIdle();
    server.connection().close(4001, "kicked");
    clock.runUntilIdle();
    CloseReason reason = events.closeReason();
    assertNotNull(reason, events.toString());
    assertEquals(ConnectionState.CLOSED, socket.state());
    assertTrue(server.connections().isEmpty());
  }

  @Test
  void acknowledgedSendsAreDeliveredOnceThoughAnAckIsLost(FakeServer server, TestClock clock) {
    SteadySocket socket = server.newSocket().acknowledgedSends(true).build();
    try {
      socket.connect();
      clock.runUntilIdle();
      server.loseNextAcks(1);
      CompletableFuture<Void> sent = socket.send(Envelope.of("order", Map.of("qty", 1)));
      clock.runUntilIdle();
      assertFalse(sent.isDone(), "no ack yet");
      server.connection().drop();
      clock.advanceUntil(sent::isDone, Duration.ofMinutes(1));
      assertEquals(2, server.received("order").size(), "sent twice");
      assertEquals(1, server.delivered().size(), "delivered once");
      assertEquals(1, server.duplicatesDropped());
    } finally {
      socket.close();
    }
  }

  @Test
  void delayedAcksCompleteLater(FakeServer server, TestClock clock) {
    SteadySocket socket = server.newSocket().acknowledgedSends(true).build();
    try {
      socket.connect();
      clock.runUntilIdle();
      server.delayAcks(Duration.ofSeconds(3));
      CompletableFuture<Void> sent = socket.send(Envelope.of("order", 1));
      clock.advanceBy(Duration.ofMillis(2_999));
      assertFalse(sent.isDone());
      clock.advanceBy(Duration.ofMillis(1));
      assertTrue(sent.isDone());
    } finally {
      socket.close();
    }
  }

  @Test
  void requestsGetRepliesByRule(FakeServer server, TestClock clock) {
    server.replyTo("quote", request -> Map.of("symbol", request.content().asText(), "price", 101));
    SteadySocket socket = open(server, new SocketEvents());
    try {
      CompletableFuture<Envelope> reply = socket.request(Envelope.of("quote", "ACME"), Duration.ofSeconds(5));
      clock.runUntilIdle();
      assertEquals(101, reply.join().content().path("price").asInt());
    } finally {
      socket.close();
    }
  }

  @Test
  void messageHandlersRelayBetweenConnections(FakeServer server, TestClock clock) {
    server.onMessage("chat", (from, e) -> {
      for (ServerConnection c : server.connections()) if (c != from) c.send("chat", e.content());
    });
    SocketEvents alice = new SocketEvents(), bob = new SocketEvents();
    SteadySocket a = open(server, alice), b = open(server, bob);
    try {
      a.send(Envelope.of("chat", "hello bob"));
      clock.runUntilIdle();
      assertEquals("hello bob", bob.messages("chat").get(0).content().asText());
      assertTrue(alice.messages("chat").isEmpty());
    } finally {
      a.close();
      b.close();
    }
  }

  @Test
  void resumingClientsGetWhatTheyMissedAndReplaysAreDeduplicated(FakeServer server, TestClock clock) {
    SocketEvents events = new SocketEvents();
    SteadySocket socket = server.newSocket().listener(events).resumeStreams(true).deduplicate(1_000).build();
    try {
      socket.connect();
      clock.advanceBy(Duration.ofSeconds(1)); // past the resume grace: live
      server.publish("feed", "tick", 1);
      clock.runUntilIdle();
      server.connection().drop();
      server.publish("feed", "tick", 2); // missed while disconnected
      clock.advanceUntil(() -> events.messages("tick").size() == 2, Duration.ofMinutes(1));
      server.connection().replay("feed", 2);
      clock.runUntilIdle();
      assertEquals(List.of(1, 2), events.messages("tick").stream().map(e -> e.content().asInt()).collect(
          java.util.stream.Collectors.toList()));
      assertNotNull(server.connection().header("X-SteadySocket-Resume"));
    } finally {
      socket.close();
    }
  }

  @Test
  void heartbeatCanBeTurnedOffAndTheClockReportsRunawayLoops(FakeServer server, TestClock clock) {
    SteadySocket socket = server.newSocket().heartbeat(Heartbeat.disabled()).build();
    socket.connect();
    clock.runUntilIdle();
    socket.close();
    clock.advanceBy(Duration.ofSeconds(10));
    assertEquals(0, clock.pendingTimers());
    assertNull(clock.nextTaskIn());
    try (FakeServer real = FakeServer.loopback()) {
      assertThrows(IllegalStateException.class, real::clock);
    }
  }
}
