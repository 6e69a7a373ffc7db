package dev.steadysocket.testing.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.steadysocket.SteadySocket;
import dev.steadysocket.testing.FakeServer;
import dev.steadysocket.testing.SocketEvents;
import dev.steadysocket.testing.SteadySocketExtension;
import dev.steadysocket.testing.TestClock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(SteadySocketExtension.class)
class OrderClientTest {
  @Test
  void anOrderWhoseAckIsLostIsSentAgainAndPlacedOnce(FakeServer server, TestClock clock) {
    SocketEvents events = new SocketEvents();
    SteadySocket socket = server.wire(OrderClient.socketBuilder(server.url())).listener(events).build();
    OrderClient orders = new OrderClient(socket);
    try {
      socket.connect();
      clock.runUntilIdle();

      server.loseNextAcks(1);
      CompletableFuture<String> placed = orders.place("order-1", "ACME", 10);
      clock.runUntilIdle();
      assertEquals(1, server.delivered().size(), "the server has the order");
      assertFalse(placed.isDone(), "but its acknowledgement was lost");

      server.connection().drop();
      Duration took = clock.advanceUntil(placed::isDone, Duration.ofMinutes(1));
      assertEquals(events.reconnects().get(0).delay(), took, "acknowledged the moment the socket reconnected");
      assertEquals("order-1", placed.join());
      assertEquals(2, server.received("order").size(), "sent twice");
      assertEquals(1, server.delivered().size(), "placed once");
      assertEquals(1, server.duplicatesDropped());
    } finally {
      socket.close();
    }
  }
}
