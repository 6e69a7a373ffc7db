package dev.steadysocket.internal;

/**
 * Time and the serial thread of a {@link ConnectionLoop}. The real one runs on a shared daemon
 * thread; tests use a fake that advances virtual time, so backoff, heartbeats and timeouts are
 * tested without sleeping. Every clock the core reads comes from here, wall time included.
 */
public interface Scheduler {
  /** Monotonic time in nanoseconds, like {@link System#nanoTime()}. Any thread may call it. */
  long nanoTime();

  /** Wall-clock time in epoch milliseconds, like {@link System#currentTimeMillis()}. Any thread. */
  long currentTimeMillis();

  /**
   * True for a test's virtual clock: the socket then stamps an envelope whose timestamp {@code
   * Envelope.builder} preset with this clock's time when it sends it, so what a test sees follows
   * virtual time. The real scheduler answers false: in production the app's envelope goes out as
   * built, its creation time kept (equal envelopes, equal frames).
   */
  default boolean virtual() {
    return true;
  }

  /**
   * Runs {@code task} soon, after every task submitted before it. Any thread may call it.
   *
   * @return false if the scheduler no longer runs tasks (its socket is closed)
   */
  boolean execute(Runnable task);

  /** Runs {@code task} after {@code delayNanos}, serially with the other tasks. Any thread. */
  Cancellable schedule(Runnable task, long delayNanos);

  /** A scheduled task that can be called off. */
  interface Cancellable {
    /** Prevents the task from running if it has not started. Idempotent. */
    void cancel();
  }
}
