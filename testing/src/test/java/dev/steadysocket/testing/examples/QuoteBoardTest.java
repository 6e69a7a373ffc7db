package dev.steadysocket.testing.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.steadysocket.Envelope;
import dev.steadysocket.SteadySocket;
import dev.steadysocket.testing.FakeServer;
import dev.steadysocket.testing.ServerConnection;
import dev.steadysocket.testing.SocketEvents;
import dev.steadysocket.testing.SteadySocketExtension;
import dev.steadysocket.testing.TestClock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(SteadySocketExtension.class)
class QuoteBoardTest {
  @Test
  void resubscribesAfterAnOutageAndShowsPricesAgain(FakeServer server, TestClock clock) {
    server.replyTo("subscribe", request -> Map.of("subscribed", request.content().path("channel").asText()));
    SocketEvents events = new SocketEvents();
    SteadySocket socket = server.newSocket().listener(events).build();
    QuoteBoard board = new QuoteBoard(socket);
    try {
      board.follow("ACME");
      socket.connect();
      clock.runUntilIdle();
      assertTrue(board.isLive("ACME"));
      publishPrice(server, "ACME", 101.25);
      clock.runUntilIdle();
      assertEquals(101.25, board.price("ACME"));

      server.connection().drop(); // the server forgets the subscription with the connection
      clock.runUntilIdle();
      assertFalse(board.isLive("ACME"));
      publishPrice(server, "ACME", 102.00); // nobody is subscribed: lost

      Duration took = clock.advanceUntil(() -> board.isLive("ACME"), Duration.ofMinutes(1));
      assertEquals(events.reconnects().get(0).delay(), took, "confirmed the moment the socket reconnected");
      List<Envelope> subscribes = server.received("subscribe");
      assertEquals(2, subscribes.size(), "one per connection");
      assertEquals(subscribes.get(0).content(), subscribes.get(1).content());
      assertNotEquals(subscribes.get(0).id(), subscribes.get(1).id(), "a fresh id: a de-duplicating server keeps it");
      assertEquals("subscribe", server.connection().received().get(0).type(), "the first thing on the new connection");

      publishPrice(server, "ACME", 103.50);
      clock.runUntilIdle();
      assertEquals(103.50, board.price("ACME"));
    } finally {
      socket.close();
    }
  }

  /** As the real server does: a price goes only to the connections subscribed to its channel. */
  private static void publishPrice(FakeServer server, String symbol, double price) {
    for (ServerConnection c : server.connections()) {
      boolean subscribed = c.received().stream().anyMatch(e -> e.type().equals("subscribe")
          && e.content().path("channel").asText().equals("prices." + symbol));
      if (subscribed) c.send("price", Map.of("symbol", symbol, "price", price));
    }
  }
}
