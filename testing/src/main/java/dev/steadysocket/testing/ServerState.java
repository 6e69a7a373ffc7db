package dev.steadysocket.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.steadysocket.ConnectionState;
import dev.steadysocket.Envelope;
import dev.steadysocket.MessageCodec;
import dev.steadysocket.internal.SocketCore;
import dev.steadysocket.testing.server.Envelopes;
import dev.steadysocket.testing.server.FeedProtocol;
import dev.steadysocket.testing.server.Inbox;
import dev.steadysocket.testing.server.MemoryInbox;
import dev.steadysocket.testing.server.ServerSession;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import okhttp3.HttpUrl;
import org.jspecify.annotations.Nullable;

/**
 * What a {@link FakeServer} knows and decides, behind its public methods: the open connections,
 * what arrived, the sockets wired to it, the reply rules and handlers, and the faults the test set.
 * One lock guards all of it, held only for reads and writes (rules and handlers run outside it);
 * {@link #await} waits on it, and every change notifies it. Any thread.
 */
final class ServerState {
  private final Object lock = new Object();
  private final MessageCodec codec = MessageCodec.jackson();
  /** Set once, right after the protocol is built with {@link #rules()} and {@link #inbox}. */
  private @Nullable FeedProtocol protocol;
  /** Guarded by lock, like every mutable field below: accepted and not ended, oldest first. */
  private final List<ServerConnection> open = new ArrayList<>();
  private final List<Envelope> received = new ArrayList<>(), delivered = new ArrayList<>();
  private final Map<String, Function<Envelope, @Nullable Object>> replies = new LinkedHashMap<>();
  private final Map<String, BiConsumer<ServerConnection, Envelope>> handlers = new LinkedHashMap<>();
  private final List<SocketCore> sockets = new ArrayList<>();
  private int handshakes, accepted, rejectRemaining, rejectStatus, acksToLose;
  private @Nullable Duration rejectRetryAfter;
  private Duration ackDelay = Duration.ZERO;
  private boolean refusing, closed;

  void protocol(FeedProtocol protocol) {
    this.protocol = protocol;
  }

  MessageCodec codec() {
    return codec;
  }

  void built(SocketCore socket) {
    synchronized (lock) {
      sockets.add(socket);
    }
  }

  List<String> openSockets() {
    synchronized (lock) {
      return sockets.stream().filter(s -> s.state() != ConnectionState.CLOSED)
          .map(s -> s.state() + " socket with " + s.metrics().outboxDepth() + " queued, "
              + s.metrics().unacknowledged() + " unacknowledged").collect(Collectors.toList());
    }
  }

  int closingSockets() {
    synchronized (lock) {
      return (int) sockets.stream().filter(s -> s.state() == ConnectionState.CLOSING).count();
    }
  }

  /** Waits until {@code condition} holds, checked outside the lock; see {@link FakeServer#await}. */
  void await(FakeServer server, Predicate<FakeServer> condition, String what, Duration timeout) {
    RealTimeWait.until(lock, () -> condition.test(server), what, timeout, server::toString);
  }

  List<ServerConnection> connections() {
    synchronized (lock) {
      return new ArrayList<>(open);
    }
  }

  int handshakes() {
    synchronized (lock) {
      return handshakes;
    }
  }

  List<Envelope> received() {
    synchronized (lock) {
      return new ArrayList<>(received);
    }
  }

  List<Envelope> delivered() {
    synchronized (lock) {
      return new ArrayList<>(delivered);
    }
  }

  void replyTo(String type, Function<Envelope, @Nullable Object> reply) {
    synchronized (lock) {
      replies.put(type, reply);
    }
  }

  void onMessage(String type, BiConsumer<ServerConnection, Envelope> handler) {
    synchronized (lock) {
      handlers.put(type, handler);
    }
  }

  void reject(int count, int status, @Nullable Duration retryAfter) {
    synchronized (lock) {
      rejectRemaining = count;
      rejectStatus = status;
      rejectRetryAfter = retryAfter;
    }
  }

  void refusing(boolean refuse) {
    synchronized (lock) {
      refusing = refuse;
    }
  }

  void loseAcks(int count) {
    synchronized (lock) {
      acksToLose = count;
    }
  }

  void delayAcks(Duration delay) {
    synchronized (lock) {
      ackDelay = delay;
    }
  }

  /** Marks the server closed; false if it already was. */
  boolean close() {
    synchronized (lock) {
      if (closed) return false;
      closed = true;
      return true;
    }
  }

  /** What the server answers a handshake. */
  static final class Answer {
    final boolean refused;
    final int status;
    final @Nullable String retryAfter;
    final @Nullable ServerConnection connection;
    /** The subprotocol chosen for an accepted connection: the first the client offered, or null. */
    @Nullable String subprotocol;

    Answer(boolean refused, int status, @Nullable String retryAfter, @Nullable ServerConnection connection) {
      this.refused = refused;
      this.status = status;
      this.retryAfter = retryAfter;
      this.connection = connection;
    }
  }

  /**
   * Decides a handshake for {@code path} with {@code headers}; an accepted one is open from here on.
   * Called on the thread that carries handshakes (a clock task, or MockWebServer's), under the lock.
   */
  Answer answer(FakeServer server, String path, Map<String, String> headers, ServerConnection.Wire wire) {
    synchronized (lock) {
      handshakes++;
      lock.notifyAll();
      if (closed || refusing) return new Answer(true, -1, null, null);
      if (rejectRemaining > 0) {
        rejectRemaining--;
        return new Answer(false, rejectStatus, rejectRetryAfter == null ? null : Long.toString(wholeSeconds(rejectRetryAfter)), null);
      }
      HttpUrl url = HttpUrl.get("http://h" + path);
      ServerSession session = java.util.Objects.requireNonNull(protocol, "protocol").newSession(headers.get(Envelopes.RESUME_HEADER), url.queryParameter("from"), true);
      ServerConnection c = new ServerConnection(server, accepted++, path, headers, session, wire);
      open.add(c);
      Answer a = new Answer(false, 101, null, c);
      String offered = headers.get("Sec-WebSocket-Protocol");
      if (offered != null && !offered.trim().isEmpty()) a.subprotocol = offered.split(",")[0].trim();
      return a;
    }
  }

  /** Retry-After is whole seconds: a fraction rounds up, so the client never waits less than asked. */
  private static long wholeSeconds(Duration d) {
    return d.getSeconds() + (d.getNano() > 0 ? 1 : 0);
  }

  /** A connection ended. */
  void ended(ServerConnection c) {
    synchronized (lock) {
      open.remove(c);
      lock.notifyAll();
    }
  }

  /** Something {@link #await} may be waiting for happened on a connection. */
  void changed() {
    synchronized (lock) {
      lock.notifyAll();
    }
  }

  /** Records a frame a client sent; returns its envelope, or null for heartbeats, resumes and non-envelopes. */
  @Nullable Envelope record(String text) {
    Envelope e;
    try {
      e = codec.decode(text);
    } catch (RuntimeException notAnEnvelope) { // a DecodeException, or a frame that is no envelope at all
      return null;
    }
    if (e.type().equals(Envelopes.TYPE_HEARTBEAT) || e.type().equals(Envelopes.TYPE_RESUME)) return null;
    synchronized (lock) {
      received.add(e);
      lock.notifyAll();
    }
    return e;
  }

  /** Runs the {@link #onMessage} handler for {@code e}'s type, if any, outside the lock. */
  void handled(ServerConnection from, Envelope e) {
    BiConsumer<ServerConnection, Envelope> h;
    synchronized (lock) {
      h = handlers.get(e.type());
    }
    if (h != null) h.accept(from, e);
  }

  /** The protocol handler: reply rules and ack faults, as the protocol asks for them. */
  FeedProtocol.Handler rules() {
    return new Rules();
  }

  /** {@code inner}, recording what it delivers once in {@link #delivered()}. */
  Inbox inbox(MemoryInbox inner) {
    return new RecordingInbox(inner);
  }

  /** The fake's behaviour, as the protocol asks for it: reply rules, ack faults. */
  private final class Rules implements FeedProtocol.Handler {
    @Override
    public boolean isRequest(String type) {
      synchronized (lock) {
        return replies.containsKey(type) || type.equals(Envelopes.TYPE_REQUEST);
      }
    }

    @Override
    public @Nullable JsonNode onRequest(ServerSession session, ObjectNode request) {
      Function<Envelope, @Nullable Object> rule;
      synchronized (lock) {
        rule = replies.get(request.path("type").asText(""));
      }
      if (rule == null) return request.get("content");
      return Envelopes.JSON.valueToTree(rule.apply(codec.decode(request.toString())));
    }

    @Override
    public @Nullable Duration ackDelay(ServerSession session, String id) {
      synchronized (lock) {
        if (acksToLose > 0) {
          acksToLose--;
          return null;
        }
        return ackDelay;
      }
    }
  }

  /** The de-duplicating inbox, recording what it delivers once. */
  private final class RecordingInbox implements Inbox {
    private final MemoryInbox inner;

    RecordingInbox(MemoryInbox inner) {
      this.inner = inner;
    }

    @Override
    public boolean receive(String id, JsonNode message, Runnable deliver) {
      return inner.receive(id, message, () -> {
        Envelope e = codec.decode(message.toString());
        synchronized (lock) {
          delivered.add(e);
        }
        deliver.run();
      });
    }
  }
}
