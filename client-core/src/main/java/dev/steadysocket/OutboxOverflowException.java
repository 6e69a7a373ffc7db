package dev.steadysocket;

/**
 * The outbox was full. With {@link OutboxPolicy.Overflow#REJECT_NEW} the new message is refused;
 * with {@link OutboxPolicy.Overflow#DROP_OLDEST} the oldest queued message is dropped. Either way
 * the affected send future fails with this, and {@link Metrics#messagesDropped()} counts it. The
 * message names the outbox's limits. Created by SteadySocket only.
 */
public final class OutboxOverflowException extends SteadySocketException {
  private static final long serialVersionUID = 1L;

  OutboxOverflowException(String message) {
    super(message);
  }
}
