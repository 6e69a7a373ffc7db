package dev.steadysocket;

/**
 * The server rejected the credentials: HTTP 401 or 403 on the handshake, close code 1008 (policy
 * violation) on an open connection, or a token that HTTP headers cannot carry. With a {@link
 * TokenProvider} the socket asks it once per outage for a fresh token before giving up with this
 * error; without one it gives up at once. Created by SteadySocket only.
 */
public final class AuthenticationException extends SteadySocketException {
  private static final long serialVersionUID = 1L;
  /** The handshake's HTTP status (401 or 403), or -1. */
  private final int statusCode;
  /** The close code (1008), or -1. */
  private final int closeCode;

  AuthenticationException(int statusCode, int closeCode, String message) {
    super(message);
    this.statusCode = statusCode;
    this.closeCode = closeCode;
  }

  /**
   * The handshake's HTTP status, if the rejection came as one.
   *
   * @return 401 or 403, or -1 if the rejection was a close frame or an unusable token
   */
  public int statusCode() {
    return statusCode;
  }

  /**
   * The WebSocket close code, if the rejection came as a close frame.
   *
   * @return 1008, or -1 if the rejection was an HTTP status or an unusable token
   */
  public int closeCode() {
    return closeCode;
  }
}
