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
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * One socket's observer: turns its events into updates of its {@link MeterSet}s, one per registry
 * its {@link SteadySocketMeters} is bound to, which it joins at each binding and leaves when the
 * socket closes.
 *
 * <p>Every event reads {@link #sets} once (empty: not bound yet, or closed) and updates meters
 * resolved in advance, so the per-message events (received, written) allocate nothing and look
 * nothing up. Nothing here waits on another socket; {@link #closed} removes the meters from the
 * registry when this was the last socket of its name (on this thread, with the registry's
 * listeners, outside every lock of this module); nothing throws but a registry listener at that
 * removal (SteadySocket then counts an observer failure).
 *
 * <p>Threads: events arrive on the socket's threads (see {@link SocketObserver}); {@link
 * #attemptOpen} and {@link #openedBefore} are written by loop-thread events only; {@link #attach}
 * runs on the thread that builds the socket or binds its {@code SteadySocketMeters}; {@link
 * #attached} on that thread or on the one that registered the meters.
 */
final class SocketMeters extends SocketObserver {
  private static final MeterSet[] NONE = {};

  private final SteadySocketMeters owner;
  private final WeakReference<SteadySocket> socket;
  /** The meters of each registry, copied on write under this; empty until bound and after closed. */
  private volatile MeterSet[] sets = NONE;
  /** Guarded by this: the entries joined, to leave at the close. */
  private final List<MeterSet.Entry> joined = new ArrayList<>();
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

  /** The socket, or null once collected. */
  @Nullable SteadySocket socket() {
    return socket.get();
  }

  /**
   * Joins the meters of {@code tags} in {@code registry} (once per registry); called by the owner,
   * never under its lock nor this one.
   */
  void attach(MeterRegistry registry, Tags tags) {
    synchronized (this) {
      if (closed) return;
      for (MeterSet.Entry e : joined) if (e.registry() == registry) return;
    }
    MeterSet.Entry entry = MeterSet.join(registry, tags, this);
    boolean late;
    synchronized (this) {
      late = closed;
      if (!late) joined.add(entry);
    }
    if (late) MeterSet.leave(entry, this);
  }

  /** The meters {@link #attach} joined, once registered; ignored after the close (the entry was left). */
  void attached(MeterSet set) {
    synchronized (this) {
      if (closed) return;
      MeterSet[] now = sets;
      for (MeterSet s : now) if (s == set) return;
      MeterSet[] next = Arrays.copyOf(now, now.length + 1);
      next[now.length] = set;
      sets = next;
    }
  }

  /** Closes this observer without a closed event (the socket's build failed): leaves what it joined. */
  void abandon() {
    leaveAll();
  }

  // ---------------------------------------------------------------- connection (loop thread)

  @Override
  public void attemptStarted(int urlIndex, String url, int attempt) {
    if (attemptOpen) for (MeterSet m : sets) m.attemptsAbandoned.increment(); // replaced before it ended
    attemptOpen = true;
  }

  @Override
  public void phaseEnded(Phase phase, long durationNanos) {
    for (MeterSet m : sets) m.phase(phase).record(durationNanos, TimeUnit.NANOSECONDS);
  }

  @Override
  public void connectionOpened(@Nullable String subprotocol, String extensions, long attemptNanos) {
    boolean reconnect = openedBefore;
    openedBefore = true;
    attemptOpen = false;
    for (MeterSet m : sets) {
      m.attemptsOpened.increment();
      m.attemptDuration.record(attemptNanos, TimeUnit.NANOSECONDS);
      if (reconnect) m.reconnects.increment();
    }
  }

  @Override
  public void disconnected(Disconnect disconnect, long openNanos) {
    boolean opened = openNanos >= 0;
    if (!opened) attemptOpen = false;
    for (MeterSet m : sets) {
      if (!opened) m.attemptsFailed.increment();
      m.disconnects(disconnect.kind(), opened).increment();
    }
  }

  @Override
  public void reconnectScheduled(int attempt, long delayNanos, SteadySocketException cause) {
    for (MeterSet m : sets) m.reconnectDelay.record(delayNanos, TimeUnit.NANOSECONDS);
  }

  @Override
  public void paused(String reason) {
    abandonAttempt(); // pausing while CONNECTING gives the attempt up
  }

  @Override
  public void closed(CloseReason reason) {
    abandonAttempt(); // closed while CONNECTING
    leaveAll();
  }

  /** Stops counting and leaves every entry; throws the first failure of a registry's listener, after all. */
  private void leaveAll() {
    List<MeterSet.Entry> leave;
    synchronized (this) {
      closed = true;
      sets = NONE;
      leave = new ArrayList<>(joined);
      joined.clear();
    }
    owner.forget(this);
    RuntimeException first = null;
    for (MeterSet.Entry e : leave) {
      try {
        MeterSet.leave(e, this);
      } catch (RuntimeException x) {
        if (first == null) first = x;
      }
    }
    if (first != null) throw first;
  }

  private void abandonAttempt() {
    if (!attemptOpen) return;
    attemptOpen = false;
    for (MeterSet m : sets) m.attemptsAbandoned.increment();
  }

  // ---------------------------------------------------------------- liveness

  @Override
  public void pongReceived(long rttNanos) {
    for (MeterSet m : sets) m.pingRtt.record(rttNanos, TimeUnit.NANOSECONDS);
  }

  @Override
  public void heartbeatEchoed(long rttNanos) {
    for (MeterSet m : sets) m.heartbeatRtt.record(rttNanos, TimeUnit.NANOSECONDS);
  }

  @Override
  public void deadLink(long silenceNanos) {
    for (MeterSet m : sets) m.deadLinks.increment();
  }

  // ---------------------------------------------------------------- inbound

  @Override
  public void messageReceived(Envelope envelope, long bytes, long decodeNanos) {
    for (MeterSet m : sets) {
      m.messagesIn.increment();
      m.bytesIn.increment(bytes);
    }
  }

  @Override
  public void binaryReceived(long bytes) {
    for (MeterSet m : sets) {
      m.messagesIn.increment();
      m.bytesIn.increment(bytes);
    }
  }

  @Override
  public void decodeFailed() {
    for (MeterSet m : sets) m.decodeErrors.increment();
  }

  @Override
  public void duplicateDropped(Envelope envelope) {
    for (MeterSet m : sets) m.duplicates.increment();
  }

  @Override
  public void inboundResumed(long pausedNanos) {
    for (MeterSet m : sets) m.inboundPaused.record(pausedNanos, TimeUnit.NANOSECONDS);
  }

  // ---------------------------------------------------------------- outbound

  @Override
  public void messageWritten(long bytes, long latencyNanos, boolean resent) {
    for (MeterSet m : sets) {
      m.messagesOut.increment();
      m.bytesOut.increment(bytes);
      if (resent) m.messagesResent.increment();
      else m.sendWritten.record(latencyNanos, TimeUnit.NANOSECONDS); // a message's first write only
    }
  }

  @Override
  public void messageAcknowledged(String id, long latencyNanos) {
    for (MeterSet m : sets) m.sendAcknowledged.record(latencyNanos, TimeUnit.NANOSECONDS);
  }

  @Override
  public void outboxOverflow(int messages) {
    for (MeterSet m : sets) m.droppedOverflow.increment(messages);
  }

  @Override
  public void messagesFailed(int messages) {
    for (MeterSet m : sets) m.droppedClosed.increment(messages);
  }

  @Override
  public void requestCompleted(String id, Envelope reply, long latencyNanos) {
    for (MeterSet m : sets) m.requestCompleted.record(latencyNanos, TimeUnit.NANOSECONDS);
  }

  @Override
  public void requestTimedOut(String id, long latencyNanos) {
    for (MeterSet m : sets) m.requestTimeout.record(latencyNanos, TimeUnit.NANOSECONDS);
  }

  @Override
  public void requestFailed(String id, Throwable error, long latencyNanos) {
    for (MeterSet m : sets) m.requestFailed.record(latencyNanos, TimeUnit.NANOSECONDS);
  }

  @Override
  public void callbacksRejected(int callbacks) {
    for (MeterSet m : sets) m.callbacksRejected.increment(callbacks);
  }
}
