package dev.steadysocket;

import org.jspecify.annotations.Nullable;

/**
 * One side broke the WebSocket protocol: the server closed with 1002, 1003, 1007, 1009 or 1010,
 * sent a malformed frame, or answered the handshake with a 101 whose headers are wrong. Retrying
 * would only repeat it, so this is terminal by default.
 *
 * <p>Also: a server that chose a subprotocol that was not offered, or none when {@link
 * SteadySocketBuilder#subprotocols} were offered; and a server that sends pings faster than it
 * reads the pongs (1,024 owed, not drained within 5 s), which the socket closes with 1008. Created
 * by SteadySocket only.
 */
public final class ProtocolViolationException extends SteadySocketException {
  private static final long serialVersionUID = 1L;
  /** The close code involved, or -1. */
  private final int closeCode;

  ProtocolViolationException(int closeCode, String message, @Nullable Throwable cause) {
    super(message, cause);
    this.closeCode = closeCode;
  }

  /**
   * The close code of the violation.
   *
   * @return the code the server closed with (1002, 1003, 1007, 1009 or 1010); the code the socket
   *     closed with when it refused what the server sent (1002 for a malformed compressed message,
   *     1008 for a ping flood); or -1 for a violation found in the handshake or by OkHttp's frame
   *     reader
   */
  public int closeCode() {
    return closeCode;
  }
}
