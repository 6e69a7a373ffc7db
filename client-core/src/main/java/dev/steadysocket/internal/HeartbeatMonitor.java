package dev.steadysocket.internal;

import dev.steadysocket.Envelope;
import dev.steadysocket.Heartbeat;
import dev.steadysocket.MessageCodec;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * Sends heartbeats on the open connection and declares it dead when no sign of life follows.
 * Loop thread only, like {@link ConnectionLoop}, which owns it.
 *
 * <p>Each round sends a heartbeat envelope (unless ping-only; OkHttp sends the ping frame) and
 * checks, {@code timeout} later, for a sign of life since. Frames count from the tick; pongs
 * count from the previous check, because OkHttp's ping for this round may be answered a moment
 * before the tick. Ticks run at a fixed rate from the moment the transport opened, when OkHttp's
 * pinger starts too, so a half-open link is found within interval + timeout, plus at most the
 * scheduling delay of one tick.
 */
final class HeartbeatMonitor {
  private final Heartbeat heartbeat;
  private final LoopTasks loop;
  private final MessageCodec codec;
  /** Told when the connection being watched is found dead; null while none is watched. */
  private @Nullable Consumer<Connection> onDead;
  private Scheduler.@Nullable Cancellable tick;
  private Scheduler.@Nullable Cancellable check;

  HeartbeatMonitor(Heartbeat heartbeat, LoopTasks loop, MessageCodec codec) {
    this.heartbeat = heartbeat;
    this.loop = loop;
    this.codec = codec;
  }

  /** Watches the open connection {@code c} until {@link #stop}; {@code onDead} is told if it dies. */
  void start(Connection c, Consumer<Connection> onDead) {
    if (!heartbeat.isEnabled() || c.transport == null) return;
    this.onDead = onDead;
    c.pongsAtCheck = c.transport.pongCount();
    scheduleTick(c);
  }

  /** The loop stops watching whenever the connection is retired or the socket leaves OPEN. */
  void stop() {
    LoopTasks.cancel(tick);
    LoopTasks.cancel(check);
    tick = check = null;
    onDead = null;
  }

  /** Round k runs at opened + k × interval, not when this loop got to the previous one. */
  private void scheduleTick(Connection c) {
    long at = c.openedNanos + (c.heartbeatRounds + 1) * heartbeat.interval().toNanos();
    tick = loop.schedule(() -> tick(c), Math.max(0, at - loop.nanoTime()));
  }

  private void tick(Connection c) {
    Transport t = c.transport;
    if (onDead == null || t == null) return;
    c.heartbeatRounds++;
    long framesAtTick = c.framesReceived;
    long pongsBefore = c.pongsAtCheck;
    if (heartbeat.sendsEnvelope()) {
      String id = Ids.next();
      c.heartbeatId = id;
      c.heartbeatSentNanos = loop.nanoTime();
      t.send(codec.encode(
          Envelope.builder("heartbeat").id(id).timestamp(loop.currentTimeMillis()).build()));
    }
    check = loop.schedule(() -> check(c, framesAtTick, pongsBefore), heartbeat.timeout().toNanos());
    scheduleTick(c);
  }

  private void check(Connection c, long framesAtTick, long pongsBefore) {
    Transport t = c.transport;
    Consumer<Connection> dead = onDead;
    if (dead == null || t == null) return;
    long pongs = t.pongCount();
    c.pongsAtCheck = pongs;
    boolean alive = c.framesReceived != framesAtTick || (pongs != -1 && pongs != pongsBefore);
    if (!alive) dead.accept(c);
  }
}
