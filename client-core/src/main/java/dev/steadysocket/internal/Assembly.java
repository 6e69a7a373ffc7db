package dev.steadysocket.internal;

import dev.steadysocket.MessageCodec;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds a socket's parts from a {@link SocketConfig} and wires them together: the one place that
 * knows every part, so each part knows only its neighbours. Runs on the thread calling {@code
 * build()}.
 */
public final class Assembly {
  private static final Logger log = LoggerFactory.getLogger("dev.steadysocket.SteadySocket");

  private Assembly() {}

  /** A socket's parts; read-only after {@link #build}. */
  static final class Parts {
    final SocketConfig config;
    final MessageCodec codec;
    final LoopTasks tasks;
    final MetricsRecorder metrics = new MetricsRecorder();
    final ListenerBus bus;
    final Executor dispatch;
    final List<String> redactedUrls = new ArrayList<>();
    final List<Transport.Factory> endpoints = new ArrayList<>();
    final InboundLedger ledger;
    final Outbound outbound;
    final Inbound inbound;
    final Requests requests;
    final RetryPlanner planner;
    final Dialer dialer;
    final Decider decider;
    final HeartbeatMonitor heartbeats;
    /** Gives back the shared loop thread and client this socket acquired; runs once, at CLOSED. */
    Runnable release = () -> {};

    private Parts(SocketConfig config, Scheduler scheduler, Executor dispatch, Executor callbacks) {
      this.config = config;
      this.codec = config.codec != null ? config.codec : MessageCodec.jackson();
      this.tasks = new LoopTasks(scheduler);
      this.dispatch = dispatch;
      this.bus = new ListenerBus(callbacks, config.callbackExecutor == null, dispatch, metrics.callbacksRejected);
      this.ledger = new InboundLedger(config.dedupWindow, config.resumeStreams);
      this.outbound = new Outbound(config.outbox, codec, config.acknowledgedSends, bus, metrics, tasks);
      this.inbound = new Inbound(codec, bus, metrics, ledger, outbound, config.acknowledgedSends, tasks);
      this.requests = new Requests(config.requestRetention, bus, outbound, tasks);
      inbound.requests(requests);
      this.planner = new RetryPlanner(config.backoff, config.maxReconnectAttempts,
          config.tokenProvider != null, config.urls.size());
      TokenFetcher tokens =
          config.tokenProvider == null ? null : new TokenFetcher(config.tokenProvider, dispatch, tasks);
      this.dialer = new Dialer(endpoints, tokens, config.tokenHeader, config.tokenPrefix, ledger);
      this.decider = new Decider(config.reconnectPolicy, dispatch, tasks, bus);
      this.heartbeats = new HeartbeatMonitor(config.heartbeat, tasks, codec);
    }
  }

  /** Builds a socket configured by {@code config} (a copy nobody else writes). */
  public static SocketCore build(SocketConfig config) {
    ScheduledExecutorService loopThread = config.scheduler == null ? SharedResources.acquireLoop() : null;
    Scheduler scheduler = loopThread != null ? SharedResources.scheduler(loopThread) : config.scheduler;
    Executor pool = config.dispatch != null ? config.dispatch : SharedResources.dispatch();
    // Virtual-time tests run policies and token providers inline, so each step happens when the
    // test says; callbacks still go where the test (or the default) sends them.
    Executor dispatch = config.dispatch == null && config.scheduler != null ? Runnable::run : pool;
    Executor callbacks = config.callbackExecutor != null ? config.callbackExecutor : pool;
    Parts p = new Parts(config, scheduler, dispatch, callbacks);
    for (HttpUrl u : config.urls) p.redactedUrls.add(redact(u));
    OkHttpClient ownClient = null;
    if (config.transportFactory != null) {
      for (int i = 0; i < config.urls.size(); i++) p.endpoints.add(config.transportFactory);
    } else {
      OkHttpClient base = config.client;
      if (base == null) {
        base = ownClient = SharedResources.acquireClient();
      } else if (base.dispatcher().getMaxRequestsPerHost() < 64) {
        log.warn(
            "the OkHttpClient's Dispatcher allows {} calls per host; every open WebSocket holds"
                + " one, so more sockets to one host than that will wait forever. Raise"
                + " Dispatcher.maxRequestsPerHost or omit okHttpClient().",
            base.dispatcher().getMaxRequestsPerHost());
      }
      for (HttpUrl u : config.urls) {
        Request request = new Request.Builder().url(u).headers(config.headers.build()).build();
        p.endpoints.add(new OkHttpTransportFactory(
            base, request, config.heartbeat.interval().toMillis(), config.closeTimeout.toMillis()));
      }
    }
    OkHttpClient clientToRelease = ownClient;
    p.release = () -> {
      if (loopThread != null) SharedResources.releaseLoop(loopThread);
      if (clientToRelease != null) SharedResources.releaseClient(clientToRelease);
    };
    for (dev.steadysocket.SteadySocketListener l : config.listeners) p.bus.addListener(l);
    for (java.util.function.Consumer<ListenerBus> h : config.handlers) h.accept(p.bus);
    return new SocketCore(p, new ConnectionLoop(p));
  }

  /** ws(s)://host:port/path with credentials, query and fragment removed. */
  public static String redact(HttpUrl url) {
    String r = url.redact();
    return r.startsWith("https:") ? "wss:" + r.substring(6) : "ws:" + r.substring(5);
  }
}
