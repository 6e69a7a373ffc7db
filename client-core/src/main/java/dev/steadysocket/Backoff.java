package dev.steadysocket;

import java.time.Duration;

/**
 * How long a socket waits before reconnect attempt {@code n}. The default, {@link #defaults()}, is
 * an {@link ExponentialBackoff}; implement this interface for another strategy. Implementations
 * must be thread-safe: one instance may serve many sockets, each calling it on SteadySocket's
 * loop thread, so {@link #delay} must be fast and must not block.
 *
 * <p>Whatever the strategy, a socket never retries sooner than {@link #minimum()} after an attempt
 * that failed or a connection that closed within its minimum uptime (see the invariants in
 * docs/threading.md), and a server's {@code Retry-After} is honoured up to {@link #max()} unless the
 * builder sets another ceiling.
 */
public interface Backoff {
  /**
   * The delay before attempt {@code attempt}, counted from 1 for the first retry of an outage.
   * Should lie in [{@link #minimum()}, {@link #max()}]; a shorter delay is raised to the minimum.
   * If it throws, or returns null or a negative delay, the socket uses {@link #defaults()}'s delay
   * for that attempt; no delay longer than one day is ever waited.
   *
   * @param attempt the attempt number, 1 or more; it starts over after a connection stays open
   *     for the socket's minimum uptime or the socket resumes from a pause
   * @return how long to wait before that attempt
   */
  Duration delay(int attempt);

  /**
   * The least delay before a retry after a failed attempt; must be positive. It is read when the
   * strategy is given to {@link SteadySocketBuilder#backoff} and at every retry.
   *
   * @return a positive duration, the floor of every retry after a failure
   */
  Duration minimum();

  /**
   * The longest delay this strategy asks for; the default ceiling on {@code Retry-After}.
   *
   * @return the cap of {@link #delay}, also used by {@link SteadySocketBuilder#maxRetryAfter}'s
   *     default
   */
  Duration max();

  /**
   * {@code exponential(1 s, 30 s)}: a random delay in [100 ms, min(30 s, 1 s × 2^(n-1))].
   *
   * @return a new default backoff; equal in behaviour to the one sockets use when none is set
   */
  static ExponentialBackoff defaults() {
    return ExponentialBackoff.of(Duration.ofSeconds(1), Duration.ofSeconds(30));
  }

  /**
   * Doubles from {@code initial} per attempt up to {@code max}, with full jitter above a floor of
   * min(initial, 100 ms); see {@link ExponentialBackoff}.
   *
   * @param initial the ceiling of the first retry's delay; positive
   * @param max the cap on every delay, from {@code initial} to 365 days
   * @return an immutable backoff, shareable between sockets
   * @throws IllegalArgumentException if {@code initial} is not positive, {@code max < initial} or
   *     {@code max} exceeds 365 days
   */
  static ExponentialBackoff exponential(Duration initial, Duration max) {
    return ExponentialBackoff.of(initial, max);
  }
}
