package dev.steadysocket.internal;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.steadysocket.Backoff;
import dev.steadysocket.Compression;
import dev.steadysocket.Heartbeat;
import dev.steadysocket.MessageCodec;
import dev.steadysocket.OutboxPolicy;
import dev.steadysocket.ReconnectPolicy;
import dev.steadysocket.RequestRetention;
import dev.steadysocket.SteadySocketListener;
import dev.steadysocket.TokenProvider;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import okhttp3.Headers;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import org.jspecify.annotations.Nullable;

/**
 * Everything a socket is built from: the public Builder writes these fields (after validating),
 * and {@link Assembly} reads a {@link #copy()} of them. A copy is never written again, so the
 * parts of a built socket may read it from any thread.
 */
public final class SocketConfig {
  /** The primary URL first, then the failover URLs. */
  public final List<HttpUrl> urls = new ArrayList<>();
  public @Nullable OkHttpClient client;
  public Headers.Builder headers = new Headers.Builder();
  public @Nullable TokenProvider tokenProvider;
  public String tokenHeader = "Authorization";
  public String tokenPrefix = "Bearer ";
  /** Offered in Sec-WebSocket-Protocol, in order; if any, the server must choose one. */
  public final List<String> subprotocols = new ArrayList<>();

  public Backoff backoff = Backoff.defaults();
  public Heartbeat heartbeat = Heartbeat.defaults();
  public int maxReconnectAttempts = -1;
  public Duration minimumUptime = Duration.ofSeconds(5);
  public Duration connectTimeout = Duration.ofSeconds(15);
  public Duration closeTimeout = Duration.ofSeconds(5);
  /** Null: the backoff's cap. */
  public @Nullable Duration maxRetryAfter;
  public OutboxPolicy outbox = OutboxPolicy.defaults();
  public long maxInboundMessageBytes = 16L << 20;
  public Compression compression = Compression.defaults();
  public ReconnectPolicy reconnectPolicy = ReconnectPolicy.defaults();
  public @Nullable MessageCodec codec;

  public boolean acknowledgedSends;
  public RequestRetention requestRetention = RequestRetention.FAIL;
  public int dedupWindow;
  public boolean resumeStreams;

  public final List<SteadySocketListener> listeners = new ArrayList<>();
  public final List<dev.steadysocket.SocketObserver.Factory> observers = new ArrayList<>();
  public final List<Consumer<ListenerBus>> handlers = new ArrayList<>();
  public @Nullable Executor callbackExecutor;

  /** Test seams: virtual time, fake transports, a stand-in for the dispatch pool. */
  public @Nullable Scheduler scheduler;

  public Transport.@Nullable Factory transportFactory;
  public @Nullable Executor dispatch;
  /** Test seam: told of each socket built (the testing module's leak check). */
  public java.util.function.@Nullable Consumer<SocketCore> onBuild;

  public SocketConfig copy() {
    SocketConfig c = new SocketConfig();
    c.urls.addAll(urls);
    c.client = client;
    c.headers = headers.build().newBuilder();
    c.tokenProvider = tokenProvider;
    c.tokenHeader = tokenHeader;
    c.tokenPrefix = tokenPrefix;
    c.subprotocols.addAll(subprotocols);
    c.backoff = backoff;
    c.heartbeat = heartbeat;
    c.maxReconnectAttempts = maxReconnectAttempts;
    c.minimumUptime = minimumUptime;
    c.connectTimeout = connectTimeout;
    c.closeTimeout = closeTimeout;
    c.maxRetryAfter = maxRetryAfter;
    c.outbox = outbox;
    c.maxInboundMessageBytes = maxInboundMessageBytes;
    c.compression = compression;
    c.reconnectPolicy = reconnectPolicy;
    c.codec = codec;
    c.acknowledgedSends = acknowledgedSends;
    c.requestRetention = requestRetention;
    c.dedupWindow = dedupWindow;
    c.resumeStreams = resumeStreams;
    c.listeners.addAll(listeners);
    c.observers.addAll(observers);
    c.handlers.addAll(handlers);
    c.callbackExecutor = callbackExecutor;
    c.scheduler = scheduler;
    c.transportFactory = transportFactory;
    c.dispatch = dispatch;
    c.onBuild = onBuild;
    return c;
  }

  /** The ceiling on a server's Retry-After: the builder's, else the backoff's cap. */
  Duration retryAfterCeiling() {
    return maxRetryAfter != null ? maxRetryAfter : backoff.max();
  }

  /** Registers a typed handler on the bus once it exists. */
  public <T> void addHandler(String type, Class<T> cls, Consumer<? super T> handler) {
    TypedHandlers.check(type, cls, handler);
    handlers.add(bus -> bus.on(type, cls, handler));
  }

  public <T> void addHandler(String type, TypeReference<T> ref, Consumer<? super T> handler) {
    TypedHandlers.check(type, ref, handler);
    handlers.add(bus -> bus.on(type, ref, handler));
  }
}
