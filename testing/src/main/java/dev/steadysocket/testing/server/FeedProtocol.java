package dev.steadysocket.testing.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import mockwebserver3.RecordedRequest;
import org.jspecify.annotations.Nullable;

/**
 * The server side of SteadySocket's delivery guarantees, shared by the demo feed server and the
 * cluster node: heartbeat echoes, acknowledgements with de-duplication, request/reply, and
 * resumable streams. One instance per server; {@link #newSession} makes the OkHttp {@code
 * WebSocketListener} for each upgraded connection.
 *
 * <p>The wire, as the README's "Delivery guarantees" describes it:
 *
 * <ul>
 *   <li>an envelope with {@code meta.ack == true} is recorded once per id in the {@link Inbox}
 *       (handed to the {@link Handler} only the first time) and then answered with {@code
 *       {"type":"ack","meta":{"replyTo":id}}}, also when it is a repeat;
 *   <li>an envelope of type {@code request} is answered with a {@code reply} whose {@code
 *       meta.replyTo} is the request's id and whose content the handler chooses (an echo by
 *       default);
 *   <li>every entry of a {@link FeedStream} carries its entry id and {@code meta.stream}. A client
 *       that resumes names, per stream, the last id it delivered, in the {@code
 *       X-SteadySocket-Resume} handshake header and/or a first {@code resume} frame; the session
 *       replays everything after it, then continues live. Streams it names no position for start
 *       after the {@code from} query parameter if given ({@code ?from=0} = all that is kept),
 *       otherwise live from the moment the connection opened.
 * </ul>
 *
 * <p>Which position wins: the handshake header, when present, decides at once and later {@code
 * resume} frames are ignored (the frame can only be newer than the header by entries the client
 * already has, and those its de-duplication drops). Without the header the session holds its
 * stream entries back until the first frame arrives or {@link Builder#resumeGrace} passes, so a
 * client that resumes only with the frame never sees a live entry before its replay.
 */
public final class FeedProtocol {
  /** What the server application does with a session; every method runs on that connection's reader thread. */
  public interface Handler {
    /** After the upgrade, before any stream entry is sent. */
    default void onOpen(ServerSession session) {}

    /**
     * An application message (anything but heartbeats, resumes and requests). Messages that asked
     * for an ack arrive here once per id, inside the {@link Inbox}'s atomic step.
     */
    default void onMessage(ServerSession session, ObjectNode message, String text) {}

    /** Whether a stream entry goes to this session (a per-session filter); by default all do. */
    default boolean wants(ServerSession session, FeedEntry entry) {
      return true;
    }

    /**
     * Whether envelopes of {@code type} are requests: answered with a {@code reply} on every receipt
     * (a repeat too, since the first reply may be what was lost), and not given to {@link
     * #onMessage}. By default only type {@code request}.
     */
    default boolean isRequest(String type) {
      return type.equals(Envelopes.TYPE_REQUEST);
    }

    /**
     * When to acknowledge message {@code id}: {@link Duration#ZERO} at once (the default), a later
     * delay, or null to lose this acknowledgement (the client re-sends the message later).
     */
    default @Nullable Duration ackDelay(ServerSession session, String id) {
      return Duration.ZERO;
    }

    /** The content of the reply to a request; by default the request's own content. */
    default @Nullable JsonNode onRequest(ServerSession session, ObjectNode request) {
      return request.get("content");
    }

    /**
     * The connection ended: closed with {@code code}, or failed with {@code failure} (then {@code
     * code} is -1). Called once.
     */
    default void onClose(ServerSession session, int code, @Nullable Throwable failure) {}
  }

  /** Runs the protocol's timers (the resume grace, delayed acks): real time, or a test's virtual clock. */
  public interface Timers {
    /** Runs {@code task} once after {@code delay}; the returned handle calls it off. */
    Runnable schedule(Runnable task, Duration delay);

    /** Timers on {@code executor} (owned by the caller). */
    static Timers of(ScheduledExecutorService executor) {
      return (task, delay) -> {
        ScheduledFuture<?> f = executor.schedule(task, delay.toNanos(), TimeUnit.NANOSECONDS);
        return () -> f.cancel(false);
      };
    }
  }

  /** Counters, for logs and tests. */
  public static final class Stats {
    public final AtomicLong acksSent = new AtomicLong();
    /** Acknowledgements the handler chose to lose ({@link Handler#ackDelay} returned null). */
    public final AtomicLong acksLost = new AtomicLong();
    /** Acknowledged messages that were repeats (a resend after a lost ack) and were not delivered again. */
    public final AtomicLong duplicatesDropped = new AtomicLong();
    public final AtomicLong repliesSent = new AtomicLong();
    public final AtomicLong resumes = new AtomicLong();
    /** Entries replayed to resuming clients. */
    public final AtomicLong replayed = new AtomicLong();
    /** Resumes that could not replay everything (the client was further behind than the history). */
    public final AtomicLong incompleteReplays = new AtomicLong();
  }

  final String sender;
  final Map<String, FeedStream> streams;
  final Inbox inbox;
  final Handler handler;
  final Timers timers;
  final Duration resumeGrace;
  final Consumer<String> log;
  final Stats stats = new Stats();
  final Set<ServerSession> sessions = ConcurrentHashMap.newKeySet();

  private FeedProtocol(Builder b) {
    this.sender = b.sender;
    this.streams = Collections.unmodifiableMap(new LinkedHashMap<>(b.streams));
    this.inbox = Objects.requireNonNull(b.inbox, "inbox");
    this.handler = b.handler;
    this.timers = Objects.requireNonNull(b.timers, "timers (or scheduler)");
    this.resumeGrace = b.resumeGrace;
    this.log = b.log;
  }

  public static Builder builder(String sender) {
    return new Builder(sender);
  }

  /**
   * The listener for one upgraded connection.
   *
   * @param subscribes whether the session receives the streams (the demo's {@code /chat} does not)
   */
  public ServerSession newSession(RecordedRequest request, boolean subscribes) {
    return newSession(
        request.getHeaders().get(Envelopes.RESUME_HEADER), request.getUrl().queryParameter("from"), subscribes);
  }

  /**
   * The listener for one upgraded connection, from what its handshake carried.
   *
   * @param resumeHeader the {@code X-SteadySocket-Resume} header, or null
   * @param from the {@code from} query parameter, or null
   */
  public ServerSession newSession(@Nullable String resumeHeader, @Nullable String from, boolean subscribes) {
    return new ServerSession(this, subscribes, resumeHeader, from);
  }

  public Stats stats() {
    return stats;
  }

  /** The open sessions, in no particular order. */
  public List<ServerSession> sessions() {
    return new ArrayList<>(sessions);
  }

  /** The names of the streams, in the order they were added. */
  public List<String> streamNames() {
    return new ArrayList<>(streams.keySet());
  }

  public @Nullable FeedStream stream(String name) {
    return streams.get(name);
  }

  public static final class Builder {
    private final String sender;
    private final Map<String, FeedStream> streams = new LinkedHashMap<>();
    private @Nullable Inbox inbox;
    private Handler handler = new Handler() {};
    private @Nullable Timers timers;
    private Duration resumeGrace = Duration.ofMillis(500);
    private Consumer<String> log = line -> {};

    private Builder(String sender) {
      this.sender = sender;
    }

    public Builder stream(FeedStream stream) {
      streams.put(stream.name(), stream);
      return this;
    }

    public Builder inbox(Inbox inbox) {
      this.inbox = inbox;
      return this;
    }

    public Builder handler(Handler handler) {
      this.handler = handler;
      return this;
    }

    /** Runs the resume grace timers; owned by the caller. */
    public Builder scheduler(ScheduledExecutorService scheduler) {
      this.timers = Timers.of(scheduler);
      return this;
    }

    /** Runs the timers (resume grace, delayed acks); a virtual clock in the kit's in-memory mode. */
    public Builder timers(Timers timers) {
      this.timers = timers;
      return this;
    }

    /**
     * How long a session without the resume header waits for a first {@code resume} frame before
     * it starts its streams live. Default 500 ms.
     */
    public Builder resumeGrace(Duration grace) {
      this.resumeGrace = grace;
      return this;
    }

    /** Where protocol events (resumes, repeats, failures) are described, one line each. */
    public Builder log(Consumer<String> log) {
      this.log = log;
      return this;
    }

    public FeedProtocol build() {
      return new FeedProtocol(this);
    }
  }
}
