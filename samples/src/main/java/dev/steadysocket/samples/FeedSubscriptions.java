package dev.steadysocket.samples;

import dev.steadysocket.Envelope;
import dev.steadysocket.SetupMessage;
import dev.steadysocket.SetupRegistration;
import dev.steadysocket.SetupRejectedException;
import dev.steadysocket.SteadySocket;
import dev.steadysocket.SteadySocketException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * feed-cli's {@code --subscribe}: one setup message per symbol (README, "Setup messages"), sent
 * first on every connection, reconnects included, each awaiting the server's confirmation, with
 * {@code unsubscribe} as its closing message; and how their outcomes read on stderr.
 */
final class FeedSubscriptions {
  static final Duration TIMEOUT = Duration.ofSeconds(10);

  private FeedSubscriptions() {}

  static void register(SteadySocket socket, List<String> symbols) {
    for (String symbol : symbols) {
      socket.setup(SetupMessage.of(Envelope.of("subscribe", Map.of("symbol", symbol)))
          .awaitReply(TIMEOUT)
          .cancelWith(Envelope.of("unsubscribe", Map.of("symbol", symbol))));
    }
  }

  static String confirmed(SetupRegistration setup) {
    return "subscribed " + symbol(setup);
  }

  /** The line for a rejected subscription, or null if {@code error} is not one. */
  static @Nullable String rejected(SteadySocketException error) {
    if (!(error instanceof SetupRejectedException)) {
      return null;
    }
    SetupRejectedException r = (SetupRejectedException) error;
    return "subscription to " + symbol(r.registration()) + " rejected: "
        + r.reply().content().path("reason").asText("no reason given");
  }

  private static String symbol(SetupRegistration setup) {
    Envelope e = setup.message().envelope();
    return e == null ? "?" : e.content().path("symbol").asText("?");
  }
}
