package dev.steadysocket;

import org.jspecify.annotations.Nullable;

/** The configured maximum number of reconnect attempts was used up. The cause is the last failure. Terminal. */
public final class ReconnectAttemptsExhaustedException extends SteadySocketException {
  private static final long serialVersionUID = 1L;

  private final int attempts;

  ReconnectAttemptsExhaustedException(
      int attempts, int maxReconnectAttempts, @Nullable Throwable lastFailure) {
    super(
        "gave up after " + attempts + " consecutive failed connection attempts (the first and "
            + maxReconnectAttempts + " reconnects)",
        lastFailure);
    this.attempts = attempts;
  }

  /** How many consecutive attempts failed, the first one included. */
  public int attempts() {
    return attempts;
  }
}
