package dev.steadysocket;

/**
 * The server answered the WebSocket handshake with an HTTP status other than 101 (a redirect
 * included: redirects are never followed). Whether the socket retries depends on the status (see
 * {@link ReconnectPolicy#defaults()}). Created by SteadySocket only.
 */
public final class HandshakeException extends SteadySocketException {
  private static final long serialVersionUID = 1L;
  private final int statusCode;

  HandshakeException(int statusCode, String message) {
    super(message);
    this.statusCode = statusCode;
  }

  /** The HTTP status code of the handshake response, e.g. 404. */
  public int statusCode() {
    return statusCode;
  }
}
