package dev.steadysocket.internal;

import dev.steadysocket.CloseReason;
import dev.steadysocket.ConnectionLostException;
import dev.steadysocket.ConnectionState;
import dev.steadysocket.Disconnect;
import dev.steadysocket.MessageCodec;
import dev.steadysocket.ReconnectAttemptsExhaustedException;
import dev.steadysocket.ReconnectPolicy.Decision;
import dev.steadysocket.SocketClosedException;
import dev.steadysocket.SteadySocketException;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The state machine of one socket: its states, transitions and timers, and the one owner of them.
 * The outbound path ({@link Outbound}), the inbound path ({@link Inbound}), requests ({@link
 * Requests}), the retry decision ({@link RetryPlanner}), attempts ({@link Dialer}) and heartbeats
 * ({@link HeartbeatMonitor}) are its parts, each with its own threading rules.
 *
 * <p><b>Threading:</b> every field below the "loop-confined" line is read and written only by
 * tasks on the socket's {@link LoopTasks}, which run one at a time; {@link SocketCore} and the
 * transport callbacks post the {@code do…} and {@code on…} methods there. {@link #state} is volatile so any thread may read it. Loop tasks never run
 * application code (reconnect policies and token providers run on the dispatch pool, listeners on
 * the callback executor) and never block.
 *
 * <p><b>Invariant:</b> no task failure wedges the socket. Every task runs {@link #guarded}: one
 * that throws, an {@code Error} included, closes the socket with a {@link SteadySocketException},
 * so every future still completes and {@code onClosed} still comes.
 */
final class ConnectionLoop {
  private static final Logger log = LoggerFactory.getLogger("dev.steadysocket.SteadySocket");

  private final SocketConfig config;
  private final LoopTasks tasks;
  private final ListenerBus bus;
  private final MetricsRecorder metrics;
  private final Executor dispatch;
  private final List<String> redactedUrls;
  private final Runnable releaseResources;
  private final CompletableFuture<CloseReason> closeFuture = new CompletableFuture<>();
  private final MessageCodec codec;
  private final InboundLedger ledger;
  private final Outbound outbound;
  private final Inbound inbound;
  private final Requests requests;
  private final RetryPlanner planner;
  private final Dialer dialer;
  private final Decider decider;
  private final HeartbeatMonitor heartbeats;

  private volatile ConnectionState state = ConnectionState.IDLE;

  // ---- loop-confined ----
  private @Nullable Connection connection;
  private long connectionIds;
  /** Set while the reconnect policy decides about a disconnect; a decision for another is stale. */
  private @Nullable Object awaitedDecision;
  private boolean everOpened;
  private final Set<String> pauseReasons = new LinkedHashSet<>();
  private int appCloseCode = Closes.NORMAL;
  private String appCloseReason = "";
  private Scheduler.@Nullable Cancellable connectTimer, stableTimer, reconnectTimer, closeTimer;

  ConnectionLoop(Assembly.Parts p) {
    this.config = p.config;
    this.tasks = p.tasks;
    this.bus = p.bus;
    this.metrics = p.metrics;
    this.dispatch = p.dispatch;
    this.redactedUrls = p.redactedUrls;
    this.releaseResources = p.release;
    this.codec = p.codec;
    this.ledger = p.ledger;
    this.outbound = p.outbound;
    this.inbound = p.inbound;
    this.requests = p.requests;
    this.planner = p.planner;
    this.dialer = p.dialer;
    this.decider = p.decider;
    this.heartbeats = p.heartbeats;
    tasks.onCrash(this::crashed);
  }

  ConnectionState state() {
    return state;
  }

  CompletableFuture<CloseReason> closeFuture() {
    return closeFuture;
  }

  // ---------------------------------------------------------------- loop thread: commands

  void doConnect() {
    if (state != ConnectionState.IDLE) return;
    metrics.startDisconnectedClock(tasks.nanoTime());
    if (pauseReasons.isEmpty()) startConnecting();
    else setState(ConnectionState.PAUSED);
  }

  void doClose(int code, String reason) {
    if (state == ConnectionState.CLOSING || state == ConnectionState.CLOSED) return;
    appCloseCode = code;
    appCloseReason = reason;
    Connection c = connection;
    Transport open = state == ConnectionState.OPEN && c != null ? c.transport : null;
    awaitedDecision = null;
    cancelTimers();
    cancel(reconnectTimer);
    setState(ConnectionState.CLOSING);
    if (open == null) {
      terminate(null, code, reason, true);
      return;
    }
    outbound.flush(); // whatever fits goes out before the close frame; the rest fails at CLOSED
    open.close(code, reason);
    closeTimer = tasks.schedule(() -> {
      if (state != ConnectionState.CLOSING) return;
      log.debug("server did not finish the close handshake in {}", config.closeTimeout);
      terminate(null, code, reason, true);
    }, config.closeTimeout.toNanos());
  }

  void doReplaceConnection() {
    if (state == ConnectionState.OPEN || state == ConnectionState.CONNECTING) {
      log.info("replacing the connection to {}", url());
      Connection c = connection;
      if (c != null) abandon(c, "replacing connection");
      startConnecting();
    } else if (state == ConnectionState.RECONNECTING) {
      startConnecting();
    }
  }

  void doReconnectNow() {
    if (state == ConnectionState.RECONNECTING) startConnecting();
  }

  void doPause(String reason) {
    pauseReasons.add(reason);
    if (!state.isActive()) return; // IDLE goes to PAUSED on connect(); CLOSING/CLOSED are past pausing
    log.info("pausing ({}): disconnecting from {}", reason, url());
    Connection c = connection;
    if (c != null) abandon(c, "paused");
    awaitedDecision = null;
    cancel(reconnectTimer);
    setState(ConnectionState.PAUSED);
  }

  void doResume(String reason) {
    if (!pauseReasons.remove(reason)) return;
    if (pauseReasons.isEmpty() && state == ConnectionState.PAUSED) {
      log.info("resuming ({}): connecting to {}", reason, url());
      planner.resumed();
      startConnecting();
    }
  }

  // ---------------------------------------------------------------- loop thread: transport events

  void onOpen(Connection c) {
    Transport t = c.transport;
    if (c != connection || state != ConnectionState.CONNECTING || t == null) {
      if (t != null) t.cancel(); // a replaced attempt that opened anyway
      return;
    }
    cancel(connectTimer);
    c.wasOpen = true;
    if (everOpened) metrics.reconnects.incrementAndGet();
    everOpened = true;
    metrics.stopDisconnectedClock(tasks.nanoTime());
    ConnectionState previous = state;
    state = ConnectionState.OPEN;
    log.debug("{}: {} -> OPEN", url(), previous);
    c.publishOpen(previous); // ordered before the frames that arrived meanwhile
    log.info("connected to {}", url());
    String resume = ledger.resumes() ? codec.encode(ledger.resumeFrame(tasks.currentTimeMillis())) : null;
    List<Requests.Request> resend =
        config.acknowledgedSends ? Collections.<Requests.Request>emptyList() : requests.toResend(t);
    outbound.attach(t, resume, resend);
    stableTimer = tasks.schedule(() -> {
      if (connection == c && state == ConnectionState.OPEN) planner.connectionStable();
    }, config.minimumUptime.toNanos());
    heartbeats.start(c, dead -> disconnected(dead, Failures.deadLink(config.heartbeat.timeout()), true));
  }

  void onServerClose(Connection c, int code, String reason) {
    if (c != connection || state == ConnectionState.CLOSING) return; // CLOSING: the answer to ours
    disconnected(c, Failures.fromServerClose(code, reason, c.wasOpen), false);
  }

  void onClosed(Connection c) {
    if (c == connection && state == ConnectionState.CLOSING) terminate(null, appCloseCode, appCloseReason, true);
  }

  void onFailure(Connection c, Throwable t, int status, @Nullable String retryAfter) {
    if (c != connection) return; // a connection we already gave up on
    if (state == ConnectionState.CLOSING) {
      terminate(null, appCloseCode, appCloseReason, true);
      return;
    }
    disconnected(c, Failures.fromFailure(
        t, status, retryAfter, c.wasOpen, config.retryAfterCeiling(), tasks.currentTimeMillis()), true);
  }

  // ---------------------------------------------------------------- loop thread: machinery

  private void startConnecting() {
    awaitedDecision = null;
    cancel(reconnectTimer);
    setState(ConnectionState.CONNECTING);
    metrics.connectionAttempts.incrementAndGet();
    Connection c = new Connection(this, tasks, inbound, bus, ++connectionIds);
    connection = c;
    log.debug("connecting to {} ({})", url(), c);
    connectTimer = tasks.schedule(() -> {
      if (c == connection && state == ConnectionState.CONNECTING) {
        disconnected(c, Failures.connectTimeout(config.connectTimeout, c.awaitingToken), true);
      }
    }, config.connectTimeout.toNanos());
    dialer.dial(c, planner.endpoint(), planner.takeRefresh(), x -> x == connection,
        (x, error) -> disconnected(x, Failures.localFailure(error), true));
  }

  /**
   * The single path from a lost connection or failed attempt to what comes next: report the
   * error, let the reconnect policy decide (on the dispatch pool if it is the application's), then
   * plan the retry or close for good.
   */
  private void disconnected(Connection c, Disconnect d, boolean cancelTransport) {
    retire(c, cancelTransport);
    SteadySocketException error = d.error();
    log.info("{} {}: {}", c.wasOpen ? "lost connection to" : "could not connect to", url(), error.getMessage());
    bus.error(error);
    requests.connectionLost(c.transport, error);
    Object token = new Object();
    awaitedDecision = token;
    decider.decide(d, decision -> decided(token, d, decision));
  }

  private void decided(Object token, Disconnect d, Decision decision) {
    if (token != awaitedDecision) return; // closed, paused or replaced meanwhile
    awaitedDecision = null;
    RetryPlanner.Plan plan = planner.plan(d, decision);
    SteadySocketException stop = plan.stop;
    if (stop != null) {
      if (stop != d.error()) bus.error(stop);
      int code = stop instanceof ReconnectAttemptsExhaustedException ? -1 : d.closeCode();
      terminate(stop, code, stop.getMessage(), false);
      return;
    }
    if (redactedUrls.size() > 1) log.info("failing over to {}", url());
    setState(ConnectionState.RECONNECTING);
    bus.reconnecting(plan.attempt, plan.delay, d.error());
    log.info("reconnecting to {} in {} ms (attempt {})", url(), plan.delay.toMillis(), plan.attempt);
    reconnectTimer = tasks.schedule(this::startConnecting, plan.delay.toNanos());
  }

  /** Stops using {@code c}: its frames are dropped from now on and its timers cancelled. */
  private void retire(Connection c, boolean cancelTransport) {
    c.retire();
    if (connection == c) connection = null;
    outbound.detach(c.transport);
    dialer.abandon();
    cancelTimers();
    if (cancelTransport && c.transport != null) c.transport.cancel();
    if (c.wasOpen) metrics.startDisconnectedClock(tasks.nanoTime());
  }

  /** Leaves a healthy connection on purpose: graceful close if open, cancel if still connecting. */
  private void abandon(Connection c, String reason) {
    boolean open = state == ConnectionState.OPEN;
    retire(c, !open);
    requests.connectionLost(c.transport, new ConnectionLostException("connection dropped: " + reason, null));
    if (open && c.transport != null) c.transport.close(Closes.GOING_AWAY, reason);
  }

  private void terminate(@Nullable SteadySocketException error, int code, String reason, boolean byApp) {
    if (state == ConnectionState.CLOSED) return;
    awaitedDecision = null;
    Connection c = connection;
    if (c != null) retire(c, true);
    cancelTimers();
    cancel(reconnectTimer);
    cancel(closeTimer);
    dialer.close();
    outbound.failAll();
    requests.failAll(new SocketClosedException("socket closed before the reply arrived"));
    metrics.stopDisconnectedClock(tasks.nanoTime());
    setState(ConnectionState.CLOSED);
    CloseReason closeReason = new CloseReason(code, reason, byApp, error);
    log.info("closed {}: {}", url(), closeReason);
    // Released before the terminal callback is queued, so whoever waits on closeFuture finds our
    // loop and client already let go. This task still finishes after the loop shuts down.
    releaseResources.run();
    bus.closed(closeReason, () -> closeFuture.complete(closeReason));
  }

  /** A loop task threw: the socket cannot trust its state, so it closes with a typed error. */
  private void crashed(Throwable t) {
    log.error("unexpected failure in SteadySocket's loop for {}; closing the socket; please report it", url(), t);
    if (state == ConnectionState.CLOSED) return;
    SteadySocketException error = new SteadySocketException("unexpected failure inside SteadySocket: " + t, t);
    try {
      bus.error(error);
      terminate(error, -1, "internal error", false);
    } catch (Throwable again) {
      state = ConnectionState.CLOSED; // nothing more happens; what must complete, completes
      CloseReason reason = new CloseReason(-1, "internal error", false, error);
      dispatch.execute(() -> closeFuture.complete(reason));
    }
  }

  private void setState(ConnectionState next) {
    ConnectionState previous = state;
    if (previous == next) return;
    state = next;
    log.debug("{}: {} -> {}", url(), previous, next);
    bus.stateChanged(previous, next);
  }

  private void cancelTimers() {
    cancel(connectTimer);
    cancel(stableTimer);
    heartbeats.stop();
    connectTimer = stableTimer = null;
  }

  private static void cancel(Scheduler.@Nullable Cancellable timer) {
    LoopTasks.cancel(timer);
  }

  /** The URL in use, redacted for logs. */
  private String url() {
    return redactedUrls.get(planner.endpoint());
  }
}
