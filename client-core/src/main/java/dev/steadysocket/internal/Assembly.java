package dev.steadysocket.internal;

import dev.steadysocket.CloseReason;
import dev.steadysocket.Compression;
import dev.steadysocket.MessageCodec;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicBoolean;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import org.jspecify.annotations.Nullable;
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
    /** Every event of the socket passes here: the counters of metrics() and the application's observers. */
    final Events events;
    final ListenerBus bus;
    final Executor dispatch;
    final List<String> redactedUrls = new ArrayList<>();
    final List<Transport.Factory> endpoints = new ArrayList<>();
    final InboundLedger ledger;
    final Outbound outbound;
    final Inbound inbound;
    final Requests requests;
    final Setups setups;
    final RetryPlanner planner;
    final Dialer dialer;
    final Decider decider;
    final HeartbeatMonitor heartbeats;
    /** What the last connection to open negotiated; written on OPEN by the loop, read by any thread. */
    volatile @Nullable String subprotocol;

    volatile String extensions = "";
    volatile Compression compression = Compression.disabled();
    /** Gives back the shared loop thread and client this socket acquired; see {@link #shutDown}. */
    Runnable release = () -> {};
    private final AtomicBoolean released = new AtomicBoolean();

    /** Loop thread, on OPEN, before listeners hear of it: what the handshake negotiated. */
    void negotiated(Transport t) {
      subprotocol = t.subprotocol();
      extensions = t.extensions();
      compression = t.compression();
    }

    /**
     * Loop thread, on OPEN, before listeners hear of it: hands {@code t} to the outbound path with
     * what must precede every newer message, in this order: the resume positions, the setup
     * messages ({@link Setups}, held until they are written) and the requests kept from earlier
     * connections.
     */
    void attach(Connection c, Transport t) {
      String resume = null;
      if (ledger.resumes()) {
        try {
          resume = codec.encode(ledger.resumeFrame(tasks.currentTimeMillis()));
        } catch (RuntimeException e) { // the application's codec: the handshake header still carries them
          Quiet.log(() -> log.warn("the codec cannot encode the resume frame; positions go in the handshake header only", e));
        }
      }
      List<Requests.Request> resend =
          config.acknowledgedSends ? new ArrayList<Requests.Request>(0) : requests.toResend(t);
      outbound.attach(t, resume, resend, setups.opened(c, t));
    }

    private Parts(SocketConfig config, Scheduler scheduler, Executor dispatch, Executor callbacks) {
      this.config = config;
      this.codec = config.codec != null ? config.codec : MessageCodec.jackson();
      this.tasks = new LoopTasks(scheduler);
      this.events = new Events(new MetricsRecorder(tasks), tasks, !config.observers.isEmpty());
      this.dispatch = dispatch;
      this.bus = new ListenerBus(callbacks, config.callbackExecutor == null, dispatch, events::callbacksRejected);
      this.ledger = new InboundLedger(config.dedupWindow, config.resumeStreams);
      this.outbound = new Outbound(config.outbox, codec, config.acknowledgedSends, bus, events, tasks);
      this.inbound = new Inbound(codec, bus, events, ledger, outbound, config.acknowledgedSends, tasks);
      this.requests = new Requests(config.requestRetention, bus, outbound, tasks, events);
      this.setups = new Setups(outbound, codec, dispatch, tasks, bus);
      inbound.requests(requests, setups);
      this.planner = new RetryPlanner(config.backoff, config.maxReconnectAttempts,
          config.tokenProvider != null, config.urls.size());
      TokenFetcher tokens =
          config.tokenProvider == null ? null : new TokenFetcher(config.tokenProvider, dispatch, tasks);
      this.dialer = new Dialer(endpoints, tokens, config.tokenHeader, config.tokenPrefix, ledger);
      this.decider = new Decider(config.reconnectPolicy, dispatch, tasks, bus);
      this.heartbeats = new HeartbeatMonitor(config.heartbeat, tasks, codec, setups::holdsSends, events);
    }
  }

  /**
   * At CLOSED: every part lets go and everything that must complete, completes: queued and
   * unacknowledged sends, waiting requests, then onClosed and the close future. Each step runs on
   * its own, so one that throws cannot keep the others from happening; safe to call twice.
   */
  static void shutDown(Parts p, CloseReason reason, CompletableFuture<CloseReason> closeFuture) {
    quietly(p.dialer::close);
    quietly(p.setups::closed);
    quietly(p.outbound::failAll);
    quietly(() -> p.requests.failAll(Api.get().socketClosed("socket closed before the reply arrived")));
    // Released before the terminal callback is queued, so whoever waits on closeFuture finds our
    // loop and client already let go. Releasing twice would release another socket's share.
    if (p.released.compareAndSet(false, true)) {
      quietly(p.release);
      quietly(() -> p.events.closed(reason)); // after the futures' failures were reported: the loop's last event
    }
    try {
      p.bus.closed(reason, () -> closeFuture.complete(reason));
    } catch (Throwable t) {
      Quiet.log(() -> log.error("could not deliver onClosed; completing the close future anyway", t));
      p.dispatch.execute(() -> closeFuture.complete(reason));
    }
  }

  private static void quietly(Runnable step) {
    try {
      step.run();
    } catch (Throwable t) {
      Quiet.log(() -> log.error("a step of closing a socket failed; the others go on", t));
    }
  }

  /** Builds a socket configured by {@code config} (a copy nobody else writes). */
  public static SocketCore build(SocketConfig config) {
    ScheduledExecutorService loopThread = config.scheduler == null ? SharedResources.acquireLoop() : null;
    OkHttpClient[] ownClient = {null};
    try {
      return build(config, loopThread, ownClient);
    } catch (RuntimeException | Error e) {
      // OkHttp refuses some settings only here (a ping interval past 24 days): give back what
      // this socket acquired, or the shared thread and client would outlive every socket.
      if (loopThread != null) SharedResources.releaseLoop(loopThread);
      if (ownClient[0] != null) SharedResources.releaseClient(ownClient[0]);
      throw e;
    }
  }

  private static SocketCore build(
      SocketConfig config, @Nullable ScheduledExecutorService loopThread, OkHttpClient[] ownClient) {
    Scheduler scheduler = loopThread != null ? SharedResources.scheduler(loopThread) : config.scheduler;
    // Policies, token providers and the bus's fallback run on the dispatch pool, whatever the
    // scheduler: a test that wants them inline says so with the sharedDispatch seam.
    Executor pool = config.dispatch != null ? config.dispatch : SharedResources.dispatch();
    Executor callbacks = config.callbackExecutor != null ? config.callbackExecutor : pool;
    Parts p = new Parts(config, scheduler, pool, callbacks);
    for (HttpUrl u : config.urls) p.redactedUrls.add(redact(u));
    if (config.transportFactory != null) {
      for (HttpUrl u : config.urls) p.endpoints.add(config.transportFactory.forRequest(handshake(config, u), config.maxInboundMessageBytes));
    } else {
      OkHttpClient base = config.client;
      if (base == null) {
        base = ownClient[0] = SharedResources.acquireClient();
      } else if (base.dispatcher().getMaxRequestsPerHost() < 64) {
        log.warn(
            "the OkHttpClient's Dispatcher allows {} calls per host; every open WebSocket holds"
                + " one, so more sockets to one host than that will wait forever. Raise"
                + " Dispatcher.maxRequestsPerHost or omit okHttpClient().",
            base.dispatcher().getMaxRequestsPerHost());
      }
      for (HttpUrl u : config.urls) {
        List<String> tokenLabels = config.tokenHeader.equalsIgnoreCase(OkHttpTransportFactory.SUBPROTOCOL)
            ? Subprotocols.labels(config.tokenPrefix)
            : java.util.Collections.<String>emptyList();
        p.endpoints.add(new OkHttpTransportFactory(
            base, handshake(config, u), LoopTasks.nanos(config.connectTimeout) / 1_000_000,
            LoopTasks.nanos(config.closeTimeout) / 1_000_000, config.maxInboundMessageBytes,
            !config.subprotocols.isEmpty(), tokenLabels, config.compression, pool, scheduler::nanoTime, p.events));
      }
    }
    OkHttpClient clientToRelease = ownClient[0];
    p.release = () -> {
      if (loopThread != null) SharedResources.releaseLoop(loopThread);
      if (clientToRelease != null) SharedResources.releaseClient(clientToRelease);
    };
    for (dev.steadysocket.SteadySocketListener l : config.listeners) p.bus.addListener(l);
    for (java.util.function.Consumer<ListenerBus> h : config.handlers) h.accept(p.bus);
    SocketCore core = new SocketCore(p, new ConnectionLoop(p));
    if (config.onBuild != null) config.onBuild.accept(core);
    return core;
  }

  /** The handshake request for {@code url}: what the application configured; a token is added per attempt. */
  private static Request handshake(SocketConfig config, HttpUrl url) {
    Request.Builder request = new Request.Builder().url(url).headers(config.headers.build());
    if (!config.subprotocols.isEmpty()) {
      request.header(OkHttpTransportFactory.SUBPROTOCOL, String.join(", ", config.subprotocols));
    }
    return request.build();
  }

  /** ws(s)://host:port/path with credentials, query and fragment removed. */
  public static String redact(HttpUrl url) {
    String r = url.redact();
    return r.startsWith("https:") ? "wss:" + r.substring(6) : "ws:" + r.substring(5);
  }
}
