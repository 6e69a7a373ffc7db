package dev.steadysocket.internal;

import dev.steadysocket.Envelope;
import dev.steadysocket.Heartbeat;
import dev.steadysocket.MessageCodec;
import java.util.function.Consumer;
import java.util.function.Predicate;
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
  private final Scheduler scheduler;
  private final MessageCodec codec;
  /** Whether {@code c} is still the loop's connection and OPEN; rounds on others stop. */
  private final Predicate<Connection> isLive;

  private final Consumer<Connection> onDead;
  private Scheduler.@Nullable Cancellable tick;
  private Scheduler.@Nullable Cancellable check;

  HeartbeatMonitor(
      Heartbeat heartbeat,
      Scheduler scheduler,
      MessageCodec codec,
      Predicate<Connection> isLive,
      Consumer<Connection> onDead) {
    this.heartbeat = heartbeat;
    this.scheduler = scheduler;
    this.codec = codec;
    this.isLive = isLive;
    this.onDead = onDead;
  }

  void start(Connection c) {
    if (!heartbeat.isEnabled() || c.transport == null) return;
    c.pongsAtCheck = c.transport.pongCount();
    scheduleTick(c);
  }

  void stop() {
    if (tick != null) tick.cancel();
    if (check != null) check.cancel();
    tick = check = null;
  }

  /** Round k runs at opened + k × interval, not when this loop got to the previous one. */
  private void scheduleTick(Connection c) {
    long at = c.openedNanos + (c.heartbeatRounds + 1) * heartbeat.interval().toNanos();
    tick = scheduler.schedule(() -> tick(c), Math.max(0, at - scheduler.nanoTime()));
  }

  private void tick(Connection c) {
    Transport t = c.transport;
    if (!isLive.test(c) || t == null) return;
    c.heartbeatRounds++;
    long framesAtTick = c.framesReceived;
    long pongsBefore = c.pongsAtCheck;
    if (heartbeat.sendsEnvelope()) {
      String id = Ids.next();
      c.heartbeatId = id;
      c.heartbeatSentNanos = scheduler.nanoTime();
      t.send(codec.encode(Envelope.builder("heartbeat").id(id).timestamp(System.currentTimeMillis()).build()));
    }
    check = scheduler.schedule(() -> check(c, framesAtTick, pongsBefore), heartbeat.timeout().toNanos());
    scheduleTick(c);
  }

  private void check(Connection c, long framesAtTick, long pongsBefore) {
    Transport t = c.transport;
    if (!isLive.test(c) || t == null) return;
    long pongs = t.pongCount();
    c.pongsAtCheck = pongs;
    boolean alive = c.framesReceived != framesAtTick || (pongs != -1 && pongs != pongsBefore);
    if (!alive) onDead.accept(c);
  }
}
