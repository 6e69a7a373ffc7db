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
 * <p>The wire, as docs/delivery.md ("Delivery guarantees") describes it:
 *
 * <ul>
 *   <li>an envelope with {@code meta.ack == true} is recorded once per id in the {@link Inbox}
 *       (handed to the {@link Handler} only the first time) and then answered with {@code
 *       {"type":"ack","meta":{"replyTo":id}}}, also when it is a repeat (one without an {@code
 *       id} is handled as a plain message, unacknowledged);
 *   <li>an envelope of type {@code request} is answered with a {@code reply} whose {@code
 *       meta.replyTo} is the request's id and whose content the handler chooses (an echo by
 *       default); a request without an {@code id} gets no reply;
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
 *
 * <p>Threads: thread-safe; one instance serves every connection at once. Each session runs on its
 * connection's reader thread, its resume grace and delayed acknowledgements on the {@link Timers},
 * and stream entries reach it on the publishing thread. The streams, inbox, handler and log it is
 * given are shared by all sessions and must be thread-safe.
 */
public final class FeedProtocol {
  /**
   * What the server application does with a session. Every method runs on the thread that reports
   * that connection's events (OkHttp's reader thread, or for a failure the thread that saw it; a
   * {@code TestClock} task in the kit's in-memory mode), except {@link #wants}, which runs
   * where entries are delivered: on the publishing thread under the stream's lock, or on the thread
   * that starts the session's streams (the reader, or the timer thread when the resume grace ends).
   * One handler serves every session, so it must be thread-safe. Every method has a default.
   */
  public interface Handler {
    /**
     * After the upgrade, before any stream entry is sent.
     *
     * @param session the new session, already among {@link FeedProtocol#sessions()}
     */
    default void onOpen(ServerSession session) {}

    /**
     * An application message (anything but heartbeats, resumes and requests). Messages that asked
     * for an ack arrive here once per id, inside the {@link Inbox}'s atomic step.
     *
     * @param session the session it arrived on
     * @param message the envelope, as parsed; read it, do not change it
     * @param text the frame exactly as received
     */
    default void onMessage(ServerSession session, ObjectNode message, String text) {}

    /**
     * Whether a stream entry goes to this session (a per-session filter); by default all do. Asked
     * for replayed and live entries alike, under the stream's lock: it must not block.
     *
     * @param session the session the entry would go to
     * @param entry the entry
     * @return true to send it, false to skip it for this session (it is not offered again)
     */
    default boolean wants(ServerSession session, FeedEntry entry) {
      return true;
    }

    /**
     * Whether envelopes of {@code type} are requests: answered with a {@code reply} on every receipt
     * (a repeat too, since the first reply may be what was lost), and not given to {@link
     * #onMessage}. By default only type {@code request}.
     *
     * @param type the envelope's {@code type}; empty if it had none
     * @return true to answer it as a request
     */
    default boolean isRequest(String type) {
      return type.equals(Envelopes.TYPE_REQUEST);
    }

    /**
     * When to acknowledge message {@code id}: {@link Duration#ZERO} at once (the default), a later
     * delay, or null to lose this acknowledgement (the client re-sends the message later). Asked on
     * every receipt, repeats included.
     *
     * @param session the session the message arrived on
     * @param id the message's {@code id}
     * @return zero or negative to send the acknowledgement at once, a positive delay to send it
     *     later on the {@link Timers}, or null to never send it
     */
    default @Nullable Duration ackDelay(ServerSession session, String id) {
      return Duration.ZERO;
    }

    /**
     * The content of the reply to a request; by default the request's own content. Asked on every
     * receipt, repeats included.
     *
     * @param session the session the request arrived on
     * @param request the request envelope, as parsed; read it, do not change it
     * @return the reply's {@code content}; null writes JSON {@code null}
     */
    default @Nullable JsonNode onRequest(ServerSession session, ObjectNode request) {
      return request.get("content");
    }

    /**
     * The connection ended: closed with {@code code}, or failed with {@code failure} (then {@code
     * code} is -1). Called once, and only for a session that opened.
     *
     * @param session the session that ended, already removed from {@link FeedProtocol#sessions()}
     * @param code the close code the client sent, or -1 after a failure
     * @param failure what failed the connection, or null after a close handshake
     */
    default void onClose(ServerSession session, int code, @Nullable Throwable failure) {}
  }

  /**
   * Counters, for logs and tests: updated by every session as it goes, readable from any thread,
   * never reset.
   */
  public static final class Stats {
    /** Acknowledgements queued on their connection (those a closed connection refused not counted). */
    public final AtomicLong acksSent = new AtomicLong();
    /** Acknowledgements the handler chose to lose ({@link Handler#ackDelay} returned null). */
    public final AtomicLong acksLost = new AtomicLong();
    /** Acknowledged messages that were repeats (a resend after a lost ack) and were not delivered again. */
    public final AtomicLong duplicatesDropped = new AtomicLong();
    /** Replies to requests queued on their connection, repeats' replies included. */
    public final AtomicLong repliesSent = new AtomicLong();
    /** Streams started from a position the client gave (header or frame): one per stream per session. */
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
  /** The server's wall clock, epoch milliseconds: timestamps on echoes, acks and replies. */
  final java.util.function.LongSupplier clock;
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
    this.clock = b.clock;
    this.resumeGrace = b.resumeGrace;
    this.log = b.log;
  }

  /**
   * Starts configuring a protocol.
   *
   * @param sender the {@code sender} of what the sessions write (heartbeat echoes, replies)
   * @return a new builder; an inbox and timers are required
   */
  public static Builder builder(String sender) {
    return new Builder(sender);
  }

  /**
   * The listener for one upgraded connection. Any thread.
   *
   * @param request the upgrade request as MockWebServer recorded it: its {@code
   *     X-SteadySocket-Resume} header and {@code from} query parameter are read
   * @param subscribes whether the session receives the streams (the demo's {@code /chat} does not)
   * @return a new session, to give to {@code MockResponse.Builder.webSocketUpgrade}; it joins
   *     {@link #sessions()} when it opens
   */
  public ServerSession newSession(RecordedRequest request, boolean subscribes) {
    return newSession(
        request.getHeaders().get(Envelopes.RESUME_HEADER), request.getUrl().queryParameter("from"), subscribes);
  }

  /**
   * The listener for one upgraded connection, from what its handshake carried. Any thread.
   *
   * @param resumeHeader the {@code X-SteadySocket-Resume} header, or null; one that is not a JSON
   *     object counts as absent, and positions in it that are not stream ids are skipped
   * @param from the {@code from} query parameter, or null; a value that is not a stream id is
   *     ignored (the streams start live)
   * @param subscribes whether the session receives the streams
   * @return a new session, not yet open
   */
  public ServerSession newSession(@Nullable String resumeHeader, @Nullable String from, boolean subscribes) {
    return new ServerSession(this, subscribes, resumeHeader, from);
  }

  /**
   * The protocol's counters, shared by all its sessions. Any thread.
   *
   * @return the live counters (not a copy)
   */
  public Stats stats() {
    return stats;
  }

  /**
   * The open sessions, in no particular order. Any thread.
   *
   * @return a new list of the sessions opened and not yet ended
   */
  public List<ServerSession> sessions() {
    return new ArrayList<>(sessions);
  }

  /**
   * The names of the streams, in the order they were added. Any thread.
   *
   * @return a new list
   */
  public List<String> streamNames() {
    return new ArrayList<>(streams.keySet());
  }

  /**
   * One of the protocol's streams. Any thread.
   *
   * @param name the stream's name
   * @return the stream, or null if there is none of that name
   */
  public @Nullable FeedStream stream(String name) {
    return streams.get(name);
  }

  /** Configures a {@link FeedProtocol}. Not thread-safe: configure it on one thread, then build. */
  public static final class Builder {
    private final String sender;
    private final Map<String, FeedStream> streams = new LinkedHashMap<>();
    private @Nullable Inbox inbox;
    private Handler handler = new Handler() {};
    private @Nullable Timers timers;
    private java.util.function.LongSupplier clock = System::currentTimeMillis;
    private Duration resumeGrace = Duration.ofMillis(500);
    private Consumer<String> log = line -> {};

    private Builder(String sender) {
      this.sender = sender;
    }

    /**
     * Adds a stream every subscribing session receives.
     *
     * @param stream the stream; one with the same name replaces the earlier
     * @return this builder
     */
    public Builder stream(FeedStream stream) {
      streams.put(stream.name(), stream);
      return this;
    }

    /**
     * Where acknowledged messages are recorded once per id. Required.
     *
     * @param inbox the inbox, shared by every session
     * @return this builder
     */
    public Builder inbox(Inbox inbox) {
      this.inbox = inbox;
      return this;
    }

    /**
     * What the application does with sessions. Default: a handler with every default (all entries,
     * requests of type {@code request} echoed, acknowledgements at once).
     *
     * @param handler the handler, shared by every session
     * @return this builder
     */
    public Builder handler(Handler handler) {
      this.handler = Objects.requireNonNull(handler, "handler");
      return this;
    }

    /**
     * Runs the timers (resume grace, delayed acks) on {@code scheduler}, owned by the caller: {@link
     * Timers#of}. This or {@link #timers} is required; the later call wins.
     *
     * @param scheduler the executor
     * @return this builder
     */
    public Builder scheduler(ScheduledExecutorService scheduler) {
      this.timers = Timers.of(scheduler);
      return this;
    }

    /**
     * Runs the timers (resume grace, delayed acks); a virtual clock in the kit's in-memory mode.
     * This or {@link #scheduler} is required; the later call wins.
     *
     * @param timers the timers
     * @return this builder
     */
    public Builder timers(Timers timers) {
      this.timers = timers;
      return this;
    }

    /**
     * How long a session without the resume header waits for a first {@code resume} frame before
     * it starts its streams live. Default 500 ms.
     *
     * @param grace the wait; zero or negative starts the streams live at once, so a client that
     *     resumes only by frame misses its replay
     * @return this builder
     */
    public Builder resumeGrace(Duration grace) {
      this.resumeGrace = Objects.requireNonNull(grace, "grace");
      return this;
    }

    /**
     * The wall clock that stamps what the protocol sends (heartbeat echoes, acks, replies). Default
     * {@code System::currentTimeMillis}; the kit's in-memory server passes its test clock.
     *
     * @param clock epoch milliseconds; any thread may call it
     * @return this builder
     */
    public Builder clock(java.util.function.LongSupplier clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * Where protocol events (resumes, unreadable frames, failures) are described, one line each.
     * Default: nowhere.
     *
     * @param log takes each line, on the session's thread; shared by every session
     * @return this builder
     */
    public Builder log(Consumer<String> log) {
      this.log = log;
      return this;
    }

    /**
     * Builds the protocol.
     *
     * @return a new protocol with a copy of the streams given so far
     * @throws NullPointerException if no inbox, or neither timers nor a scheduler, was given
     */
    public FeedProtocol build() {
      return new FeedProtocol(this);
    }
  }
}
