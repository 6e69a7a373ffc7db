package dev.steadysocket;

/**
 * The server rejected our credentials: HTTP 401 or 403 on the handshake, or close code 1008
 * (policy violation) on an open connection. If a {@link TokenProvider} is configured the socket
 * asks it once for a fresh token before giving up with this error.
 */
public final class AuthenticationException extends HandshakeException {
  private static final long serialVersionUID = 1L;
  private final int closeCode;

  public AuthenticationException(int statusCode, int closeCode, String message) {
    super(statusCode, message);
    this.closeCode = closeCode;
  }

  /** The WebSocket close code (1008) if the rejection came as a close frame, otherwise -1. */
  public int closeCode() {
    return closeCode;
  }
}
