package dev.steadysocket;

/**
 * A message is too large, in either direction.
 *
 * <p>Outbound: a message is larger than the outbox byte limit ({@link OutboxPolicy#maxBytes()}) or
 * the transport can accept in one frame (16 MiB less 1 KiB). The send future fails with this,
 * at once; nothing is queued.
 *
 * <p>Inbound: the server sent a message larger than {@link
 * SteadySocketBuilder#maxInboundMessageSize} (counted in inflated bytes when compressed). It is
 * refused before it is buffered, the connection is closed with 1009, this error goes to {@link
 * SteadySocketListener#onError}, and the socket reconnects with backoff. Created by SteadySocket
 * only.
 */
public final class MessageTooLargeException extends SteadySocketException {
  private static final long serialVersionUID = 1L;

  MessageTooLargeException(String message) {
    super(message);
  }
}
