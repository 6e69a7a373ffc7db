package dev.steadysocket.android;

import java.time.Duration;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * What an attached socket does while no activity of the app is started (the app is in the
 * background). Immutable and thread-safe; pass it to {@link AndroidSteadySocket#attach}.
 */
public final class BackgroundPolicy {
  private static final BackgroundPolicy KEEP_ALIVE = new BackgroundPolicy(null);

  /** Null for keep-alive; otherwise how long the app may stay in the background before pausing. */
  private final @Nullable Duration grace;

  private BackgroundPolicy(@Nullable Duration grace) {
    this.grace = grace;
  }

  /**
   * Stay connected in the background. Android may still freeze or kill the process; use a
   * foreground service if the connection must outlive the UI.
   *
   * @return the policy that never pauses for the background
   */
  public static BackgroundPolicy keepAlive() {
    return KEEP_ALIVE;
  }

  /**
   * Pause the socket (pause reason {@code "background"}) once the app has stayed in the
   * background for {@code grace}; resume and connect at once when an activity starts again. A
   * grace of a few seconds rides out rotations and short trips to another app.
   *
   * @param grace how long the app may stay in the background before the socket is paused; zero
   *     pauses as soon as the last activity stops (rotations excepted)
   * @return a policy that pauses in the background after {@code grace}
   * @throws IllegalArgumentException if {@code grace} is negative
   */
  public static BackgroundPolicy disconnectInBackground(Duration grace) {
    Objects.requireNonNull(grace, "grace == null");
    if (grace.isNegative()) throw new IllegalArgumentException("grace < 0: " + grace);
    return new BackgroundPolicy(grace);
  }

  /** The grace period, or null when the socket is kept alive in the background. */
  @Nullable Duration grace() {
    return grace;
  }

  @Override
  public boolean equals(@Nullable Object o) {
    return o instanceof BackgroundPolicy && Objects.equals(grace, ((BackgroundPolicy) o).grace);
  }

  @Override
  public int hashCode() {
    return Objects.hashCode(grace);
  }

  @Override
  public String toString() {
    return grace == null ? "keepAlive" : "disconnectInBackground(" + grace + ")";
  }
}
