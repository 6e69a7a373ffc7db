package dev.steadysocket;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.steadysocket.internal.Assembly;
import dev.steadysocket.internal.Checks;
import dev.steadysocket.internal.Scheduler;
import dev.steadysocket.internal.SocketConfig;
import dev.steadysocket.internal.SocketCore;
import dev.steadysocket.internal.Transport;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import okhttp3.OkHttpClient;

/**
 * Configures a {@link SteadySocket}; start with {@link SteadySocket#builder(String)}. Not thread-safe. Each {@link
 * #build()} snapshots the settings; objects passed in (backoff, codec, listeners, executor, client...) are shared by
 * every socket built. Setters validate at once ({@link IllegalArgumentException}); defaults: docs/policies.md.
 */
public final class SteadySocketBuilder {
  private final SocketConfig config = new SocketConfig();

  SteadySocketBuilder(String url) {
    config.urls.add(Checks.webSocketUrl(url));
  }

  /**
   * More URLs of the same service, tried in turn (after the usual backoff) when one fails.
   *
   * @param urls WebSocket URLs, appended to those tried after the primary
   * @return this builder
   * @throws IllegalArgumentException if a URL is not a valid WebSocket URL
   */
  public SteadySocketBuilder failoverUrls(String... urls) {
    for (String u : urls) config.urls.add(Checks.webSocketUrl(u));
    return this;
  }

  /**
   * At-least-once sends: futures complete on the server's ack; unacknowledged envelopes are sent
   * again on the next connection. Default off. Protocol: docs/delivery.md.
   *
   * @param enabled true to wait for the server's acknowledgement of every envelope
   * @return this builder
   */
  public SteadySocketBuilder acknowledgedSends(boolean enabled) {
    config.acknowledgedSends = enabled;
    return this;
  }

  /**
   * Drops inbound envelopes whose id was among the last {@code window} delivered, counted in
   * {@link Metrics#duplicatesDropped()}. Default 0 (off): only for servers whose ids are unique.
   *
   * @param window ids remembered, 0 to 1,000,000 (ids over 64 chars kept as fingerprints)
   * @return this builder
   * @throws IllegalArgumentException if {@code window} is negative or above 1,000,000
   */
  public SteadySocketBuilder deduplicate(int window) {
    if (window < 0 || window > 1_000_000) throw new IllegalArgumentException("window not in [0, 1000000]: " + window);
    config.dedupWindow = window;
    return this;
  }

  /**
   * Sends the last id delivered per stream on every connection, so the server can replay the gap.
   * Default off. Protocol: docs/delivery.md.
   * @param enabled true to send resume positions on every connection
   * @return this builder
   */
  public SteadySocketBuilder resumeStreams(boolean enabled) {
    config.resumeStreams = enabled;
    return this;
  }

  /**
   * What happens to unanswered {@link SteadySocket#request}s when the connection drops. Default
   * {@link RequestRetention#FAIL}.
   * @param retention fail such requests, or send them again on the next connection
   * @return this builder
   */
  public SteadySocketBuilder requestRetention(RequestRetention retention) {
    config.requestRetention = Objects.requireNonNull(retention, "retention == null");
    return this;
  }

  /**
   * The OkHttpClient to connect with (proxy, TLS, DNS, interceptors); never shut down by us; it needs a {@code
   * maxRequestsPerHost} slot per open socket (below 64 logs a warning). Sockets derive a client from it: no redirects
   * or OkHttp pinger, timeouts of {@link #connectTimeout}, no handshake repeated by OkHttp itself (its {@code
   * Authenticator}s may answer a 401/407, its interceptors call {@code proceed} again), no idle connection kept.
   *
   * @param client the base client
   * @return this builder
   */
  public SteadySocketBuilder okHttpClient(OkHttpClient client) {
    config.client = Objects.requireNonNull(client, "client == null");
    return this;
  }

  /**
   * The wait before each reconnect attempt. Default {@link Backoff#defaults()}: 1 s doubling to 30 s.
   *
   * @param backoff the strategy; shared by every socket built with it, so it must be thread-safe
   * @return this builder
   * @throws IllegalArgumentException if {@code backoff.minimum()} is not positive
   */
  public SteadySocketBuilder backoff(Backoff backoff) {
    Checks.positive(Objects.requireNonNull(backoff, "backoff == null").minimum(), "backoff.minimum()");
    config.backoff = backoff;
    return this;
  }

  /**
   * Ping interval and liveness timeout. Default {@link Heartbeat#defaults()}: 30 s, 10 s timeout.
   * @param heartbeat the heartbeat, or {@link Heartbeat#disabled()} for none
   * @return this builder
   */
  public SteadySocketBuilder heartbeat(Heartbeat heartbeat) {
    config.heartbeat = Objects.requireNonNull(heartbeat, "heartbeat == null");
    return this;
  }

  /**
   * Gives up ({@link ReconnectAttemptsExhaustedException}) after this many failed attempts in a
   * row, counted per outage; 0: never reconnect. Default unlimited.
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
   * How long a connection must stay open to end an outage: the backoff starts over and the one
   * token refresh is renewed. Keeps an accept-then-drop server from causing a loop. Default 5 s.
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
   * How long an attempt (token and handshake) may take before it fails. Default 15 s.
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
   * The longest {@code Retry-After} (HTTP 429 or 503) honoured; a longer one waits this long.
   * Default: {@link Backoff#max()}, so a server cannot park a client for a day.
   *
   * @param ceiling zero or more ({@link Backoff#minimum()} still applies)
   * @return this builder
   * @throws IllegalArgumentException if {@code ceiling} is negative
   */
  public SteadySocketBuilder maxRetryAfter(Duration ceiling) {
    config.maxRetryAfter = Checks.nonNegative(ceiling, "ceiling");
    return this;
  }

  /**
   * How long {@link SteadySocket#close()} waits for the server's close frame. Default 5 s.
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
   * Adds an observer factory: instrumentation (metrics, traces) called synchronously where each event happens, unlike
   * a {@link #listener}'s callbacks; see {@link SocketObserver}. Several are called in the order added. Default none.
   *
   * @param factory creates each built socket's observer, once, during {@link #build()}
   * @return this builder
   */
  public SteadySocketBuilder observer(SocketObserver.Factory factory) {
    config.observers.add(Objects.requireNonNull(factory, "factory == null"));
    return this;
  }

  /**
   * Where callbacks, handlers and future completions run, one at a time per socket, in order. Default: a shared
   * daemon pool ("SteadySocket dispatch N"). Refused callbacks are dropped and counted ({@link
   * Metrics#callbacksRejected()}); futures still complete, on our threads.
   *
   * @param executor runs the callbacks, for example a UI thread's executor; it may be shared
   * @return this builder
   */
  public SteadySocketBuilder callbackExecutor(Executor executor) {
    config.callbackExecutor = Objects.requireNonNull(executor, "executor == null");
    return this;
  }

  /**
   * Replaces the wire format codec. Default {@link MessageCodec#jackson()}; for your own mapper,
   * {@code MessageCodec.jackson(mapper)}.
   *
   * @param codec encodes and decodes every frame; thread-safe and non-blocking
   * @return this builder
   */
  public SteadySocketBuilder codec(MessageCodec codec) {
    config.codec = Objects.requireNonNull(codec, "codec == null");
    return this;
  }

  /**
   * Sets a handshake header, replacing earlier values; values are never logged or printed.
   *
   * @param name the header name, an HTTP token; not {@code Sec-WebSocket-Extensions} ({@link #compression})
   * @param value the header value: tab, space and visible ASCII only
   * @return this builder
   * @throws IllegalArgumentException if the name is not an HTTP token (or is refused) or the value has a character
   *     HTTP headers may not carry (the message names the position, never the value)
   */
  public SteadySocketBuilder header(String name, String value) {
    config.headers.set(Checks.requestHeader(name), Checks.headerValue(name, value));
    return this;
  }

  /**
   * Adds a handshake header, keeping earlier values; values are never logged or printed.
   *
   * @param name the header name, an HTTP token
   * @param value the header value: tab, space and visible ASCII only
   * @return this builder
   * @throws IllegalArgumentException as {@link #header}
   */
  public SteadySocketBuilder addHeader(String name, String value) {
    config.headers.add(Checks.requestHeader(name), Checks.headerValue(name, value));
    return this;
  }

  /**
   * Offers {@code protocols}; the server must choose one ({@link SteadySocket#subprotocol()}) or the socket stops
   * with a {@link ProtocolViolationException}. A token can join the offer: docs/wire-format.md.
   *
   * @param protocols the subprotocols, most preferred first; replaces an earlier list
   * @return this builder
   * @throws IllegalArgumentException if a protocol is empty or not an HTTP token
   */
  public SteadySocketBuilder subprotocols(String... protocols) {
    config.subprotocols.clear();
    for (String p : protocols) config.subprotocols.add(Checks.headerName(p));
    return this;
  }

  /**
   * Supplies a token for every attempt, on a dispatch thread within the {@link #connectTimeout}.
   * Without one, rejected credentials (401/403, close 1008) stop the socket at once.
   * @param provider asked for a token before each handshake
   * @return this builder
   */
  public SteadySocketBuilder tokenProvider(TokenProvider provider) {
    config.tokenProvider = Objects.requireNonNull(provider, "provider == null");
    return this;
  }

  /**
   * Where the token goes. Default {@code ("Authorization", "Bearer ")}; {@code Sec-WebSocket-Protocol}
   * joins the {@link #subprotocols}; an empty name (prefix ignored) leaves it to {@link SetupMessage#fromToken}.
   *
   * @param name the header that carries the token, an HTTP token, or empty for none
   * @param prefix put before the token, for example {@code "Bearer "}; may be empty
   * @return this builder
   * @throws IllegalArgumentException as {@link #header}
   */
  public SteadySocketBuilder tokenHeader(String name, String prefix) {
    config.tokenHeader = name.isEmpty() ? name : Checks.requestHeader(name);
    Checks.headerValue(name, prefix); // validates now, not at the first connect
    config.tokenPrefix = prefix;
    return this;
  }

  /**
   * The largest (inflated) message the server may send; a larger one is refused unbuffered with
   * close 1009 and a {@link MessageTooLargeException}, then reconnects. Default 16 MiB.
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
   * Whether to offer permessage-deflate, and how. Default {@link Compression#defaults()}, as
   * OkHttp does; {@link Compression#disabled()} makes no offer. Trade-off: {@link Compression}.
   * @param compression the offer; the server's answer is checked against it
   * @return this builder
   */
  public SteadySocketBuilder compression(Compression compression) {
    config.compression = Objects.requireNonNull(compression, "compression == null");
    return this;
  }

  /**
   * Bounds the messages waiting to be sent. Default {@link OutboxPolicy#defaults()}.
   * @param policy the bounds and what happens when they are reached
   * @return this builder
   */
  public SteadySocketBuilder outbox(OutboxPolicy policy) {
    config.outbox = Objects.requireNonNull(policy, "policy == null");
    return this;
  }

  /**
   * Decides after each disconnect whether to retry. Default {@link ReconnectPolicy#defaults()}.
   * @param policy the policy; one that is not the default runs on a SteadySocket dispatch thread
   * @return this builder
   */
  public SteadySocketBuilder reconnectPolicy(ReconnectPolicy policy) {
    config.reconnectPolicy = Objects.requireNonNull(policy, "policy == null");
    return this;
  }

  /**
   * A typed handler on every socket built; see {@link SteadySocket#on(String, Class, Consumer)}.
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
   * A generic typed handler on every socket built; see {@link SteadySocket#on(String, TypeReference, Consumer)}.
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

  // Test seams (virtual time, fake transports, dispatch stand-in, build hook) for core tests; the kit uses Api.wire.
  SteadySocketBuilder onBuild(Consumer<SocketCore> c) { config.onBuild = c; return this; }
  SteadySocketBuilder scheduler(Scheduler s) { config.scheduler = s; return this; }
  SteadySocketBuilder transportFactory(Transport.Factory f) { config.transportFactory = f; return this; }
  SteadySocketBuilder sharedDispatch(Executor d) { config.dispatch = d; return this; }

  /**
   * Builds a socket in state IDLE; {@link SteadySocket#connect()} starts it, close() releases it.
   *
   * @return a new, unconnected socket with a snapshot of this builder's settings
   */
  public SteadySocket build() {
    SocketConfig snapshot = config.copy();
    SocketCore core = Assembly.build(snapshot);
    return ApiBridge.observed(core, new SteadySocket(core, Assembly.redact(snapshot.urls.get(0))), snapshot.observers);
  }

  @Override
  public String toString() {
    return "SteadySocketBuilder{" + Assembly.redact(config.urls.get(0)) + "}";
  }
}
