package dev.steadysocket;

/**
 * The socket is closed (or closing): the message was not and will not be sent. Sends after {@link
 * SteadySocket#close()}, and messages still queued when the socket closes, fail with this.
 *
 * <p>So do, in acknowledgement mode, messages written but not yet acknowledged at CLOSED (the
 * server may have received them), and requests still awaiting a reply at CLOSED. Created by
 * SteadySocket only.
 */
public final class SocketClosedException extends SteadySocketException {
  private static final long serialVersionUID = 1L;

  SocketClosedException(String message) {
    super(message);
  }
}
