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
 * <p>Thread-safe: callbacks may come from any thread; readers get copies.
 */
public final class SocketEvents implements SteadySocketListener {
  /** One {@link SteadySocketListener#onReconnecting} call. */
  public static final class Reconnect {
    private final int attempt;
    private final Duration delay;
    private final SteadySocketException cause;

    Reconnect(int attempt, Duration delay, SteadySocketException cause) {
      this.attempt = attempt;
      this.delay = delay;
      this.cause = cause;
    }

    /** 1 for the first retry after a disconnect, then 2, 3… */
    public int attempt() {
      return attempt;
    }

    /** The wait before the attempt. */
    public Duration delay() {
      return delay;
    }

    /** Why the socket is reconnecting. */
    public SteadySocketException cause() {
      return cause;
    }

    @Override
    public String toString() {
      return "Reconnect{#" + attempt + " in " + delay + ", " + cause.getClass().getSimpleName() + "}";
    }
  }

  private final Object lock = new Object();
  /** Guarded by lock; every event in order, as text, for failure messages. */
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

  /** The states the socket moved to, in order (each transition's new state). */
  public List<ConnectionState> states() {
    return copy(states);
  }

  /** The last state the socket reported, or IDLE before any. */
  public ConnectionState state() {
    synchronized (lock) {
      return states.isEmpty() ? ConnectionState.IDLE : states.get(states.size() - 1);
    }
  }

  /** Every envelope delivered to the listener, in order. */
  public List<Envelope> messages() {
    return copy(messages);
  }

  /** The envelopes of {@code type}, in order. */
  public List<Envelope> messages(String type) {
    return messages().stream().filter(e -> e.type().equals(type)).collect(Collectors.toList());
  }

  /** Binary messages, in order. */
  public List<byte[]> binaryMessages() {
    return copy(binary);
  }

  /** Every reconnect announced, in order. */
  public List<Reconnect> reconnects() {
    return copy(reconnects);
  }

  /** Errors reported with {@code onError}, in order. */
  public List<SteadySocketException> errors() {
    return copy(errors);
  }

  /** Replies that confirmed setup messages, in order. */
  public List<Envelope> setupsConfirmed() {
    return copy(setupsConfirmed);
  }

  /** How the socket closed, or null while it has not. */
  public @Nullable CloseReason closeReason() {
    synchronized (lock) {
      return closed;
    }
  }

  /** Waits (real time) until the socket reports {@code state}; see {@link #await}. */
  public SocketEvents awaitState(ConnectionState state, Duration timeout) {
    return await(e -> e.state() == state, "state " + state, timeout);
  }

  /** Waits (real time) until {@code count} envelopes of {@code type} were delivered. */
  public SocketEvents awaitMessages(String type, int count, Duration timeout) {
    return await(e -> e.messages(type).size() >= count, count + " '" + type + "' messages", timeout);
  }

  /**
   * Waits in real time, without polling, until {@code condition} holds for these events; for
   * loopback tests (in memory, run the {@link TestClock} instead).
   *
   * @throws AssertionError naming {@code what} and the events so far, if {@code timeout} passes first
   */
  public SocketEvents await(Predicate<SocketEvents> condition, String what, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    synchronized (lock) {
      while (!condition.test(this)) {
        long left = deadline - System.nanoTime();
        if (left <= 0) throw new AssertionError("timed out after " + timeout + " waiting for " + what + "; events: " + log);
        try {
          lock.wait(Math.max(1, left / 1_000_000));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new AssertionError("interrupted waiting for " + what, e);
        }
      }
    }
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
