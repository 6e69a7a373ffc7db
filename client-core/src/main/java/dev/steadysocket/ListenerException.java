package dev.steadysocket;

/**
 * Application code failed: a listener or typed handler threw. The cause is what it threw; the
 * socket and the other listeners are unaffected.
 *
 * <p>Also reported, with the throwable as cause, when converting content for a typed handler threw
 * from the application's class (a {@link DecodeException} when the content merely does not fit),
 * when a {@link ReconnectPolicy} threw or returned null (the defaults then decided), when a {@link
 * TokenProvider} threw something other than an {@link java.io.IOException} (the attempt fails and
 * is retried), and when the callback executor refused callbacks (reported once it accepts work
 * again; see {@link Metrics#callbacksRejected()}). Created by SteadySocket only.
 */
public final class ListenerException extends SteadySocketException {
  private static final long serialVersionUID = 1L;

  ListenerException(String message, Throwable cause) {
    super(message, cause);
  }
}
