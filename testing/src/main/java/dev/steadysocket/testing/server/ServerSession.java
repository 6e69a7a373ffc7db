package dev.steadysocket.testing.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import okhttp3.Response;
import okhttp3.WebSocket;
import okhttp3.WebSocketListener;
import org.jspecify.annotations.Nullable;

/**
 * One client connection speaking the delivery protocol of {@link FeedProtocol}. OkHttp calls it on
 * the connection's reader thread; the resume grace timer may start the streams from the
 * protocol's scheduler thread, and whichever comes first wins ({@link #streamsStarted}). Stream
 * entries reach it on the publishing thread. Its fields are final, volatile or concurrent: there is
 * no lock. Made by {@link FeedProtocol#newSession}; the methods inherited from {@code
 * WebSocketListener} are for OkHttp (or the kit's in-memory link) only.
 */
public final class ServerSession extends WebSocketListener {
  private final FeedProtocol protocol;
  private final boolean subscribes;
  /** From the handshake header; null when the client sent none (or an unreadable one). */
  private final @Nullable Map<String, StreamId> headerPositions;
  /** From {@code ?from=}: where streams without a position start; null = live. */
  private final @Nullable StreamId from;

  /** Set in onOpen, before the session is published. */
  private volatile @Nullable WebSocket webSocket;
  /** Each stream's head when the connection opened: where "live from now" starts. Set in onOpen. */
  private volatile Map<FeedStream, StreamId> openHeads = Map.of();
  /** Set once, by the first of: header at open, first frame, grace timer. */
  private final AtomicBoolean streamsStarted = new AtomicBoolean();
  private volatile @Nullable Runnable graceTimer;
  private final Map<FeedStream, FeedStream.Subscriber> subscriptions = new ConcurrentHashMap<>();
  private volatile boolean closed;

  ServerSession(FeedProtocol protocol, boolean subscribes, @Nullable String resumeHeader, @Nullable String from) {
    this.protocol = protocol;
    this.subscribes = subscribes;
    this.headerPositions = resumeHeader == null ? null : parsePositions(resumeHeader);
    this.from = from == null ? null : StreamId.parse(from);
  }

  /**
   * Queues a text frame; false if the connection is closed or its send buffer is full. Any thread;
   * never blocks.
   *
   * @param text the frame's payload, sent as is
   * @return true if queued; false before the connection opened, once it is closing or closed, or
   *     if its send buffer is full (OkHttp's 16 MiB)
   */
  public boolean send(String text) {
    WebSocket ws = webSocket;
    return ws != null && ws.send(text);
  }

  /**
   * Whether this session receives the protocol's streams.
   *
   * @return the {@code subscribes} given to {@link FeedProtocol#newSession}
   */
  public boolean subscribes() {
    return subscribes;
  }

  @Override
  public void onOpen(WebSocket webSocket, Response response) {
    this.webSocket = webSocket;
    if (subscribes) {
      // Before anything is sent: "live" means everything published from this moment on.
      Map<FeedStream, StreamId> heads = new LinkedHashMap<>();
      for (FeedStream stream : protocol.streams.values()) {
        heads.put(stream, stream.head());
      }
      openHeads = heads;
    }
    protocol.sessions.add(this);
    protocol.handler.onOpen(this);
    if (!subscribes) {
      return;
    }
    Map<String, StreamId> positions = headerPositions;
    if (positions != null) {
      startStreams(positions, "header");
    } else {
      graceTimer = protocol.timers.schedule(() -> startStreams(Map.of(), "grace"), protocol.resumeGrace);
    }
  }

  @Override
  public void onMessage(WebSocket webSocket, String text) {
    ObjectNode message = Envelopes.parseObject(text);
    if (message == null) {
      protocol.log.accept("ignored a frame that is not a JSON object");
      return;
    }
    String type = message.path("type").asText("");
    if (subscribes && !streamsStarted.get()) {
      // The first frame decides: a resume names positions, anything else means "live" (from the
      // open). That frame is handled first, so what it sets up (a setup message's subscription
      // filter) applies to the entries published since the open too.
      if (type.equals(Envelopes.TYPE_RESUME)) {
        startStreams(positionsOf(message.get("content")), "frame");
        return;
      }
      try {
        handle(message, type, text);
      } finally {
        startStreams(Map.of(), "frame");
      }
      return;
    }
    handle(message, type, text);
  }

  private void handle(ObjectNode message, String type, String text) {
    String id = Envelopes.text(message, "id");
    switch (type) {
      case Envelopes.TYPE_HEARTBEAT:
        send(Envelopes.envelope(Envelopes.TYPE_HEARTBEAT, message.get("content"), id, protocol.sender,
            Envelopes.text(message, "sender"), protocol.clock.getAsLong()).toString());
        return;
      case Envelopes.TYPE_RESUME:
        // Already resumed from the header (or live after the grace period): nothing to add.
        return;
      default:
        break;
    }
    boolean request = protocol.handler.isRequest(type);
    if (id != null && Envelopes.wantsAck(message)) {
      boolean first;
      try {
        first = protocol.inbox.receive(id, message, () -> {
          if (!request) {
            protocol.handler.onMessage(this, message, text);
          }
        });
      } catch (Exception e) {
        // Not acknowledged: the client keeps it and sends it again on its next connection.
        protocol.log.accept("could not record message " + id + ": " + e);
        return;
      }
      if (!first) {
        protocol.stats.duplicatesDropped.incrementAndGet();
      }
      if (request) {
        reply(message, id);
      }
      acknowledge(id);
    } else if (request && id != null) {
      reply(message, id);
    } else if (!request) {
      protocol.handler.onMessage(this, message, text);
    }
  }

  private void acknowledge(String id) {
    Duration delay = protocol.handler.ackDelay(this, id);
    if (delay == null) {
      protocol.stats.acksLost.incrementAndGet();
      return;
    }
    Runnable ack = () -> {
      if (send(Envelopes.ack(id, protocol.clock.getAsLong()))) {
        protocol.stats.acksSent.incrementAndGet();
      }
    };
    if (delay.isZero() || delay.isNegative()) {
      ack.run();
    } else {
      protocol.timers.schedule(ack, delay);
    }
  }

  private void reply(ObjectNode request, String id) {
    JsonNode content = protocol.handler.onRequest(this, request);
    if (send(Envelopes.reply(id, content, protocol.sender, Envelopes.text(request, "sender"),
        protocol.clock.getAsLong()))) {
      protocol.stats.repliesSent.incrementAndGet();
    }
  }

  /**
   * Subscribes to every stream: after the client's position if it gave one, else after {@code
   * from}, else live from the open. Runs once; the replay may read history (I/O) on this thread.
   */
  private void startStreams(Map<String, StreamId> positions, String source) {
    if (!streamsStarted.compareAndSet(false, true)) {
      return;
    }
    Runnable timer = graceTimer;
    if (timer != null) {
      timer.run();
    }
    Map<FeedStream, FeedStream.Subscriber> mine = new LinkedHashMap<>();
    for (Map.Entry<FeedStream, StreamId> open : openHeads.entrySet()) {
      FeedStream stream = open.getKey();
      StreamId position = positions.get(stream.name());
      StreamId after = position != null ? position : from != null ? from : open.getValue();
      FeedStream.Subscriber subscriber = entry -> {
        if (protocol.handler.wants(this, entry)) {
          send(entry.text());
        }
      };
      mine.put(stream, subscriber);
      subscriptions.put(stream, subscriber);
      try {
        FeedStream.Replay replay = stream.subscribe(subscriber, after);
        if (position != null) {
          protocol.stats.resumes.incrementAndGet();
          protocol.stats.replayed.addAndGet(replay.replayed());
          if (!replay.complete()) {
            protocol.stats.incompleteReplays.incrementAndGet();
          }
          protocol.log.accept("resume " + stream.name() + " after=" + position + " replayed=" + replay.replayed()
              + " complete=" + replay.complete() + " source=" + source);
        }
      } catch (Exception e) {
        protocol.log.accept("cannot replay " + stream.name() + " after " + after + ": " + e + "; closing");
        WebSocket ws = webSocket;
        if (ws != null) {
          ws.close(1011, "replay failed");
        }
      }
    }
    if (closed) {
      // Closed while subscribing: ended() may have run before these went live.
      mine.forEach(FeedStream::unsubscribe);
    }
  }

  private void unsubscribeAll() {
    for (Iterator<Map.Entry<FeedStream, FeedStream.Subscriber>> it = subscriptions.entrySet().iterator(); it.hasNext(); ) {
      Map.Entry<FeedStream, FeedStream.Subscriber> subscription = it.next();
      subscription.getKey().unsubscribe(subscription.getValue());
      it.remove();
    }
  }

  private void ended(int code, @Nullable Throwable failure) {
    closed = true;
    Runnable timer = graceTimer;
    if (timer != null) {
      timer.run();
    }
    unsubscribeAll();
    if (protocol.sessions.remove(this)) {
      protocol.handler.onClose(this, code, failure);
    }
  }

  @Override
  public void onClosing(WebSocket webSocket, int code, String reason) {
    webSocket.close(1000, null);
  }

  @Override
  public void onClosed(WebSocket webSocket, int code, String reason) {
    ended(code, null);
  }

  @Override
  public void onFailure(WebSocket webSocket, Throwable t, @Nullable Response response) {
    ended(-1, t);
  }

  private static @Nullable Map<String, StreamId> parsePositions(String header) {
    ObjectNode node = Envelopes.parseObject(header);
    return node == null ? null : positionsOf(node);
  }

  /** {@code {"<stream>":"<id>",…}}; entries that are not stream ids are skipped. */
  private static Map<String, StreamId> positionsOf(@Nullable JsonNode content) {
    Map<String, StreamId> positions = new LinkedHashMap<>();
    if (content != null && content.isObject()) {
      for (Map.Entry<String, JsonNode> field : content.properties()) {
        StreamId id = StreamId.parse(field.getValue().isValueNode() ? field.getValue().asText() : null);
        if (id != null) {
          positions.put(field.getKey(), id);
        }
      }
    }
    return positions;
  }
}
