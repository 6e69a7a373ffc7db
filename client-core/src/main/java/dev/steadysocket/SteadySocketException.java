package dev.steadysocket;

import org.jspecify.annotations.Nullable;

/**
 * Base of every error SteadySocket reports, through {@link SteadySocketListener#onError}, a failed
 * send future or {@link CloseReason#error()}. Unchecked, because these arrive asynchronously and are
 * never thrown at the caller of a public method (misuse throws {@link IllegalArgumentException} or
 * {@link IllegalStateException} instead).
 */
public class SteadySocketException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  static {
    ApiBridge.install(); // see dev.steadysocket.internal.Api
  }

  /** An error with {@code message}; for a {@link ReconnectPolicy.Decision#stop(SteadySocketException)}. */
  public SteadySocketException(String message) {
    super(message);
  }

  /** An error with {@code message}, caused by {@code cause} (null if none). */
  public SteadySocketException(String message, @Nullable Throwable cause) {
    super(message, cause);
  }
}
