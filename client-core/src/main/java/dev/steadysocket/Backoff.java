package dev.steadysocket;

import java.time.Duration;
import java.util.Random;
import java.util.concurrent.ThreadLocalRandom;
import org.jspecify.annotations.Nullable;

/**
 * How long to wait before reconnect attempt {@code n}. Immutable; safe to share between sockets.
 *
 * <p>The default, {@code exponential(1 s, 30 s)}, waits a random time in {@code [0, min(30 s, 1 s ×
 * 2^(n-1))]} ("full jitter"), so a thousand clients dropped by one server restart spread their
 * retries instead of arriving together. The attempt counter restarts at 1 only after a connection
 * has stayed open for the socket's minimum uptime.
 */
public final class Backoff {
  private final Duration initial;
  private final Duration max;
  private final double multiplier;
  private final boolean jitter;
  private final @Nullable Random random;

  private Backoff(
      Duration initial, Duration max, double multiplier, boolean jitter, @Nullable Random random) {
    this.initial = initial;
    this.max = max;
    this.multiplier = multiplier;
    this.jitter = jitter;
    this.random = random;
  }

  /** {@code exponential(1 s, 30 s)}. */
  public static Backoff defaults() {
    return exponential(Duration.ofSeconds(1), Duration.ofSeconds(30));
  }

  /**
   * Doubles from {@code initial} per attempt up to {@code max}, with full jitter.
   *
   * @throws IllegalArgumentException if {@code initial} is negative or {@code max < initial}
   */
  public static Backoff exponential(Duration initial, Duration max) {
    if (initial.isNegative()) throw new IllegalArgumentException("initial < 0: " + initial);
    if (max.compareTo(initial) < 0) {
      throw new IllegalArgumentException("max < initial: " + max + " < " + initial);
    }
    return new Backoff(initial, max, 2.0, true, null);
  }

  /** A copy that grows by {@code multiplier} (at least 1.0) per attempt instead of 2. */
  public Backoff multiplier(double multiplier) {
    if (!(multiplier >= 1.0)) throw new IllegalArgumentException("multiplier < 1: " + multiplier);
    return new Backoff(initial, max, multiplier, jitter, random);
  }

  /** A copy that always waits the full computed delay. Only sensible for a handful of clients. */
  public Backoff withoutJitter() {
    return new Backoff(initial, max, multiplier, false, random);
  }

  /** A copy that draws its jitter from {@code random} (a seeded one makes delays repeatable). */
  public Backoff withRandom(Random random) {
    return new Backoff(initial, max, multiplier, jitter, random);
  }

  /** The delay before attempt {@code attempt} (1-based), jitter applied. */
  public Duration delay(int attempt) {
    long ceiling = ceiling(attempt).toMillis();
    if (!jitter || ceiling == 0) return Duration.ofMillis(ceiling);
    Random r = random != null ? random : ThreadLocalRandom.current();
    // nextDouble() is in [0, 1), so this is uniform over the whole milliseconds in [0, ceiling].
    return Duration.ofMillis((long) (r.nextDouble() * (ceiling + 1)));
  }

  /** The upper bound of {@link #delay} for {@code attempt}: {@code min(max, initial × m^(attempt-1))}. */
  public Duration ceiling(int attempt) {
    if (attempt < 1) throw new IllegalArgumentException("attempt < 1: " + attempt);
    double millis = initial.toMillis() * Math.pow(multiplier, attempt - 1);
    return millis >= max.toMillis() ? max : Duration.ofMillis((long) millis);
  }

  public Duration initial() {
    return initial;
  }

  public Duration max() {
    return max;
  }

  @Override
  public String toString() {
    return "Backoff.exponential(" + initial + ", " + max + ", ×" + multiplier
        + (jitter ? ", full jitter)" : ", no jitter)");
  }
}
