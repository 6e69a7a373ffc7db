package dev.steadysocket;

import java.time.Duration;
import java.util.Random;
import java.util.concurrent.ThreadLocalRandom;
import org.jspecify.annotations.Nullable;

/**
 * The default {@link Backoff}: delays that grow exponentially up to a cap, with full jitter above a
 * floor. Immutable and thread-safe; safe to share between sockets. Create one with {@link
 * Backoff#exponential} or {@link Backoff#defaults}.
 *
 * <p>The default, {@code exponential(1 s, 30 s)}, waits a random time in {@code [100 ms, min(30 s, 1 s ×
 * 2^(n-1))]} ("full jitter" above a floor), so a thousand clients dropped by one server restart
 * spread their retries instead of arriving together. The attempt counter restarts at 1 only after a
 * connection has stayed open for the socket's minimum uptime (or the socket resumes from a pause).
 *
 * <p>The floor, {@link #minimum()}, is also the least time a socket waits before any retry after an
 * attempt that failed or a connection that closed within the minimum uptime, whatever asked for
 * the retry (a token refresh, a server's {@code Retry-After: 0}, a reconnect policy's {@code
 * retryAfter(Duration.ZERO)}): a server that rejects every connection at once can never make a
 * socket retry in a tight loop.
 */
public final class ExponentialBackoff implements Backoff {
  private static final Duration MAX_FLOOR = Duration.ofMillis(100);
  private static final Duration MAX_CAP = Duration.ofDays(365);

  private final Duration initial;
  private final Duration max;
  private final double multiplier;
  private final boolean jitter;
  private final @Nullable Random random;

  private ExponentialBackoff(
      Duration initial, Duration max, double multiplier, boolean jitter, @Nullable Random random) {
    this.initial = initial;
    this.max = max;
    this.multiplier = multiplier;
    this.jitter = jitter;
    this.random = random;
  }

  /**
   * Doubles from {@code initial} per attempt up to {@code max}, with full jitter.
   *
   * @throws IllegalArgumentException if {@code initial} is not positive, {@code max < initial} or
   *     {@code max} exceeds 365 days
   */
  static ExponentialBackoff of(Duration initial, Duration max) {
    if (initial.isNegative() || initial.isZero()) {
      throw new IllegalArgumentException("initial <= 0: " + initial + " (retries need a delay)");
    }
    if (max.compareTo(MAX_CAP) > 0) throw new IllegalArgumentException("max > 365 days: " + max);
    if (max.compareTo(initial) < 0) {
      throw new IllegalArgumentException("max < initial: " + max + " < " + initial);
    }
    return new ExponentialBackoff(initial, max, 2.0, true, null);
  }

  /**
   * A copy that grows by {@code multiplier} per attempt instead of 2.
   *
   * @param multiplier the factor between the ceilings of consecutive attempts; 1.0 keeps them all
   *     at {@code initial}
   * @return a new backoff with this multiplier and this one's other settings
   * @throws IllegalArgumentException if {@code multiplier} is below 1.0 (or NaN)
   */
  public ExponentialBackoff withMultiplier(double multiplier) {
    if (!(multiplier >= 1.0)) throw new IllegalArgumentException("multiplier < 1: " + multiplier);
    return new ExponentialBackoff(initial, max, multiplier, jitter, random);
  }

  /**
   * A copy that always waits the full computed delay. Only sensible for a handful of clients.
   *
   * @return a new backoff whose {@link #delay} is always {@link #ceiling}
   */
  public ExponentialBackoff withoutJitter() {
    return new ExponentialBackoff(initial, max, multiplier, false, random);
  }

  /**
   * A copy that draws its jitter from {@code random} (a seeded one makes delays repeatable). The
   * {@link Random} is then shared by every socket using this backoff; {@code java.util.Random} is
   * thread-safe.
   *
   * @param random the source of jitter; without one, {@code ThreadLocalRandom} is used
   * @return a new backoff drawing from {@code random}
   */
  public ExponentialBackoff withRandom(Random random) {
    return new ExponentialBackoff(initial, max, multiplier, jitter, java.util.Objects.requireNonNull(random, "random == null"));
  }

  /**
   * The delay before attempt {@code attempt} (1-based), jitter applied: in [minimum, ceiling].
   * With jitter the delay is uniform over the whole milliseconds of that range.
   *
   * @param attempt the attempt number, 1 or more
   * @return the delay, at least {@link #minimum()} and at most {@link #ceiling ceiling(attempt)}
   * @throws IllegalArgumentException if {@code attempt} is below 1
   */
  @Override
  public Duration delay(int attempt) {
    Duration ceiling = ceiling(attempt);
    long floor = minimum().toNanos();
    long span = ceiling.toNanos() - floor;
    if (!jitter || span <= 0) return ceiling;
    Random r = random != null ? random : ThreadLocalRandom.current();
    // nextDouble() is in [0, 1): uniform over the whole milliseconds of [floor, ceiling].
    long millis = (long) (r.nextDouble() * (span / 1_000_000 + 1));
    return Duration.ofNanos(floor + millis * 1_000_000);
  }

  /**
   * The least delay this backoff returns, and the least wait before a retry after a failed attempt
   * (see the class comment): {@code min(initial, 100 ms)}.
   *
   * @return {@code min(initial, 100 ms)}
   */
  @Override
  public Duration minimum() {
    return initial.compareTo(MAX_FLOOR) < 0 ? initial : MAX_FLOOR;
  }

  /**
   * The upper bound of {@link #delay} for {@code attempt}: {@code min(max, initial × m^(attempt-1))}.
   *
   * @param attempt the attempt number, 1 or more
   * @return {@code min(max, initial × multiplier^(attempt-1))}
   * @throws IllegalArgumentException if {@code attempt} is below 1
   */
  public Duration ceiling(int attempt) {
    if (attempt < 1) throw new IllegalArgumentException("attempt < 1: " + attempt);
    double nanos = initial.toNanos() * Math.pow(multiplier, attempt - 1);
    return nanos >= max.toNanos() ? max : Duration.ofNanos((long) nanos);
  }

  /**
   * The ceiling of the first retry's delay.
   *
   * @return the {@code initial} given to {@link Backoff#exponential}
   */
  public Duration initial() {
    return initial;
  }

  /**
   * The cap: no delay is longer.
   *
   * @return the {@code max} given to {@link Backoff#exponential}
   */
  @Override
  public Duration max() {
    return max;
  }

  @Override
  public String toString() {
    return "Backoff.exponential(" + initial + ", " + max + ", ×" + multiplier
        + (jitter ? ", full jitter)" : ", no jitter)");
  }
}
