package dev.steadysocket.micrometer;

import dev.steadysocket.CloseReason;
import dev.steadysocket.Disconnect;
import dev.steadysocket.Envelope;
import dev.steadysocket.SocketObserver;
import dev.steadysocket.SteadySocket;
import dev.steadysocket.SteadySocketException;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import java.lang.ref.WeakReference;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * One socket's observer: turns its events into updates of its {@link MeterSet}, which it joins
 * once its {@link SteadySocketMeters} is bound to a registry and leaves when the socket closes.
 *
 * <p>Every event reads {@link #meters} once (null: not bound yet, or closed) and updates meters
 * resolved in advance, so the per-message events (received, written) allocate nothing and look
 * nothing up. Nothing here blocks except {@link #closed}, which removes the meters from the
 * registry when this was the last socket of its name; nothing throws but a registry listener at
 * that removal (SteadySocket then counts an observer failure).
 *
 * <p>Threads: events arrive on the socket's threads (see {@link SocketObserver}); {@link
 * #attemptOpen} and {@link #openedBefore} are written by loop-thread events only; {@link #attach}
 * runs on the thread that builds the socket or binds its {@code SteadySocketMeters}.
 */
final class SocketMeters extends SocketObserver {
  private final SteadySocketMeters owner;
  private final WeakReference<SteadySocket> socket;
  /** Null until bound and after closed. */
  private volatile @Nullable MeterSet meters;
  /** Guarded by this: the socket closed; a late {@link #attach} leaves at once. */
  private boolean closed;
  /** Loop thread: an attempt started and has neither opened nor failed yet. */
  private volatile boolean attemptOpen;
  /** Loop thread: a connection opened before, so the next one is a reconnect. */
  private volatile boolean openedBefore;

  SocketMeters(SteadySocketMeters owner, SteadySocket socket) {
    this.owner = owner;
    this.socket = new WeakReference<>(socket);
  }

  /** Joins the meters of {@code tags} in {@code registry}; called once (by the owner), never under its lock. */
  void attach(MeterRegistry registry, Tags tags) {
    synchronized (this) {
      if (closed) return;
    }
    MeterSet set = MeterSet.join(registry, tags, socket);
    boolean late;
    synchronized (this) {
      late = closed;
      if (!late) meters = set;
    }
    if (late) MeterSet.leave(set, socket);
  }

  // ---------------------------------------------------------------- connection (loop thread)

  @Override
  public void attemptStarted(int urlIndex, String url, int attempt) {
    MeterSet m = meters;
    if (attemptOpen && m != null) m.attemptsAbandoned.increment(); // replaced before it ended
    attemptOpen = true;
  }

  @Override
  public void phaseEnded(Phase phase, long durationNanos) {
    MeterSet m = meters;
    if (m != null) m.phase(phase).record(durationNanos, TimeUnit.NANOSECONDS);
  }

  @Override
  public void connectionOpened(@Nullable String subprotocol, String extensions, long attemptNanos) {
    boolean reconnect = openedBefore;
    openedBefore = true;
    attemptOpen = false;
    MeterSet m = meters;
    if (m == null) return;
    m.attemptsOpened.increment();
    m.attemptDuration.record(attemptNanos, TimeUnit.NANOSECONDS);
    if (reconnect) m.reconnects.increment();
  }

  @Override
  public void disconnected(Disconnect disconnect, long openNanos) {
    boolean opened = openNanos >= 0;
    if (!opened) attemptOpen = false;
    MeterSet m = meters;
    if (m == null) return;
    if (!opened) m.attemptsFailed.increment();
    m.disconnects(disconnect.kind(), opened).increment();
  }

  @Override
  public void reconnectScheduled(int attempt, long delayNanos, SteadySocketException cause) {
    MeterSet m = meters;
    if (m != null) m.reconnectDelay.record(delayNanos, TimeUnit.NANOSECONDS);
  }

  @Override
  public void paused(String reason) {
    abandonAttempt(meters); // pausing while CONNECTING gives the attempt up
  }

  @Override
  public void closed(CloseReason reason) {
    MeterSet m;
    synchronized (this) {
      closed = true;
      m = meters;
      meters = null;
    }
    owner.forget(this);
    if (m == null) return;
    abandonAttempt(m); // closed while CONNECTING
    MeterSet.leave(m, socket);
  }

  private void abandonAttempt(@Nullable MeterSet m) {
    if (!attemptOpen) return;
    attemptOpen = false;
    if (m != null) m.attemptsAbandoned.increment();
  }

  // ---------------------------------------------------------------- liveness

  @Override
  public void pongReceived(long rttNanos) {
    MeterSet m = meters;
    if (m != null) m.pingRtt.record(rttNanos, TimeUnit.NANOSECONDS);
  }

  @Override
  public void heartbeatEchoed(long rttNanos) {
    MeterSet m = meters;
    if (m != null) m.heartbeatRtt.record(rttNanos, TimeUnit.NANOSECONDS);
  }

  @Override
  public void deadLink(long silenceNanos) {
    MeterSet m = meters;
    if (m != null) m.deadLinks.increment();
  }

  // ---------------------------------------------------------------- inbound

  @Override
  public void messageReceived(Envelope envelope, long bytes, long decodeNanos) {
    MeterSet m = meters;
    if (m == null) return;
    m.messagesIn.increment();
    m.bytesIn.increment(bytes);
  }

  @Override
  public void binaryReceived(long bytes) {
    MeterSet m = meters;
    if (m == null) return;
    m.messagesIn.increment();
    m.bytesIn.increment(bytes);
  }

  @Override
  public void decodeFailed() {
    MeterSet m = meters;
    if (m != null) m.decodeErrors.increment();
  }

  @Override
  public void duplicateDropped(Envelope envelope) {
    MeterSet m = meters;
    if (m != null) m.duplicates.increment();
  }

  @Override
  public void inboundResumed(long pausedNanos) {
    MeterSet m = meters;
    if (m != null) m.inboundPaused.record(pausedNanos, TimeUnit.NANOSECONDS);
  }

  // ---------------------------------------------------------------- outbound

  @Override
  public void messageWritten(long bytes, long latencyNanos, boolean resent) {
    MeterSet m = meters;
    if (m == null) return;
    m.messagesOut.increment();
    m.bytesOut.increment(bytes);
    if (resent) m.messagesResent.increment();
    else m.sendWritten.record(latencyNanos, TimeUnit.NANOSECONDS); // a message's first write only
  }

  @Override
  public void messageAcknowledged(String id, long latencyNanos) {
    MeterSet m = meters;
    if (m != null) m.sendAcknowledged.record(latencyNanos, TimeUnit.NANOSECONDS);
  }

  @Override
  public void outboxOverflow(int messages) {
    MeterSet m = meters;
    if (m != null) m.droppedOverflow.increment(messages);
  }

  @Override
  public void messagesFailed(int messages) {
    MeterSet m = meters;
    if (m != null) m.droppedClosed.increment(messages);
  }

  @Override
  public void requestCompleted(String id, Envelope reply, long latencyNanos) {
    MeterSet m = meters;
    if (m != null) m.requestCompleted.record(latencyNanos, TimeUnit.NANOSECONDS);
  }

  @Override
  public void requestTimedOut(String id, long latencyNanos) {
    MeterSet m = meters;
    if (m != null) m.requestTimeout.record(latencyNanos, TimeUnit.NANOSECONDS);
  }

  @Override
  public void requestFailed(String id, Throwable error, long latencyNanos) {
    MeterSet m = meters;
    if (m != null) m.requestFailed.record(latencyNanos, TimeUnit.NANOSECONDS);
  }

  @Override
  public void callbacksRejected(int callbacks) {
    MeterSet m = meters;
    if (m != null) m.callbacksRejected.increment(callbacks);
  }
}
