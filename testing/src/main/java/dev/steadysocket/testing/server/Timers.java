package dev.steadysocket.testing.server;

import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Runs a {@link FeedProtocol}'s timers (the resume grace, delayed acks): real time, or a test's virtual
 * clock. Called from sessions' threads, possibly several at once.
 */
public interface Timers {
  /**
   * Runs {@code task} once after {@code delay}.
   *
   * @param task the work, run on the timers' own thread (or the clock's)
   * @param delay how long to wait; zero or negative runs it as soon as possible
   * @return a handle that calls the task off if it has not started; running it again is harmless
   */
  Runnable schedule(Runnable task, Duration delay);

  /**
   * Timers on {@code executor} (owned by the caller).
   *
   * @param executor runs the tasks; the caller shuts it down, after which tasks are refused
   * @return timers that schedule on {@code executor}
   */
  static Timers of(ScheduledExecutorService executor) {
    return (task, delay) -> {
      ScheduledFuture<?> f = executor.schedule(task, delay.toNanos(), TimeUnit.NANOSECONDS);
      return () -> f.cancel(false);
    };
  }
}
