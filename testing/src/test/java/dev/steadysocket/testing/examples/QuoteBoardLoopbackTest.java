package dev.steadysocket.testing.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.steadysocket.ConnectionState;
import dev.steadysocket.SteadySocket;
import dev.steadysocket.testing.FakeServer;
import dev.steadysocket.testing.SocketEvents;
import dev.steadysocket.testing.SteadySocketExtension;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The quote board on a real port: real OkHttp, real frames, real time, so the test waits for what
 * the socket reports (bounded, without sleeping).
 */
@ExtendWith(SteadySocketExtension.class)
class QuoteBoardLoopbackTest {
  @Test
  void subscribesOverARealSocket(@SteadySocketExtension.Loopback FakeServer server) {
    server.replyTo("subscribe", request -> Map.of("subscribed", request.content().path("channel").asText()));
    SocketEvents events = new SocketEvents();
    SteadySocket socket = SteadySocket.builder(server.url()).listener(events).build();
    QuoteBoard board = new QuoteBoard(socket);
    try {
      board.follow("ACME");
      socket.connect();
      events.await(e -> e.setupsConfirmed().size() == 1, "the subscription confirmed", Duration.ofSeconds(5));
      assertTrue(board.isLive("ACME"));

      server.connection().drop(); // a real FIN
      events.await(e -> e.setupsConfirmed().size() == 2, "subscribed again", Duration.ofSeconds(10));
      assertTrue(board.isLive("ACME"));
      assertEquals(ConnectionState.OPEN, socket.state());
      assertEquals(2, server.received("subscribe").size());
    } finally {
      socket.close();
    }
  }
}
