package dev.steadysocket;

import org.jspecify.annotations.Nullable;

/**
 * Base of every error SteadySocket reports, through {@link SteadySocketListener#onError}, a failed
 * send future or {@link CloseReason#error()}. Unchecked, because these arrive asynchronously. The
 * only public methods that throw one at their caller are {@link Envelope#contentAs(Class)} and its
 * overload ({@link DecodeException}) and the {@link MessageCodec} methods; misuse throws {@link
 * IllegalArgumentException} or {@link IllegalStateException} instead.
 *
 * <p>Reported as this class itself, not a subclass (and not passed to {@link
 * ReconnectPolicy.Decision#stop(SteadySocketException)} by your own policy), it means an unexpected
 * failure inside SteadySocket (a bug: please report it); the socket then closes with it.
 *
 * <p>SteadySocket never modifies an error after creating it, so one may be kept and read from any
 * thread.
 */
public class SteadySocketException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  static {
    ApiBridge.install(); // see dev.steadysocket.internal.Api
  }

  /**
   * An error with {@code message}; for a {@link ReconnectPolicy.Decision#stop(SteadySocketException)}.
   *
   * @param message what went wrong; it reaches logs and {@link CloseReason#reason()}, so it must
   *     not quote secrets
   */
  public SteadySocketException(String message) {
    super(message);
  }

  /**
   * An error with {@code message}, caused by {@code cause} (null if none).
   *
   * @param message what went wrong; it must not quote secrets
   * @param cause the underlying failure, or null if none
   */
  public SteadySocketException(String message, @Nullable Throwable cause) {
    super(message, cause);
  }
}
