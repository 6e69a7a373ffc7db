package dev.steadysocket.internal;

import dev.steadysocket.CloseReason;
import dev.steadysocket.ConnectionState;
import dev.steadysocket.Disconnect;
import dev.steadysocket.ReconnectAttemptsExhaustedException;
import dev.steadysocket.ReconnectPolicy.Decision;
import dev.steadysocket.SteadySocketException;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The state machine of one socket: its states, transitions (each one in {@link Transitions}' table)
 * and timers, and the one owner of them. The outbound path ({@link Outbound}), the inbound path
 * ({@link Inbound}), requests ({@link Requests}), the retry decision ({@link RetryPlanner}),
 * attempts ({@link Dialer}) and heartbeats ({@link HeartbeatMonitor}) are its parts, each with its
 * own threading rules.
 *
 * <p><b>Threading:</b> every field below the "loop-confined" line is read and written only by
 * tasks on the socket's {@link LoopTasks}, which run one at a time; {@link SocketCore} and the
 * transport callbacks post the {@code do…} and {@code on…} methods there. {@link #state} is
 * volatile so any thread may read it. Loop tasks never run application code (reconnect policies and token providers run on the dispatch pool, listeners on
 * the callback executor) and never block.
 *
 * <p><b>Invariant:</b> no task failure wedges the socket. {@link LoopTasks} hands a task that
 * throws, an {@code Error} included, to {@link #crashed}, which closes the socket with a {@link
 * SteadySocketException}, so every future still completes and {@code onClosed} still comes.
 */
final class ConnectionLoop {
  private static final Logger log = LoggerFactory.getLogger("dev.steadysocket.SteadySocket");

  /** This socket's other parts (see {@link Assembly}); the loop is the only one that wires them together. */
  private final Assembly.Parts parts;
  private final SocketConfig config;
  private final LoopTasks tasks;
  private final ListenerBus bus;
  private final CompletableFuture<CloseReason> closeFuture = new CompletableFuture<>();

  private volatile ConnectionState state = ConnectionState.IDLE;

  // ---- loop-confined ----
  private @Nullable Connection connection;
  private long connectionIds;
  /** Attempts since connect(), the last stable connection or resume: attemptStarted's number (1, 2, 3…). */
  private int attemptsInSeries;
  /** Set while the reconnect policy decides about a disconnect; a decision for another is stale. */
  private @Nullable Object awaitedDecision;
  /** The server-imposed disconnect whose decision is awaited (only meaningful while it is). */
  private @Nullable Disconnect awaitedServerDisconnect;
  private final Set<String> pauseReasons = new LinkedHashSet<>();
  private int appCloseCode = Closes.NORMAL;
  private String appCloseReason = "";
  private Scheduler.@Nullable Cancellable connectTimer, stableTimer, reconnectTimer, closeTimer;
  private final RepeatedTlsAlert tlsAlerts = new RepeatedTlsAlert();
  /**
   * The retry a server imposed ({@link ServerWait}), from the moment it is planned until an attempt
   * starts; null otherwise. <b>Invariant, kept here and only here:</b> no attempt starts before its
   * {@code notBefore}, whatever the application calls. {@link #startConnecting} forgets it; the
   * paths that start an attempt for the application ({@link #doReconnectNow}, {@link
   * #doReplaceConnection} while RECONNECTING, the last {@link #doResume}) ask {@link
   * ServerWait#ahead} first; a pause keeps it. Before it is planned, while the policy decides after
   * a server-imposed disconnect ({@link #awaitedServerDisconnect}), replace waits for the plan and a
   * pause records a provisional wait ({@link ServerWait#provisional}) for the resume to keep.
   */
  private @Nullable ServerWait serverWait;

  ConnectionLoop(Assembly.Parts parts) {
    this.parts = parts;
    this.config = parts.config;
    this.tasks = parts.tasks;
    this.bus = parts.bus;
    tasks.onCrash(this::crashed);
    parts.setups.onLoop(new Setups.Loop() {
      @Override
      public void failed(Connection c, Disconnect d, String reason) {
        setupFailed(c, d, reason);
      }

      @Override
      public void settled(Connection c) {
        endOutageIfStable(c);
      }
    });
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
    cancelTimers(); // a pending reconnect (RECONNECTING) is cancelled by terminate()
    setState(ConnectionState.CLOSING);
    if (open == null) {
      terminate(null, code, reason, true);
      return;
    }
    // Whatever fits goes out before the close frame (the rest fails at CLOSED): the setup messages
    // still being encoded first, then what they held.
    parts.setups.afterPrepared(c, () -> {
      if (state != ConnectionState.CLOSING || connection != c) return;
      parts.outbound.flush();
      open.close(code, reason);
    });
    closeTimer = tasks.schedule(() -> {
      if (state != ConnectionState.CLOSING) return;
      log.debug("server did not finish the close handshake in {}", config.closeTimeout);
      terminate(null, code, reason, true);
    }, config.closeTimeout);
  }

  void doReplaceConnection() {
    if (!state.isActive()) return;
    if (state == ConnectionState.RECONNECTING && ServerWait.ahead(serverWait, tasks.nanoTime(), "replaceConnection()")) return;
    if (awaitedDecision != null && awaitedServerDisconnect != null) return; // its plan brings the wait
    log.info("replacing the connection to {}", url());
    parts.events.connectionReplaced();
    Connection c = connection;
    if (c != null) abandon(c, "replacing connection");
    startConnecting();
  }

  void doReconnectNow() {
    if (state == ConnectionState.RECONNECTING && !ServerWait.ahead(serverWait, tasks.nanoTime(), "reconnectNow()")) startConnecting();
  }

  void doPause(String reason) {
    if (pauseReasons.add(reason) && state != ConnectionState.CLOSED) parts.events.paused(reason);
    if (!state.isActive()) return; // IDLE goes to PAUSED on connect(); CLOSING/CLOSED are past pausing
    log.info("pausing ({}): disconnecting from {}", reason, url());
    Connection c = connection;
    if (c != null) abandon(c, "paused");
    Disconnect refused = awaitedDecision != null ? awaitedServerDisconnect : null;
    if (refused != null) serverWait = ServerWait.provisional(refused, parts.planner, tasks.nanoTime());
    awaitedDecision = null;
    LoopTasks.cancel(reconnectTimer);
    setState(ConnectionState.PAUSED);
  }

  void doResume(String reason) {
    if (!pauseReasons.remove(reason)) return;
    if (state != ConnectionState.CLOSED) parts.events.resumed(reason, !pauseReasons.isEmpty()); // as doPause: closed() is the last
    if (pauseReasons.isEmpty() && state == ConnectionState.PAUSED) {
      ServerWait w = serverWait;
      if (w != null && ServerWait.ahead(serverWait, tasks.nanoTime(), "resume()")) {
        // The pause did not end the server's outage: its planned retry, with its number, at its time.
        scheduleAttempt(w.attempt, w.remainingNanos(tasks.nanoTime()), w.cause);
        return;
      }
      log.info("resuming ({}): connecting to {}", reason, url());
      parts.planner.resumed();
      attemptsInSeries = 0;
      startConnecting();
    }
  }

  /** A liveness check of the open connection (none in other states; see {@link HeartbeatMonitor#checkNow}). */
  void doCheckLiveness(java.time.Duration timeout) {
    parts.heartbeats.checkNow(LoopTasks.nanos(timeout)); // the monitor watches only the OPEN connection
  }

  /** The heartbeat from now on: the open connection's rounds re-based, and later connections'. */
  void doHeartbeat(dev.steadysocket.Heartbeat heartbeat) {
    parts.heartbeats.change(heartbeat);
  }

  // ---------------------------------------------------------------- loop thread: transport events

  void onOpen(Connection c) {
    Transport t = c.transport;
    if (c != connection || state != ConnectionState.CONNECTING || t == null) {
      if (t != null) t.cancel(); // a replaced attempt that opened anyway
      return;
    }
    LoopTasks.cancel(connectTimer);
    c.wasOpen = true;
    tlsAlerts.opened(); // however this connection ends (abandon() included), the count starts again
    ConnectionState previous = state;
    Transitions.check(previous, ConnectionState.OPEN); // reported by publishOpen, not setState
    state = ConnectionState.OPEN;
    parts.negotiated(t); // visible before OPEN is
    parts.events.handshakeResponse(101);
    parts.events.stateChanged(previous, ConnectionState.OPEN);
    parts.events.connectionOpened(t.subprotocol(), t.extensions(), tasks.nanoTime() - c.startedNanos);
    // The lane opens, and what waited is written (or, behind setup messages still being built,
    // held), before anyone hears of OPEN: a close() from onStateChanged(OPEN) then finds the queued
    // messages written, or waits for the setup messages to be built (doClose), not failed.
    parts.attach(c, t);
    c.publishOpen(previous); // ordered before the frames that arrived meanwhile
    log.info("connected to {}", url());
    stableTimer = tasks.schedule(() -> {
      c.uptimeReached = true;
      endOutageIfStable(c);
    }, parts.planner.stableAfter(config.minimumUptime));
    parts.heartbeats.start(c, (dead, silence) -> disconnected(dead, Failures.deadLink(silence), true));
  }

  /**
   * The one rule for ending an outage: the open connection stayed up for the minimum uptime and its
   * setup is complete (a connection whose setup reply times out is a failed one, whatever its
   * uptime). Checked when either happens.
   */
  private void endOutageIfStable(Connection c) {
    if (c == connection && state == ConnectionState.OPEN && c.uptimeReached && parts.setups.settled(c)) {
      parts.planner.connectionStable();
      attemptsInSeries = 0;
    }
  }

  /** A setup message failed the open connection: it is closed and the reconnect policy decides. */
  private void setupFailed(Connection c, Disconnect d, String reason) {
    if (c != connection || state != ConnectionState.OPEN) return;
    Transport t = c.transport;
    disconnected(c, d, false);
    if (t != null) t.close(Closes.NORMAL, reason);
  }

  /** The server closed, or the transport refused what it sent; the close handshake runs on. */
  void onServerClose(Connection c, Disconnect d) {
    if (c != connection || state == ConnectionState.CLOSING) return; // CLOSING: the answer to ours
    disconnected(c, d, false);
  }

  void onClosed(Connection c) {
    if (c == connection && state == ConnectionState.CLOSING) terminate(null, appCloseCode, appCloseReason, true);
  }

  void onFailure(Connection c, Throwable t, int status, @Nullable String retryAfter) {
    if (c != connection) return; // a connection we already gave up on
    if (status != -1 && !c.wasOpen) parts.events.handshakeResponse(status);
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
    serverWait = null;
    LoopTasks.cancel(reconnectTimer);
    setState(ConnectionState.CONNECTING);
    Connection c = new Connection(this, tasks, parts.inbound, bus, parts.events, ++connectionIds);
    connection = c;
    c.startedNanos = tasks.nanoTime();
    parts.events.attemptStarted(parts.planner.endpoint(), url(), ++attemptsInSeries);
    log.debug("connecting to {} ({})", url(), c);
    connectTimer = tasks.schedule(() -> {
      if (c == connection && state == ConnectionState.CONNECTING) {
        disconnected(c, Failures.connectTimeout(config.connectTimeout, c.awaitingToken), true);
      }
    }, config.connectTimeout);
    parts.dialer.dial(c, parts.planner.endpoint(), parts.planner.startAttempt(), x -> x == connection,
        (x, error) -> disconnected(x, Failures.localFailure(error), true));
  }

  /**
   * The single path from a lost connection or failed attempt to what comes next: count repeated
   * TLS alerts ({@link RepeatedTlsAlert}, which sees every disconnect here and every open), report the
   * error, let the reconnect policy decide (on the dispatch pool if it is the application's), then
   * plan the retry or close for good.
   */
  private void disconnected(Connection c, Disconnect failure, boolean cancelTransport) {
    retire(c, cancelTransport);
    Disconnect d = tlsAlerts.observe(failure);
    parts.events.disconnected(d, c.wasOpen ? tasks.nanoTime() - c.openedNanos : -1);
    SteadySocketException error = d.error();
    log.info("{} {}: {}", c.wasOpen ? "lost connection to" : "could not connect to", url(), Quiet.message(error));
    bus.error(error);
    parts.requests.connectionLost(c.transport, error);
    Object token = new Object();
    awaitedDecision = token;
    awaitedServerDisconnect = ServerWait.imposedBy(d) ? d : null;
    parts.decider.decide(d, decision -> decided(token, d, decision));
  }

  private void decided(Object token, Disconnect d, Decision decision) {
    if (token != awaitedDecision) return; // closed, paused or replaced meanwhile
    awaitedDecision = null;
    RetryPlanner.Plan plan = parts.planner.plan(d, decision);
    SteadySocketException stop = plan.stop;
    if (stop != null) {
      if (stop != d.error()) bus.error(stop);
      int code = stop instanceof ReconnectAttemptsExhaustedException ? -1 : d.closeCode();
      String text = Quiet.message(stop); // a policy's error may be the application's
      terminate(stop, code, text != null ? text : "", false);
      return;
    }
    if (parts.redactedUrls.size() > 1) log.info("failing over to {}", url());
    serverWait = ServerWait.after(d, plan, tasks.nanoTime());
    scheduleAttempt(plan.attempt, LoopTasks.nanos(plan.delay), d.error());
  }

  private void scheduleAttempt(int attempt, long delayNanos, SteadySocketException cause) {
    setState(ConnectionState.RECONNECTING);
    parts.events.reconnectScheduled(attemptsInSeries + 1, delayNanos, cause);
    bus.reconnecting(attempt, java.time.Duration.ofNanos(delayNanos), cause);
    log.info("reconnecting to {} in {} ms (attempt {})", url(), delayNanos / 1_000_000, attempt);
    reconnectTimer = tasks.schedule(this::startConnecting, delayNanos);
  }

  /** Stops using {@code c}: its frames are dropped from now on and its timers cancelled. */
  private void retire(Connection c, boolean cancelTransport) {
    c.retire();
    if (connection == c) connection = null;
    parts.outbound.detach(c.transport);
    parts.setups.lost(c);
    parts.dialer.abandon();
    cancelTimers();
    if (cancelTransport && c.transport != null) c.transport.cancel();
  }

  /** Leaves a healthy connection on purpose: graceful close if open, cancel if still connecting. */
  private void abandon(Connection c, String reason) {
    boolean open = state == ConnectionState.OPEN;
    retire(c, !open);
    parts.requests.connectionLost(c.transport, Api.get().connectionLost("connection dropped: " + reason, null));
    if (open && c.transport != null) c.transport.close(Closes.GOING_AWAY, reason);
  }

  private void terminate(@Nullable SteadySocketException error, int code, String reason, boolean byApp) {
    if (state == ConnectionState.CLOSED) return;
    awaitedDecision = null;
    Connection c = connection;
    if (c != null) retire(c, true);
    cancelTimers();
    LoopTasks.cancel(reconnectTimer);
    LoopTasks.cancel(closeTimer);
    setState(ConnectionState.CLOSED);
    CloseReason closeReason = Api.get().closeReason(code, reason, byApp, error);
    log.info("closed {}: {}", url(), closeReason);
    Assembly.shutDown(parts, closeReason, closeFuture);
  }

  /** A loop task threw: the socket cannot trust its state, so it closes with a typed error. */
  private void crashed(Throwable t) {
    // What threw may be the application's (a codec's Error), whose toString() may throw too.
    Quiet.log(() -> log.error(
        "unexpected failure in SteadySocket's loop for {}; closing the socket; please report it", url(), t));
    SteadySocketException error =
        new SteadySocketException("unexpected failure inside SteadySocket: " + Quiet.describe(t), t);
    try {
      if (state != ConnectionState.CLOSED) bus.error(error);
      terminate(error, -1, "internal error", false); // does nothing if already CLOSED
    } catch (Throwable again) {
      Quiet.log(() -> log.error("closing after the failure failed too", again));
      setState(ConnectionState.CLOSED);
    } finally { // idempotent: settles whatever terminate did not get to
      Assembly.shutDown(parts, Api.get().closeReason(-1, "internal error", false, error), closeFuture);
    }
  }

  private void setState(ConnectionState next) {
    ConnectionState previous = state;
    if (previous == next) return;
    Transitions.check(previous, next); // the one table of legal transitions; throws under -ea
    state = next;
    log.debug("{}: {} -> {}", url(), previous, next);
    parts.events.stateChanged(previous, next);
    bus.stateChanged(previous, next);
  }

  private void cancelTimers() {
    LoopTasks.cancel(connectTimer);
    LoopTasks.cancel(stableTimer);
    parts.heartbeats.stop();
    connectTimer = stableTimer = null;
  }

  /** The URL in use, redacted for logs. */
  private String url() {
    return parts.redactedUrls.get(parts.planner.endpoint());
  }
}
