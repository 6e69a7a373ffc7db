package dev.steadysocket.testing.attack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.steadysocket.ConnectionState;
import dev.steadysocket.Envelope;
import dev.steadysocket.MessageTooLargeException;
import dev.steadysocket.SteadySocket;
import dev.steadysocket.testing.FakeServer;
import dev.steadysocket.testing.ServerConnection;
import dev.steadysocket.testing.SocketEvents;
import dev.steadysocket.testing.SteadySocketExtension;
import dev.steadysocket.testing.TestClock;
import java.net.ConnectException;
import java.time.Duration;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The kit promises one API in two modes: a script that passes in memory must mean the real socket
 * (the loopback mode, real OkHttp) does the same. Each test here is a script where the in-memory
 * mode lets through what a real connection does not, or the other way round.
 */
@ExtendWith(SteadySocketExtension.class)
class ModeDivergenceTest {
  private static final Duration WAIT = Duration.ofSeconds(10);

  /**
   * Promise: close handshakes behave like OkHttp's. On loopback, {@code close(1006, …)} throws
   * IllegalArgumentException (OkHttp: "Code 1006 is reserved"), as it does for 1004-1006, 1015-2999,
   * codes outside 1000-4999 and reasons over 123 bytes. In memory the reserved code is put in a
   * close frame and delivered; a test of "the server closes with 1006" passes there and cannot
   * happen against the real socket. Severity: medium.
   */
  @Test
  void inMemoryServerSendsAReservedCloseCodeThatOkHttpRefuses(FakeServer server, TestClock clock) {
    SteadySocket socket = server.newSocket().build();
    try {
      socket.connect();
      clock.runUntilIdle();
      ServerConnection c = server.connection();
      assertThrows(IllegalArgumentException.class, () -> c.close(1006, "abnormal"),
          "loopback (OkHttp) refuses close code 1006; in memory it is sent");
    } finally {
      socket.close();
    }
  }

  /**
   * Promise: the in-memory handshake is what a real server's would be. A socket that offers
   * subprotocols fails on loopback ("the server chose none of the offered subprotocols": the
   * FakeServer never answers Sec-WebSocket-Protocol) but opens in memory, where nobody checks the
   * choice; {@code socket.subprotocol()} is null there too. Severity: high (an app with
   * subprotocols passes every in-memory test, and cannot connect to the kit's real server at all).
   */
  @Test
  void subprotocolSocketOpensInMemoryButNotOnLoopback(FakeServer server, TestClock clock,
      @SteadySocketExtension.Loopback FakeServer real) {
    SocketEvents memory = new SocketEvents(), loopback = new SocketEvents();
    SteadySocket inMemory = server.newSocket().listener(memory).subprotocols("chat.v1").maxReconnectAttempts(0).build();
    SteadySocket onLoopback = real.newSocket().listener(loopback).subprotocols("chat.v1").maxReconnectAttempts(0).build();
    try {
      inMemory.connect();
      clock.runUntilIdle();
      onLoopback.connect();
      loopback.await(e -> e.closeReason() != null || e.state() == ConnectionState.OPEN, "open or closed", WAIT);
      assertEquals(loopback.state(), memory.state(), "in memory: " + memory + "\nloopback: " + loopback);
      assertEquals(loopback.errors().stream().map(Object::getClass).collect(Collectors.toList()),
          memory.errors().stream().map(Object::getClass).collect(Collectors.toList()));
    } finally {
      inMemory.close();
      onLoopback.close();
    }
  }

  /**
   * Promise: same behaviour in both modes. {@code maxInboundMessageSize} is enforced by the OkHttp
   * transport's guard only: on loopback a 500-byte message against a 100-byte limit is refused
   * ({@link MessageTooLargeException}, reconnect); in memory it is delivered to the application.
   * A test of "we survive an oversized message" passes in memory for the wrong reason. Severity: medium.
   */
  @Test
  void maxInboundMessageSizeIsNotEnforcedInMemory(FakeServer server, TestClock clock) {
    SocketEvents events = new SocketEvents();
    SteadySocket socket = server.newSocket().listener(events).maxInboundMessageSize(100).build();
    try {
      socket.connect();
      clock.runUntilIdle();
      server.connection().send("big", "x".repeat(500));
      clock.runUntilIdle();
      assertTrue(events.messages("big").isEmpty(), "delivered past the limit: " + events);
      assertInstanceOf(MessageTooLargeException.class, events.errors().get(0), events.toString());
    } finally {
      socket.close();
    }
  }

  /**
   * Promise: {@code drop()} ends the TCP connection with a FIN from the server; the server has
   * closed its socket, so it reads nothing more. In memory the server's side keeps reading until the
   * FIN reaches the client, so a reply the client sends to a message that was in flight is recorded
   * in {@code server.received()} and in the dropped connection's {@code received()}. A test that
   * "the reply was lost with the connection" fails in memory. Severity: low.
   */
  @Test
  void framesTheClientSendsAfterTheServerDroppedStillReachTheServer(FakeServer server, TestClock clock) {
    SteadySocket socket = server.newSocket().maxReconnectAttempts(0).build();
    socket.on("ping", Integer.class, n -> socket.send(Envelope.of("pong", n)));
    try {
      socket.connect();
      clock.runUntilIdle();
      ServerConnection c = server.connection();
      c.send("ping", 1);
      c.send("ping", 2);
      c.drop();
      clock.runUntilIdle();
      assertEquals(0, server.received("pong").size(), "the server read after it dropped: " + server.received());
    } finally {
      socket.close();
    }
  }

  /**
   * Promise: {@code refuseConnections()} makes "new ones refused" in both modes (in memory: "look
   * like a refused TCP connect"). On loopback the port still accepts and MockWebServer closes the
   * socket at the response: the client sees "unexpected end of stream", not a ConnectException. An
   * app that shows "server unreachable" for a refused connect behaves differently in the two modes.
   * Severity: low.
   */
  @Test
  void refusedConnectionsOnLoopbackFailAsDocumentedWithoutAStatus(@SteadySocketExtension.Loopback FakeServer real) {
    SocketEvents events = new SocketEvents();
    real.refuseConnections();
    SteadySocket socket = real.newSocket().listener(events).build();
    try {
      socket.connect();
      events.await(e -> !e.reconnects().isEmpty(), "a failed attempt", WAIT);
      // Resolved by documenting (FakeServer.refuseConnections, docs/testing.md): MockWebServer cannot
      // refuse a TCP connect, so on loopback the connection is accepted and closed before any response:
      // an I/O failure without an HTTP status, retried with backoff like the in-memory ConnectException.
      assertInstanceOf(dev.steadysocket.ConnectionLostException.class, events.reconnects().get(0).cause());
      assertTrue(events.reconnects().get(0).delay().compareTo(java.time.Duration.ZERO) > 0);
    } finally {
      socket.close();
    }
  }

}
