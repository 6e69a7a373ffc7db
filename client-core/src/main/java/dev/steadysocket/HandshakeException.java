package dev.steadysocket;

/**
 * The server answered the WebSocket handshake with an HTTP status other than 101 (a redirect
 * included: redirects are never followed). Whether the socket retries depends on the status (see
 * {@link ReconnectPolicy#defaults()}). Created by SteadySocket only.
 */
public final class HandshakeException extends SteadySocketException {
  private static final long serialVersionUID = 1L;
  /** The handshake response's HTTP status. */
  private final int statusCode;

  HandshakeException(int statusCode, String message) {
    super(message);
    this.statusCode = statusCode;
  }

  /**
   * The HTTP status code of the handshake response, e.g. 404.
   *
   * @return the status: anything but 101 (a bad 101 is a {@link ProtocolViolationException}) and
   *     401 or 403 (an {@link AuthenticationException})
   */
  public int statusCode() {
    return statusCode;
  }
}
