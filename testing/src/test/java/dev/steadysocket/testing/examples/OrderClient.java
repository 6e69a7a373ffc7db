package dev.steadysocket.testing.examples;

import dev.steadysocket.Envelope;
import dev.steadysocket.SteadySocket;
import dev.steadysocket.SteadySocketBuilder;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * The app's order desk: an order counts as placed only when the server acknowledged it. With
 * acknowledged sends the socket re-sends an order whose acknowledgement it never got, with the same
 * id, after a reconnect; the server drops the repeat, so an order is placed once.
 */
public final class OrderClient {
  private final SteadySocket socket;

  /** The app's socket settings: acknowledged sends (at-least-once). */
  public static SteadySocketBuilder socketBuilder(String url) {
    return SteadySocket.builder(url).acknowledgedSends(true);
  }

  public OrderClient(SteadySocket socket) {
    this.socket = socket;
  }

  /**
   * Sends an order under the app's own id, which the server de-duplicates by.
   *
   * @return completes with {@code orderId} once the server acknowledged the order
   */
  public CompletableFuture<String> place(String orderId, String symbol, int quantity) {
    Envelope order = Envelope.builder("order").id(orderId)
        .content(Map.of("symbol", symbol, "quantity", quantity)).build();
    return socket.send(order).thenApply(acknowledged -> orderId);
  }
}
