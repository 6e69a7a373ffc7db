package dev.steadysocket.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.steadysocket.ConnectionState;
import dev.steadysocket.Envelope;
import dev.steadysocket.SteadySocket;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * ServerConnection as a test drives it in memory: what it tells about the handshake, what it
 * recorded, how it reports the end, and what its commands do to a half-open link.
 */
@ExtendWith(SteadySocketExtension.class)
class ServerConnectionMutationTest {
  private static SteadySocket open(FakeServer server, SocketEvents events, String url) {
    SteadySocket socket = server.wire(SteadySocket.builder(url)).listener(events)
        .header("X-Tenant", "acme").maxReconnectAttempts(0).build();
    socket.connect();
    server.clock().runUntilIdle();
    assertEquals(ConnectionState.OPEN, socket.state());
    return socket;
  }

  @Test
  void describesItsHandshake(FakeServer server, TestClock clock) {
    SocketEvents events = new SocketEvents();
    SteadySocket a = open(server, events, "ws://anything.test/chat?room=7&x=%20");
    SteadySocket b = open(server, events, "ws://anything.test/");
    try {
      List<ServerConnection> connections = server.connections();
      ServerConnection first = connections.stream().filter(c -> c.index() == 0).findFirst().orElseThrow();
      ServerConnection second = connections.stream().filter(c -> c.index() == 1).findFirst().orElseThrow();
      assertEquals("/chat?room=7&x=%20", first.path());
      assertEquals("/", second.path());
      assertEquals("acme", first.header("x-tenant"), "names match case-insensitively");
      assertEquals("acme", first.header("X-TENANT"));
      assertNull(first.header("X-Missing"));
      assertEquals("ServerConnection{#0 /chat?room=7&x=%20, open}", first.toString());
    } finally {
      a.close();
      b.close();
    }
  }

  @Test
  void recordsEnvelopesButNotHeartbeatsOrWhatIsNoEnvelope(FakeServer server, TestClock clock) {
    SteadySocket socket = open(server, new SocketEvents(), server.url());
    try {
      ServerConnection c = server.connection();
      socket.send(Envelope.of("chat", "one"));
      socket.send(Envelope.of("chat", "two"));
      clock.advanceBy(Duration.ofMinutes(1)); // heartbeats go both ways meanwhile
      assertEquals(List.of("one", "two"), c.received().stream().map(e -> e.content().asText()).toList());
      c.received().clear();
      assertEquals(2, c.received().size(), "a copy");
      assertEquals(2, server.received().size());
    } finally {
      socket.close();
    }
  }

  @Test
  void reportsTheClientsCloseCodeAsSoonAsItArrivesAndKeepsIt(FakeServer server, TestClock clock) {
    SteadySocket socket = open(server, new SocketEvents(), server.url());
    ServerConnection c = server.connection();
    assertTrue(c.isOpen());
    assertNull(c.closeCode());
    socket.close();
    clock.runUntilIdle();
    assertEquals(1000, c.closeCode());
    assertFalse(c.isOpen());
    assertEquals("ServerConnection{#0 /, ended}", c.toString());
    assertFalse(c.send("late", 1), "a closed connection sends nothing");
    assertTrue(server.connections().isEmpty());
  }

  @Test
  void aDropIsReportedAsMinusOne(FakeServer server, TestClock clock) {
    SteadySocket socket = open(server, new SocketEvents(), server.url());
    try {
      ServerConnection c = server.connection();
      c.drop();
      clock.runUntilIdle();
      assertEquals(-1, c.closeCode());
      assertFalse(c.isOpen());
      c.drop(); // nothing left to drop
      c.reset();
      clock.runUntilIdle();
      assertEquals(-1, c.closeCode());
    } finally {
      socket.close();
    }
  }

  @Test
  void aResetFailsTheClientWithAConnectionReset(FakeServer server, TestClock clock) {
    SocketEvents events = new SocketEvents();
    SteadySocket socket = open(server, events, server.url());
    try {
      ServerConnection c = server.connection();
      c.send("lost in flight", 1);
      c.reset();
      clock.runUntilIdle();
      assertEquals(-1, c.closeCode());
      assertTrue(events.messages().isEmpty(), "what was in flight is lost");
      assertEquals(ConnectionState.CLOSED, socket.state());
    } finally {
      socket.close();
    }
  }

  @Test
  void halfOpenStallsAtOnceInMemoryAndSwallowsTheServersFramesAndClose(FakeServer server, TestClock clock) {
    SocketEvents events = new SocketEvents();
    SteadySocket socket = open(server, events, server.url());
    try {
      ServerConnection c = server.connection();
      assertFalse(c.isStalled());
      c.goHalfOpen();
      assertTrue(c.isStalled());
      assertTrue(c.send("tick", 1), "the server cannot tell it is lost");
      assertTrue(c.sendRaw("{}"));
      c.close(4000, "unheard");
      socket.send(Envelope.of("chat", "unread"));
      clock.runUntilIdle();
      assertTrue(events.messages().isEmpty());
      assertEquals(ConnectionState.OPEN, socket.state(), "the close never arrived");
      assertTrue(c.isOpen());
      assertTrue(c.received().isEmpty());
    } finally {
      socket.close();
    }
  }

  @Test
  void replaySendsTheNewestEntriesAgainAndChecksItsArguments(FakeServer server, TestClock clock) {
    SocketEvents events = new SocketEvents();
    SteadySocket socket = open(server, events, server.url());
    try {
      clock.advanceBy(Duration.ofSeconds(1)); // past the resume grace: live
      server.publish("feed", "tick", 1);
      server.publish("feed", "tick", 2);
      server.publish("feed", "tick", 3);
      clock.runUntilIdle();
      ServerConnection c = server.connection();
      c.replay("feed", 2);
      c.replay("feed", 0);
      clock.runUntilIdle();
      assertEquals(List.of(1, 2, 3, 2, 3), events.messages("tick").stream().map(e -> e.content().asInt()).toList());
      IllegalArgumentException negative = assertThrows(IllegalArgumentException.class, () -> c.replay("feed", -1));
      assertEquals("count < 0: -1", negative.getMessage());
      assertThrows(IllegalArgumentException.class, () -> c.replay("nope", 1));
    } finally {
      socket.close();
    }
  }

  @Test
  void anEndedConnectionStopsReceivingTheStreams(FakeServer server, TestClock clock) {
    SteadySocket dropped = open(server, new SocketEvents(), server.url());
    SteadySocket closed = open(server, new SocketEvents(), server.url());
    try {
      clock.advanceBy(Duration.ofSeconds(1)); // past the resume grace: both live
      assertEquals(2, server.stream("feed").subscriberCount());
      server.connections().stream().filter(c -> c.index() == 0).findFirst().orElseThrow().drop();
      clock.runUntilIdle();
      assertEquals(1, server.stream("feed").subscriberCount(), "a failed connection leaves");
      closed.close();
      clock.runUntilIdle();
      assertEquals(0, server.stream("feed").subscriberCount(), "a closed one too");
    } finally {
      dropped.close();
      closed.close();
    }
  }
}
