package dev.steadysocket;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.steadysocket.internal.Assembly;
import dev.steadysocket.internal.Checks;
import dev.steadysocket.internal.Scheduler;
import dev.steadysocket.internal.SocketConfig;
import dev.steadysocket.internal.SocketCore;
import dev.steadysocket.internal.Transport;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import okhttp3.OkHttpClient;

/**
 * A WebSocket connection that stays up: it reconnects with backoff when the link drops, detects
 * dead links with heartbeats, queues messages while disconnected and delivers typed envelopes.
 *
 * <pre>{@code
 * SteadySocket socket = SteadySocket.builder("wss://example.com/feed")
 *     .listener(new SteadySocketListener() {
 *       @Override public void onMessage(Envelope e) { System.out.println(e.type() + " " + e.content()); }
 *     })
 *     .build();
 * socket.connect();
 * socket.send(Envelope.of("subscribe", Map.of("symbol", "ACME")));
 * ...
 * socket.close();
 * }</pre>
 *
 * <p><b>Threading:</b> every method is thread-safe and returns without waiting for the network.
 * Listener callbacks run on the callback executor ({@link Builder#callbackExecutor}), in order.
 * All state lives on one internal serial loop; see the README's "Threading" section.
 */
public final class SteadySocket implements AutoCloseable {
  private final SocketCore core;
  private final String redactedUrl;

  private SteadySocket(SocketCore core, String redactedUrl) {
    this.core = core;
    this.redactedUrl = redactedUrl;
  }

  /**
   * Starts building a socket for {@code url}.
   *
   * @param url a {@code ws://}, {@code wss://}, {@code http://} or {@code https://} URL
   * @throws IllegalArgumentException if {@code url} is not one
   */
  public static Builder builder(String url) {
    return new Builder(url);
  }

  /** Starts connecting: IDLE → CONNECTING (or PAUSED while paused). Later calls do nothing. */
  public void connect() {
    core.connect();
  }

  /**
   * Sends {@code envelope}: at once if OPEN, otherwise after the next connection opens. Messages
   * leave in the order of the {@code send} calls that queued them.
   *
   * <p>The future completes when the message was handed to OkHttp for writing. That is not
   * delivery: OkHttp discards what it has not written when the link dies. A message written at once
   * (OPEN, nothing queued ahead of it) or refused at once returns an already completed future, so
   * stages chained onto it run on the calling thread; otherwise it completes later on the callback
   * executor, never on SteadySocket's loop thread. In acknowledgement mode it completes on the
   * server's acknowledgement, on the callback executor.
   * It fails with {@link EncodeException}, {@link MessageTooLargeException}, {@link
   * OutboxOverflowException} or {@link SocketClosedException} (at once after {@link #close()}); a
   * message is never dropped without its future failing, and every future is complete by the time
   * {@link SteadySocketListener#onClosed} runs.
   */
  public CompletableFuture<Void> send(Envelope envelope) {
    Objects.requireNonNull(envelope, "envelope == null");
    return core.send(envelope);
  }

  /**
   * Sends {@code request} and completes with the server's reply: the first envelope whose {@code
   * meta.replyTo} equals the request's id (an id is assigned if it has none). The reply completes
   * the future, on the callback executor, and is not passed to {@code onMessage}.
   *
   * <p>Fails with {@link RequestTimeoutException} after {@code timeout}; with the send's own error
   * if the request cannot be sent; and, if the connection is lost before the reply, as {@link
   * Builder#requestRetention} says (by default with the disconnect's error).
   */
  public CompletableFuture<Envelope> request(Envelope request, Duration timeout) {
    Objects.requireNonNull(request, "request == null");
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("timeout <= 0: " + timeout);
    }
    return core.request(request, timeout);
  }

  /** The current state; may change the moment after it is read. */
  public ConnectionState state() {
    return core.state();
  }

  /** Closes gracefully with code 1000. See {@link #close(int, String)}. */
  @Override
  public void close() {
    core.close(1000, "");
  }

  /**
   * Closes for good: queued messages fail with {@link SocketClosedException}, an open connection
   * is closed with a close handshake (at most the close timeout), then the socket is CLOSED and
   * releases its threads. Returns at once; {@link #closeFuture()} tells when it is done. Later
   * calls do nothing.
   *
   * @throws IllegalArgumentException if {@code code} may not be sent or {@code reason} is longer
   *     than 123 UTF-8 bytes
   */
  public void close(int code, String reason) {
    core.close(code, reason);
  }

  /** Completes, on the callback executor after {@link SteadySocketListener#onClosed}, when CLOSED. */
  public CompletableFuture<CloseReason> closeFuture() {
    return core.closeFuture();
  }

  public Metrics metrics() {
    return core.metrics();
  }

  /** Adds a listener; it sees events from now on. */
  public void addListener(SteadySocketListener listener) {
    core.addListener(Objects.requireNonNull(listener, "listener == null"));
  }

  public void removeListener(SteadySocketListener listener) {
    core.removeListener(listener);
  }

  /**
   * Calls {@code handler} with the content of every envelope of {@code type}, converted to {@code
   * cls}. Runs on the callback executor after {@link SteadySocketListener#onMessage}. Content that
   * does not convert is reported to onError as a {@link DecodeException}.
   */
  public <T> Subscription on(String type, Class<T> cls, Consumer<? super T> handler) {
    return core.on(type, cls, handler);
  }

  /** Like {@link #on(String, Class, Consumer)}, keeping generic type arguments. */
  public <T> Subscription on(String type, TypeReference<T> ref, Consumer<? super T> handler) {
    return core.on(type, ref, handler);
  }

  /**
   * While RECONNECTING, starts the next attempt now instead of after the backoff delay. Call it
   * when the network comes back. Does nothing in other states.
   */
  public void reconnectNow() {
    core.reconnectNow();
  }

  /**
   * Drops the current connection (closing it with 1001 if open) and connects afresh at once,
   * without counting a failure. Call it when the device switched networks: the old socket is
   * bound to a network that is gone and would otherwise only be noticed by the heartbeat.
   */
  public void replaceConnection() {
    core.replaceConnection();
  }

  /**
   * Disconnects and stops reconnecting until every pause reason is resumed (state PAUSED).
   * Reasons let independent signals, such as "offline" and "background", pause without
   * resuming each other. Sends are queued while paused.
   */
  public void pause(String reason) {
    core.pause(Objects.requireNonNull(reason, "reason == null"));
  }

  /** Releases {@code reason}; when none is left, connects at once with a fresh backoff. */
  public void resume(String reason) {
    core.resume(Objects.requireNonNull(reason, "reason == null"));
  }

  /**
   * The URL as logged: scheme, host and port only, e.g. {@code wss://example.com/...}. Paths,
   * queries and user info are hidden because they often carry tokens.
   */
  public String redactedUrl() {
    return redactedUrl;
  }

  @Override
  public String toString() {
    return "SteadySocket{" + redactedUrl + ", " + state() + "}";
  }

  /** Configures a {@link SteadySocket}. Not thread-safe; build() may be called more than once. */
  public static final class Builder {
    private final SocketConfig config = new SocketConfig();

    Builder(String url) {
      config.urls.add(Checks.webSocketUrl(url));
    }

    /**
     * More URLs of the same service, tried when the current one fails: every failed attempt or
     * lost connection moves to the next URL in order (primary, then these, then the primary
     * again), waiting the usual backoff delay in between. A URL that works is kept until it fails.
     *
     * @throws IllegalArgumentException if a URL is not a valid WebSocket URL
     */
    public Builder failoverUrls(String... urls) {
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
    public Builder acknowledgedSends(boolean enabled) {
      config.acknowledgedSends = enabled;
      return this;
    }

    /**
     * Drops inbound envelopes whose id was among the last {@code window} ids delivered, and
     * counts them in {@link Metrics#duplicatesDropped()}. Default 0 (off): only enable it for
     * servers whose ids are unique.
     */
    public Builder deduplicate(int window) {
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
    public Builder resumeStreams(boolean enabled) {
      config.resumeStreams = enabled;
      return this;
    }

    /** What happens to requests awaiting a reply when the connection drops. Default FAIL. */
    public Builder requestRetention(RequestRetention retention) {
      config.requestRetention = Objects.requireNonNull(retention, "retention == null");
      return this;
    }

    /**
     * The OkHttpClient to connect with (its proxy, TLS, DNS, interceptors and pools). The SDK
     * never shuts it down. Without one, sockets share a client owned by the SDK whose Dispatcher
     * does not limit the number of open sockets. If you pass one, mind its Dispatcher: every open
     * WebSocket holds one of its {@code maxRequestsPerHost} slots (5 by default) for its life.
     */
    public Builder okHttpClient(OkHttpClient client) {
      config.client = Objects.requireNonNull(client, "client == null");
      return this;
    }

    /** Default {@link Backoff#defaults()}: 1 s doubling to 30 s, full jitter. */
    public Builder backoff(Backoff backoff) {
      config.backoff = Objects.requireNonNull(backoff, "backoff == null");
      return this;
    }

    /** Default {@link Heartbeat#defaults()}: every 30 s, 10 s timeout. */
    public Builder heartbeat(Heartbeat heartbeat) {
      config.heartbeat = Objects.requireNonNull(heartbeat, "heartbeat == null");
      return this;
    }

    /**
     * Gives up (CLOSED with {@link ReconnectAttemptsExhaustedException}) after this many
     * consecutive failed reconnect attempts; 0 means never reconnect. Default: unlimited.
     */
    public Builder maxReconnectAttempts(int attempts) {
      if (attempts < 0) throw new IllegalArgumentException("attempts < 0: " + attempts);
      config.maxReconnectAttempts = attempts;
      return this;
    }

    /**
     * How long a connection must stay open before the backoff starts over from its first delay.
     * Keeps a server that accepts and drops at once from causing a tight core. Default 5 s.
     */
    public Builder minimumUptime(Duration minimumUptime) {
      config.minimumUptime = Checks.nonNegative(minimumUptime, "minimumUptime");
      return this;
    }

    /** How long a handshake may take before the attempt counts as failed. Default 15 s. */
    public Builder connectTimeout(Duration connectTimeout) {
      config.connectTimeout = Checks.positive(connectTimeout, "connectTimeout");
      return this;
    }

    /**
     * The longest {@code Retry-After} (on HTTP 429 or 503) the socket honours; a longer one, or an
     * HTTP date further out, waits this long. Default: the backoff's cap ({@link Backoff#max()},
     * 30 s by default), so a server cannot park a client for a day.
     */
    public Builder maxRetryAfter(Duration ceiling) {
      config.maxRetryAfter = Checks.nonNegative(ceiling, "ceiling");
      return this;
    }

    /** How long {@link #close()} waits for the server's close frame. Default 5 s. */
    public Builder closeTimeout(Duration closeTimeout) {
      config.closeTimeout = Checks.positive(closeTimeout, "closeTimeout");
      return this;
    }

    /** Adds a listener. May be called several times. */
    public Builder listener(SteadySocketListener listener) {
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
    public Builder callbackExecutor(Executor executor) {
      config.callbackExecutor = Objects.requireNonNull(executor, "executor == null");
      return this;
    }

    /** Uses {@code mapper} for content and typed handlers (shorthand for a Jackson codec). */
    public Builder objectMapper(ObjectMapper mapper) {
      config.codec = MessageCodec.jackson(Objects.requireNonNull(mapper, "mapper == null"));
      return this;
    }

    /** Replaces the wire format codec. Default {@link MessageCodec#jackson()}. */
    public Builder codec(MessageCodec codec) {
      config.codec = Objects.requireNonNull(codec, "codec == null");
      return this;
    }

    /**
     * Adds a header to every handshake. Values never appear in logs, exceptions or toString().
     *
     * @throws IllegalArgumentException if the name is not an HTTP token or the value has a character
     *     HTTP headers may not carry (the message names the position, never the value)
     */
    public Builder header(String name, String value) {
      config.headers.add(Checks.headerName(name), Checks.headerValue(name, value));
      return this;
    }

    /**
     * Supplies a token for every connection attempt; see {@link TokenProvider}. The provider runs on
     * a SteadySocket dispatch thread, at most one call per socket at a time; its time counts against
     * the {@link #connectTimeout connect timeout}.
     */
    public Builder tokenProvider(TokenProvider provider) {
      config.tokenProvider = Objects.requireNonNull(provider, "provider == null");
      return this;
    }

    /** Where the token goes. Default {@code ("Authorization", "Bearer ")}. */
    public Builder tokenHeader(String name, String prefix) {
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
    public Builder maxInboundMessageSize(long bytes) {
      if (bytes < 1) throw new IllegalArgumentException("bytes < 1: " + bytes);
      config.maxInboundMessageBytes = bytes;
      return this;
    }

    /** Default {@link OutboxPolicy#defaults()}: 1,000 messages, 1 MiB, reject new. */
    public Builder outbox(OutboxPolicy policy) {
      config.outbox = Objects.requireNonNull(policy, "policy == null");
      return this;
    }

    /** Default {@link ReconnectPolicy#defaults()}. */
    public Builder reconnectPolicy(ReconnectPolicy policy) {
      config.reconnectPolicy = Objects.requireNonNull(policy, "policy == null");
      return this;
    }

    /** Registers a typed handler; see {@link SteadySocket#on(String, Class, Consumer)}. */
    public <T> Builder on(String type, Class<T> cls, Consumer<? super T> handler) {
      config.addHandler(type, cls, handler);
      return this;
    }

    /** Registers a typed handler for a generic type. */
    public <T> Builder on(String type, TypeReference<T> ref, Consumer<? super T> handler) {
      config.addHandler(type, ref, handler);
      return this;
    }

    /** Test seam: virtual time. */
    Builder scheduler(Scheduler scheduler) {
      config.scheduler = scheduler;
      return this;
    }

    /** Test seam: a fake transport. */
    Builder transportFactory(Transport.Factory factory) {
      config.transportFactory = factory;
      return this;
    }

    /** Test seam: stands in for SteadySocket's own dispatch pool (the default callback executor). */
    Builder sharedDispatch(Executor dispatch) {
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
      return "SteadySocket.Builder{" + Assembly.redact(config.urls.get(0)) + "}";
    }
  }
}
