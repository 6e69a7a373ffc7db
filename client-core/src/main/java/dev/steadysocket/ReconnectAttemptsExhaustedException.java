package dev.steadysocket;

import org.jspecify.annotations.Nullable;

/**
 * The configured maximum number of reconnect attempts ({@link
 * SteadySocketBuilder#maxReconnectAttempts}) was used up. The cause is the last failure. Terminal:
 * the socket closes with this error, and its {@link CloseReason#code()} is -1. Created by
 * SteadySocket only.
 */
public final class ReconnectAttemptsExhaustedException extends SteadySocketException {
  private static final long serialVersionUID = 1L;

  /** Consecutive failures, the first included. */
  private final int attempts;

  ReconnectAttemptsExhaustedException(
      int attempts, int maxReconnectAttempts, @Nullable Throwable lastFailure) {
    super(
        "gave up after " + attempts + " consecutive failed connection attempts (the first and "
            + maxReconnectAttempts + " reconnects)",
        lastFailure);
    this.attempts = attempts;
  }

  /**
   * How many consecutive attempts failed, the first one included.
   *
   * @return the failures in the outage: the one that started it, then one per reconnect attempt,
   *     so the configured maximum plus one
   */
  public int attempts() {
    return attempts;
  }
}
