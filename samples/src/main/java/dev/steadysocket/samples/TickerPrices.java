package dev.steadysocket.samples;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import org.jspecify.annotations.Nullable;

/** The demo ticker's prices: five symbols on a random walk. {@link #tick} from one thread at a time. */
final class TickerPrices {
  private static final String[] SYMBOLS = {"ACME", "GLOBX", "INITECH", "UMBRL", "WAYNE"};

  /** Written by the ticking thread, read by request handlers. */
  private final Map<String, Double> prices = new ConcurrentHashMap<>();

  TickerPrices() {
    for (String symbol : SYMBOLS) {
      prices.put(symbol, 20 + ThreadLocalRandom.current().nextInt(300) + 0.0);
    }
  }

  /** Moves one random symbol by up to ±0.5 %: the content of a ticker envelope, {@code {symbol, price, change}}. */
  ObjectNode tick() {
    String symbol = SYMBOLS[ThreadLocalRandom.current().nextInt(SYMBOLS.length)];
    double old = prices.get(symbol);
    double price = Math.max(0.01, round2(old * (1 + (ThreadLocalRandom.current().nextDouble() - 0.5) / 100)));
    prices.put(symbol, price);
    ObjectNode content = JsonNodeFactory.instance.objectNode();
    content.put("symbol", symbol);
    content.put("price", price);
    content.put("change", round2(price - old));
    return content;
  }

  /** The current price of {@code symbol}, or null for a symbol the ticker does not have. */
  @Nullable Double price(String symbol) {
    return prices.get(symbol);
  }

  private static double round2(double value) {
    return Math.round(value * 100) / 100.0;
  }
}
