package dev.steadysocket;

/** A message is larger than the outbox byte limit or the transport can accept in one frame. The send future fails with this; nothing is queued. */
public final class MessageTooLargeException extends SteadySocketException {
  private static final long serialVersionUID = 1L;

  MessageTooLargeException(String message) {
    super(message);
  }
}
