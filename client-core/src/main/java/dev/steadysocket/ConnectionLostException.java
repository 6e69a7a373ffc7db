package dev.steadysocket;

import org.jspecify.annotations.Nullable;

/**
 * A connection attempt or an open connection failed at the transport level (I/O error, DNS
 * failure, timeout, or the server closed it with a code that means "try again"). The socket
 * reconnects unless the reconnect policy decides otherwise.
 *
 * <p>Also used when the connect timeout passed (the message says whether the handshake or the
 * {@link TokenProvider} was too slow), when the token provider threw an {@link
 * java.io.IOException}, and, for requests that {@link RequestRetention#FAIL} fails, when {@link
 * SteadySocket#pause} or {@link SteadySocket#replaceConnection()} dropped their connection. The
 * cause, if any, is the underlying exception. {@link DeadLinkException} is the subclass for a dead
 * link. Created by SteadySocket only.
 */
public class ConnectionLostException extends SteadySocketException {
  private static final long serialVersionUID = 1L;

  ConnectionLostException(String message, @Nullable Throwable cause) {
    super(message, cause);
  }
}
