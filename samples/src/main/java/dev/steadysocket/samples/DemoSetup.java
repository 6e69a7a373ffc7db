package dev.steadysocket.samples;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.steadysocket.testing.server.Envelopes;
import dev.steadysocket.testing.server.FeedEntry;
import dev.steadysocket.testing.server.ServerSession;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * The demo server's side of setup messages (README, "Setup messages"), per connection:
 *
 * <ul>
 *   <li>{@code {"type":"subscribe","content":{"symbol":S}}}: for a ticker symbol, the reply {@code
 *       subscribed} (content: the symbol and its price) and from then on this connection's ticker
 *       carries only its subscribed symbols; for any other, the reply {@code error} (content {@code
 *       {"reason":"unknown symbol"}}). Without subscriptions a connection gets every symbol; other
 *       streams are never filtered.
 *   <li>{@code {"type":"unsubscribe","content":{"symbol":S}}}: no reply; the symbol leaves the filter.
 *   <li>{@code {"type":"auth","content":{"token":T}}}: the reply {@code authenticated}, or {@code
 *       error} if the server was started with an auth token and T differs.
 * </ul>
 *
 * Replies carry {@code meta.replyTo} = the message's id. Runs on each connection's reader thread.
 */
final class DemoSetup {
  private final DemoFeedServer server;
  private final DemoFeedServerOptions options;
  /** Each connection's subscribed symbols; read by the ticker's thread. */
  private final Map<ServerSession, Set<String>> symbols = new ConcurrentHashMap<>();

  DemoSetup(DemoFeedServer server, DemoFeedServerOptions options) {
    this.server = server;
    this.options = options;
  }

  void handle(ServerSession session, String type, ObjectNode message) {
    String id = Envelopes.text(message, "id");
    JsonNode content = message.path("content");
    String symbol = content.path("symbol").asText("");
    switch (type) {
      case "subscribe": {
        Double price = server.price(symbol);
        if (price == null) {
          reply(session, id, "error", Envelopes.JSON.createObjectNode().put("reason", "unknown symbol").put("symbol", symbol));
          server.log("refused a subscription to an unknown symbol");
          return;
        }
        symbols.computeIfAbsent(session, s -> ConcurrentHashMap.newKeySet()).add(symbol);
        reply(session, id, "subscribed", Envelopes.JSON.createObjectNode().put("symbol", symbol).put("price", price));
        return;
      }
      case "unsubscribe": {
        Set<String> mine = symbols.get(session);
        if (mine != null) {
          mine.remove(symbol);
        }
        return;
      }
      default: { // auth
        String expected = options.authToken;
        boolean ok = expected == null || DemoFeedServer.constantTimeEquals(expected, content.path("token").asText(null));
        reply(session, id, ok ? "authenticated" : "error",
            ok ? null : Envelopes.JSON.createObjectNode().put("reason", "bad token"));
        if (!ok) {
          server.log("refused an auth message: wrong token");
        }
      }
    }
  }

  /**
   * Whether a stream entry goes to {@code session}: entries of other streams always; ticker entries
   * of every symbol until the session subscribes, then only its symbols (none, once it unsubscribed
   * from all). A replay that a resume starts before the subscriptions arrive is not filtered.
   */
  boolean wants(ServerSession session, FeedEntry entry) {
    Set<String> mine = symbols.get(session);
    if (mine == null) {
      return true;
    }
    ObjectNode e = Envelopes.parseObject(entry.text());
    return e == null
        || !"ticker".equals(e.path("meta").path(Envelopes.META_STREAM).asText(""))
        || mine.contains(e.path("content").path("symbol").asText(""));
  }

  void ended(ServerSession session) {
    symbols.remove(session);
  }

  private static void reply(ServerSession session, @Nullable String id, String type, @Nullable JsonNode content) {
    ObjectNode r = DemoFeedServer.envelope(type, content, null, null);
    if (id != null) {
      ((ObjectNode) r.get("meta")).put(Envelopes.META_REPLY_TO, id);
    }
    session.send(r.toString());
  }
}
