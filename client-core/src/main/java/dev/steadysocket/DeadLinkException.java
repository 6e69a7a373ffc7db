package dev.steadysocket;

/** The heartbeat found the link dead: nothing, not even a pong, arrived within the heartbeat timeout. The socket replaces the connection. */
public final class DeadLinkException extends ConnectionLostException {
  private static final long serialVersionUID = 1L;

  DeadLinkException(String message) {
    super(message, null);
  }
}
