package dev.steadysocket.testing;

import dev.steadysocket.CloseReason;
import dev.steadysocket.ConnectionState;
import dev.steadysocket.Envelope;
import dev.steadysocket.SetupRegistration;
import dev.steadysocket.SteadySocketException;
import dev.steadysocket.SteadySocketListener;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/**
 * A listener that records what a socket reports, in order, for assertions: add it with {@code
 * builder.listener(events)}. With an in-memory {@link FakeServer} the callbacks run on the {@link
 * TestClock}, so after {@code clock.runUntilIdle()} everything is here; with a loopback server they
 * arrive on SteadySocket's threads, and the {@code await…} methods wait for them (bounded, without
 * sleeping).
 *
 * <p>Thread-safe: callbacks may come from any thread, and every read may be made from any thread;
 * all records are guarded by one lock, and readers get copies. One instance may listen to several
 * sockets; their events then interleave in the order they were recorded.
 */
public final class SocketEvents implements SteadySocketListener {
  /** One {@link SteadySocketListener#onReconnecting} call. Immutable. */
  public static final class Reconnect {
    private final int attempt;
    private final Duration delay;
    private final SteadySocketException cause;

    Reconnect(int attempt, Duration delay, SteadySocketException cause) {
      this.attempt = attempt;
      this.delay = delay;
      this.cause = cause;
    }

    /**
     * The number of the coming attempt in its outage.
     *
     * @return 1 for the first retry after a disconnect, then 2, 3…
     */
    public int attempt() {
      return attempt;
    }

    /**
     * The wait before the attempt.
     *
     * @return the delay the socket announced (virtual time for a socket on a {@link TestClock})
     */
    public Duration delay() {
      return delay;
    }

    /**
     * Why the socket is reconnecting.
     *
     * @return the error that ended the previous connection or attempt
     */
    public SteadySocketException cause() {
      return cause;
    }

    @Override
    public String toString() {
      return "Reconnect{#" + attempt + " in " + delay + ", " + cause.getClass().getSimpleName() + "}";
    }
  }

  private final Object lock = new Object();
  /** Guarded by lock, like every list and field below: every event in order, as text, for failure messages. */
  private final List<String> log = new ArrayList<>();
  private final List<ConnectionState> states = new ArrayList<>();
  private final List<Envelope> messages = new ArrayList<>();
  private final List<byte[]> binary = new ArrayList<>();
  private final List<Reconnect> reconnects = new ArrayList<>();
  private final List<SteadySocketException> errors = new ArrayList<>();
  private final List<Envelope> setupsConfirmed = new ArrayList<>();
  private @Nullable CloseReason closed;

  @Override
  public void onStateChanged(ConnectionState previous, ConnectionState current) {
    add("state " + previous + " -> " + current, () -> states.add(current));
  }

  @Override
  public void onMessage(Envelope envelope) {
    add("message " + envelope.type(), () -> messages.add(envelope));
  }

  @Override
  public void onBinaryMessage(byte[] bytes) {
    add("binary " + bytes.length + " bytes", () -> binary.add(bytes.clone()));
  }

  @Override
  public void onReconnecting(int attempt, Duration delay, SteadySocketException cause) {
    Reconnect r = new Reconnect(attempt, delay, cause);
    add(r.toString(), () -> reconnects.add(r));
  }

  @Override
  public void onError(SteadySocketException error) {
    add("error " + error.getClass().getSimpleName(), () -> errors.add(error));
  }

  @Override
  public void onSetupConfirmed(SetupRegistration setup, Envelope reply) {
    add("setup confirmed " + reply.type(), () -> setupsConfirmed.add(reply));
  }

  @Override
  public void onClosed(CloseReason reason) {
    add("closed " + reason.code(), () -> closed = reason);
  }

  /**
   * Every callback so far, one line each, in the order they were recorded, across kinds: for
   * asserting how callbacks of different kinds interleave (the typed lists hold their data).
   *
   * @return a new list of lines such as {@code "state IDLE -> CONNECTING"}, {@code "message tick"},
   *     {@code "closed 1000"}
   */
  public List<String> log() {
    return copy(log);
  }

  /**
   * The states the socket moved to, in order (each transition's new state).
   *
   * @return a new list; the initial {@code IDLE} is not in it
   */
  public List<ConnectionState> states() {
    return copy(states);
  }

  /**
   * The last state the socket reported.
   *
   * @return the newest state recorded, or {@code IDLE} before any
   */
  public ConnectionState state() {
    synchronized (lock) {
      return states.isEmpty() ? ConnectionState.IDLE : states.get(states.size() - 1);
    }
  }

  /**
   * Every envelope delivered to the listener, in order (what the socket consumes itself, such as
   * heartbeat echoes, acknowledgements and replies to its requests, never arrives here).
   *
   * @return a new list
   */
  public List<Envelope> messages() {
    return copy(messages);
  }

  /**
   * The envelopes of {@code type}, in order.
   *
   * @param type the type to keep, compared exactly (case-sensitive)
   * @return a new list, empty if none arrived
   */
  public List<Envelope> messages(String type) {
    return messages().stream().filter(e -> e.type().equals(type)).collect(Collectors.toList());
  }

  /**
   * Binary messages, in order.
   *
   * @return a new list of the recorded payloads (copies of what the listener was given; the
   *     arrays themselves are shared with later calls: do not modify them)
   */
  public List<byte[]> binaryMessages() {
    List<byte[]> out = new ArrayList<>();
    for (byte[] b : copy(binary)) out.add(b.clone());
    return out;
  }

  /**
   * Every reconnect announced, in order.
   *
   * @return a new list
   */
  public List<Reconnect> reconnects() {
    return copy(reconnects);
  }

  /**
   * Errors reported with {@code onError}, in order.
   *
   * @return a new list
   */
  public List<SteadySocketException> errors() {
    return copy(errors);
  }

  /**
   * Replies that confirmed setup messages, in order.
   *
   * @return a new list of the replies (not the registrations)
   */
  public List<Envelope> setupsConfirmed() {
    return copy(setupsConfirmed);
  }

  /**
   * How the socket closed.
   *
   * @return the reason given to {@code onClosed}, or null while it has not been called
   */
  public @Nullable CloseReason closeReason() {
    synchronized (lock) {
      return closed;
    }
  }

  /**
   * Waits (real time) until the socket's last reported state is {@code state}; see {@link #await}.
   * A state the socket passed through before the wait ended is missed: wait for where it settles.
   *
   * @param state the state to wait for
   * @param timeout the longest real time to wait
   * @return this, for chaining
   * @throws AssertionError if {@code timeout} passes first, or the thread is interrupted
   */
  public SocketEvents awaitState(ConnectionState state, Duration timeout) {
    return await(e -> e.state() == state, "state " + state, timeout);
  }

  /**
   * Waits (real time) until {@code count} envelopes of {@code type} were delivered; see {@link
   * #await}.
   *
   * @param type the type to count, compared exactly
   * @param count how many in all, those already recorded included
   * @param timeout the longest real time to wait
   * @return this, for chaining
   * @throws AssertionError if {@code timeout} passes first, or the thread is interrupted
   */
  public SocketEvents awaitMessages(String type, int count, Duration timeout) {
    return await(e -> e.messages(type).size() >= count, count + " '" + type + "' messages", timeout);
  }

  /**
   * Waits in real time until {@code condition} holds; for loopback tests (in memory, run the
   * {@link TestClock} instead: nothing moves while the test's thread waits here). The condition is
   * checked now, after each event this recorder records, and at least every 10 ms, so a condition
   * on the application's own state (what a typed handler did) or on the server's is seen soon after
   * it becomes true.
   *
   * @param condition checked on the waiting thread, without this recorder's lock: it may read this
   *     object, the application and the server, and should be quick
   * @param what what is awaited, for the failure message
   * @param timeout the longest real time to wait; zero or negative checks once
   * @return this, for chaining
   * @throws AssertionError naming {@code what} and the events so far, if {@code timeout} passes
   *     first; also if the thread is interrupted (its interrupt status is kept)
   */
  public SocketEvents await(Predicate<SocketEvents> condition, String what, Duration timeout) {
    RealTimeWait.until(lock, () -> condition.test(this), what, timeout, () -> "events: " + this);
    return this;
  }

  @Override
  public String toString() {
    synchronized (lock) {
      return "SocketEvents" + log;
    }
  }

  private void add(String line, Runnable record) {
    synchronized (lock) {
      log.add(line);
      record.run();
      lock.notifyAll();
    }
  }

  private <T> List<T> copy(List<T> list) {
    synchronized (lock) {
      return new ArrayList<>(list);
    }
  }
}
