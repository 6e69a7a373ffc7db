package dev.steadysocket.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import dev.steadysocket.AuthenticationException;
import dev.steadysocket.ConnectionState;
import dev.steadysocket.Envelope;
import dev.steadysocket.SteadySocket;
import dev.steadysocket.SteadySocketBuilder;
import dev.steadysocket.TokenProvider;
import dev.steadysocket.reliability.Report.Section;
import dev.steadysocket.testkit.RecordingListener;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Against a real Tornado server that reads the token from {@code Sec-WebSocket-Protocol}, as the
 * tutorials SteadySocket's users start from do: the token offered as a subprotocol, refreshed per
 * attempt, the server's choice checked and exposed; a 401 refreshes once; a server that accepts and
 * then closes with 1008 ends the socket with AuthenticationException instead of a loop.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TornadoPeerTest extends RealPeerTest {
  private static TornadoServer tornado;

  @BeforeAll
  static void start() throws Exception {
    tornado = TornadoServer.start();
    Report.note("Tornado", TornadoServer.version(TornadoServer.python()));
  }

  @AfterAll
  static void stop() {
    if (tornado != null) tornado.close();
  }

  private SteadySocketBuilder tokenInSubprotocol(TokenProvider tokens, RecordingListener events) {
    return builder(tornado.url("/echo"), events)
        .subprotocols("app.v1")
        .tokenProvider(tokens)
        .tokenHeader("Sec-WebSocket-Protocol", "access_token, ");
  }

  @Order(1)
  @Test
  void aTokenOfferedAsASubprotocolOpensAndIsChecked() {
    RecordingListener events = new RecordingListener(RecordingListener.REAL_PEER_TIMEOUT_MILLIS);
    SteadySocket socket = open(tokenInSubprotocol(refresh -> "good", events), events);
    assertEquals("access_token", socket.subprotocol(), "the server's choice, never the token");
    socket.send(Envelope.of("whoami", null));
    assertEquals("good", events.awaitMessage("whoami").envelope.content().asText());
    echo(socket, events, "chat");
    Report.row(Section.TORNADO, "token offered in Sec-WebSocket-Protocol (`app.v1, access_token, <token>`)",
        "OPEN, the server picks `access_token`, echo works", "OPEN; subprotocol() = access_token; echo works", "—");
  }

  @Order(2)
  @Test
  void aRejectedTokenIsRefreshedOnce() {
    RecordingListener events = new RecordingListener(RecordingListener.REAL_PEER_TIMEOUT_MILLIS);
    AtomicInteger calls = new AtomicInteger();
    SteadySocket socket = open(tokenInSubprotocol(refresh -> {
      calls.incrementAndGet();
      return refresh ? "good" : "old";
    }, events), events);
    socket.send(Envelope.of("whoami", null));
    assertEquals("good", events.awaitMessage("whoami").envelope.content().asText());
    assertEquals(2, calls.get());
    assertEquals(2, socket.metrics().connectionAttempts());
    Report.row(Section.TORNADO, "stale token: HTTP 401 on the handshake",
        "AuthenticationException, one refresh, then OPEN with the fresh token",
        "401, provider asked again with refresh=true, OPEN as `good`", "2 attempts");
  }

  @Order(3)
  @Test
  void aServerThatAcceptsThenClosesWith1008EndsTheSocket() {
    RecordingListener events = new RecordingListener(RecordingListener.REAL_PEER_TIMEOUT_MILLIS);
    AtomicInteger calls = new AtomicInteger();
    SteadySocket socket = track(tokenInSubprotocol(refresh -> {
      calls.incrementAndGet();
      return "stale";
    }, events).build());
    socket.connect();
    RecordingListener.Closed closed = events.awaitClosed();
    AuthenticationException e = assertInstanceOf(AuthenticationException.class, closed.reason.error());
    assertEquals(1008, e.closeCode());
    assertEquals(ConnectionState.CLOSED, socket.state());
    assertEquals(2, socket.metrics().connectionAttempts(), "one refresh per outage, then stop");
    assertEquals(2, calls.get());
    Report.row(Section.TORNADO, "accepts the handshake, then closes with 1008 every time (issue #10 item 1)",
        "one refresh after a delay, then CLOSED with AuthenticationException (no loop)",
        "CLOSED: " + e.getMessage(), "2 attempts, 2 token calls");
  }

  @Order(4)
  @Test
  void aTokenRejectedTwiceStops() {
    RecordingListener events = new RecordingListener(RecordingListener.REAL_PEER_TIMEOUT_MILLIS);
    SteadySocket socket = track(tokenInSubprotocol(refresh -> "bad", events).build());
    socket.connect();
    RecordingListener.Closed closed = events.awaitClosed();
    AuthenticationException e = assertInstanceOf(AuthenticationException.class, closed.reason.error());
    assertEquals(401, e.statusCode());
    assertEquals(2, socket.metrics().connectionAttempts());
    Report.row(Section.TORNADO, "bad token: HTTP 401 twice", "CLOSED with AuthenticationException after one refresh",
        "CLOSED: " + e.getMessage(), "2 attempts");
  }
}
