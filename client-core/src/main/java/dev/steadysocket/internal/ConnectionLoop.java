package dev.steadysocket.internal;

import dev.steadysocket.AuthenticationException;
import dev.steadysocket.CloseReason;
import dev.steadysocket.ConnectionState;
import dev.steadysocket.DecodeException;
import dev.steadysocket.Disconnect;
import dev.steadysocket.EncodeException;
import dev.steadysocket.Envelope;
import dev.steadysocket.ListenerException;
import dev.steadysocket.MessageTooLargeException;
import dev.steadysocket.Metrics;
import dev.steadysocket.OutboxOverflowException;
import dev.steadysocket.ReconnectAttemptsExhaustedException;
import dev.steadysocket.ReconnectPolicy;
import dev.steadysocket.ReconnectPolicy.Decision;
import dev.steadysocket.RequestRetention;
import dev.steadysocket.RequestTimeoutException;
import dev.steadysocket.SocketClosedException;
import dev.steadysocket.SteadySocketException;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The state machine of one socket, and the only owner of its state.
 *
 * <p><b>Threading:</b> every field below the "loop-confined" line is read and written only by
 * tasks on {@link #scheduler}, which run one at a time. Public methods and transport callbacks
 * never touch that state; they {@link #post} a task. The exceptions are {@link #onText} and
 * {@link #onBinary}, which run on OkHttp's reader thread and touch only their {@link Connection}'s
 * lock-guarded fields and the metrics; and {@link #send}, which while OPEN with nothing queued
 * hands the message to the transport itself, through the lane guarded by {@link #laneLock}.
 * {@link #state} is written by the loop and volatile, so {@code state()} can be read from any
 * thread.
 *
 * <p>Decisions are made here; listener calls are handed to the {@link ListenerBus}, which runs them
 * on the callback executor. Nothing here blocks: OkHttp's {@code newWebSocket}, {@code send},
 * {@code close} and {@code cancel} only enqueue work.
 */
public final class ConnectionLoop {
  private static final Logger log = LoggerFactory.getLogger("dev.steadysocket.SteadySocket");

  /**
   * OkHttp tears a WebSocket down if more than 16 MiB are queued in it. We stop handing it
   * messages well before that and keep the rest in the outbox, where the overflow policy applies.
   */
  static final long SEND_BUFFER_HIGH_WATER = 4L << 20;
  /** How often a held-back outbox is retried while OkHttp's buffer is above the high water. */
  static final long DRAIN_POLL_NANOS = 10_000_000L;
  /** Largest single message: below OkHttp's 16 MiB limit with room for framing. */
  public static final long MAX_MESSAGE_BYTES = (16L << 20) - 1024;

  private final LoopConfig config;
  private final Scheduler scheduler;
  /** One transport factory per URL, in failover order. */
  private final List<Transport.Factory> endpoints;
  private final ListenerBus bus;
  private final Runnable releaseLoopResources;
  private final Runnable releaseCallbackResources;
  private final MetricsRecorder metrics = new MetricsRecorder();
  private final CompletableFuture<CloseReason> closeFuture = new CompletableFuture<>();
  private final long maxMessageBytes;
  private final Guarantees guarantees;
  private final HeartbeatMonitor heartbeats;
  /**
   * Decode text frames on the dispatch thread rather than OkHttp's reader: only on SteadySocket's
   * own pool (an application executor is often the UI thread) and only when no delivery guarantee
   * needs the envelope in arrival order on the reader (see {@link #onText}).
   */
  private final boolean decodeOnDispatch;

  private volatile ConnectionState state = ConnectionState.IDLE;

  /**
   * Guards the send lane: {@link #lane}, {@link #sendsOnLoop}, and every {@code doSend}. The lane
   * lets {@code send} hand a message to OkHttp on the calling thread instead of posting it to the
   * loop thread, which saved a thread wake-up per message (measured in benchmarks/, figure 3).
   * Taken by any sending thread and by the loop; never held while calling out to anything but the
   * transport's non-blocking send and the bus's non-blocking enqueue.
   */
  private final Object laneLock = new Object();
  /**
   * Guarded by laneLock. The current connection's transport while the state is OPEN and the outbox
   * is empty; null otherwise. The loop closes it before anything a lane send must not overtake:
   * queueing into the outbox, leaving OPEN, retiring the connection. It reopens it when the outbox
   * is empty again while OPEN ({@link #flushOutbox}).
   */
  private @Nullable Transport lane;
  /**
   * Guarded by laneLock. Send tasks posted to the loop and not yet run. While any is pending the
   * lane is not used, so messages still leave in the order of the send calls that queued them.
   */
  private int sendsOnLoop;

  // ---- loop-confined ----
  private @Nullable Connection connection;
  /** Index into endpoints of the URL in use; advances on every failure. */
  private int endpoint;
  /** Acknowledgement mode: sent and not yet acknowledged, by id, oldest first. */
  private final java.util.LinkedHashMap<String, Outbox.Pending> unacked = new java.util.LinkedHashMap<>();
  private long connectionIds;
  /** Consecutive failed attempts; reset when a connection stays open for the minimum uptime. */
  private int failedAttempts;
  /** Whether a fresh token was already requested since the last successful connection. */
  private boolean tokenRefreshUsed;
  private boolean refreshTokenNext;
  private boolean everOpened;
  private final Set<String> pauseReasons = new LinkedHashSet<>();
  private final Outbox outbox;
  private int appCloseCode = Closes.NORMAL;
  private String appCloseReason = "";
  private Scheduler.@Nullable Cancellable reconnectTimer;
  private Scheduler.@Nullable Cancellable connectTimer;
  private Scheduler.@Nullable Cancellable stableTimer;
  private Scheduler.@Nullable Cancellable drainTimer;
  private Scheduler.@Nullable Cancellable closeTimer;

  public ConnectionLoop(
      LoopConfig config,
      Scheduler scheduler,
      List<Transport.Factory> endpoints,
      ListenerBus bus,
      Runnable releaseLoopResources,
      Runnable releaseCallbackResources) {
    this.config = config;
    this.scheduler = scheduler;
    this.endpoints = endpoints;
    this.guarantees = new Guarantees(config.dedupWindow, config.resumeStreams);
    this.heartbeats =
        new HeartbeatMonitor(
            config.heartbeat, scheduler, config.codec,
            c -> c == connection && state == ConnectionState.OPEN,
            c -> handleDisconnect(c, Failures.deadLink(config.heartbeat.timeout()), true));
    this.bus = bus;
    this.decodeOnDispatch =
        bus.isSharedDispatch()
            && !config.acknowledgedSends
            && config.dedupWindow <= 0
            && !config.resumeStreams;
    this.releaseLoopResources = releaseLoopResources;
    this.releaseCallbackResources = releaseCallbackResources;
    this.outbox = new Outbox(config.outbox);
    this.maxMessageBytes = Math.min(config.outbox.maxBytes(), MAX_MESSAGE_BYTES);
  }

  // ---------------------------------------------------------------- any thread

  public ConnectionState state() {
    return state;
  }

  public Metrics metrics() {
    return metrics.snapshot(scheduler.nanoTime());
  }

  public CompletableFuture<CloseReason> closeFuture() {
    return closeFuture;
  }

  public void connect() {
    post(this::doConnect);
  }

  /** Encodes on the calling thread (so encoding errors fail at once), then queues or sends. */
  public CompletableFuture<Void> send(Envelope envelope) {
    return send(envelope, null);
  }

  /**
   * Sends {@code request} and completes the returned future with the envelope whose {@code
   * meta.replyTo} names it, on the callback executor.
   */
  public CompletableFuture<Envelope> request(Envelope request, Duration timeout) {
    Envelope req = request.id() != null ? request : request.toBuilder().id(Ids.next()).build();
    String id = req.id();
    CompletableFuture<Envelope> reply = new CompletableFuture<>();
    Guarantees.PendingRequest pending = new Guarantees.PendingRequest(id, reply);
    if (guarantees.requests.putIfAbsent(id, pending) != null) {
      reply.completeExceptionally(new IllegalArgumentException("a request with id " + id + " is already waiting"));
      return reply;
    }
    send(req, pending).whenComplete((ignored, error) -> {
      if (error != null && guarantees.requests.remove(id, pending)) {
        post(() -> cancel(pending.timeout));
        reply.completeExceptionally(error); // already on the callback executor
      }
    });
    post(() -> {
      if (guarantees.requests.get(id) != pending) return;
      pending.timeout =
          scheduler.schedule(
              () -> {
                if (guarantees.requests.remove(id, pending)) {
                  bus.complete(reply, null, new RequestTimeoutException(id, timeout));
                }
              },
              timeout.toNanos());
    });
    return reply;
  }

  private CompletableFuture<Void> send(Envelope envelope, Guarantees.@Nullable PendingRequest request) {
    CompletableFuture<Void> future = new CompletableFuture<>();
    if (config.acknowledgedSends) {
      Envelope.Builder b = envelope.toBuilder().meta(Guarantees.META_ACK, Boolean.TRUE);
      if (envelope.id() == null) b.id(Ids.next());
      envelope = b.build();
    }
    ConnectionState s = state;
    if (s == ConnectionState.CLOSING || s == ConnectionState.CLOSED) {
      future.completeExceptionally(new SocketClosedException("socket is " + s));
      return future;
    }
    String text;
    try {
      text = config.codec.encode(envelope);
    } catch (RuntimeException e) {
      future.completeExceptionally(
          e instanceof EncodeException ? e : new EncodeException("codec failed: " + e, e));
      return future;
    }
    long size = Utf8.size(text);
    if (size > maxMessageBytes) {
      future.completeExceptionally(
          new MessageTooLargeException(
              "message is " + size + " bytes; the limit is " + maxMessageBytes
                  + " (raise OutboxPolicy maxBytes for larger messages)"));
      return future;
    }
    Outbox.Pending pending = new Outbox.Pending(text, size, future, envelope.id(), request);
    if (request != null) request.message = pending;
    synchronized (laneLock) {
      Transport t = lane;
      // Written on this thread: the future is complete when send returns (nothing can be chained
      // onto it yet, so no application code runs under the lock), which spares a callback hop.
      if (t != null && sendsOnLoop == 0 && sendNow(t, pending, true)) return future;
      // Posted under the lock, so a later send from this thread cannot take the lane before it.
      sendsOnLoop++;
      if (!post(() -> doSend(pending))) {
        sendsOnLoop--;
        future.completeExceptionally(new SocketClosedException("socket is closed"));
      }
    }
    return future;
  }

  public void close(int code, String reason) {
    Closes.validate(code, reason);
    post(() -> doClose(code, reason));
  }

  public void reconnectNow() {
    post(this::doReconnectNow);
  }

  public void replaceConnection() {
    post(this::doReplaceConnection);
  }

  public void pause(String reason) {
    post(() -> doPause(reason));
  }

  public void resume(String reason) {
    post(() -> doResume(reason));
  }

  boolean post(Runnable task) {
    return scheduler.execute(task);
  }

  // ---------------------------------------------------------------- reader thread

  void onText(Connection c, String text) {
    if (decodeOnDispatch && guarantees.requests.isEmpty()) {
      // Pipelined: OkHttp's reader only queues the frame and goes back to reading, the dispatch
      // thread decodes and delivers it. Nothing needs the envelope on the reader in this mode:
      // no dedup or resume position to record in arrival order, and no request whose reply must
      // be matched before a disconnect fails it.
      c.deliver(() -> bus.post(() -> receive(c, text)));
      return;
    }
    Envelope envelope;
    try {
      envelope = decode(c, text);
    } catch (DecodeException error) {
      c.deliver(() -> bus.error(error));
      return;
    }
    if (!forApplication(c, envelope)) return;
    Runnable delivery = bus.message(envelope); // conversion happens here, outside the lock
    // The id and stream position are recorded only if the frame really reaches the bus: a frame
    // the retired connection drops must not count as seen, or its replay would be discarded.
    c.deliver(() -> {
      if (admit(envelope, text)) delivery.run();
    });
  }

  /** On the callback executor, inside a bus delivery: the pipelined half of {@link #onText}. */
  private void receive(Connection c, String text) {
    Envelope envelope;
    try {
      envelope = decode(c, text);
    } catch (DecodeException error) {
      bus.raise(error); // delivered to onError right after this delivery
      return;
    }
    if (forApplication(c, envelope) && admit(envelope, text)) bus.deliverMessage(envelope);
  }

  private Envelope decode(Connection c, String text) {
    try {
      return config.codec.decode(text);
    } catch (RuntimeException e) {
      DecodeException error =
          e instanceof DecodeException ? (DecodeException) e : new DecodeException("codec failed", text, e);
      metrics.decodeErrors.incrementAndGet();
      log.debug("undecodable frame on {}: {}", c, error.getMessage());
      throw error;
    }
  }

  /**
   * Consumes what is for SteadySocket itself (heartbeat echoes, acknowledgements, replies to
   * requests); true if {@code envelope} is for the application.
   */
  private boolean forApplication(Connection c, Envelope envelope) {
    if ("heartbeat".equals(envelope.type())) {
      String id = c.heartbeatId;
      if (id != null && id.equals(envelope.id())) {
        metrics.heartbeatRttNanos = scheduler.nanoTime() - c.heartbeatSentNanos;
      }
      return false; // a sign of life (counted in framesReceived), not a message for the app
    }
    String replyTo = envelope.metaText(Guarantees.META_REPLY_TO);
    if (replyTo != null) {
      if (config.acknowledgedSends && Guarantees.TYPE_ACK.equals(envelope.type())) {
        post(() -> onAck(replyTo));
        return false;
      }
      Guarantees.PendingRequest request = guarantees.requests.remove(replyTo);
      if (request != null) {
        post(() -> cancel(request.timeout));
        bus.complete(request.reply, envelope, null);
        return false;
      }
    }
    if (log.isTraceEnabled()) log.trace("received {} on {}", envelope.type(), c);
    return true;
  }

  /**
   * Records a message that is about to reach the listeners (runs where its delivery is ordered:
   * under the connection's lock, or on the callback executor); false if it is a duplicate.
   */
  private boolean admit(Envelope envelope, String text) {
    if (guarantees.isDuplicate(envelope)) {
      metrics.duplicatesDropped.incrementAndGet();
      return false;
    }
    guarantees.delivered(envelope);
    metrics.messagesReceived.incrementAndGet();
    metrics.bytesReceived.addAndGet(Utf8.size(text));
    return true;
  }

  void onBinary(Connection c, byte[] bytes) {
    metrics.messagesReceived.incrementAndGet();
    metrics.bytesReceived.addAndGet(bytes.length);
    c.deliver(() -> bus.binary(bytes));
  }

  // ---------------------------------------------------------------- loop thread: commands

  private void doConnect() {
    if (state != ConnectionState.IDLE) return;
    metrics.disconnectedSince = scheduler.nanoTime();
    if (!pauseReasons.isEmpty()) {
      setState(ConnectionState.PAUSED);
    } else {
      startConnecting();
    }
  }

  private void doSend(Outbox.Pending pending) {
    // Under the lane's lock: no lane send may slip in between this message's turn and its send.
    synchronized (laneLock) {
      sendsOnLoop--;
      doSendLocked(pending);
    }
  }

  private void doSendLocked(Outbox.Pending pending) {
    if (state == ConnectionState.CLOSING || state == ConnectionState.CLOSED) {
      bus.complete(pending.future, new SocketClosedException("socket is " + state));
      return;
    }
    if (state == ConnectionState.OPEN && outbox.isEmpty() && trySend(pending)) return;
    List<Outbox.Pending> refused = outbox.offer(pending);
    if (!outbox.isEmpty()) lane = null; // what waits in the outbox goes first
    for (Outbox.Pending p : refused) {
      metrics.dropped.incrementAndGet();
      bus.complete(
          p.future,
          new OutboxOverflowException(
              (p == pending ? "outbox full, message rejected" : "outbox full, oldest message dropped")
                  + " (" + config.outbox + ")"));
    }
    metrics.outboxDepth = outbox.size();
    if (state == ConnectionState.OPEN) scheduleDrain(); // queued only because OkHttp's buffer is full
  }

  private void doClose(int code, String reason) {
    if (state == ConnectionState.CLOSING || state == ConnectionState.CLOSED) return;
    appCloseCode = code;
    appCloseReason = reason;
    Connection c = connection;
    ConnectionState before = state;
    cancelTimers();
    cancel(reconnectTimer);
    setState(ConnectionState.CLOSING);
    if (before == ConnectionState.OPEN && c != null && c.transport != null) {
      flushOutbox(); // whatever fits goes out before the close frame; the rest fails on CLOSED
      c.transport.close(code, reason);
      closeTimer =
          scheduler.schedule(
              () -> {
                if (state != ConnectionState.CLOSING) return;
                log.debug("server did not finish the close handshake in {}", config.closeTimeout);
                terminate(null, code, reason, true);
              },
              config.closeTimeout.toNanos());
    } else {
      terminate(null, code, reason, true);
    }
  }

  private void doReconnectNow() {
    if (state != ConnectionState.RECONNECTING) return;
    log.debug("reconnecting now, skipping the backoff wait");
    startConnecting();
  }

  private void doReplaceConnection() {
    Connection c = connection;
    switch (state) {
      case OPEN:
      case CONNECTING:
        log.info("replacing the connection to {}", url());
        if (c != null) abandon(c, "replacing connection");
        startConnecting();
        break;
      case RECONNECTING:
        startConnecting();
        break;
      default:
        break;
    }
  }

  private void doPause(String reason) {
    pauseReasons.add(reason);
    switch (state) {
      case CONNECTING:
      case OPEN:
      case RECONNECTING:
        log.info("pausing ({}): disconnecting from {}", reason, url());
        Connection c = connection;
        if (c != null) abandon(c, "paused");
        cancel(reconnectTimer);
        setState(ConnectionState.PAUSED);
        break;
      default:
        break; // IDLE goes to PAUSED on connect(); CLOSING/CLOSED are past pausing
    }
  }

  private void doResume(String reason) {
    if (!pauseReasons.remove(reason)) return;
    if (pauseReasons.isEmpty() && state == ConnectionState.PAUSED) {
      log.info("resuming ({}): connecting to {}", reason, url());
      failedAttempts = 0; // failures before the pause say nothing about the new conditions
      startConnecting();
    }
  }

  // ---------------------------------------------------------------- loop thread: transport events

  void onOpen(Connection c) {
    if (c != connection || state != ConnectionState.CONNECTING) {
      if (c.transport != null) c.transport.cancel(); // a replaced attempt that opened anyway
      return;
    }
    cancel(connectTimer);
    c.wasOpen = true;
    long now = scheduler.nanoTime();
    if (everOpened) metrics.reconnects.incrementAndGet();
    everOpened = true;
    long since = metrics.disconnectedSince;
    if (since != -1) metrics.disconnectedNanos += now - since;
    metrics.disconnectedSince = -1;
    tokenRefreshUsed = false;
    c.publishOpen(() -> setState(ConnectionState.OPEN));
    log.info("connected to {}", url());
    if (c.transport != null) resendOnOpen(c.transport);
    stableTimer =
        scheduler.schedule(
            () -> {
              if (connection == c && state == ConnectionState.OPEN) failedAttempts = 0;
            },
            config.minimumUptime.toNanos());
    heartbeats.start(c);
    flushOutbox();
  }

  void onServerClose(Connection c, int code, String reason) {
    if (c != connection || state == ConnectionState.CLOSING) return; // CLOSING: the answer to ours
    handleDisconnect(c, Failures.fromServerClose(code, reason, c.wasOpen), false);
  }

  void onClosed(Connection c, int code, String reason) {
    if (c == connection && state == ConnectionState.CLOSING) {
      terminate(null, appCloseCode, appCloseReason, true);
    }
  }

  void onFailure(Connection c, Throwable t, int status, @Nullable String retryAfter) {
    if (c != connection) return; // a connection we already gave up on
    if (state == ConnectionState.CLOSING) {
      terminate(null, appCloseCode, appCloseReason, true);
      return;
    }
    handleDisconnect(
        c, Failures.fromFailure(t, status, retryAfter, c.wasOpen, System.currentTimeMillis()), true);
  }

  private void onConnectTimeout(Connection c) {
    if (c != connection || state != ConnectionState.CONNECTING) return;
    handleDisconnect(c, Failures.handshakeTimeout(config.connectTimeout), true);
  }

  // ---------------------------------------------------------------- loop thread: machinery

  private void startConnecting() {
    cancel(reconnectTimer);
    setState(ConnectionState.CONNECTING);
    metrics.connectionAttempts.incrementAndGet();
    boolean refresh = refreshTokenNext;
    refreshTokenNext = false;
    Connection c = new Connection(this, ++connectionIds);
    connection = c;
    log.debug("connecting to {} ({})", url(), c);
    try {
      c.transport = endpoints.get(endpoint).connect(refresh, guarantees.handshakeHeaders(), c);
    } catch (RuntimeException e) {
      handleDisconnect(c, Failures.fromFailure(e, -1, null, false, System.currentTimeMillis()), false);
      return;
    }
    connectTimer = scheduler.schedule(() -> onConnectTimeout(c), config.connectTimeout.toNanos());
  }

  /**
   * The single path from a lost connection or failed attempt to what comes next: report the
   * error, ask the policy, then reconnect after a delay or close for good.
   */
  private void handleDisconnect(Connection c, Disconnect d, boolean cancelTransport) {
    retire(c, cancelTransport);
    SteadySocketException error = d.error();
    log.info("{} {}: {}", c.wasOpen ? "lost connection to" : "could not connect to", url(), error.getMessage());
    bus.error(error);
    if (config.requestRetention == RequestRetention.FAIL && c.transport != null) {
      failRequests(c.transport, error);
    }
    if (endpoints.size() > 1) {
      endpoint = (endpoint + 1) % endpoints.size();
      log.info("failing over to {}", url());
    }
    Decision decision = decide(d);
    switch (decision.action()) {
      case STOP:
        SteadySocketException reported = decision.error() != null ? decision.error() : error;
        if (reported != error) bus.error(reported);
        terminate(reported, d.closeCode(), reported.getMessage(), false);
        break;
      case REFRESH_TOKEN_AND_RETRY:
        if (!config.hasTokenProvider || tokenRefreshUsed) {
          AuthenticationException auth =
              error instanceof AuthenticationException
                  ? (AuthenticationException) error
                  : new AuthenticationException(d.httpStatus(), d.closeCode(), "credentials rejected: " + error.getMessage());
          terminate(auth, d.closeCode(), auth.getMessage(), false);
        } else {
          tokenRefreshUsed = true;
          refreshTokenNext = true;
          scheduleReconnect(Duration.ZERO, error);
        }
        break;
      case RETRY:
      default:
        scheduleReconnect(decision.delay(), error);
    }
  }

  private Decision decide(Disconnect d) {
    try {
      return config.reconnectPolicy.decide(d);
    } catch (RuntimeException e) {
      log.error("reconnect policy threw; using the defaults for {}", d, e);
      bus.error(new ListenerException("reconnect policy threw", e));
      return ReconnectPolicy.defaults().decide(d);
    }
  }

  private void scheduleReconnect(@Nullable Duration fixedDelay, SteadySocketException cause) {
    failedAttempts++;
    int max = config.maxReconnectAttempts;
    if (max >= 0 && failedAttempts > max) {
      ReconnectAttemptsExhaustedException exhausted =
          new ReconnectAttemptsExhaustedException(failedAttempts, max, cause);
      bus.error(exhausted);
      terminate(exhausted, -1, exhausted.getMessage(), false);
      return;
    }
    Duration delay = fixedDelay != null ? fixedDelay : config.backoff.delay(failedAttempts);
    setState(ConnectionState.RECONNECTING);
    bus.reconnecting(failedAttempts, delay, cause);
    log.info("reconnecting to {} in {} ms (attempt {})", url(), delay.toMillis(), failedAttempts);
    reconnectTimer = scheduler.schedule(this::startConnecting, delay.toNanos());
  }

  /** Stops using {@code c}: its frames are dropped from now on and its timers cancelled. */
  private void retire(Connection c, boolean cancelTransport) {
    synchronized (laneLock) {
      if (c.transport != null && lane == c.transport) lane = null;
    }
    c.retire();
    if (connection == c) connection = null;
    cancelTimers();
    if (cancelTransport && c.transport != null) c.transport.cancel();
    if (c.wasOpen) metrics.disconnectedSince = scheduler.nanoTime();
  }

  /** Leaves a healthy connection on purpose: graceful close if open, cancel if still connecting. */
  private void abandon(Connection c, String reason) {
    boolean open = state == ConnectionState.OPEN;
    retire(c, !open);
    if (open && c.transport != null) c.transport.close(Closes.GOING_AWAY, reason);
  }

  private void terminate(@Nullable Throwable error, int code, String reason, boolean byApp) {
    if (state == ConnectionState.CLOSED) return;
    Connection c = connection;
    if (c != null) retire(c, true);
    cancelTimers();
    cancel(reconnectTimer);
    cancel(closeTimer);
    for (Outbox.Pending p : outbox.drain()) {
      metrics.dropped.incrementAndGet();
      bus.complete(p.future, new SocketClosedException("socket closed before the message was sent"));
    }
    metrics.outboxDepth = 0;
    for (Outbox.Pending p : unacked.values()) {
      bus.complete(p.future, new SocketClosedException("socket closed before the server acknowledged the message"));
    }
    unacked.clear();
    metrics.unacknowledged = 0;
    failRequests(null, new SocketClosedException("socket closed before the reply arrived"));
    long since = metrics.disconnectedSince;
    if (since != -1) metrics.disconnectedNanos += scheduler.nanoTime() - since;
    metrics.disconnectedSince = -1; // the clock stops at CLOSED
    setState(ConnectionState.CLOSED);
    CloseReason closeReason = new CloseReason(code, reason == null ? "" : reason, byApp, error);
    log.info("closed {}: {}", url(), closeReason);
    // Released before the terminal callback is queued, so whoever waits on closeFuture finds
    // our threads and client already let go. This task still finishes after the loop shuts down.
    releaseLoopResources.run();
    bus.closed(
        closeReason,
        () -> {
          closeFuture.complete(closeReason);
          releaseCallbackResources.run();
        });
  }

  /** The URL in use, redacted for logs. */
  private String url() {
    return config.redactedUrls.get(endpoint);
  }

  /**
   * What a new connection must carry before anything newer, in this order: the resume positions,
   * the messages still unacknowledged from earlier connections (same ids, so the server can drop
   * what it already has), and requests kept across the reconnect.
   */
  private void resendOnOpen(Transport t) {
    if (guarantees.resumes()) t.send(config.codec.encode(guarantees.resumeFrame()));
    for (Outbox.Pending p : unacked.values()) {
      t.send(p.text);
      metrics.resent.incrementAndGet();
    }
    if (config.requestRetention == RequestRetention.RESEND && !config.acknowledgedSends) {
      for (Guarantees.PendingRequest r : guarantees.requests.values()) {
        Outbox.Pending m = r.message;
        if (m != null && r.sentOn != null && r.sentOn != t) {
          t.send(m.text);
          r.sentOn = t;
          metrics.resent.incrementAndGet();
        }
      }
    }
  }

  /** Fails the requests last written on {@code sentOn} (all of them if null). */
  private void failRequests(@Nullable Transport sentOn, Throwable error) {
    for (Guarantees.PendingRequest r : guarantees.requests.values()) {
      if (sentOn != null && r.sentOn != sentOn) continue;
      if (guarantees.requests.remove(r.id, r)) {
        cancel(r.timeout);
        bus.complete(r.reply, null, error);
      }
    }
  }

  /** Acknowledgement mode: the server has the message; its future completes now. */
  private void onAck(String id) {
    Outbox.Pending p = unacked.remove(id);
    if (p == null) return; // a duplicate ack, or one for a message we already gave up on
    metrics.unacknowledged = unacked.size();
    bus.complete(p.future, null);
    if (state == ConnectionState.OPEN && !outbox.isEmpty()) flushOutbox(); // the window opened
  }

  long nanoTime() {
    return scheduler.nanoTime();
  }

  private boolean trySend(Outbox.Pending p) {
    Connection c = connection;
    Transport t = c != null ? c.transport : null;
    return t != null && sendNow(t, p, false);
  }

  /**
   * Hands {@code p} to {@code t} unless OkHttp's buffer is past the high water or {@code t}
   * refuses it. Runs on the loop thread or, through the lane, on a sending thread; {@code
   * completeHere} completes the future on the calling thread instead of the callback executor.
   */
  private boolean sendNow(Transport t, Outbox.Pending p, boolean completeHere) {
    // Acknowledgement mode (loop thread only: the lane stays closed): at most maxMessages in
    // flight; the rest wait in the outbox until acks open the window.
    if (config.acknowledgedSends && unacked.size() >= config.outbox.maxMessages()) return false;
    long queued = t.queueSize();
    if (queued > 0 && queued + p.bytes > SEND_BUFFER_HIGH_WATER) return false;
    if (!t.send(p.text)) return false; // failing or closing: the failure event follows
    metrics.messagesSent.incrementAndGet();
    metrics.bytesSent.addAndGet(p.bytes);
    if (p.request != null) p.request.sentOn = t;
    if (config.acknowledgedSends && p.id != null) {
      unacked.put(p.id, p); // completes on the server's ack
      metrics.unacknowledged = unacked.size();
    } else if (completeHere) {
      p.future.complete(null);
    } else {
      bus.complete(p.future, null);
    }
    return true;
  }

  private void flushOutbox() {
    while (!outbox.isEmpty()) {
      Outbox.Pending p = outbox.peek();
      if (p == null || !trySend(p)) {
        scheduleDrain();
        break;
      }
      outbox.poll();
    }
    metrics.outboxDepth = outbox.size();
    Connection c = connection;
    if (state == ConnectionState.OPEN && outbox.isEmpty() && c != null && c.transport != null
        && !config.acknowledgedSends) {
      synchronized (laneLock) {
        lane = c.transport;
      }
    }
  }

  private void scheduleDrain() {
    if (drainTimer != null || outbox.isEmpty()) return;
    drainTimer =
        scheduler.schedule(
            () -> {
              drainTimer = null;
              if (state == ConnectionState.OPEN) flushOutbox();
            },
            DRAIN_POLL_NANOS);
  }

  private void setState(ConnectionState next) {
    ConnectionState previous = state;
    if (previous == next) return;
    if (previous == ConnectionState.OPEN) {
      synchronized (laneLock) {
        lane = null; // before the state changes: no lane send happens after the socket left OPEN
      }
    }
    state = next;
    log.debug("{}: {} -> {}", url(), previous, next);
    bus.stateChanged(previous, next);
  }

  private void cancelTimers() {
    cancel(connectTimer);
    cancel(stableTimer);
    heartbeats.stop();
    cancel(drainTimer);
    connectTimer = stableTimer = drainTimer = null;
  }

  private static void cancel(Scheduler.@Nullable Cancellable timer) {
    if (timer != null) timer.cancel();
  }
}
