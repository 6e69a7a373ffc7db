package dev.steadysocket.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.steadysocket.SteadySocket;
import dev.steadysocket.testing.examples.QuoteBoard;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * On loopback a test waits for the application's own state: typed handlers ({@code socket.on}) run
 * after every listener's {@code onMessage}, so waiting for the recorded message alone would return
 * before the app's handler ran; {@link SocketEvents#await} re-checks at least every 10 ms. (This
 * failed 3 of 3 runs when await re-checked only on recorded events: it waited the whole timeout.)
 */
@ExtendWith(SteadySocketExtension.class)
class LoopbackAwaitTest {
  @Test
  void waitingForWhatATypedHandlerDidTakesTheWholeTimeout(@SteadySocketExtension.Loopback FakeServer server) {
    SocketEvents events = new SocketEvents();
    SteadySocket socket = SteadySocket.builder(server.url()).listener(events).build();
    QuoteBoard board = new QuoteBoard(socket);
    try {
      socket.connect();
      events.awaitState(dev.steadysocket.ConnectionState.OPEN, Duration.ofSeconds(5));
      server.connection().send("price", Map.of("symbol", "ACME", "price", 101.25));
      long start = System.nanoTime();
      events.await(e -> board.price("ACME") != null, "the board shows the price", Duration.ofSeconds(3));
      Duration waited = Duration.ofNanos(System.nanoTime() - start);
      assertEquals(101.25, board.price("ACME"));
      assertTrue(waited.compareTo(Duration.ofSeconds(1)) < 0, "waited " + waited + " for a price that arrived at once");
    } finally {
      socket.close();
    }
  }
}
