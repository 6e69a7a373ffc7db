package dev.steadysocket;

import org.jspecify.annotations.Nullable;

/** A connection attempt or an open connection failed at the transport level (I/O error, DNS failure, timeout, or the server closed it with a code that means "try again"). The socket reconnects unless the reconnect policy decides otherwise. */
public class ConnectionLostException extends SteadySocketException {
  private static final long serialVersionUID = 1L;

  ConnectionLostException(String message, @Nullable Throwable cause) {
    super(message, cause);
  }
}
