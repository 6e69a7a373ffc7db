package dev.steadysocket.testing;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * The kit's one real-time wait, for loopback tests: checks {@code condition} on the waiting
 * thread without holding {@code monitor} (a condition is the test's code and may call anything),
 * and sleeps on {@code monitor} between checks, woken by its notifyAll or after at most 10 ms, so
 * a condition on state nobody notifies for is still seen soon.
 */
final class RealTimeWait {
  /** The longest a wait goes without checking its condition again. */
  private static final long POLL_MILLIS = 10;

  private RealTimeWait() {}

  /**
   * @throws AssertionError naming {@code what} and {@code context}, if {@code timeout} passes first,
   *     or if the thread is interrupted (its interrupt status is kept)
   */
  static void until(Object monitor, BooleanSupplier condition, String what, Duration timeout, Supplier<String> context) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      long left = deadline - System.nanoTime();
      if (left <= 0) throw new AssertionError("timed out after " + timeout + " waiting for " + what + "; " + context.get());
      synchronized (monitor) {
        try {
          monitor.wait(Math.max(1, Math.min(POLL_MILLIS, left / 1_000_000)));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new AssertionError("interrupted waiting for " + what, e);
        }
      }
    }
  }
}
