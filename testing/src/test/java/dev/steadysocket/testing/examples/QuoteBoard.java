package dev.steadysocket.testing.examples;

import dev.steadysocket.Envelope;
import dev.steadysocket.SetupMessage;
import dev.steadysocket.SetupRegistration;
import dev.steadysocket.SetupStatus;
import dev.steadysocket.SteadySocket;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The app's quote board: it follows symbols by subscribing to their price channels and shows the
 * latest price of each. The subscriptions are setup messages, so the socket sends them again on
 * every connection: the server forgets them when a connection drops.
 */
public final class QuoteBoard {
  /** A price update, as the server sends it in a {@code price} envelope. */
  public static final class Price {
    public String symbol;
    public double price;
  }

  private final SteadySocket socket;
  private final Map<String, SetupRegistration> followed = new ConcurrentHashMap<>();
  private final Map<String, Double> prices = new ConcurrentHashMap<>();

  public QuoteBoard(SteadySocket socket) {
    this.socket = socket;
    socket.on("price", Price.class, p -> prices.put(p.symbol, p.price));
  }

  /** Subscribes to {@code symbol}'s channel, now and on every reconnect; the server confirms each time. */
  public void follow(String symbol) {
    followed.computeIfAbsent(symbol, s -> socket.setup(
        SetupMessage.of(Envelope.of("subscribe", Map.of("channel", "prices." + s)))
            .awaitReply(Duration.ofSeconds(10))
            .cancelWith(Envelope.of("unsubscribe", Map.of("channel", "prices." + s)))));
  }

  /** True while the server has confirmed the subscription on the open connection: the price is live. */
  public boolean isLive(String symbol) {
    SetupRegistration r = followed.get(symbol);
    return r != null && r.status() == SetupStatus.CONFIRMED;
  }

  /** The last price received for {@code symbol}, or null. */
  public Double price(String symbol) {
    return prices.get(symbol);
  }
}
