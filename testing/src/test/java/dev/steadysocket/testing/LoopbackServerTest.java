package dev.steadysocket.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.steadysocket.ConnectionLostException;
import dev.steadysocket.ConnectionState;
import dev.steadysocket.DeadLinkException;
import dev.steadysocket.Envelope;
import dev.steadysocket.Backoff;
import dev.steadysocket.HandshakeException;
import dev.steadysocket.Heartbeat;
import dev.steadysocket.SteadySocket;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The loopback FakeServer: the same API on a real port, with real OkHttp, frames and time. */
@ExtendWith(SteadySocketExtension.class)
class LoopbackServerTest {
  private static final Duration WAIT = Duration.ofSeconds(10);

  @Test
  void exchangesEnvelopesOverARealSocket(@SteadySocketExtension.Loopback FakeServer server) {
    SocketEvents events = new SocketEvents();
    SteadySocket socket = server.newSocket().listener(events).build();
    try {
      socket.connect();
      events.awaitState(ConnectionState.OPEN, WAIT);
      socket.send(Envelope.of("chat", Map.of("text", "hi")));
      server.sendToAll("ticker", Map.of("price", 42));
      events.awaitMessages("ticker", 1, WAIT);
      events.await(e -> server.received("chat").size() == 1, "the server got the chat", WAIT);
      assertTrue(server.url().startsWith("ws://127.0.0.1:"));
    } finally {
      socket.close();
    }
  }

  @Test
  void rejectionsResetsAndFinsReachTheClientAsTheyWouldFromARealServer(
      @SteadySocketExtension.Loopback FakeServer server) {
    SocketEvents events = new SocketEvents();
    SteadySocket socket = server.newSocket().listener(events)
        .backoff(Backoff.exponential(Duration.ofMillis(10), Duration.ofMillis(50)))
        .build();
    try {
      server.rejectNextHandshakes(1, 500, null);
      socket.connect();
      events.awaitState(ConnectionState.OPEN, WAIT);
      assertInstanceOf(HandshakeException.class, events.reconnects().get(0).cause());
      server.connection().reset();
      events.await(e -> e.reconnects().size() == 2, "a reconnect after the reset", WAIT);
      assertInstanceOf(ConnectionLostException.class, events.reconnects().get(1).cause());
      // The reset connection may still be listed until its server side sees the reset: wait for the new one.
      events.await(e -> server.connections().size() == 1 && server.connection().index() == 1, "reconnected", WAIT);
      server.connection().drop();
      events.await(e -> e.reconnects().size() == 3, "a reconnect after the FIN", WAIT);
      events.await(e -> server.connections().size() == 1 && socket.state() == ConnectionState.OPEN, "reconnected", WAIT);
      assertEquals(4, server.handshakes());
    } finally {
      socket.close();
    }
  }

  @Test
  void halfOpenIsFoundByTheHeartbeat(@SteadySocketExtension.Loopback FakeServer server) {
    SocketEvents events = new SocketEvents();
    SteadySocket socket = server.newSocket().listener(events).heartbeat(Heartbeat.every(Duration.ofMillis(200)))
        .backoff(Backoff.exponential(Duration.ofMillis(10), Duration.ofMillis(50))).build();
    try {
      socket.connect();
      events.awaitState(ConnectionState.OPEN, WAIT);
      server.connection().goHalfOpen();
      events.await(e -> !e.reconnects().isEmpty(), "the dead link found", WAIT);
      assertInstanceOf(DeadLinkException.class, events.reconnects().get(0).cause());
      events.await(e -> server.handshakes() == 2 && socket.state() == ConnectionState.OPEN, "reconnected", WAIT);
    } finally {
      socket.close();
    }
  }

  @Test
  void acksRepliesAndResumeWorkOnTheWire(@SteadySocketExtension.Loopback FakeServer server) {
    server.replyTo("quote", q -> 101);
    SocketEvents events = new SocketEvents();
    SteadySocket socket = server.newSocket().listener(events).acknowledgedSends(true).resumeStreams(true).build();
    try {
      socket.connect();
      events.awaitState(ConnectionState.OPEN, WAIT);
      socket.send(Envelope.of("order", 1)).join();
      assertEquals(101, socket.request(Envelope.of("quote", "X"), WAIT).join().content().asInt());
      server.publish("feed", "tick", 1);
      events.awaitMessages("tick", 1, WAIT);
      server.connection().drop();
      server.publish("feed", "tick", 2);
      events.awaitMessages("tick", 2, WAIT);
      assertNotNull(server.connection().header("X-SteadySocket-Resume"));
      assertEquals(java.util.List.of("order", "quote"),
          server.delivered().stream().map(Envelope::type).collect(java.util.stream.Collectors.toList()), "once each");
    } finally {
      socket.close();
    }
  }
}
