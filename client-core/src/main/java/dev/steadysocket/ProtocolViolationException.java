package dev.steadysocket;

import org.jspecify.annotations.Nullable;

/**
 * One side broke the WebSocket protocol: the server closed with 1002, 1003, 1007, 1009 or 1010,
 * sent a malformed frame, or answered the handshake with a 101 whose headers are wrong. Retrying
 * would only repeat it, so this is terminal by default.
 */
public final class ProtocolViolationException extends SteadySocketException {
  private static final long serialVersionUID = 1L;
  private final int closeCode;

  ProtocolViolationException(int closeCode, String message, @Nullable Throwable cause) {
    super(message, cause);
    this.closeCode = closeCode;
  }

  /** The close code the server sent, or -1 if the violation was detected locally. */
  public int closeCode() {
    return closeCode;
  }
}
