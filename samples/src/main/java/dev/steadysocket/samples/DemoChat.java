package dev.steadysocket.samples;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.steadysocket.testing.server.FeedProtocol;
import dev.steadysocket.testing.server.ServerSession;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * The application on top of the delivery protocol: the chat room, the drop command, quotes.
 * Runs on each connection's OkHttp reader thread.
 */
final class DemoChat implements FeedProtocol.Handler {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final DemoFeedServer server;
  /** Read on every message, as the server reads its other options live. */
  private final DemoFeedServerOptions options;
  /** The chat name (the sender it last used) of each session; read by other sessions' threads. */
  private final Map<ServerSession, String> names = new ConcurrentHashMap<>();

  /** Subscriptions and first-frame authentication: see {@link DemoSetup}. */
  private final DemoSetup setup;

  DemoChat(DemoFeedServer server, DemoFeedServerOptions options) {
    this.server = server;
    this.options = options;
    this.setup = new DemoSetup(server, options);
  }

  @Override
  public boolean wants(ServerSession session, dev.steadysocket.testing.server.FeedEntry entry) {
    return setup.wants(session, entry);
  }

  @Override
  public void onOpen(ServerSession session) {
    int online = server.sessions().size();
    ObjectNode welcome = JSON.createObjectNode();
    welcome.put("event", "welcome");
    welcome.put("online", online);
    welcome.put("feed", session.subscribes());
    session.send(DemoFeedServer.envelope("system", welcome, null, null).toString());
    server.log("connected (" + (session.subscribes() ? "feed + chat" : "chat") + "), online: " + online);
  }

  @Override
  public void onMessage(ServerSession session, ObjectNode message, String text) {
    String type = message.path("type").asText("");
    String sender = message.hasNonNull("sender") ? message.get("sender").asText() : null;
    if (sender != null) {
      names.put(session, sender);
    }
    switch (type) {
      case "text":
        String receiver = message.hasNonNull("receiver") ? message.get("receiver").asText() : null;
        forward(session, text, receiver == null || receiver.equals("room") ? null : receiver);
        break;
      case "join":
        forward(session, text, null);
        break;
      case "subscribe":
      case "unsubscribe":
      case "auth":
        setup.handle(session, type, message);
        break;
      case "system":
        if ("drop".equals(message.path("content").path("command").asText())) {
          server.log("drop requested: dropped " + server.dropAll() + " connection(s)");
        }
        break;
      default:
        break;
    }
    @Nullable Consumer<ObjectNode> hook = options.onMessage;
    if (hook != null) {
      hook.accept(message);
    }
    java.util.function.@Nullable BiConsumer<Object, ObjectNode> perConnection = options.onConnectionMessage;
    if (perConnection != null) {
      perConnection.accept(session, message);
    }
  }

  /** {@code {"symbol":"ACME"}} gets a quote; anything else is echoed. */
  @Override
  public @Nullable JsonNode onRequest(ServerSession session, ObjectNode request) {
    JsonNode content = request.get("content");
    Double price = content == null ? null : server.price(content.path("symbol").asText(""));
    if (price == null) {
      return content;
    }
    ObjectNode quote = JSON.createObjectNode();
    quote.put("symbol", content.get("symbol").asText());
    quote.put("price", price);
    return quote;
  }

  @Override
  public void onClose(ServerSession session, int code, @Nullable Throwable failure) {
    names.remove(session);
    setup.ended(session);
    int online = server.sessions().size();
    server.log(failure == null
        ? "disconnected (" + code + "), online: " + online
        : "connection lost (" + failure + "), online: " + online);
  }

  /** To every other session, or only those named {@code receiver}. */
  private void forward(ServerSession from, String text, @Nullable String receiver) {
    for (ServerSession other : server.sessions()) {
      if (other != from && (receiver == null || receiver.equals(names.get(other)))) {
        other.send(text);
      }
    }
  }
}
