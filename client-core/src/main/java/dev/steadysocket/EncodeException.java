package dev.steadysocket;

import org.jspecify.annotations.Nullable;

/** An envelope could not be encoded (its content is not serializable by the codec). The send future fails with this; nothing is queued. */
public final class EncodeException extends SteadySocketException {
  private static final long serialVersionUID = 1L;

  public EncodeException(String message, @Nullable Throwable cause) {
    super(message, cause);
  }
}
