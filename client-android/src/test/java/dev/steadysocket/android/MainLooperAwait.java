package dev.steadysocket.android;

import android.os.Looper;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.robolectric.shadow.api.Shadow;
import org.robolectric.shadows.ShadowPausedLooper;

/**
 * Waits, on the test (main) thread, for work other threads post to the main looper. Runs what is
 * queued, then blocks until something new is posted (never a fixed sleep), up to a deadline.
 */
final class MainLooperAwait {
  static final long TIMEOUT_MILLIS = 10_000;

  private MainLooperAwait() {}

  static void until(String what, BooleanSupplier condition) {
    ShadowPausedLooper looper = Shadow.extract(Looper.getMainLooper());
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(TIMEOUT_MILLIS);
    while (true) {
      looper.idle();
      if (condition.getAsBoolean()) return;
      long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
      if (left <= 0) throw new AssertionError("timed out waiting for " + what);
      looper.poll(left); // returns as soon as a message is posted
    }
  }
}
