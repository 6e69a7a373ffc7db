package dev.steadysocket.testing;

import dev.steadysocket.Envelope;
import dev.steadysocket.SteadySocket;
import dev.steadysocket.SteadySocketBuilder;
import dev.steadysocket.internal.Api;
import dev.steadysocket.testing.server.Envelopes;
import dev.steadysocket.testing.server.FeedProtocol;
import dev.steadysocket.testing.server.FeedStream;
import dev.steadysocket.testing.server.MemoryInbox;
import dev.steadysocket.testing.server.StreamId;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/**
 * A server that speaks SteadySocket's envelope protocol, for testing an application's code: it
 * echoes heartbeats, acknowledges messages that ask for it (once per id: repeats are dropped, as a
 * de-duplicating server does), answers requests, and serves resumable streams with history. A test
 * scripts it (send to one or all clients, reply rules by type, typed assertions on what arrived)
 * and breaks it on command (drop with FIN or RST, half-open, close with any code, reject handshakes
 * with a status and Retry-After, refuse connections, lose or delay acknowledgements, replay history).
 *
 * <p>Two modes behind this one API. {@link #inMemory()}: no socket and no thread; sockets built by
 * {@link #newSocket()} (or {@link #wire}) run on the server's {@link TestClock}, as does the server
 * (its timestamps and stream ids too), so an outage with its backoff and heartbeats runs in
 * milliseconds. {@link #loopback()}: a real WebSocket server on 127.0.0.1 (MockWebServer), with real
 * OkHttp, real frames and real time, for integration tests.
 *
 * <p>Threads: every method may be called from any thread; the state behind them has one lock, held
 * only for reads and writes (reply rules and {@link #onMessage} handlers run outside it). The
 * server's side runs in memory as {@link TestClock} tasks; on loopback, on MockWebServer's threads
 * and one timer thread ({@code FakeServer timers}). Close it (or let {@link SteadySocketExtension}
 * do so) when the test ends.
 */
public final class FakeServer extends FakeServerFaults implements AutoCloseable {
  /** The host in-memory servers answer as; nothing resolves it. */
  static final String MEMORY_URL = "ws://fake-server.steadysocket.test/";

  private final String sender;
  private final FeedProtocol protocol;
  private final @Nullable TestClock clock;
  private final @Nullable Loopback loopback;
  /** Stamps what the server sends: the test clock in memory, real time on loopback. */
  private final java.util.function.LongSupplier wallClock;

  FakeServer(FakeServerBuilder b) {
    super(new ServerState());
    this.sender = b.sender;
    this.clock = b.loopback ? null : (b.clock != null ? b.clock : new TestClock());
    FeedProtocol.Builder p = FeedProtocol.builder(sender).handler(state.rules()).resumeGrace(b.resumeGrace)
        .inbox(state.inbox(new MemoryInbox(b.dedupeWindow)));
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
      state.protocol(protocol);
    } else {
      this.loopback = new Loopback(this);
      p.timers(loopback.timers());
      this.protocol = p.build();
      state.protocol(protocol);
      loopback.start();
    }
  }

  /**
   * An in-memory server on its own new {@link TestClock}, with one stream named {@code feed}.
   *
   * @return a new server, with no socket and no thread; sockets reach it through {@link
   *     #newSocket()} or {@link #wire}
   */
  public static FakeServer inMemory() {
    return builder().build();
  }

  /**
   * A real server on a loopback port (real time), with one stream named {@code feed}.
   *
   * @return a new server, already listening on an ephemeral port of 127.0.0.1 ({@link #url()})
   * @throws java.io.UncheckedIOException if no port can be bound
   */
  public static FakeServer loopback() {
    return builder().loopback().build();
  }

  /**
   * Starts configuring a server: streams, history, de-duplication window, resume grace, shared
   * clock or loopback.
   *
   * @return a new builder with the defaults of {@link #inMemory()}
   */
  public static FakeServerBuilder builder() {
    return new FakeServerBuilder();
  }

  /**
   * The URL to give {@link SteadySocket#builder}.
   *
   * @return in memory {@code ws://fake-server.steadysocket.test/} (a name nothing resolves: only
   *     sockets {@link #wire wired} to this server reach it, whatever URL they were built with); on
   *     loopback {@code ws://127.0.0.1:<port>/}
   */
  public String url() {
    return loopback != null ? loopback.url() : MEMORY_URL;
  }

  /**
   * Which mode this server runs in.
   *
   * @return true in memory (virtual time), false on loopback (real time)
   */
  public boolean isInMemory() {
    return clock != null;
  }

  /**
   * The virtual clock of an in-memory server, which runs its sockets.
   *
   * @return the clock given to {@link FakeServerBuilder#clock}, or the server's own
   * @throws IllegalStateException on loopback, which runs in real time
   */
  public TestClock clock() {
    if (clock == null) throw new IllegalStateException("a loopback FakeServer runs in real time: it has no TestClock");
    return clock;
  }

  /**
   * A socket builder for this server: {@code SteadySocket.builder(url())}, {@link #wire wired}.
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
    return Api.get().wire(builder, clock.scheduler(), new MemoryNetwork(this, clock), clock.executor(), state::built);
  }

  /**
   * Sockets built through {@link #wire} (in memory) that are not closed yet, for leak reports.
   *
   * @return a new list, one line per such socket in build order: its state, its outbox depth and
   *     its unacknowledged count ({@code "OPEN socket with 2 queued, 1 unacknowledged"}); always
   *     empty on loopback
   */
  public List<String> openSockets() {
    return state.openSockets();
  }

  /** Sockets built through {@link #wire} (in memory) in their close handshake (CLOSING). */
  int closingSockets() {
    return state.closingSockets();
  }

  /**
   * Waits in real time until {@code condition} holds for this server; for
   * loopback tests whose client side has no {@link SocketEvents} to wait on (an app's own socket),
   * or that wait on the server's side of things. In memory, run the {@link TestClock} instead.
   * Any thread but one that carries this server's connections.
   *
   * @param condition checked now, whenever a handshake arrives or a connection receives an
   *     envelope, receives a close frame, stalls or ends, and at least every 10 ms; on the waiting
   *     thread, outside the server's lock
   * @param what what is awaited, for the failure message
   * @param timeout how long to wait at most
   * @return this server
   * @throws AssertionError naming {@code what} and the server, if {@code timeout} passes first
   */
  public FakeServer await(Predicate<FakeServer> condition, String what, Duration timeout) {
    state.await(this, condition, what, timeout);
    return this;
  }

  @Override
  public List<ServerConnection> connections() {
    return state.connections();
  }

  /**
   * The one open connection.
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
   * Handshakes that reached this server, rejected and refused ones included.
   *
   * @return the count since the server was built (in memory, an attempt the socket gave up before
   *     the server's task ran never reached it)
   */
  public int handshakes() {
    return state.handshakes();
  }

  /**
   * Sends an envelope of {@code type} with a random id to every open connection, as {@link
   * ServerConnection#send} does; a connection that cannot take it (not open yet, closing) is
   * skipped silently.
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
   * {@link FakeServerBuilder#resumeGrace}) gets the entry when it does. Any thread; in memory the frames
   * travel when the clock runs.
   *
   * @param stream the stream's name, as given to {@link FakeServerBuilder#streams}
   * @param type the entry envelope's {@code type}
   * @param content the entry's {@code content}, converted to JSON by Jackson; null sends JSON {@code
   *     null}
   * @return the entry's id, {@code <epoch millis>-<sequence>} ({@link
   *     dev.steadysocket.testing.server.StreamId}), minted from the server's clock
   * @throws IllegalArgumentException if the server has no such stream ({@link FakeServerBuilder#streams}), or
   *     Jackson cannot convert {@code content}
   */
  public String publish(String stream, String type, @Nullable Object content) {
    return stream(stream).publish(type, Envelopes.JSON.valueToTree(content), sender).id().toString();
  }

  /**
   * Every envelope the clients sent (heartbeats, resume frames and frames that are no envelope left
   * out), in arrival order over all connections; repeats included.
   *
   * @return a new list
   */
  public List<Envelope> received() {
    return state.received();
  }

  /**
   * The envelopes of {@code type} the clients sent, in arrival order.
   *
   * @param type the type to keep, compared exactly (case-sensitive)
   * @return a new list, empty if none arrived
   */
  public List<Envelope> received(String type) {
    return received().stream().filter(e -> e.type().equals(type)).collect(Collectors.toList());
  }

  /**
   * The last envelope of {@code type} the clients sent.
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
   * not here), in order: what an application behind a de-duplicating server would see.
   *
   * @return a new list
   */
  public List<Envelope> delivered() {
    return state.delivered();
  }

  /**
   * Acknowledged messages that arrived again and were dropped as repeats (each still acknowledged
   * again).
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
   * {@code id} gets no reply.
   *
   * @param type the requests' type; a later rule for the same type replaces this one
   * @param reply computes the reply's content from the request (decoded by the SDK's codec); its
   *     result is converted by Jackson, null giving JSON {@code null}. It runs where {@link
   *     #onMessage} handlers run, outside the server's lock, and must not throw
   */
  public void replyTo(String type, Function<Envelope, @Nullable Object> reply) {
    state.replyTo(type, reply);
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
    state.onMessage(type, handler);
  }

  /**
   * Closes every connection with 1001 (going away) and stops the server; handshakes after this are
   * refused. The sockets are not closed: they see the close and reconnect in vain until the test
   * closes them. In memory the close frames travel when the clock runs; on loopback MockWebServer
   * and the timer thread stop before this returns. Idempotent; any thread.
   */
  @Override
  public void close() {
    if (!state.close()) return;
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

  /** Decides a handshake for the network or the loopback host; see {@link ServerState#answer}. */
  ServerState.Answer answer(String path, Map<String, String> headers, ServerConnection.Wire wire) {
    return state.answer(this, path, headers, wire);
  }
}
