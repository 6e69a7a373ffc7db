package dev.steadysocket.internal;

import dev.steadysocket.AuthenticationException;
import dev.steadysocket.Backoff;
import dev.steadysocket.Disconnect;
import dev.steadysocket.ReconnectPolicy.Decision;
import dev.steadysocket.SteadySocketException;
import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * The retry decision: given what ended a connection and the reconnect policy's decision, whether
 * to stop or retry, after how long, with a fresh token or not, and at which URL. Pure bookkeeping,
 * no I/O and no clock: the loop owns it (loop thread only) and unit tests drive it directly.
 *
 * <p><b>Invariants, kept here and nowhere else:</b>
 *
 * <ul>
 *   <li><b>No retry without a delay.</b> After an attempt that failed or a connection that did not
 *       reach {@link #connectionStable()} (the minimum uptime), every retry waits at least {@link
 *       Backoff#minimum()}, whatever asked for it: a token refresh, {@code Retry-After: 0}, a
 *       policy's fixed delay.
 *   <li><b>Budgets belong to outages, not connections.</b> The attempt count and the one token
 *       refresh are reset only when a connection stays up for the minimum uptime (the attempt
 *       count also on resume from a pause), so a server that accepts and then rejects the token ends the socket with
 *       {@link AuthenticationException} instead of looping.
 *   <li><b>Delays are bounded.</b> No plan waits longer than {@link #MAX_DELAY}, so a policy's delay
 *       can never overflow the scheduler's arithmetic.
 * </ul>
 */
final class RetryPlanner {
  /** No retry is scheduled further out than this. */
  static final Duration MAX_DELAY = Duration.ofDays(1);

  /** What to do next. Immutable. */
  static final class Plan {
    /** Set when the socket must stop; it then closes with this error. */
    final @Nullable SteadySocketException stop;
    /** The wait before the next attempt (retries only). */
    final Duration delay;
    /** The number of the attempt that follows (retries only), 1 for the first retry of an outage. */
    final int attempt;

    private Plan(@Nullable SteadySocketException stop, Duration delay, int attempt) {
      this.stop = stop;
      this.delay = delay;
      this.attempt = attempt;
    }

    @Override
    public String toString() {
      return stop != null ? "Plan(stop: " + Quiet.message(stop) + ")" : "Plan(retry #" + attempt + " in " + delay + ")";
    }
  }

  private final Backoff backoff;
  private final int maxAttempts;
  private final boolean hasTokenProvider;
  private final int endpoints;

  /** Consecutive failed attempts in the current outage. */
  private int failedAttempts;
  /** Whether this outage's one token refresh was spent. */
  private boolean refreshUsed;
  /** Whether the next attempt must ask the token provider for a fresh token. */
  private boolean refreshNext;
  /** True while the last connection has been up for the minimum uptime (no outage in progress). */
  private boolean stable;
  /** Index of the URL to use, in failover order. */
  private int endpoint;

  /**
   * @param maxAttempts consecutive failed attempts allowed, or -1 for no limit
   * @param endpoints the number of URLs (primary and failover), at least 1
   */
  RetryPlanner(Backoff backoff, int maxAttempts, boolean hasTokenProvider, int endpoints) {
    this.backoff = backoff;
    this.maxAttempts = maxAttempts;
    this.hasTokenProvider = hasTokenProvider;
    this.endpoints = endpoints;
  }

  /** The URL index for the next attempt. */
  int endpoint() {
    return endpoint;
  }

  /**
   * An attempt starts: whatever the last connection was, this one has not proved itself yet.
   *
   * @return whether it must ask for a fresh token (true at most once per refresh decision)
   */
  boolean startAttempt() {
    stable = false;
    boolean r = refreshNext;
    refreshNext = false;
    return r;
  }

  /**
   * How long a connection must stay open to end the outage: the minimum uptime, but never less
   * than the backoff's minimum, so even {@code minimumUptime(ZERO)} cannot turn an accept-then-
   * reject server into a loop without delay.
   */
  long stableAfter(Duration minimumUptime) {
    Duration floor = minimum();
    return LoopTasks.nanos(minimumUptime.compareTo(floor) < 0 ? floor : minimumUptime);
  }

  /** A connection stayed open for the minimum uptime: the outage (if any) is over. */
  void connectionStable() {
    stable = true;
    failedAttempts = 0;
    refreshUsed = false;
  }

  /**
   * The socket resumes after a pause: failures before it say nothing about the new conditions. The
   * token refresh budget is kept: a pause does not make rejected credentials good.
   */
  void resumed() {
    failedAttempts = 0;
  }

  /** Records the end of a connection or attempt and decides what follows. */
  Plan plan(Disconnect d, Decision decision) {
    boolean fast = !stable; // failed, or closed within the minimum uptime
    endpoint = (endpoint + 1) % endpoints; // stays 0 with a single URL
    Duration fixed = decision.delay();
    switch (decision.action()) {
      case STOP:
        SteadySocketException error = decision.error();
        return new Plan(error != null ? error : d.error(), Duration.ZERO, 0);
      case REFRESH_TOKEN_AND_RETRY:
        // A rejected setup message with no token to refresh: retried like any failed connection.
        if (!hasTokenProvider && d.kind() == Disconnect.Kind.SETUP_FAILED) break;
        if (!hasTokenProvider || refreshUsed) return new Plan(authFailure(d), Duration.ZERO, 0);
        refreshUsed = true;
        refreshNext = true;
        fixed = Duration.ZERO;
        break;
      case RETRY:
      default:
        break;
    }
    failedAttempts++;
    if (maxAttempts >= 0 && failedAttempts > maxAttempts) {
      return new Plan(
          Api.get().attemptsExhausted(failedAttempts, maxAttempts, d.error()), Duration.ZERO, 0);
    }
    Duration minimum = minimum();
    Duration delay = fixed != null ? fixed : backoffDelay(failedAttempts, minimum);
    if (fast && delay.compareTo(minimum) < 0) delay = minimum;
    if (delay.compareTo(MAX_DELAY) > 0) delay = MAX_DELAY;
    return new Plan(null, delay, failedAttempts);
  }

  /** The number the next attempt would have; nothing is counted. */
  int nextAttempt() {
    return failedAttempts + 1;
  }

  /** The backoff's delay before the next attempt, at least the floor; nothing is counted. */
  Duration nextDelay() {
    Duration minimum = minimum();
    return backoffDelay(failedAttempts + 1, minimum);
  }

  /**
   * The backoff's floor, which every "no retry without delay" decision rests on. The backoff may
   * be the application's: a {@code minimum()} that throws or is not positive (the builder checked
   * it once) gets the default strategy's floor, 100 ms, instead of closing the socket.
   */
  private Duration minimum() {
    try {
      Duration m = backoff.minimum();
      if (m != null && !m.isNegative() && !m.isZero()) return m;
    } catch (RuntimeException e) {
      // fall through to the default floor
    }
    return Backoff.defaults().minimum();
  }

  /**
   * The backoff's delay, at least its minimum. The backoff may be the application's: one that
   * throws or answers nonsense gets the default strategy's delay for this attempt instead.
   */
  private Duration backoffDelay(int attempt, Duration minimum) {
    Duration d;
    try {
      d = backoff.delay(attempt);
    } catch (RuntimeException e) {
      d = null;
    }
    if (d == null || d.isNegative()) d = Backoff.defaults().delay(attempt);
    return d.compareTo(minimum) < 0 ? minimum : d;
  }

  private static AuthenticationException authFailure(Disconnect d) {
    SteadySocketException error = d.error();
    if (error instanceof AuthenticationException) return (AuthenticationException) error;
    return Api.get().authentication(
        d.httpStatus(), d.closeCode(), "credentials rejected: " + Quiet.message(error));
  }
}
