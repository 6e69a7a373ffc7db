package dev.steadysocket.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.fail;

import dev.steadysocket.CloseReason;
import dev.steadysocket.ConnectionState;
import dev.steadysocket.Envelope;
import dev.steadysocket.SetupRegistration;
import dev.steadysocket.SteadySocketException;
import dev.steadysocket.SteadySocketListener;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * The one recorder of listener callbacks in client-core's tests. Every callback becomes an {@link
 * Event} stamped with the {@link System#nanoTime()} and the thread it ran on. Read it one of two
 * ways:
 *
 * <ul>
 *   <li>in order — {@link #next()} and the {@code assert*} methods take the next event and fail if
 *       it is not the one expected; a test ends with {@link #assertExhausted()}, so nothing
 *       unexpected goes unnoticed (virtual-time tests);
 *   <li>by search — the {@code await*} methods skip events until one matches and keep what they
 *       skipped in {@link #skipped} (real servers, where what surrounds the match may vary).
 * </ul>
 *
 * {@link #recorded} sees everything, taken or not. Waits are bounded by the timeout given at
 * construction: they wait for an event, never for time to pass. Callbacks may come from any
 * thread; reads are the test's.
 *
 * <p>Options, for the few tests that need more than a record: {@link #journal} (one line per
 * callback in a list several recorders share, for order across listeners), {@link #throwAfter}
 * (a faulty listener) and {@link #divertMessages} (a flood counted elsewhere, not kept).
 */
public final class RecordingListener implements SteadySocketListener {
  public static final long DEFAULT_TIMEOUT_MILLIS = 10_000;
  /** For real servers and child processes, whose first connection may take a JIT warm-up. */
  public static final long REAL_PEER_TIMEOUT_MILLIS = 20_000;

  private final BlockingQueue<Event> queue = new LinkedBlockingQueue<>();
  /** Everything that arrived, in order (taken or not); guarded by itself. */
  private final List<Event> all = Collections.synchronizedList(new ArrayList<>());
  private final long timeoutMillis;
  /** What the last await* skipped before its match. */
  public volatile List<Event> skipped = new ArrayList<>();

  private volatile String name;
  private volatile List<String> journal;
  private volatile Class<? extends Event> throwAfterType;
  private volatile Throwable throwAfterThrowable;
  private volatile Predicate<Envelope> divertWhen;
  private volatile Consumer<Envelope> divertTo;

  public RecordingListener() {
    this(DEFAULT_TIMEOUT_MILLIS);
  }

  /** @param timeoutMillis how long a wait for an event may take; 0: it must be there already */
  public RecordingListener(long timeoutMillis) {
    this.timeoutMillis = timeoutMillis;
  }

  // ------------------------------------------------------------------ events

  /** One callback: when ({@link System#nanoTime()}) and on which thread it ran. */
  public abstract static class Event {
    public final long nanos = System.nanoTime();
    public final Thread thread = Thread.currentThread();
  }

  public static final class State extends Event {
    public final ConnectionState previous;
    public final ConnectionState current;
    State(ConnectionState previous, ConnectionState current) {
      this.previous = previous;
      this.current = current;
    }

    @Override public String toString() { return "State(" + previous + " -> " + current + ")"; }
  }

  public static final class Message extends Event {
    public final Envelope envelope;
    Message(Envelope envelope) {
      this.envelope = envelope;
    }

    @Override public String toString() { return "Message(" + envelope.type() + ")"; }
  }

  public static final class Binary extends Event {
    public final byte[] bytes;
    Binary(byte[] bytes) {
      this.bytes = bytes;
    }

    @Override public String toString() { return "Binary(" + bytes.length + " bytes)"; }
  }

  public static final class Reconnecting extends Event {
    public final int attempt;
    public final Duration delay;
    public final Throwable cause;
    Reconnecting(int attempt, Duration delay, Throwable cause) {
      this.attempt = attempt;
      this.delay = delay;
      this.cause = cause;
    }

    @Override public String toString() { return "Reconnecting(" + attempt + ", " + delay.toMillis() + " ms, " + describe(cause) + ")"; }
  }

  public static final class Error extends Event {
    public final Throwable error;
    Error(Throwable error) {
      this.error = error;
    }

    @Override public String toString() { return "Error(" + describe(error) + ")"; }
  }

  public static final class SetupConfirmed extends Event {
    public final SetupRegistration setup;
    public final Envelope reply;
    SetupConfirmed(SetupRegistration setup, Envelope reply) {
      this.setup = setup;
      this.reply = reply;
    }

    @Override public String toString() { return "SetupConfirmed(" + (reply == null ? null : reply.type()) + ")"; }
  }

  public static final class Closed extends Event {
    public final CloseReason reason;
    Closed(CloseReason reason) {
      this.reason = reason;
    }

    @Override public String toString() { return "Closed(" + reason + ")"; }
  }

  /** "Class: message", the message cut at 120 characters (a hostile peer's text can be long). */
  private static String describe(Throwable t) {
    if (t == null) return "null";
    String m = String.valueOf(t.getMessage());
    return t.getClass().getSimpleName() + ": " + (m.length() > 120 ? m.substring(0, 120) + "…" : m);
  }

  // ------------------------------------------------------------------ options

  /**
   * Also appends {@code "name: event"} to {@code journal} for each callback, so a test can check
   * the order across several listeners; {@code name} is this listener's toString().
   */
  public RecordingListener journal(String name, List<String> journal) {
    this.name = name;
    this.journal = journal;
    return this;
  }

  /** From now on, throws {@code t} (a RuntimeException or Error) from callbacks of {@code type}, after recording them; null stops. */
  public RecordingListener throwAfter(Class<? extends Event> type, Throwable t) {
    this.throwAfterType = type;
    this.throwAfterThrowable = t;
    return this;
  }

  /** Messages that match {@code when} go to {@code to} and are not recorded (a flood that would fill the heap). */
  public RecordingListener divertMessages(Predicate<Envelope> when, Consumer<Envelope> to) {
    this.divertWhen = when;
    this.divertTo = to;
    return this;
  }

  @Override public String toString() {
    return name != null ? name : super.toString();
  }

  // ------------------------------------------------------------------ callbacks

  @Override public void onStateChanged(ConnectionState previous, ConnectionState current) {
    record(new State(previous, current));
  }

  @Override public void onMessage(Envelope envelope) {
    Predicate<Envelope> when = divertWhen;
    if (when != null && when.test(envelope)) {
      divertTo.accept(envelope);
      return;
    }
    record(new Message(envelope));
  }

  @Override public void onBinaryMessage(byte[] bytes) {
    record(new Binary(bytes));
  }

  @Override public void onReconnecting(int attempt, Duration delay, SteadySocketException cause) {
    record(new Reconnecting(attempt, delay, cause));
  }

  @Override public void onError(SteadySocketException error) {
    record(new Error(error));
  }

  @Override public void onSetupConfirmed(SetupRegistration setup, Envelope reply) {
    record(new SetupConfirmed(setup, reply));
  }

  @Override public void onClosed(CloseReason reason) {
    record(new Closed(reason));
  }

  private void record(Event e) {
    all.add(e);
    List<String> j = journal;
    if (j != null) j.add(name + ": " + e);
    queue.add(e);
    Throwable t = throwAfterThrowable;
    if (t != null && throwAfterType.isInstance(e)) {
      if (t instanceof RuntimeException) throw (RuntimeException) t;
      throw (java.lang.Error) t;
    }
  }

  // ------------------------------------------------------------------ in order

  public Event next() {
    try {
      Event e = queue.poll(timeoutMillis, TimeUnit.MILLISECONDS);
      if (e == null) fail("no event within " + timeoutMillis + " ms");
      return e;
    } catch (InterruptedException e) {
      throw new AssertionError(e);
    }
  }

  public <T extends Event> T next(Class<T> type) {
    return assertInstanceOf(type, next(), "next event");
  }

  public void assertState(ConnectionState previous, ConnectionState current) {
    State s = next(State.class);
    assertEquals(previous + " -> " + current, s.previous + " -> " + s.current);
  }

  public Envelope assertMessage(String type) {
    Envelope e = next(Message.class).envelope;
    assertEquals(type, e.type());
    return e;
  }

  public <T extends Throwable> T assertError(Class<T> type) {
    return assertInstanceOf(type, next(Error.class).error, "error");
  }

  public Reconnecting assertReconnecting(int attempt) {
    Reconnecting r = next(Reconnecting.class);
    assertEquals(attempt, r.attempt, "attempt");
    return r;
  }

  public SetupConfirmed assertSetupConfirmed(SetupRegistration setup) {
    SetupConfirmed c = next(SetupConfirmed.class);
    assertSame(setup, c.setup, "confirmed registration");
    return c;
  }

  public CloseReason assertClosed() {
    return next(Closed.class).reason;
  }

  /** Nothing is waiting. Callbacks still in flight are not waited for. */
  public void assertExhausted() {
    assertNull(queue.poll(), "unexpected event");
  }

  /** Nothing arrives within {@code millis}. For real-time tests only, as a final check. */
  public void assertNothingWithin(long millis) throws InterruptedException {
    assertNull(queue.poll(millis, TimeUnit.MILLISECONDS), "unexpected event");
  }

  /** The next event, or null if none arrives within {@code millis} (a bounded wait for silence). */
  public Event poll(long millis) throws InterruptedException {
    return queue.poll(millis, TimeUnit.MILLISECONDS);
  }

  // ------------------------------------------------------------------ by search

  /** Skips events until one of {@code type} matches {@code p}; the skipped ones go to {@link #skipped}. */
  public <T extends Event> T await(Class<T> type, Predicate<? super T> p, long timeoutMillis) {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
    List<Event> skippedNow = new ArrayList<>();
    skipped = skippedNow;
    while (true) {
      Event e;
      try {
        // What is queued already is taken even with a timeout of 0 (virtual time).
        e = queue.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
      } catch (InterruptedException ex) {
        Thread.currentThread().interrupt();
        throw new AssertionError(ex);
      }
      if (e == null) {
        if (System.nanoTime() - deadline >= 0) {
          fail("no matching " + type.getSimpleName() + " within " + timeoutMillis + " ms; got " + skippedNow);
        }
        continue;
      }
      if (type.isInstance(e) && p.test(type.cast(e))) return type.cast(e);
      skippedNow.add(e);
    }
  }

  public <T extends Event> T await(Class<T> type, Predicate<? super T> p) {
    return await(type, p, timeoutMillis);
  }

  public State awaitState(ConnectionState state) {
    return await(State.class, s -> s.current == state);
  }

  public State awaitState(ConnectionState state, Duration timeout) {
    return await(State.class, s -> s.current == state, timeout.toMillis());
  }

  public Message awaitMessage(String type) {
    return await(Message.class, m -> m.envelope.type().equals(type));
  }

  /** The next error; fails if it is not a {@code type}. */
  public <T extends Throwable> T awaitError(Class<T> type) {
    return assertInstanceOf(type, await(Error.class, x -> true).error, "error");
  }

  public Closed awaitClosed() {
    return await(Closed.class, x -> true);
  }

  /** Events of {@code type} among the skipped ones. */
  public <T extends Event> List<T> skipped(Class<T> type) {
    List<T> out = new ArrayList<>();
    for (Event e : skipped) if (type.isInstance(e)) out.add(type.cast(e));
    return out;
  }

  // ------------------------------------------------------------------ everything recorded

  /** Events of {@code type} recorded so far, taken or not. */
  public <T extends Event> List<T> recorded(Class<T> type) {
    List<T> out = new ArrayList<>();
    synchronized (all) {
      for (Event e : all) if (type.isInstance(e)) out.add(type.cast(e));
    }
    return out;
  }

  /** What {@code f} makes of each event of {@code type} recorded so far, taken or not. */
  public <T extends Event, R> List<R> recorded(Class<T> type, Function<? super T, R> f) {
    List<R> out = new ArrayList<>();
    for (T e : recorded(type)) out.add(f.apply(e));
    return out;
  }

  /** The errors recorded so far. */
  public List<Throwable> errors() {
    return recorded(Error.class, e -> e.error);
  }

  /** Every event recorded so far, taken or not. */
  public List<Event> recorded() {
    return recorded(Event.class);
  }

  /** The thread of the latest callback, or null if there was none. */
  public Thread lastThread() {
    synchronized (all) {
      return all.isEmpty() ? null : all.get(all.size() - 1).thread;
    }
  }
}
