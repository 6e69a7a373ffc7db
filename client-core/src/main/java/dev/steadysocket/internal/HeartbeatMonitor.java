package dev.steadysocket.internal;

import dev.steadysocket.Envelope;
import dev.steadysocket.Heartbeat;
import dev.steadysocket.MessageCodec;
import java.util.function.Consumer;
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
 * opened, so a half-open link is found within interval + timeout, plus at most the scheduling delay
 * of one tick. While inbound back-pressure holds the reader, no verdict is given.
 */
final class HeartbeatMonitor {
  private static final Logger log = LoggerFactory.getLogger("dev.steadysocket.SteadySocket");
  private final Heartbeat heartbeat;
  private final LoopTasks loop;
  private final MessageCodec codec;
  /** Whether the open connection's setup holds newer messages back (the envelope waits then). */
  private final java.util.function.BooleanSupplier setupHolds;
  /** The connection being watched, and what to tell when it is found dead; null while none is. */
  private @Nullable Connection watched;

  private @Nullable Consumer<Connection> onDead;
  private Scheduler.@Nullable Cancellable tick;
  /**
   * The pending checks. The timeout may equal the interval, so when the loop runs late the next
   * tick comes before the previous round's check: two can be pending, and {@link #stop} must
   * cancel both or a check for a retired connection would outlive it.
   */
  private Scheduler.@Nullable Cancellable check;

  private Scheduler.@Nullable Cancellable previousCheck;
  /** Loop thread: the codec failed once (logged once). */
  private boolean encodeFailed;

  HeartbeatMonitor(Heartbeat heartbeat, LoopTasks loop, MessageCodec codec, java.util.function.BooleanSupplier setupHolds) {
    this.heartbeat = heartbeat;
    this.loop = loop;
    this.codec = codec;
    this.setupHolds = setupHolds;
  }

  /** Watches the open connection {@code c} until {@link #stop}; {@code onDead} is told if it dies. */
  void start(Connection c, Consumer<Connection> onDead) {
    if (!heartbeat.isEnabled() || c.transport == null) return;
    this.watched = c;
    this.onDead = onDead;
    c.pongsAtCheck = c.transport.pongCount();
    scheduleTick(c);
  }

  /** The loop stops watching whenever the connection is retired or the socket leaves OPEN. */
  void stop() {
    LoopTasks.cancel(tick);
    LoopTasks.cancel(check);
    LoopTasks.cancel(previousCheck);
    tick = check = previousCheck = null;
    watched = null;
    onDead = null;
  }

  /**
   * Round k runs at opened + k × interval, not when this loop got to the previous one. The
   * arithmetic saturates: an interval too long to count in nanoseconds means "practically never".
   */
  private void scheduleTick(Connection c) {
    long step = Math.max(1, LoopTasks.nanos(heartbeat.interval()));
    long rounds = c.heartbeatRounds + 1;
    long offset = rounds > LoopTasks.MAX_DELAY_NANOS / step ? LoopTasks.MAX_DELAY_NANOS : rounds * step;
    long elapsed = loop.nanoTime() - c.openedNanos;
    tick = loop.schedule(() -> tick(c), Math.max(0, offset - elapsed));
  }

  private void tick(Connection c) {
    Transport t = c.transport;
    if (c != watched || t == null) return;
    c.heartbeatRounds++;
    long framesAtTick = c.framesReceived;
    long pongsBefore = c.pongsAtCheck;
    long holdsAtTick = c.holds;
    t.ping();
    // The envelope waits behind a setup that holds sends (a first-frame auth); the ping does not.
    if (heartbeat.sendsEnvelope() && !setupHolds.getAsBoolean()) sendEnvelope(c, t);
    previousCheck = check;
    check = loop.schedule(() -> check(c, framesAtTick, pongsBefore, holdsAtTick), LoopTasks.nanos(heartbeat.timeout()));
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
    t.send(text);
  }

  private void check(Connection c, long framesAtTick, long pongsBefore, long holdsAtTick) {
    Transport t = c.transport;
    Consumer<Connection> dead = onDead;
    if (c != watched || dead == null || t == null) return;
    long pongs = t.pongCount();
    c.pongsAtCheck = pongs;
    // A reader held back by inbound back-pressure cannot read the pong: no verdict then, the link
    // was busy, not dead, and it is judged again once the listeners catch up.
    boolean held = c.readerHeld || c.holds != holdsAtTick;
    boolean alive = held || c.framesReceived != framesAtTick || (pongs != -1 && pongs != pongsBefore);
    if (!alive) dead.accept(c);
  }
}
