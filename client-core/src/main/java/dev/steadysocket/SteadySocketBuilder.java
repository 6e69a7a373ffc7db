package dev.steadysocket;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.steadysocket.internal.Assembly;
import dev.steadysocket.internal.Checks;
import dev.steadysocket.internal.Scheduler;
import dev.steadysocket.internal.SocketConfig;
import dev.steadysocket.internal.Transport;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import okhttp3.OkHttpClient;

/**
 * Configures a {@link SteadySocket}; start with {@link SteadySocket#builder(String)}. Not
 * thread-safe: configure it on one thread. {@link #build()} may be called more than once; each
 * socket gets a snapshot of the settings.
 *
 * <p>Every setter returns this builder and validates its argument at once (a bad value throws
 * {@link IllegalArgumentException} here, not at connect time); the defaults are the README's
 * "Default policies". Settings that take an object (backoff, heartbeat, codec, policies, listeners,
 * executor, OkHttpClient) share that object between every socket built with it.
 */
public final class SteadySocketBuilder {
  private final SocketConfig config = new SocketConfig();

  SteadySocketBuilder(String url) {
    config.urls.add(Checks.webSocketUrl(url));
  }

  /**
   * More URLs of the same service, tried when the current one fails: every failed attempt or
   * lost connection moves to the next URL in order (primary, then these, then the primary
   * again), waiting the usual backoff delay in between. A URL that works is kept until it fails.
   * Each call appends to the list.
   *
   * @param urls {@code ws://}, {@code wss://}, {@code http://} or {@code https://} URLs, in the
   *     order they are tried after the primary
   * @return this builder
   * @throws IllegalArgumentException if a URL is not a valid WebSocket URL
   */
  public SteadySocketBuilder failoverUrls(String... urls) {
    for (String u : urls) config.urls.add(Checks.webSocketUrl(u));
    return this;
  }

  /**
   * Acknowledgement mode (at-least-once): every message is sent with {@code meta.ack = true},
   * and its {@code send} future completes only when the server answers {@code
   * {"type":"ack","meta":{"replyTo":"<id>"}}}. Unacknowledged messages (at most the outbox's
   * {@code maxMessages} in flight) are sent again, same id and order, on the next connection, so
   * the server must drop ids it already has. Default off.
   *
   * @param enabled true to wait for the server's acknowledgement of every envelope
   * @return this builder
   */
  public SteadySocketBuilder acknowledgedSends(boolean enabled) {
    config.acknowledgedSends = enabled;
    return this;
  }

  /**
   * Drops inbound envelopes whose id was among the last {@code window} ids delivered, and
   * counts them in {@link Metrics#duplicatesDropped()}. Default 0 (off): only enable it for
   * servers whose ids are unique.
   *
   * @param window how many recently delivered ids to remember, 0 (off) to 1,000,000; ids longer
   *     than 64 characters are kept as SHA-256 fingerprints
   * @return this builder
   * @throws IllegalArgumentException if {@code window} is negative or above 1,000,000
   */
  public SteadySocketBuilder deduplicate(int window) {
    if (window < 0 || window > 1_000_000) {
      throw new IllegalArgumentException("window not in [0, 1000000]: " + window);
    }
    config.dedupWindow = window;
    return this;
  }

  /**
   * Resume mode: remembers the id of the last delivered envelope of each stream ({@code
   * meta.stream}) and tells the server on every connection, in the {@code X-SteadySocket-Resume}
   * handshake header and as a first {@code resume} frame, so a server with history replays the
   * gap. See the README's "Delivery guarantees". Default off.
   *
   * @param enabled true to send resume positions on every connection
   * @return this builder
   */
  public SteadySocketBuilder resumeStreams(boolean enabled) {
    config.resumeStreams = enabled;
    return this;
  }

  /**
   * What happens to requests ({@link SteadySocket#request}) awaiting a reply when the connection
   * drops. Default {@link RequestRetention#FAIL}.
   *
   * @param retention fail such requests, or send them again on the next connection
   * @return this builder
   */
  public SteadySocketBuilder requestRetention(RequestRetention retention) {
    config.requestRetention = Objects.requireNonNull(retention, "retention == null");
    return this;
  }

  /**
   * The OkHttpClient to connect with (its proxy, TLS, DNS, interceptors and pools). The SDK
   * never shuts it down. Without one, sockets share a client owned by the SDK whose Dispatcher
   * does not limit the number of open sockets. If you pass one, mind its Dispatcher: every open
   * WebSocket holds one of its {@code maxRequestsPerHost} slots (5 by default) for its life; a
   * warning is logged when it allows fewer than 64.
   *
   * <p>Each socket derives its own client from it, sharing its pools: redirects are never
   * followed, OkHttp's own pinger is off (the heartbeat sends the pings), and connect or read
   * timeouts shorter than the {@link #connectTimeout connect timeout} are raised to it.
   *
   * @param client the base client; its settings other than those above apply
   * @return this builder
   */
  public SteadySocketBuilder okHttpClient(OkHttpClient client) {
    config.client = Objects.requireNonNull(client, "client == null");
    return this;
  }

  /**
   * How long to wait before each reconnect attempt. Default {@link Backoff#defaults()}: 1 s
   * doubling to 30 s, full jitter above 100 ms.
   *
   * @param backoff the strategy; shared by every socket built with it, so it must be thread-safe
   * @return this builder
   * @throws IllegalArgumentException if {@code backoff.minimum()} is not positive
   */
  public SteadySocketBuilder backoff(Backoff backoff) {
    Objects.requireNonNull(backoff, "backoff == null");
    Checks.positive(backoff.minimum(), "backoff.minimum()");
    config.backoff = backoff;
    return this;
  }

  /**
   * How often to ping and how long to wait for a sign of life. Default {@link
   * Heartbeat#defaults()}: every 30 s, 10 s timeout.
   *
   * @param heartbeat the heartbeat, or {@link Heartbeat#disabled()} for none
   * @return this builder
   */
  public SteadySocketBuilder heartbeat(Heartbeat heartbeat) {
    config.heartbeat = Objects.requireNonNull(heartbeat, "heartbeat == null");
    return this;
  }

  /**
   * Gives up (CLOSED with {@link ReconnectAttemptsExhaustedException}) after this many
   * consecutive failed reconnect attempts; 0 means never reconnect. Default: unlimited. The count
   * starts over when a connection stays open for the {@link #minimumUptime minimum uptime} or the
   * socket resumes from a pause.
   *
   * @param attempts reconnect attempts allowed per outage, 0 or more
   * @return this builder
   * @throws IllegalArgumentException if {@code attempts} is negative
   */
  public SteadySocketBuilder maxReconnectAttempts(int attempts) {
    if (attempts < 0) throw new IllegalArgumentException("attempts < 0: " + attempts);
    config.maxReconnectAttempts = attempts;
    return this;
  }

  /**
   * How long a connection must stay open before the backoff starts over from its first delay.
   * Keeps a server that accepts and drops at once from causing a tight loop. Default 5 s. The same
   * uptime renews the one token refresh an outage allows (see {@link
   * ReconnectPolicy.Decision#refreshTokenAndRetry()}).
   *
   * @param minimumUptime zero or more; a value below {@link Backoff#minimum()} acts as that minimum
   * @return this builder
   * @throws IllegalArgumentException if {@code minimumUptime} is negative
   */
  public SteadySocketBuilder minimumUptime(Duration minimumUptime) {
    config.minimumUptime = Checks.nonNegative(minimumUptime, "minimumUptime");
    return this;
  }

  /**
   * How long an attempt may take, the {@link TokenProvider} call and the handshake together,
   * before it counts as failed (with a {@link ConnectionLostException}). Default 15 s.
   *
   * @param connectTimeout a positive duration
   * @return this builder
   * @throws IllegalArgumentException if {@code connectTimeout} is zero or negative
   */
  public SteadySocketBuilder connectTimeout(Duration connectTimeout) {
    config.connectTimeout = Checks.positive(connectTimeout, "connectTimeout");
    return this;
  }

  /**
   * The longest {@code Retry-After} (on HTTP 429 or 503) the socket honours; a longer one, or an
   * HTTP date further out, waits this long. Default: the backoff's cap ({@link Backoff#max()},
   * 30 s by default), so a server cannot park a client for a day.
   *
   * @param ceiling zero or more; even zero waits at least {@link Backoff#minimum()} after a failed
   *     attempt
   * @return this builder
   * @throws IllegalArgumentException if {@code ceiling} is negative
   */
  public SteadySocketBuilder maxRetryAfter(Duration ceiling) {
    config.maxRetryAfter = Checks.nonNegative(ceiling, "ceiling");
    return this;
  }

  /**
   * How long {@link SteadySocket#close()} waits for the server's close frame before cancelling
   * the connection. Default 5 s.
   *
   * @param closeTimeout a positive duration
   * @return this builder
   * @throws IllegalArgumentException if {@code closeTimeout} is zero or negative
   */
  public SteadySocketBuilder closeTimeout(Duration closeTimeout) {
    config.closeTimeout = Checks.positive(closeTimeout, "closeTimeout");
    return this;
  }

  /**
   * Adds a listener. May be called several times; listeners are called in the order added.
   *
   * @param listener receives the callbacks of every socket built with this builder
   * @return this builder
   */
  public SteadySocketBuilder listener(SteadySocketListener listener) {
    config.listeners.add(Objects.requireNonNull(listener, "listener == null"));
    return this;
  }

  /**
   * Where listener callbacks, typed handlers and send-future completions run (a send written at
   * once completes before {@code send} returns, see {@link SteadySocket#send}). Default: a daemon
   * pool shared by all sockets (threads "SteadySocket dispatch N"; it grows by one thread per socket
   * whose callbacks are busy and idle threads exit after 2 s), which also decodes incoming frames
   * unless a delivery guarantee needs them decoded on arrival. Whatever the executor, one socket's
   * callbacks run one at a time, in order.
   *
   * <p>If the executor refuses a task (throws from {@code execute}), the callbacks concerned are
   * dropped and counted in {@link Metrics#callbacksRejected()}, while futures still complete on
   * SteadySocket's own threads.
   *
   * @param executor runs the callbacks, for example a UI thread's executor; it may be shared
   * @return this builder
   */
  public SteadySocketBuilder callbackExecutor(Executor executor) {
    config.callbackExecutor = Objects.requireNonNull(executor, "executor == null");
    return this;
  }

  /**
   * Uses {@code mapper} for content and typed handlers: shorthand for {@code
   * codec(MessageCodec.jackson(mapper))}, so it replaces a codec set before (and a later {@link
   * #codec} replaces it).
   *
   * @param mapper the Jackson mapper; never enable default typing on it
   * @return this builder
   */
  public SteadySocketBuilder objectMapper(ObjectMapper mapper) {
    config.codec = MessageCodec.jackson(Objects.requireNonNull(mapper, "mapper == null"));
    return this;
  }

  /**
   * Replaces the wire format codec. Default {@link MessageCodec#jackson()}.
   *
   * @param codec encodes and decodes every envelope, heartbeats and resume frames included; it
   *     must be thread-safe and must not block
   * @return this builder
   */
  public SteadySocketBuilder codec(MessageCodec codec) {
    config.codec = Objects.requireNonNull(codec, "codec == null");
    return this;
  }

  /**
   * Sets a handshake header, replacing any value set before for {@code name} (as OkHttp's {@code
   * Request.Builder.header}). Values never appear in logs, exceptions or toString().
   *
   * @param name the header name, an HTTP token
   * @param value the header value: tab, space and visible ASCII only
   * @return this builder
   * @throws IllegalArgumentException if the name is not an HTTP token or the value has a character
   *     HTTP headers may not carry (the message names the position, never the value)
   */
  public SteadySocketBuilder header(String name, String value) {
    config.headers.set(Checks.headerName(name), Checks.headerValue(name, value));
    return this;
  }

  /**
   * Adds a handshake header, keeping the values already set for {@code name} (as OkHttp's {@code
   * Request.Builder.addHeader}). Values never appear in logs, exceptions or toString().
   *
   * @param name the header name, an HTTP token
   * @param value the header value: tab, space and visible ASCII only
   * @return this builder
   * @throws IllegalArgumentException as {@link #header}
   */
  public SteadySocketBuilder addHeader(String name, String value) {
    config.headers.add(Checks.headerName(name), Checks.headerValue(name, value));
    return this;
  }

  /**
   * Offers {@code protocols} in the handshake's {@code Sec-WebSocket-Protocol}, in order of
   * preference. The server must choose one of them: a handshake that chooses none, or one that was
   * not offered, fails with {@link ProtocolViolationException} and the socket stops. The choice is
   * {@link SteadySocket#subprotocol()}. To offer a token as a subprotocol (servers that read it
   * there), add {@code tokenHeader("Sec-WebSocket-Protocol", "access_token, ")}: the token is
   * appended to the offer, refreshed per attempt; see the README, "Token in the subprotocol".
   *
   * @param protocols the subprotocols, most preferred first; replaces an earlier list, and none
   *     offers none
   * @return this builder
   * @throws IllegalArgumentException if a protocol is empty or not an HTTP token
   */
  public SteadySocketBuilder subprotocols(String... protocols) {
    config.subprotocols.clear();
    for (String p : protocols) config.subprotocols.add(Checks.headerName(p));
    return this;
  }

  /**
   * Supplies a token for every connection attempt; see {@link TokenProvider}. The provider runs on
   * a SteadySocket dispatch thread, at most one call per socket at a time; its time counts against
   * the {@link #connectTimeout connect timeout}. Without one, a rejection of the credentials
   * (HTTP 401/403, close code 1008) stops the socket at once.
   *
   * @param provider asked for a token before each handshake
   * @return this builder
   */
  public SteadySocketBuilder tokenProvider(TokenProvider provider) {
    config.tokenProvider = Objects.requireNonNull(provider, "provider == null");
    return this;
  }

  /**
   * Where the token goes. Default {@code ("Authorization", "Bearer ")}. With the name {@code
   * Sec-WebSocket-Protocol} and {@link #subprotocols} set, the prefixed token is appended to the
   * subprotocols offered.
   *
   * @param name the header that carries the token, an HTTP token
   * @param prefix put before the token in the header value, for example {@code "Bearer "}; may be
   *     empty
   * @return this builder
   * @throws IllegalArgumentException if the name is not an HTTP token or the prefix has a character
   *     HTTP headers may not carry
   */
  public SteadySocketBuilder tokenHeader(String name, String prefix) {
    config.tokenHeader = Checks.headerName(name);
    Checks.headerValue(name, prefix); // validates now, not at the first connect
    config.tokenPrefix = prefix;
    return this;
  }

  /**
   * The largest message the server may send, in bytes (inflated bytes when it is compressed).
   * A larger one is refused as soon as its frame header says so, before it is buffered: the
   * socket closes the connection with 1009, reports {@link MessageTooLargeException} to {@code
   * onError}, and reconnects with backoff. Default 16 MiB, like the largest message OkHttp sends.
   *
   * @param bytes the limit in bytes, at least 1
   * @return this builder
   * @throws IllegalArgumentException if {@code bytes} is below 1
   */
  public SteadySocketBuilder maxInboundMessageSize(long bytes) {
    if (bytes < 1) throw new IllegalArgumentException("bytes < 1: " + bytes);
    config.maxInboundMessageBytes = bytes;
    return this;
  }

  /**
   * Bounds the messages waiting to be sent. Default {@link OutboxPolicy#defaults()}: 1,000
   * messages, 1 MiB, reject new.
   *
   * @param policy the bounds and what happens when they are reached
   * @return this builder
   */
  public SteadySocketBuilder outbox(OutboxPolicy policy) {
    config.outbox = Objects.requireNonNull(policy, "policy == null");
    return this;
  }

  /**
   * Decides after each disconnect whether and how to retry. Default {@link
   * ReconnectPolicy#defaults()}.
   *
   * @param policy the policy; one that is not the default runs on a SteadySocket dispatch thread
   * @return this builder
   */
  public SteadySocketBuilder reconnectPolicy(ReconnectPolicy policy) {
    config.reconnectPolicy = Objects.requireNonNull(policy, "policy == null");
    return this;
  }

  /**
   * Registers a typed handler on every socket built; see {@link SteadySocket#on(String, Class,
   * Consumer)}.
   *
   * @param <T> the type the content is converted to
   * @param type the envelope type to handle
   * @param cls the class to convert the content to
   * @param handler receives each converted content, on the callback executor
   * @return this builder
   */
  public <T> SteadySocketBuilder on(String type, Class<T> cls, Consumer<? super T> handler) {
    config.addHandler(type, cls, handler);
    return this;
  }

  /**
   * Registers a typed handler for a generic type on every socket built; see {@link
   * SteadySocket#on(String, TypeReference, Consumer)}.
   *
   * @param <T> the type the content is converted to
   * @param type the envelope type to handle
   * @param ref the generic type to convert the content to
   * @param handler receives each converted content, on the callback executor
   * @return this builder
   */
  public <T> SteadySocketBuilder on(String type, TypeReference<T> ref, Consumer<? super T> handler) {
    config.addHandler(type, ref, handler);
    return this;
  }

  /** Test seam: virtual time. */
  SteadySocketBuilder scheduler(Scheduler scheduler) {
    config.scheduler = scheduler;
    return this;
  }

  /** Test seam: a fake transport. */
  SteadySocketBuilder transportFactory(Transport.Factory factory) {
    config.transportFactory = factory;
    return this;
  }

  /** Test seam: stands in for SteadySocket's own dispatch pool (the default callback executor). */
  SteadySocketBuilder sharedDispatch(Executor dispatch) {
    config.dispatch = dispatch;
    return this;
  }

  /**
   * Builds a socket in state IDLE; call {@link SteadySocket#connect()} to start it. May be called
   * again for another socket with the same settings. The socket takes a share of SteadySocket's
   * loop thread (and, without {@link #okHttpClient}, its OkHttp client) until it is closed.
   *
   * @return a new, unconnected socket with a snapshot of this builder's settings
   */
  public SteadySocket build() {
    SocketConfig snapshot = config.copy();
    return new SteadySocket(Assembly.build(snapshot), Assembly.redact(snapshot.urls.get(0)));
  }

  @Override
  public String toString() {
    return "SteadySocketBuilder{" + Assembly.redact(config.urls.get(0)) + "}";
  }
}
