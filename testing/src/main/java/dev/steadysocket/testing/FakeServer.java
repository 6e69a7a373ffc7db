package dev.steadysocket.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.steadysocket.Envelope;
import dev.steadysocket.MessageCodec;
import dev.steadysocket.SteadySocket;
import dev.steadysocket.SteadySocketBuilder;
import dev.steadysocket.ConnectionState;
import dev.steadysocket.internal.Api;
import dev.steadysocket.internal.SocketCore;
import dev.steadysocket.testing.server.Envelopes;
import dev.steadysocket.testing.server.FeedProtocol;
import dev.steadysocket.testing.server.FeedStream;
import dev.steadysocket.testing.server.MemoryInbox;
import dev.steadysocket.testing.server.ServerSession;
import dev.steadysocket.testing.server.StreamId;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.BiConsumer;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import okhttp3.HttpUrl;
import org.jspecify.annotations.Nullable;

/**
 * A server that speaks SteadySocket's envelope protocol, for testing an application's code: it
 * echoes heartbeats, acknowledges messages that ask for it (once per id: repeats are dropped, as a
 * de-duplicating server does), answers requests, and serves resumable streams with history. A test
 * scripts it (send to one or all clients, reply rules by type, typed assertions on what arrived)
 * and breaks it on command (drop with FIN or RST, half-open, close with any code, reject the next
 * handshakes with a status and Retry-After, refuse connections, lose or delay acknowledgements,
 * replay history).
 *
 * <p>Two modes behind this one API. {@link #inMemory()}: no socket and no thread; sockets built by
 * {@link #newSocket()} (or {@link #wire}) run on the server's {@link TestClock}, so an outage with
 * its backoff and heartbeats runs in milliseconds. {@link #loopback()}: a real WebSocket server on
 * 127.0.0.1 (MockWebServer), with real OkHttp, real frames and real time, for integration tests.
 *
 * <p>What arrives is recorded: {@link #received()} (every envelope), {@link #delivered()} (what a
 * de-duplicating server would keep) and each {@link ServerConnection}'s own log. The server's own
 * envelopes (sends, acknowledgements, replies, stream entries) are stamped with the real wall clock,
 * and stream entry ids are minted from it, in both modes: only the sockets read the {@link
 * TestClock}.
 *
 * <p>Threads: every method may be called from any thread. The server's state (open connections,
 * recordings, reply rules, handlers, counters and faults) is guarded by one lock, held only for
 * reads and writes of that state: reply rules and {@link #onMessage} handlers run outside it. The
 * server's side of the protocol runs in memory as {@link TestClock} tasks, on whichever thread
 * advances the clock; on loopback, on MockWebServer's threads (one reader per connection) and one
 * timer thread ({@code FakeServer timers}). Close it (or let {@link SteadySocketExtension} do so)
 * when the test ends.
 */
public final class FakeServer implements AutoCloseable {
  /** The host in-memory servers answer as; nothing resolves it. */
  static final String MEMORY_URL = "ws://fake-server.steadysocket.test/";

  private final Object lock = new Object();
  private final String sender;
  private final FeedProtocol protocol;
  private final @Nullable TestClock clock;
  private final @Nullable Loopback loopback;
  private final MessageCodec codec = MessageCodec.jackson();
  /** Stamps what the server sends: the test clock in memory, real time on loopback. */
  private final java.util.function.LongSupplier wallClock;
  /** Guarded by lock, like every mutable field from here to {@code closed}: accepted and not ended, oldest first. */
  private final List<ServerConnection> open = new ArrayList<>();
  private final List<Envelope> received = new ArrayList<>(), delivered = new ArrayList<>();
  private final Map<String, Function<Envelope, @Nullable Object>> replies = new LinkedHashMap<>();
  private final Map<String, BiConsumer<ServerConnection, Envelope>> handlers = new LinkedHashMap<>();
  private final List<SocketCore> sockets = new ArrayList<>();
  private int handshakes, accepted, rejectRemaining, rejectStatus, acksToLose;
  private @Nullable Duration rejectRetryAfter;
  private Duration ackDelay = Duration.ZERO;
  private boolean refusing, closed;

  private FakeServer(Builder b) {
    this.sender = b.sender;
    this.clock = b.loopback ? null : (b.clock != null ? b.clock : new TestClock());
    FeedProtocol.Builder p = FeedProtocol.builder(sender).handler(new Rules()).resumeGrace(b.resumeGrace)
        .inbox(new RecordingInbox(new MemoryInbox(b.dedupeWindow)));
    java.util.function.LongSupplier wallClock =
        clock == null ? System::currentTimeMillis : clock.scheduler()::currentTimeMillis;
    p.clock(wallClock);
    for (String name : b.streams) p.stream(new FeedStream(name, b.history, StreamId.ZERO, null, wallClock));
    this.wallClock = wallClock;
    if (clock != null) {
      TestClock c = clock;
      p.timers(c::schedule);
      this.loopback = null;
      this.protocol = p.build();
    } else {
      this.loopback = new Loopback(this);
      p.timers(loopback.timers());
      this.protocol = p.build();
      loopback.start();
    }
  }

  /**
   * An in-memory server on its own new {@link TestClock}, with one stream named {@code feed}. Any
   * thread.
   *
   * @return a new server, with no socket and no thread; sockets reach it through {@link
   *     #newSocket()} or {@link #wire}
   */
  public static FakeServer inMemory() {
    return builder().build();
  }

  /**
   * A real server on a loopback port (real time), with one stream named {@code feed}. Any thread.
   *
   * @return a new server, already listening on an ephemeral port of 127.0.0.1 ({@link #url()})
   * @throws java.io.UncheckedIOException if no port can be bound
   */
  public static FakeServer loopback() {
    return builder().loopback().build();
  }

  /**
   * Starts configuring a server: streams, history, de-duplication window, resume grace, shared
   * clock or loopback. Any thread.
   *
   * @return a new builder with the defaults of {@link #inMemory()}
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * The URL to give {@link SteadySocket#builder}. Any thread.
   *
   * @return in memory {@code ws://fake-server.steadysocket.test/} (a name nothing resolves: only
   *     sockets {@link #wire wired} to this server reach it, whatever URL they were built with); on
   *     loopback {@code ws://127.0.0.1:<port>/}
   */
  public String url() {
    return loopback != null ? loopback.url() : MEMORY_URL;
  }

  /**
   * Which mode this server runs in. Any thread.
   *
   * @return true in memory (virtual time), false on loopback (real time)
   */
  public boolean isInMemory() {
    return clock != null;
  }

  /**
   * The virtual clock of an in-memory server, which runs its sockets. Any thread.
   *
   * @return the clock given to {@link Builder#clock}, or the server's own
   * @throws IllegalStateException on loopback, which runs in real time
   */
  public TestClock clock() {
    if (clock == null) throw new IllegalStateException("a loopback FakeServer runs in real time: it has no TestClock");
    return clock;
  }

  /**
   * A socket builder for this server: {@code SteadySocket.builder(url())}, {@link #wire wired}. Any
   * thread.
   *
   * @return a new builder, ready for the test's own settings (listener, heartbeat, guarantees)
   */
  public SteadySocketBuilder newSocket() {
    return wire(SteadySocket.builder(url()));
  }

  /**
   * Connects {@code builder} to this server: in memory, its sockets then run on the {@link
   * #clock()} (their connection loop, timers and listener callbacks, unless the builder names its own
   * callback executor) and reach this server whatever their URL; on loopback, nothing changes (build
   * it with {@link #url()}). In memory, sockets built after this are tracked for {@link
   * #openSockets()}; on loopback none are. Any thread; the builder itself is not thread-safe.
   *
   * @param builder the builder to wire, changed in place; wiring it to another in-memory server
   *     later replaces this server
   * @return {@code builder}
   */
  public SteadySocketBuilder wire(SteadySocketBuilder builder) {
    if (clock == null) return builder;
    return Api.get().wire(builder, clock.scheduler(), new MemoryNetwork(this, clock), clock.executor(), core -> {
      synchronized (lock) {
        sockets.add(core);
      }
    });
  }

  /**
   * Sockets built through {@link #wire} (in memory) that are not closed yet, for leak reports. Any
   * thread.
   *
   * @return a new list, one line per such socket in build order: its state, its outbox depth and
   *     its unacknowledged count ({@code "OPEN socket with 2 queued, 1 unacknowledged"}); always
   *     empty on loopback
   */
  public List<String> openSockets() {
    synchronized (lock) {
      return sockets.stream().filter(s -> s.state() != ConnectionState.CLOSED)
          .map(s -> s.state() + " socket with " + s.metrics().outboxDepth() + " queued, "
              + s.metrics().unacknowledged() + " unacknowledged").collect(Collectors.toList());
    }
  }

  /** Sockets built through {@link #wire} (in memory) in their close handshake (CLOSING). */
  int closingSockets() {
    synchronized (lock) {
      return (int) sockets.stream().filter(s -> s.state() == ConnectionState.CLOSING).count();
    }
  }

  /**
   * Waits in real time, without polling, until {@code condition} holds for this server; for
   * loopback tests whose client side has no {@link SocketEvents} to wait on (an app's own socket),
   * or that wait on the server's side of things. In memory, run the {@link TestClock} instead.
   * Any thread but one that carries this server's connections.
   *
   * @param condition checked now, and whenever a handshake arrives or a connection receives an
   *     envelope, receives a close frame, stalls or ends; under the server's lock, so it
   *     must not wait itself
   * @param what what is awaited, for the failure message
   * @param timeout how long to wait at most
   * @return this server
   * @throws AssertionError naming {@code what} and the server, if {@code timeout} passes first
   */
  public FakeServer await(Predicate<FakeServer> condition, String what, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    synchronized (lock) {
      while (!condition.test(this)) {
        long left = deadline - System.nanoTime();
        if (left <= 0) throw new AssertionError("timed out after " + timeout + " waiting for " + what + "; " + this);
        try {
          lock.wait(Math.max(1, left / 1_000_000));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new AssertionError("interrupted waiting for " + what, e);
        }
      }
    }
    return this;
  }

  /**
   * Open connections, oldest first. A connection is listed from the moment the server accepts its
   * handshake until it has closed or failed; a command given before its upgrade is done (on
   * loopback, a moment after the client sees OPEN) waits for it. Any thread.
   *
   * @return a new list (a snapshot: later connections are not added to it)
   */
  public List<ServerConnection> connections() {
    synchronized (lock) {
      return new ArrayList<>(open);
    }
  }

  /**
   * The one open connection. Any thread.
   *
   * @return the only element of {@link #connections()}
   * @throws AssertionError if there is none or more than one
   */
  public ServerConnection connection() {
    List<ServerConnection> now = connections();
    if (now.size() != 1) throw new AssertionError("expected one open connection, found " + now.size() + ": " + now);
    return now.get(0);
  }

  /**
   * Handshakes that reached this server, rejected and refused ones included. Any thread.
   *
   * @return the count since the server was built (in memory, an attempt the socket gave up before
   *     the server's task ran never reached it)
   */
  public int handshakes() {
    synchronized (lock) {
      return handshakes;
    }
  }

  /**
   * Sends an envelope of {@code type} with a random id to every open connection, as {@link
   * ServerConnection#send} does; a connection that cannot take it (not open yet, closing) is
   * skipped silently. Any thread.
   *
   * @param type the envelope's {@code type}, sent as given
   * @param content the envelope's {@code content}, converted to JSON by Jackson ({@link
   *     Envelopes#JSON}); null sends JSON {@code null}
   * @throws IllegalArgumentException if Jackson cannot convert {@code content}
   */
  public void sendToAll(String type, @Nullable Object content) {
    for (ServerConnection c : connections()) c.send(type, content);
  }

  /**
   * Publishes an entry on resumable {@code stream}: kept in its history and sent to every
   * connection, with its entry id and {@code meta.stream}. A client that resumes gets what it missed.
   * A connection that has not started its streams yet (no resume header, no first frame, within
   * {@link Builder#resumeGrace}) gets the entry when it does. Any thread; in memory the frames
   * travel when the clock runs.
   *
   * @param stream the stream's name, as given to {@link Builder#streams}
   * @param type the entry envelope's {@code type}
   * @param content the entry's {@code content}, converted to JSON by Jackson; null sends JSON {@code
   *     null}
   * @return the entry's id, {@code <epoch millis>-<sequence>} ({@link
   *     dev.steadysocket.testing.server.StreamId}), minted from the real wall clock
   * @throws IllegalArgumentException if the server has no such stream ({@link Builder#streams}), or
   *     Jackson cannot convert {@code content}
   */
  public String publish(String stream, String type, @Nullable Object content) {
    return stream(stream).publish(type, Envelopes.JSON.valueToTree(content), sender).id().toString();
  }

  /**
   * Every envelope the clients sent (heartbeats, resume frames and frames that are no envelope left
   * out), in arrival order over all connections; repeats included. Any thread.
   *
   * @return a new list
   */
  public List<Envelope> received() {
    synchronized (lock) {
      return new ArrayList<>(received);
    }
  }

  /**
   * The envelopes of {@code type} the clients sent, in arrival order. Any thread.
   *
   * @param type the type to keep, compared exactly (case-sensitive)
   * @return a new list, empty if none arrived
   */
  public List<Envelope> received(String type) {
    return received().stream().filter(e -> e.type().equals(type)).collect(Collectors.toList());
  }

  /**
   * The last envelope of {@code type} the clients sent. Any thread.
   *
   * @param type the type to look for, compared exactly (case-sensitive)
   * @return the most recent such envelope
   * @throws AssertionError listing what did arrive, if none of that type did
   */
  public Envelope expectReceived(String type) {
    List<Envelope> all = received();
    for (int i = all.size() - 1; i >= 0; i--) if (all.get(i).type().equals(type)) return all.get(i);
    throw new AssertionError("no '" + type + "' envelope received; got types "
        + all.stream().map(Envelope::type).collect(Collectors.toList()));
  }

  /**
   * Messages sent with acknowledgement ({@code meta.ack}), once per id (repeats after a lost ack are
   * not here), in order: what an application behind a de-duplicating server would see. Any thread.
   *
   * @return a new list
   */
  public List<Envelope> delivered() {
    synchronized (lock) {
      return new ArrayList<>(delivered);
    }
  }

  /**
   * Acknowledged messages that arrived again and were dropped as repeats (each still acknowledged
   * again). Any thread.
   *
   * @return the count since the server was built
   */
  public long duplicatesDropped() {
    return protocol.stats().duplicatesDropped.get();
  }

  /**
   * Answers envelopes of {@code type} as requests: a {@code reply} whose {@code meta.replyTo} is the
   * request's id and whose content {@code reply} computes (on every receipt, repeats too). Type
   * {@code request} is answered even without a rule (with its own content). A request without an
   * {@code id} gets no reply. Any thread.
   *
   * @param type the requests' type; a later rule for the same type replaces this one
   * @param reply computes the reply's content from the request (decoded by the SDK's codec); its
   *     result is converted by Jackson, null giving JSON {@code null}. It runs where {@link
   *     #onMessage} handlers run, outside the server's lock, and must not throw
   */
  public void replyTo(String type, Function<Envelope, @Nullable Object> reply) {
    synchronized (lock) {
      replies.put(type, reply);
    }
  }

  /**
   * Runs {@code handler} for each envelope of {@code type} a client sends (repeats included), after
   * the protocol handled it (acknowledged it, if asked): to relay chat to the other connections,
   * push a snapshot after a subscribe, close a connection on a bad message... In memory it runs on
   * the clock; on loopback, on that connection's reader thread (keep it short). It runs outside the
   * server's lock, so it may call this server and the connection. Any thread may register.
   *
   * @param type the envelopes' type, compared exactly; a later handler for the same type replaces
   *     this one
   * @param handler receives the connection the envelope came on and the envelope (decoded by the
   *     SDK's codec); it must not throw
   */
  public void onMessage(String type, BiConsumer<ServerConnection, Envelope> handler) {
    synchronized (lock) {
      handlers.put(type, handler);
    }
  }

  /**
   * The next {@code count} handshakes are answered with {@code status} (and Retry-After, if given)
   * instead of the upgrade. Replaces any rejections still pending. Any thread.
   *
   * @param count how many handshakes to reject; zero or less rejects none
   * @param status the HTTP status, 100 to 599 but not 101 (typically 401, 403, 429, 503)
   * @param retryAfter the Retry-After header, sent in whole seconds (a fraction is dropped, so less
   *     than a second sends {@code 0}), or null for none
   * @throws IllegalArgumentException if {@code status} is 101 or outside 100 to 599
   */
  public void rejectNextHandshakes(int count, int status, @Nullable Duration retryAfter) {
    if (status == 101 || status < 100 || status > 599) throw new IllegalArgumentException("not a rejection: " + status);
    if (count < 0) throw new IllegalArgumentException("count < 0: " + count);
    if (retryAfter != null && retryAfter.isNegative()) throw new IllegalArgumentException("negative Retry-After: " + retryAfter);
    synchronized (lock) {
      rejectRemaining = count;
      rejectStatus = status;
      rejectRetryAfter = retryAfter;
    }
  }

  /**
   * An outage: every open connection is reset and new ones are refused until {@link #restore()}.
   * In memory a refused attempt fails as a refused TCP connection ({@code ConnectException}); on
   * loopback the TCP connection is accepted and closed once the handshake request is read, so the
   * client sees an I/O failure without an HTTP status. Refused attempts count in {@link
   * #handshakes()}. Any thread.
   */
  public void refuseConnections() {
    synchronized (lock) {
      refusing = true;
    }
    for (ServerConnection c : connections()) c.reset();
  }

  /**
   * Ends {@link #refuseConnections()}: handshakes are accepted again, when the sockets next try on
   * their own backoff. Does not end pending {@link #rejectNextHandshakes rejections}. Any thread.
   */
  public void restore() {
    synchronized (lock) {
      refusing = false;
    }
  }

  /**
   * The next {@code count} acknowledgements are never sent (the client re-sends after a reconnect);
   * the message itself is still delivered and recorded. Replaces any count still pending. Any
   * thread.
   *
   * @param count how many acknowledgements to lose, repeats' included; zero or less loses none
   */
  public void loseNextAcks(int count) {
    if (count < 0) throw new IllegalArgumentException("count < 0: " + count);
    synchronized (lock) {
      acksToLose = count;
    }
  }

  /**
   * Acknowledgements are sent {@code delay} after their message arrives; ZERO restores at once.
   * Applies to messages that arrive from now on. In memory a delayed acknowledgement is a {@link
   * TestClock} timer. Any thread.
   *
   * @param delay the delay; zero or negative sends at once
   * @throws NullPointerException if {@code delay} is null
   */
  public void delayAcks(Duration delay) {
    synchronized (lock) {
      if (delay.isNegative()) throw new IllegalArgumentException("negative delay: " + delay);
      ackDelay = delay;
    }
  }

  /**
   * Closes every connection with 1001 (going away) and stops the server; handshakes after this are
   * refused. The sockets are not closed: they see the close and reconnect in vain until the test
   * closes them. In memory the close frames travel when the clock runs; on loopback MockWebServer
   * and the timer thread stop before this returns. Idempotent; any thread.
   */
  @Override
  public void close() {
    synchronized (lock) {
      if (closed) return;
      closed = true;
    }
    for (ServerConnection c : connections()) {
      c.release();
      c.close(1001, "server shutting down");
    }
    if (loopback != null) loopback.close();
  }

  @Override
  public String toString() {
    return "FakeServer{" + (clock != null ? "in memory" : url()) + ", " + connections().size() + " open}";
  }

  String sender() {
    return sender;
  }

  long nowMillis() {
    return wallClock.getAsLong();
  }

  FeedStream stream(String name) {
    FeedStream s = protocol.stream(name);
    if (s == null) throw new IllegalArgumentException("no stream '" + name + "'; this server has " + protocol.streamNames());
    return s;
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
  Answer answer(String path, Map<String, String> headers, ServerConnection.Wire wire) {
    synchronized (lock) {
      handshakes++;
      lock.notifyAll();
      if (closed || refusing) return new Answer(true, -1, null, null);
      if (rejectRemaining > 0) {
        rejectRemaining--;
        return new Answer(false, rejectStatus, rejectRetryAfter == null ? null : Long.toString(wholeSeconds(rejectRetryAfter)), null);
      }
      HttpUrl url = HttpUrl.get("http://h" + path);
      ServerSession session = protocol.newSession(headers.get(Envelopes.RESUME_HEADER), url.queryParameter("from"), true);
      ServerConnection c = new ServerConnection(this, accepted++, path, headers, session, wire);
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

  /** Runs the {@link #onMessage} handler for {@code e}'s type, if any. */
  void handled(ServerConnection from, Envelope e) {
    BiConsumer<ServerConnection, Envelope> h;
    synchronized (lock) {
      h = handlers.get(e.type());
    }
    if (h != null) h.accept(from, e);
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
  private final class RecordingInbox implements dev.steadysocket.testing.server.Inbox {
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

  /**
   * Configures a {@link FakeServer}. Not thread-safe: configure it on one thread, then {@link
   * #build()}. Values are checked when the server is built, except where a method says otherwise.
   */
  public static final class Builder {
    private String sender = "fake-server";
    private final List<String> streams = new ArrayList<>(List.of("feed"));
    private int history = 1_000;
    private int dedupeWindow = 4_096;
    private Duration resumeGrace = Duration.ofMillis(500);
    private boolean loopback;
    private @Nullable TestClock clock;

    private Builder() {}

    /**
     * The {@code sender} of what the server sends (acknowledgements carry none). Default {@code
     * fake-server}.
     *
     * @param sender the sender name
     * @return this builder
     * @throws NullPointerException if {@code sender} is null
     */
    public Builder sender(String sender) {
      this.sender = Objects.requireNonNull(sender, "sender");
      return this;
    }

    /**
     * The resumable streams (replacing the default {@code feed}).
     *
     * @param names the streams' names, as clients name them in resume positions and {@code
     *     meta.stream}; none gives a server without streams; a name given twice is one stream
     * @return this builder
     * @throws NullPointerException if {@code names} or one of them is null
     */
    public Builder streams(String... names) {
      streams.clear();
      streams.addAll(List.of(names));
      return this;
    }

    /**
     * Entries each stream keeps for resuming clients. Default 1,000. A client further behind gets
     * what is kept (an incomplete replay).
     *
     * @param entries entries per stream, at least 1 ({@link #build()} throws {@link
     *     IllegalArgumentException} otherwise)
     * @return this builder
     */
    public Builder history(int entries) {
      this.history = entries;
      return this;
    }

    /**
     * Message ids remembered for de-duplication. Default 4,096. A repeat older than the window is
     * delivered again.
     *
     * @param ids the window, at least 1 ({@link #build()} throws {@link IllegalArgumentException}
     *     otherwise)
     * @return this builder
     */
    public Builder dedupeWindow(int ids) {
      this.dedupeWindow = ids;
      return this;
    }

    /**
     * How long a connection without a resume header waits for a resume frame before going live.
     * Default 500 ms (virtual time in memory).
     *
     * @param grace the wait, non-null; zero or negative starts the streams live right after the
     *     open, so a client that resumes only by frame misses its replay
     * @return this builder
     */
    public Builder resumeGrace(Duration grace) {
      this.resumeGrace = Objects.requireNonNull(grace, "grace");
      return this;
    }

    /**
     * In memory on {@code clock} (shared with other servers or the test), undoing {@link
     * #loopback()}.
     *
     * @param clock the clock the server's side and its wired sockets run on
     * @return this builder
     */
    public Builder clock(TestClock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      this.loopback = false;
      return this;
    }

    /**
     * On a real loopback port, in real time, undoing {@link #clock}.
     *
     * @return this builder
     */
    public Builder loopback() {
      this.loopback = true;
      this.clock = null;
      return this;
    }

    /**
     * Builds the server; the builder may be used again for another.
     *
     * @return a new server; on loopback already listening
     * @throws IllegalArgumentException if {@link #history} or {@link #dedupeWindow} is below 1
     * @throws java.io.UncheckedIOException on loopback, if no port can be bound
     */
    public FakeServer build() {
      return new FakeServer(this);
    }
  }
}
