package dev.steadysocket;

/** A listener or typed handler threw. The cause is what it threw; the socket and the other listeners are unaffected. */
public final class ListenerException extends SteadySocketException {
  private static final long serialVersionUID = 1L;

  ListenerException(String message, Throwable cause) {
    super(message, cause);
  }
}
