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
   *
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
   */
  public SteadySocketBuilder acknowledgedSends(boolean enabled) {
    config.acknowledgedSends = enabled;
    return this;
  }

  /**
   * Drops inbound envelopes whose id was among the last {@code window} ids delivered, and
   * counts them in {@link Metrics#duplicatesDropped()}. Default 0 (off): only enable it for
   * servers whose ids are unique.
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
   */
  public SteadySocketBuilder resumeStreams(boolean enabled) {
    config.resumeStreams = enabled;
    return this;
  }

  /** What happens to requests awaiting a reply when the connection drops. Default FAIL. */
  public SteadySocketBuilder requestRetention(RequestRetention retention) {
    config.requestRetention = Objects.requireNonNull(retention, "retention == null");
    return this;
  }

  /**
   * The OkHttpClient to connect with (its proxy, TLS, DNS, interceptors and pools). The SDK
   * never shuts it down. Without one, sockets share a client owned by the SDK whose Dispatcher
   * does not limit the number of open sockets. If you pass one, mind its Dispatcher: every open
   * WebSocket holds one of its {@code maxRequestsPerHost} slots (5 by default) for its life.
   */
  public SteadySocketBuilder okHttpClient(OkHttpClient client) {
    config.client = Objects.requireNonNull(client, "client == null");
    return this;
  }

  /**
   * Default {@link Backoff#defaults()}: 1 s doubling to 30 s, full jitter above 100 ms.
   *
   * @throws IllegalArgumentException if {@code backoff.minimum()} is not positive
   */
  public SteadySocketBuilder backoff(Backoff backoff) {
    Objects.requireNonNull(backoff, "backoff == null");
    Checks.positive(backoff.minimum(), "backoff.minimum()");
    config.backoff = backoff;
    return this;
  }

  /** Default {@link Heartbeat#defaults()}: every 30 s, 10 s timeout. */
  public SteadySocketBuilder heartbeat(Heartbeat heartbeat) {
    config.heartbeat = Objects.requireNonNull(heartbeat, "heartbeat == null");
    return this;
  }

  /**
   * Gives up (CLOSED with {@link ReconnectAttemptsExhaustedException}) after this many
   * consecutive failed reconnect attempts; 0 means never reconnect. Default: unlimited.
   */
  public SteadySocketBuilder maxReconnectAttempts(int attempts) {
    if (attempts < 0) throw new IllegalArgumentException("attempts < 0: " + attempts);
    config.maxReconnectAttempts = attempts;
    return this;
  }

  /**
   * How long a connection must stay open before the backoff starts over from its first delay.
   * Keeps a server that accepts and drops at once from causing a tight core. Default 5 s.
   */
  public SteadySocketBuilder minimumUptime(Duration minimumUptime) {
    config.minimumUptime = Checks.nonNegative(minimumUptime, "minimumUptime");
    return this;
  }

  /** How long a handshake may take before the attempt counts as failed. Default 15 s. */
  public SteadySocketBuilder connectTimeout(Duration connectTimeout) {
    config.connectTimeout = Checks.positive(connectTimeout, "connectTimeout");
    return this;
  }

  /**
   * The longest {@code Retry-After} (on HTTP 429 or 503) the socket honours; a longer one, or an
   * HTTP date further out, waits this long. Default: the backoff's cap ({@link Backoff#max()},
   * 30 s by default), so a server cannot park a client for a day.
   */
  public SteadySocketBuilder maxRetryAfter(Duration ceiling) {
    config.maxRetryAfter = Checks.nonNegative(ceiling, "ceiling");
    return this;
  }

  /** How long {@link SteadySocket#close()} waits for the server's close frame. Default 5 s. */
  public SteadySocketBuilder closeTimeout(Duration closeTimeout) {
    config.closeTimeout = Checks.positive(closeTimeout, "closeTimeout");
    return this;
  }

  /** Adds a listener. May be called several times. */
  public SteadySocketBuilder listener(SteadySocketListener listener) {
    config.listeners.add(Objects.requireNonNull(listener, "listener == null"));
    return this;
  }

  /**
   * Where listener callbacks, typed handlers and send-future completions run (a send written at
   * once completes before {@code send} returns, see {@link SteadySocket#send}). Default: a small
   * daemon pool shared by all sockets (threads "SteadySocket dispatch N"), which also decodes
   * incoming frames unless a delivery guarantee needs them decoded on arrival. Whatever the
   * executor, one socket's callbacks run one at a time, in order.
   */
  public SteadySocketBuilder callbackExecutor(Executor executor) {
    config.callbackExecutor = Objects.requireNonNull(executor, "executor == null");
    return this;
  }

  /** Uses {@code mapper} for content and typed handlers (shorthand for a Jackson codec). */
  public SteadySocketBuilder objectMapper(ObjectMapper mapper) {
    config.codec = MessageCodec.jackson(Objects.requireNonNull(mapper, "mapper == null"));
    return this;
  }

  /** Replaces the wire format codec. Default {@link MessageCodec#jackson()}. */
  public SteadySocketBuilder codec(MessageCodec codec) {
    config.codec = Objects.requireNonNull(codec, "codec == null");
    return this;
  }

  /**
   * Sets a handshake header, replacing any value set before for {@code name} (as OkHttp's {@code
   * Request.Builder.header}). Values never appear in logs, exceptions or toString().
   *
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
   * the {@link #connectTimeout connect timeout}.
   */
  public SteadySocketBuilder tokenProvider(TokenProvider provider) {
    config.tokenProvider = Objects.requireNonNull(provider, "provider == null");
    return this;
  }

  /** Where the token goes. Default {@code ("Authorization", "Bearer ")}. */
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
   */
  public SteadySocketBuilder maxInboundMessageSize(long bytes) {
    if (bytes < 1) throw new IllegalArgumentException("bytes < 1: " + bytes);
    config.maxInboundMessageBytes = bytes;
    return this;
  }

  /** Default {@link OutboxPolicy#defaults()}: 1,000 messages, 1 MiB, reject new. */
  public SteadySocketBuilder outbox(OutboxPolicy policy) {
    config.outbox = Objects.requireNonNull(policy, "policy == null");
    return this;
  }

  /** Default {@link ReconnectPolicy#defaults()}. */
  public SteadySocketBuilder reconnectPolicy(ReconnectPolicy policy) {
    config.reconnectPolicy = Objects.requireNonNull(policy, "policy == null");
    return this;
  }

  /** Registers a typed handler; see {@link SteadySocket#on(String, Class, Consumer)}. */
  public <T> SteadySocketBuilder on(String type, Class<T> cls, Consumer<? super T> handler) {
    config.addHandler(type, cls, handler);
    return this;
  }

  /** Registers a typed handler for a generic type. */
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
   * again for another socket with the same settings.
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
