package dev.steadysocket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.fail;

import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Records every callback as an event. Tests take events in order and end with {@link
 * #assertExhausted()}, so nothing unexpected goes unnoticed. Waits are bounded by a timeout: they
 * wait for an event, never for time to pass.
 */
final class RecordingListener implements SteadySocketListener {
  private final BlockingQueue<Object> events = new LinkedBlockingQueue<>();
  private final long timeoutMillis;
  volatile Thread lastThread;

  RecordingListener() {
    this(10_000);
  }

  RecordingListener(long timeoutMillis) {
    this.timeoutMillis = timeoutMillis;
  }

  static final class StateChange {
    final ConnectionState previous;
    final ConnectionState current;

    StateChange(ConnectionState previous, ConnectionState current) {
      this.previous = previous;
      this.current = current;
    }

    @Override
    public String toString() {
      return "State(" + previous + " -> " + current + ")";
    }
  }

  static final class Reconnecting {
    final int attempt;
    final Duration delay;
    final Throwable cause;

    Reconnecting(int attempt, Duration delay, Throwable cause) {
      this.attempt = attempt;
      this.delay = delay;
      this.cause = cause;
    }

    @Override
    public String toString() {
      return "Reconnecting(" + attempt + ", " + delay + ", " + cause + ")";
    }
  }

  static final class Error {
    final Throwable error;

    Error(Throwable error) {
      this.error = error;
    }

    @Override
    public String toString() {
      return "Error(" + error + ")";
    }
  }

  @Override
  public void onStateChanged(ConnectionState previous, ConnectionState current) {
    record(new StateChange(previous, current));
  }

  @Override
  public void onMessage(Envelope envelope) {
    record(envelope);
  }

  @Override
  public void onBinaryMessage(byte[] bytes) {
    record(bytes);
  }

  @Override
  public void onReconnecting(int attempt, Duration delay, SteadySocketException cause) {
    record(new Reconnecting(attempt, delay, cause));
  }

  @Override
  public void onError(SteadySocketException error) {
    record(new Error(error));
  }

  @Override
  public void onClosed(CloseReason reason) {
    record(reason);
  }

  record SetupConfirmed(SetupRegistration setup, Envelope reply) {}

  @Override
  public void onSetupConfirmed(SetupRegistration setup, Envelope reply) {
    record(new SetupConfirmed(setup, reply));
  }

  SetupConfirmed assertSetupConfirmed(SetupRegistration setup) {
    SetupConfirmed c = next(SetupConfirmed.class);
    assertSame(setup, c.setup(), "confirmed registration");
    return c;
  }

  private void record(Object event) {
    lastThread = Thread.currentThread();
    events.add(event);
  }

  Object next() {
    try {
      Object e = events.poll(timeoutMillis, TimeUnit.MILLISECONDS);
      if (e == null) fail("no event within " + timeoutMillis + " ms");
      return e;
    } catch (InterruptedException e) {
      throw new AssertionError(e);
    }
  }

  <T> T next(Class<T> type) {
    Object e = next();
    return assertInstanceOf(type, e, "next event");
  }

  void assertState(ConnectionState previous, ConnectionState current) {
    StateChange s = next(StateChange.class);
    assertEquals(previous + " -> " + current, s.previous + " -> " + s.current);
  }

  /** Skips events until the state becomes {@code current}; returns what was skipped count. */
  int awaitState(ConnectionState current) {
    int skipped = 0;
    while (true) {
      Object e = next();
      if (e instanceof StateChange && ((StateChange) e).current == current) return skipped;
      skipped++;
    }
  }

  Envelope assertMessage(String type) {
    Envelope e = next(Envelope.class);
    assertEquals(type, e.type());
    return e;
  }

  <T extends Throwable> T assertError(Class<T> type) {
    Error e = next(Error.class);
    return assertInstanceOf(type, e.error, "error");
  }

  Reconnecting assertReconnecting(int attempt) {
    Reconnecting r = next(Reconnecting.class);
    assertEquals(attempt, r.attempt, "attempt");
    return r;
  }

  CloseReason assertClosed() {
    CloseReason r = next(CloseReason.class);
    assertNotNull(r);
    return r;
  }

  /** Nothing is waiting. Callbacks still in flight are not waited for. */
  void assertExhausted() {
    assertNull(events.poll(), "unexpected event");
  }

  /** Nothing arrives within {@code millis}. For real-time tests only, as a final check. */
  void assertNothingWithin(long millis) throws InterruptedException {
    assertNull(events.poll(millis, TimeUnit.MILLISECONDS), "unexpected event");
  }
}
