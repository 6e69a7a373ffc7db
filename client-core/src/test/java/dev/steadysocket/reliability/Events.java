package dev.steadysocket.reliability;

import dev.steadysocket.SteadySocketException;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.fail;

import dev.steadysocket.CloseReason;
import dev.steadysocket.ConnectionState;
import dev.steadysocket.Envelope;
import dev.steadysocket.SteadySocketListener;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * Records every callback with the time it ran. Tests wait for events with a bounded timeout, never
 * for time to pass; events skipped while waiting are kept in {@link #skipped} for assertions.
 */
final class Events implements SteadySocketListener {
  static final long DEFAULT_TIMEOUT_MILLIS = 20_000;

  private final BlockingQueue<Event> queue = new LinkedBlockingQueue<>();
  /** Everything that arrived, in order (also what was taken). */
  final List<Event> all = java.util.Collections.synchronizedList(new ArrayList<>());
  /** What the last await* skipped before its match. */
  List<Event> skipped = new ArrayList<>();

  /** One callback. {@code nanos} is System.nanoTime() when it ran. */
  abstract static class Event {
    final long nanos = System.nanoTime();
    /** The thread the callback ran on. */
    final Thread thread = Thread.currentThread();
  }

  static final class State extends Event {
    final ConnectionState previous;
    final ConnectionState current;

    State(ConnectionState previous, ConnectionState current) {
      this.previous = previous;
      this.current = current;
    }

    @Override
    public String toString() {
      return "State(" + previous + " -> " + current + ")";
    }
  }

  static final class Message extends Event {
    final Envelope envelope;

    Message(Envelope envelope) {
      this.envelope = envelope;
    }

    @Override
    public String toString() {
      return "Message(" + envelope.type() + ")";
    }
  }

  static final class Binary extends Event {
    final byte[] bytes;

    Binary(byte[] bytes) {
      this.bytes = bytes;
    }

    @Override
    public String toString() {
      return "Binary(" + bytes.length + " bytes)";
    }
  }

  static final class Reconnecting extends Event {
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
      return "Reconnecting(" + attempt + ", " + delay.toMillis() + " ms, " + cause.getClass().getSimpleName() + ")";
    }
  }

  static final class Error extends Event {
    final Throwable error;

    Error(Throwable error) {
      this.error = error;
    }

    @Override
    public String toString() {
      String m = String.valueOf(error.getMessage());
      return "Error(" + error.getClass().getSimpleName() + ": " + (m.length() > 120 ? m.substring(0, 120) + "…" : m) + ")";
    }
  }

  static final class Closed extends Event {
    final CloseReason reason;

    Closed(CloseReason reason) {
      this.reason = reason;
    }

    @Override
    public String toString() {
      return "Closed(" + reason + ")";
    }
  }

  @Override
  public void onStateChanged(ConnectionState previous, ConnectionState current) {
    record(new State(previous, current));
  }

  @Override
  public void onMessage(Envelope envelope) {
    record(new Message(envelope));
  }

  @Override
  public void onBinaryMessage(byte[] bytes) {
    record(new Binary(bytes));
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
    record(new Closed(reason));
  }

  private void record(Event e) {
    all.add(e);
    queue.add(e);
  }

  /** The next event, or null if none arrives within {@code millis} (a bounded wait for silence). */
  Event poll(long millis) throws InterruptedException {
    return queue.poll(millis, TimeUnit.MILLISECONDS);
  }

  /** Skips events until one of {@code type} matches {@code p}; the skipped ones go to {@link #skipped}. */
  <T extends Event> T await(Class<T> type, Predicate<? super T> p, long timeoutMillis) {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
    List<Event> skippedNow = new ArrayList<>();
    skipped = skippedNow;
    while (true) {
      long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
      if (left <= 0) fail("no matching " + type.getSimpleName() + " within " + timeoutMillis + " ms; got " + skippedNow);
      Event e;
      try {
        e = queue.poll(left, TimeUnit.MILLISECONDS);
      } catch (InterruptedException ex) {
        Thread.currentThread().interrupt();
        throw new AssertionError(ex);
      }
      if (e == null) continue;
      if (type.isInstance(e) && p.test(type.cast(e))) return type.cast(e);
      skippedNow.add(e);
    }
  }

  <T extends Event> T await(Class<T> type, Predicate<? super T> p) {
    return await(type, p, DEFAULT_TIMEOUT_MILLIS);
  }

  State awaitState(ConnectionState state) {
    return await(State.class, s -> s.current == state);
  }

  Message awaitMessage(String type) {
    return await(Message.class, m -> m.envelope.type().equals(type));
  }

  /** The next error; fails if it is not a {@code type}. */
  <T extends Throwable> T awaitError(Class<T> type) {
    Error e = await(Error.class, x -> true);
    return assertInstanceOf(type, e.error, "error");
  }

  Closed awaitClosed() {
    return await(Closed.class, x -> true);
  }

  /** Events of {@code type} among the skipped ones. */
  <T extends Event> List<T> skipped(Class<T> type) {
    List<T> out = new ArrayList<>();
    for (Event e : skipped) if (type.isInstance(e)) out.add(type.cast(e));
    return out;
  }

  /** Events of {@code type} recorded so far, taken or not. */
  <T extends Event> List<T> recorded(Class<T> type) {
    List<T> out = new ArrayList<>();
    synchronized (all) {
      for (Event e : all) if (type.isInstance(e)) out.add(type.cast(e));
    }
    return out;
  }
}
