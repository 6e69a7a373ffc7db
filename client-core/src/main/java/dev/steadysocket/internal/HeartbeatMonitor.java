package dev.steadysocket.internal;

import dev.steadysocket.Envelope;
import dev.steadysocket.Heartbeat;
import dev.steadysocket.MessageCodec;
import java.time.Duration;
import java.util.function.BiConsumer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends heartbeats on the open connection and declares it dead when no sign of life follows.
 * Loop thread only, like {@link ConnectionLoop}, which owns it.
 *
 * <p>Each round sends a ping frame ({@link Transport#ping}) and a heartbeat envelope (unless
 * ping-only) and checks, {@code timeout} later, for a sign of life since. Frames count from the
 * tick; pongs from the previous check. Ticks run at a fixed rate from the moment the transport
 * opened (or the schedule was {@link #change changed}), so a half-open link is found within
 * interval + timeout, plus at most the scheduling delay of one tick. A {@link #checkNow liveness
 * check} is one more ping judged by the same rule ({@link #alive}), with or without rounds. While
 * inbound back-pressure holds the reader, no verdict is given.
 */
final class HeartbeatMonitor {
  private static final Logger log = LoggerFactory.getLogger("dev.steadysocket.SteadySocket");
  /** The schedule in force: the builder's, until {@link #change}. */
  private Heartbeat heartbeat;
  private final LoopTasks loop;
  private final MessageCodec codec;
  /** Whether the open connection's setup holds newer messages back (the envelope waits then). */
  private final java.util.function.BooleanSupplier setupHolds;
  /** The connection being watched, and what to tell when it is found dead; null while none is. */
  private @Nullable Connection watched;

  /** Told of a connection found dead, with how long it was silent after the ping. */
  private @Nullable BiConsumer<Connection, Duration> onDead;
  /** Round k (counted from {@link #roundsAtBase}) runs at {@link #base} + k × interval. */
  private long base;

  private long roundsAtBase;
  /** When the pending {@link #tick} runs (meaningful while it is pending). */
  private long nextTickAt;
  private Scheduler.@Nullable Cancellable tick;
  /**
   * The rounds' pending checks, each removed as it runs. Several can be pending: the timeout may
   * equal the interval (the loop running late brings the next tick first), and after a {@link
   * #change} to shorter rounds the old, longer checks are still due. {@link #stop} cancels them all,
   * or a check for a retired connection would outlive it. At most timeout / interval + 2.
   */
  private final java.util.ArrayDeque<Scheduler.Cancellable> checks = new java.util.ArrayDeque<>();
  /**
   * The pending liveness check, if any: its verdict's time, and what the connection had received
   * when the check began (the baseline a later call with a sooner deadline keeps).
   */
  private Scheduler.@Nullable Cancellable liveness;

  private long livenessDeadline, livenessSince, livenessFrames, livenessPongs, livenessHolds;
  /** Loop thread: the codec failed once (logged once). */
  private boolean encodeFailed;

  private final Events events;

  HeartbeatMonitor(Heartbeat heartbeat, LoopTasks loop, MessageCodec codec, java.util.function.BooleanSupplier setupHolds,
      Events events) {
    this.events = events;
    this.heartbeat = heartbeat;
    this.loop = loop;
    this.codec = codec;
    this.setupHolds = setupHolds;
  }

  /**
   * Watches the open connection {@code c} until {@link #stop}, with rounds if the heartbeat is
   * enabled; {@code onDead} is told if it dies, with how long it was silent after the ping.
   */
  void start(Connection c, BiConsumer<Connection, Duration> onDead) {
    if (c.transport == null) return;
    this.watched = c;
    this.onDead = onDead;
    startRounds(c, c.openedNanos);
  }

  /**
   * Replaces the schedule: for later connections and, from now, for the watched one, whose next
   * round comes when the old one was due or one new interval from now, whichever is sooner (none
   * if disabled): calls more frequent than the interval, even with the same schedule, never
   * postpone a round. Pending checks keep their deadlines.
   */
  void change(Heartbeat h) {
    long now = loop.nanoTime();
    boolean wasDue = tick != null;
    heartbeat = h;
    LoopTasks.cancel(tick);
    tick = null;
    Connection c = watched;
    if (c == null) return;
    long step = Math.max(1, LoopTasks.nanos(h.interval()));
    boolean sooner = wasDue && nextTickAt - now < step;
    startRounds(c, sooner ? nextTickAt - step : now);
  }

  private void startRounds(Connection c, long from) {
    Transport t = c.transport;
    if (!heartbeat.isEnabled() || t == null) return;
    base = from;
    roundsAtBase = c.heartbeatRounds;
    c.pongsAtCheck = t.pongCount();
    scheduleTick(c);
  }

  /**
   * A liveness check of the watched connection: a ping now, and the connection is declared dead if
   * no sign of life ({@link #alive}) came {@code timeoutNanos} later. A check already pending keeps
   * its baseline, and its deadline if that is not later. Does nothing while none is watched.
   */
  void checkNow(long timeoutNanos) {
    Connection c = watched;
    Transport t = c == null ? null : c.transport;
    if (c == null || t == null) return;
    long now = loop.nanoTime();
    long deadline = now + timeoutNanos;
    if (liveness != null) {
      if (livenessDeadline - deadline <= 0) return; // the pending check comes first, or together
      LoopTasks.cancel(liveness);
    } else {
      livenessSince = now;
      livenessFrames = c.framesReceived;
      livenessPongs = t.pongCount();
      livenessHolds = c.holds;
    }
    livenessDeadline = deadline;
    ping(c, t);
    liveness = loop.schedule(() -> livenessVerdict(c, timeoutNanos), timeoutNanos);
  }

  /**
   * The check's verdict. A reader held back meanwhile gives none yet: unlike the rounds, nothing
   * else would judge the link later (the heartbeat may be disabled), so the check is judged again
   * one timeout on, from the holds seen now and the frames and pongs counted since its ping.
   */
  private void livenessVerdict(Connection c, long timeoutNanos) {
    liveness = null;
    Transport t = c.transport;
    BiConsumer<Connection, Duration> dead = onDead;
    if (c != watched || dead == null || t == null) return;
    long pongs = t.pongCount();
    if (!alive(c, pongs, livenessFrames, livenessPongs, livenessHolds)) {
      long silence = loop.nanoTime() - livenessSince;
      events.deadLink(silence);
      dead.accept(c, Duration.ofNanos(silence));
    } else if (c.framesReceived == livenessFrames && (pongs == -1 || pongs == livenessPongs)) {
      livenessHolds = c.holds; // alive only because the reader was held: judged again later
      livenessDeadline = loop.nanoTime() + timeoutNanos;
      liveness = loop.schedule(() -> livenessVerdict(c, timeoutNanos), timeoutNanos);
    }
  }

  /** The loop stops watching whenever the connection is retired or the socket leaves OPEN. */
  void stop() {
    LoopTasks.cancel(tick);
    for (Scheduler.Cancellable pending : checks) LoopTasks.cancel(pending);
    checks.clear();
    LoopTasks.cancel(liveness);
    tick = liveness = null;
    watched = null;
    onDead = null;
  }

  /**
   * Round k runs at base + k × interval, not when this loop got to the previous one. The
   * arithmetic saturates: an interval too long to count in nanoseconds means "practically never".
   */
  private void scheduleTick(Connection c) {
    long step = Math.max(1, LoopTasks.nanos(heartbeat.interval()));
    long rounds = c.heartbeatRounds - roundsAtBase + 1;
    long offset = rounds > LoopTasks.MAX_DELAY_NANOS / step ? LoopTasks.MAX_DELAY_NANOS : rounds * step;
    long now = loop.nanoTime();
    long delay = Math.max(0, offset - (now - base));
    nextTickAt = now + delay;
    tick = loop.schedule(() -> tick(c), delay);
  }

  private void tick(Connection c) {
    Transport t = c.transport;
    if (c != watched || t == null) return;
    c.heartbeatRounds++;
    long framesAtTick = c.framesReceived;
    long pongsBefore = c.pongsAtCheck;
    long holdsAtTick = c.holds;
    ping(c, t);
    // The envelope waits behind a setup that holds sends (a first-frame auth); the ping does not.
    if (heartbeat.sendsEnvelope() && !setupHolds.getAsBoolean()) sendEnvelope(c, t);
    Duration timeout = heartbeat.timeout();
    Scheduler.Cancellable[] self = new Scheduler.Cancellable[1];
    self[0] = loop.schedule(() -> {
      checks.remove(self[0]);
      check(c, framesAtTick, pongsBefore, holdsAtTick, timeout);
    }, LoopTasks.nanos(timeout));
    checks.add(self[0]);
    scheduleTick(c);
  }

  /**
   * The heartbeat envelope, in the socket's wire format. The codec may be the application's: one
   * that cannot encode a heartbeat leaves the ping frame alone to judge the link.
   */
  private void sendEnvelope(Connection c, Transport t) {
    String id = Ids.next();
    String text;
    try {
      text = codec.encode(Envelope.builder("heartbeat").id(id).timestamp(loop.currentTimeMillis()).build());
    } catch (RuntimeException e) {
      if (!encodeFailed) Quiet.log(() -> log.warn("the codec cannot encode a heartbeat envelope; sending pings only", e));
      encodeFailed = true;
      return;
    }
    c.heartbeatId = id;
    c.heartbeatSentNanos = loop.nanoTime();
    if (t.send(text)) events.heartbeatSent();
  }

  /**
   * A ping, timed from now to its pong ({@link Connection#onPong}) unless an earlier ping still
   * awaits its pong: the first pong answers the oldest ping (a second ping, a liveness check during
   * a round, would otherwise shorten the round trip measured).
   */
  private void ping(Connection c, Transport t) {
    if (c.pingSentNanos == -1) c.pingSentNanos = loop.nanoTime();
    if (t.ping()) events.pingSent();
  }

  private void check(Connection c, long framesAtTick, long pongsBefore, long holdsAtTick, Duration timeout) {
    Transport t = c.transport;
    BiConsumer<Connection, Duration> dead = onDead;
    if (c != watched || dead == null || t == null) return;
    long pongs = t.pongCount();
    c.pongsAtCheck = pongs;
    c.pingSentNanos = -1; // judged: a pong still to come is not timed from this round's ping
    if (!alive(c, pongs, framesAtTick, pongsBefore, holdsAtTick)) {
      events.deadLink(LoopTasks.nanos(timeout));
      dead.accept(c, timeout);
    }
  }

  /**
   * The one rule for a sign of life since a ping: a frame arrived, or a pong (or a ping: {@link
   * Transport#pongCount}) on a transport that counts them. A reader held back by inbound
   * back-pressure cannot read the pong: no verdict then, the link was busy, not dead, and it is
   * judged again once the listeners catch up.
   */
  private static boolean alive(Connection c, long pongs, long framesAt, long pongsBefore, long holdsAt) {
    boolean held = c.readerHeld || c.holds != holdsAt;
    return held || c.framesReceived != framesAt || (pongs != -1 && pongs != pongsBefore);
  }
}
