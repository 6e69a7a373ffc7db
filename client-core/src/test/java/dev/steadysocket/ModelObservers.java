package dev.steadysocket;

import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The event SPI's invariants, checked in every history of {@link StateMachineModelTest}: each run
 * installs {@link #throwing} (throws from every event) before {@link #checking}, so every history
 * also proves that a throwing observer is isolated — the model's own invariants must still hold,
 * and the checking observer still sees every event. Single-threaded like the model.
 */
final class ModelObservers {
  private final Consumer<String> violation;
  /** Events the throwing observer threw from: {@code metrics().observerFailures()} must equal it. */
  long thrown;
  /** Request id → end events seen (started requests only). */
  private final Map<String, Integer> requests = new HashMap<>();

  private ConnectionState lastState = ConnectionState.IDLE;
  private long attempts, written, closedEvents, eventsAfterClosed;

  ModelObservers(Consumer<String> violation) {
    this.violation = violation;
  }

  final SocketObserver.Factory throwing = socket -> new Throwing();
  final SocketObserver.Factory checking = socket -> new Checking();

  /** After every step: the state, attempts and writes the events told agree with the socket. */
  void check(SteadySocket socket) {
    if (closedEvents == 0 && socket.state() != lastState) {
      violation.accept("state() is " + socket.state() + " but the last stateChanged said " + lastState);
    }
    Metrics m = socket.metrics();
    if (m.connectionAttempts() != attempts) {
      violation.accept("metrics() counts " + m.connectionAttempts() + " attempts, the events " + attempts);
    }
    if (m.messagesSent() != written) {
      violation.accept("metrics() counts " + m.messagesSent() + " messages sent, the events " + written);
    }
    if (m.observerFailures() != thrown) {
      violation.accept("observerFailures() is " + m.observerFailures() + " but the observer threw " + thrown + " times");
    }
  }

  /** At teardown: closed once, nothing from the loop after it, every request ended exactly once. */
  void checkEnd(SteadySocket socket) {
    check(socket);
    if (closedEvents != 1) violation.accept("closed() fired " + closedEvents + " times");
    if (eventsAfterClosed != 0) violation.accept(eventsAfterClosed + " loop events after closed()");
    requests.forEach((id, ends) -> {
      if (ends != 1) violation.accept("request " + id + " ended " + ends + " times");
    });
  }

  private void loopEvent() {
    if (closedEvents > 0) eventsAfterClosed++;
  }

  private void ended(String id) {
    Integer ends = requests.get(id);
    if (ends == null) violation.accept("request " + id + " ended without requestStarted");
    else requests.put(id, ends + 1);
  }

  private final class Checking extends SocketObserver {
    @Override
    public void stateChanged(ConnectionState from, ConnectionState to) {
      loopEvent();
      if (from != lastState) violation.accept("stateChanged from " + from + " but the last one went to " + lastState);
      lastState = to;
    }

    @Override
    public void attemptStarted(int urlIndex, String url, int attempt) {
      loopEvent();
      attempts++;
      if (attempt < 1 || urlIndex < 0 || urlIndex > 1) violation.accept("attemptStarted(" + urlIndex + ", " + attempt + ")");
    }

    @Override
    public void reconnectScheduled(int attempt, long delayNanos, SteadySocketException cause) {
      loopEvent();
      if (delayNanos < 0) violation.accept("reconnect scheduled with a negative delay");
    }

    @Override
    public void messageWritten(long bytes, long latencyNanos, boolean resent) {
      written++;
      if (latencyNanos < 0) violation.accept("negative send latency " + latencyNanos);
    }

    @Override
    public void requestStarted(Envelope request) {
      if (requests.put(request.id(), 0) != null) violation.accept("request " + request.id() + " started twice");
    }

    @Override
    public void requestCompleted(String id, Envelope reply, long latencyNanos) {
      ended(id);
    }

    @Override
    public void requestTimedOut(String id, long latencyNanos) {
      ended(id);
    }

    @Override
    public void requestFailed(String id, Throwable error, long latencyNanos) {
      ended(id);
    }

    @Override
    public void closed(CloseReason reason) {
      closedEvents++;
    }
  }

  /** Throws from every event, and returns null from beforeSend: none of it may change the socket's behaviour. */
  private final class Throwing extends SocketObserver {
    private RuntimeException thrown() {
      ModelObservers.this.thrown++;
      return new IllegalStateException("model: observer fault");
    }

    @Override public void stateChanged(ConnectionState from, ConnectionState to) { throw thrown(); }
    @Override public void attemptStarted(int urlIndex, String url, int attempt) { throw thrown(); }
    @Override public void handshakeResponse(int httpStatus) { throw thrown(); }
    @Override public void connectionOpened(String subprotocol, String extensions, long attemptNanos) { throw thrown(); }
    @Override public void disconnected(Disconnect disconnect, long openNanos) { throw thrown(); }
    @Override public void reconnectScheduled(int attempt, long delayNanos, SteadySocketException cause) { throw thrown(); }
    @Override public void paused(String reason) { throw thrown(); }
    @Override public void resumed(String reason, boolean stillPaused) { throw thrown(); }
    @Override public void connectionReplaced() { throw thrown(); }
    @Override public void closed(CloseReason reason) { throw thrown(); }
    @Override public void pingSent() { throw thrown(); }
    @Override public void heartbeatSent() { throw thrown(); }
    @Override public void heartbeatEchoed(long rttNanos) { throw thrown(); }
    @Override public void deadLink(long silenceNanos) { throw thrown(); }
    @Override public void messageReceived(Envelope envelope, long bytes, long decodeNanos) { throw thrown(); }
    @Override public void binaryReceived(long bytes) { throw thrown(); }
    @Override public void decodeFailed() { throw thrown(); }
    @Override public void duplicateDropped(Envelope envelope) { throw thrown(); }
    @Override public void messageQueued(long bytes) { throw thrown(); }
    @Override public void messageWritten(long bytes, long latencyNanos, boolean resent) { throw thrown(); }
    @Override public void messageAcknowledged(String id, long latencyNanos) { throw thrown(); }
    @Override public void outboxOverflow(int messages) { throw thrown(); }
    @Override public void messagesFailed(int messages) { throw thrown(); }
    @Override public void setupMessageSent() { throw thrown(); }
    @Override public void requestStarted(Envelope request) { throw thrown(); }
    @Override public void requestCompleted(String id, Envelope reply, long latencyNanos) { throw thrown(); }
    @Override public void requestTimedOut(String id, long latencyNanos) { throw thrown(); }
    @Override public void requestFailed(String id, Throwable error, long latencyNanos) { throw thrown(); }
    @Override public void callbacksRejected(int callbacks) { throw thrown(); }

    @Override
    public Envelope beforeSend(Envelope envelope) {
      if (envelope.id() != null && envelope.id().hashCode() % 2 == 0) return null; // null: left unchanged
      throw thrown();
    }
  }
}
