package dev.steadysocket.internal;

import dev.steadysocket.CloseReason;
import dev.steadysocket.ConnectionState;
import dev.steadysocket.Disconnect;
import dev.steadysocket.Envelope;
import dev.steadysocket.SocketObserver;
import dev.steadysocket.SteadySocketException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one funnel every event of a socket passes through: each goes first to the socket's own
 * {@link MetricsRecorder} (so {@code metrics()} is computed from the events and nothing else),
 * then to the application's {@link SocketObserver}s, in the order they were added.
 *
 * <p><b>Invariants, kept here and only here:</b> an observer that throws is isolated — the
 * exception is caught, counted ({@link #failures}) and logged once, and the socket, the recorder and
 * the other observers carry on; the observer is called synchronously on the thread where the event happens. Callers
 * never call in while holding one of SteadySocket's locks (checked under {@code -ea} by the tests'
 * lock probes, and by review: every call site collects under its lock and reports after).
 *
 * <p><b>Threading:</b> any thread. {@link #observers} is written once by {@code build()} before the
 * socket is returned and read by every event (volatile: a socket handed to another thread without
 * safe publication still sees it).
 */
final class Events extends SocketObserver {
  private static final Logger log = LoggerFactory.getLogger("dev.steadysocket.SteadySocket");

  final MetricsRecorder recorder;
  private final LoopTasks clock;
  private static final SocketObserver[] NO_OBSERVERS = {};
  private volatile SocketObserver[] observers = NO_OBSERVERS;
  /** Exceptions thrown by the observer. */
  final AtomicLong failures = new AtomicLong();

  private final AtomicBoolean logged = new AtomicBoolean();

  /**
   * Whether observers will be installed ({@code build()} knows before it creates them): only then
   * does the derived OkHttp client wrap the application's {@code Dns} and sockets to time phases.
   */
  final boolean timesPhases;

  Events(MetricsRecorder recorder, @org.jspecify.annotations.Nullable LoopTasks clock, boolean timesPhases) {
    this.recorder = recorder;
    this.clock = clock;
    this.timesPhases = timesPhases;
  }

  /** {@code build()}'s thread, once, before the socket is returned: the application's observers, in order. */
  void observe(java.util.List<SocketObserver> list) {
    observers = list.toArray(new SocketObserver[0]);
  }

  /**
   * Whether an application observer is installed: the paths that would read the clock only for
   * an observer's latency figures ask this first, so a socket without one measures nothing extra.
   */
  boolean observed() {
    return observers.length != 0;
  }

  /** The monotonic clock latencies are measured with, or 0 when nothing observes them. */
  long stamp() {
    return observers.length != 0 ? clock.nanoTime() : 0;
  }

  /** Nanoseconds since {@code stamp}, or 0 when nothing observes them. */
  long since(long stamp) {
    return observers.length != 0 ? clock.nanoTime() - stamp : 0;
  }

  private void failed(Throwable t) {
    failures.incrementAndGet();
    if (logged.compareAndSet(false, true)) {
      Quiet.log(() -> log.warn("a SocketObserver threw; it is still called, and later failures are only counted", t));
    }
  }

  @Override
  public void stateChanged(ConnectionState from, ConnectionState to) {
    recorder.stateChanged(from, to);
    for (SocketObserver o : observers) try { o.stateChanged(from, to); } catch (Throwable t) { failed(t); }
  }

  @Override
  public void attemptStarted(int urlIndex, String url, int attempt) {
    recorder.attemptStarted(urlIndex, url, attempt);
    for (SocketObserver o : observers) try { o.attemptStarted(urlIndex, url, attempt); } catch (Throwable t) { failed(t); }
  }

  @Override
  public void phaseEnded(Phase phase, long durationNanos) {
    for (SocketObserver o : observers) try { o.phaseEnded(phase, durationNanos); } catch (Throwable t) { failed(t); }
  }

  @Override
  public void handshakeResponse(int httpStatus) {
    for (SocketObserver o : observers) try { o.handshakeResponse(httpStatus); } catch (Throwable t) { failed(t); }
  }

  @Override
  public void connectionOpened(@Nullable String subprotocol, String extensions, long attemptNanos) {
    recorder.connectionOpened(subprotocol, extensions, attemptNanos);
    for (SocketObserver o : observers) try { o.connectionOpened(subprotocol, extensions, attemptNanos); } catch (Throwable t) { failed(t); }
  }

  @Override
  public void disconnected(Disconnect disconnect, long openNanos) {
    recorder.disconnected(disconnect, openNanos);
    for (SocketObserver o : observers) try { o.disconnected(disconnect, openNanos); } catch (Throwable t) { failed(t); }
  }

  @Override
  public void reconnectScheduled(int attempt, long delayNanos, SteadySocketException cause) {
    for (SocketObserver o : observers) try { o.reconnectScheduled(attempt, delayNanos, cause); } catch (Throwable t) { failed(t); }
  }

  @Override
  public void paused(String reason) {
    for (SocketObserver o : observers) try { o.paused(reason); } catch (Throwable t) { failed(t); }
  }

  @Override
  public void resumed(String reason, boolean stillPaused) {
    for (SocketObserver o : observers) try { o.resumed(reason, stillPaused); } catch (Throwable t) { failed(t); }
  }

  @Override
  public void connectionReplaced() {
    for (SocketObserver o : observers) try { o.connectionReplaced(); } catch (Throwable t) { failed(t); }
  }

  @Override
  public void closed(CloseReason reason) {
    recorder.closed(reason);
    for (SocketObserver o : observers) try { o.closed(reason); } catch (Throwable t) { failed(t); }
  }

  @Override
  public void pingSent() {
    for (SocketObserver o : observers) try { o.pingSent(); } catch (Throwable t) { failed(t); }
  }

  @Override
  public void pongReceived(long rttNanos) {
    for (SocketObserver o : observers) try { o.pongReceived(rttNanos); } catch (Throwable t) { failed(t); }
  }

  @Override
  public void heartbeatSent() {
    for (SocketObserver o : observers) try { o.heartbeatSent(); } catch (Throwable t) { failed(t); }
  }

  @Override
  public void heartbeatEchoed(long rttNanos) {
    recorder.heartbeatEchoed(rttNanos);
    for (SocketObserver o : observers) try { o.heartbeatEchoed(rttNanos); } catch (Throwable t) { failed(t); }
  }

  @Override
  public void deadLink(long silenceNanos) {
    for (SocketObserver o : observers) try { o.deadLink(silenceNanos); } catch (Throwable t) { failed(t); }
  }

  @Override
  public void messageReceived(Envelope envelope, long bytes, long decodeNanos) {
    recorder.messageReceived(envelope, bytes, decodeNanos);
    for (SocketObserver o : observers) try { o.messageReceived(envelope, bytes, decodeNanos); } catch (Throwable t) { failed(t); }
  }

  @Override
  public void binaryReceived(long bytes) {
    recorder.binaryReceived(bytes);
    for (SocketObserver o : observers) try { o.binaryReceived(bytes); } catch (Throwable t) { failed(t); }
  }

  @Override
  public void decodeFailed() {
    recorder.decodeFailed();
    for (SocketObserver o : observers) try { o.decodeFailed(); } catch (Throwable t) { failed(t); }
  }

  @Override
  public void duplicateDropped(Envelope envelope) {
    recorder.duplicateDropped(envelope);
    for (SocketObserver o : observers) try { o.duplicateDropped(envelope); } catch (Throwable t) { failed(t); }
  }

  @Override
  public void inboundPaused(int messages, long bytes) {
    for (SocketObserver o : observers) try { o.inboundPaused(messages, bytes); } catch (Throwable t) { failed(t); }
  }

  @Override
  public void inboundResumed(long pausedNanos) {
    for (SocketObserver o : observers) try { o.inboundResumed(pausedNanos); } catch (Throwable t) { failed(t); }
  }

  @Override
  public Envelope beforeSend(Envelope envelope) {
    for (SocketObserver o : observers) {
      try {
        Envelope changed = o.beforeSend(envelope);
        if (changed != null) envelope = changed;
      } catch (Throwable t) {
        failed(t);
      }
    }
    return envelope;
  }

  @Override
  public void messageQueued(long bytes) {
    for (SocketObserver o : observers) try { o.messageQueued(bytes); } catch (Throwable t) { failed(t); }
  }

  @Override
  public void messageWritten(long bytes, long latencyNanos, boolean resent) {
    recorder.messageWritten(bytes, latencyNanos, resent);
    for (SocketObserver o : observers) try { o.messageWritten(bytes, latencyNanos, resent); } catch (Throwable t) { failed(t); }
  }

  @Override
  public void messageAcknowledged(String id, long latencyNanos) {
    for (SocketObserver o : observers) try { o.messageAcknowledged(id, latencyNanos); } catch (Throwable t) { failed(t); }
  }

  @Override
  public void outboxOverflow(int messages) {
    recorder.outboxOverflow(messages);
    for (SocketObserver o : observers) try { o.outboxOverflow(messages); } catch (Throwable t) { failed(t); }
  }

  @Override
  public void messagesFailed(int messages) {
    recorder.messagesFailed(messages);
    for (SocketObserver o : observers) try { o.messagesFailed(messages); } catch (Throwable t) { failed(t); }
  }

  @Override
  public void setupMessageSent() {
    recorder.setupMessageSent();
    for (SocketObserver o : observers) try { o.setupMessageSent(); } catch (Throwable t) { failed(t); }
  }

  @Override
  public void requestStarted(Envelope request) {
    for (SocketObserver o : observers) try { o.requestStarted(request); } catch (Throwable t) { failed(t); }
  }

  @Override
  public void requestCompleted(String id, Envelope reply, long latencyNanos) {
    for (SocketObserver o : observers) try { o.requestCompleted(id, reply, latencyNanos); } catch (Throwable t) { failed(t); }
  }

  @Override
  public void requestTimedOut(String id, long latencyNanos) {
    for (SocketObserver o : observers) try { o.requestTimedOut(id, latencyNanos); } catch (Throwable t) { failed(t); }
  }

  @Override
  public void requestFailed(String id, Throwable error, long latencyNanos) {
    for (SocketObserver o : observers) try { o.requestFailed(id, error, latencyNanos); } catch (Throwable t) { failed(t); }
  }

  @Override
  public void callbacksRejected(int callbacks) {
    recorder.callbacksRejected(callbacks);
    for (SocketObserver o : observers) try { o.callbacksRejected(callbacks); } catch (Throwable t) { failed(t); }
  }
}
