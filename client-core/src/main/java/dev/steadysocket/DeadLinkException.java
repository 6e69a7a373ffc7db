package dev.steadysocket;

/**
 * The heartbeat found the link dead: nothing, not even a pong, arrived within the heartbeat
 * timeout. The socket replaces the connection.
 *
 * <p>It cancels the dead connection and reconnects with backoff, as for any {@link
 * ConnectionLostException}. No verdict is given while the socket holds the reader back because the
 * listeners are behind, so a slow listener never causes this error. Created by SteadySocket only.
 */
public final class DeadLinkException extends ConnectionLostException {
  private static final long serialVersionUID = 1L;

  DeadLinkException(String message) {
    super(message, null);
  }
}
