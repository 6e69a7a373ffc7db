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
   * The wait a retry planned now after {@code d} imposes, or null if the delay is the client's own
   * (backoff, a policy's choice for another disconnect) and the application may cut it short.
   */
  static @Nullable ServerWait after(Disconnect d, RetryPlanner.Plan plan, long nowNanos) {
    if (!imposedBy(d)) return null;
    return new ServerWait(nowNanos + LoopTasks.nanos(plan.delay), plan.attempt, d.error());
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

  /** What is left of the wait at {@code nowNanos}; zero or negative once it is over. */
  long remainingNanos(long nowNanos) {
    return notBefore - nowNanos;
  }
}
