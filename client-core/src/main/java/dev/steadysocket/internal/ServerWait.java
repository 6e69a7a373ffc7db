package dev.steadysocket.internal;

import dev.steadysocket.Disconnect;
import dev.steadysocket.SteadySocketException;
import org.jspecify.annotations.Nullable;

/**
 * A retry the server imposed: the one planned after it rejected the handshake with a {@code
 * Retry-After}, or with 429 or 503, or closed with 1012 (service restart) or 1013 (try again later).
 * During a deploy a server sheds load this way; an application that reconnects whenever its user
 * comes back would otherwise start a thundering herd. Immutable; {@link ConnectionLoop} holds the
 * current one (see its {@code serverWait} field for the rule it keeps).
 */
final class ServerWait {
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger("dev.steadysocket.SteadySocket");
  /** The loop's {@link LoopTasks#nanoTime()} before which no attempt may start. */
  final long notBefore;
  /** The planned attempt's number and what ended the last connection, to report them again. */
  final int attempt;

  final SteadySocketException cause;

  private ServerWait(long notBefore, int attempt, SteadySocketException cause) {
    this.notBefore = notBefore;
    this.attempt = attempt;
    this.cause = cause;
  }

  /**
   * The wait a retry planned now after {@code d} imposes, or null if {@code d} was no refusal by the
   * server and the application may cut the delay short. After a refusal without a time (1012, 1013,
   * 429 or 503 alone) the delay is the client's backoff, kept all the same: the server asked for
   * less load, and every client cutting its backoff short at once is the load it asked to avoid.
   */
  static @Nullable ServerWait after(Disconnect d, RetryPlanner.Plan plan, long nowNanos) {
    if (!imposedBy(d)) return null;
    return new ServerWait(nowNanos + LoopTasks.nanos(plan.delay), plan.attempt, d.error());
  }

  /**
   * The wait to keep when the socket is paused before the policy decided after {@code d} (the
   * decision is dropped with the pause): the server's Retry-After, or else the backoff's next delay,
   * counted from now, for the next attempt. No attempt is counted for it.
   */
  static ServerWait provisional(Disconnect d, RetryPlanner planner, long nowNanos) {
    java.time.Duration after = d.retryAfter();
    java.time.Duration delay = after != null ? after : planner.nextDelay();
    return new ServerWait(nowNanos + LoopTasks.nanos(delay), planner.nextAttempt(), d.error());
  }

  /** Whether the server asked for the wait that follows {@code d}: the one place that says so. */
  static boolean imposedBy(Disconnect d) {
    switch (d.kind()) {
      case HANDSHAKE_REJECTED:
        return d.retryAfter() != null || d.httpStatus() == 429 || d.httpStatus() == 503;
      case CLOSED_BY_SERVER:
        return d.closeCode() == 1012 || d.closeCode() == 1013;
      default:
        return false;
    }
  }

  /** Whether {@code w}'s wait is still ahead at {@code nowNanos}; if so, the debug log says {@code call} keeps it. */
  static boolean ahead(@Nullable ServerWait w, long nowNanos, String call) {
    long remaining = w == null ? 0 : w.remainingNanos(nowNanos);
    if (remaining <= 0) return false;
    LOG.debug(
        "{} during the wait the server asked for: attempt {} still starts in {} ms", call, w.attempt, remaining / 1_000_000);
    return true;
  }

  /** What is left of the wait at {@code nowNanos}; zero or negative once it is over. */
  long remainingNanos(long nowNanos) {
    return notBefore - nowNanos;
  }
}
