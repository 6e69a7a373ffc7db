package dev.steadysocket;

import java.time.Duration;

/**
 * Receives what happens on a {@link SteadySocket}. Every method does nothing by default.
 *
 * <p><b>Threading:</b> callbacks run on the socket's callback executor (see {@link
 * SteadySocket.Builder#callbackExecutor}); for one socket they never run concurrently and arrive in
 * the order the events happened, whatever executor is used. A callback that throws does not harm
 * the socket or the other listeners: the exception is logged and reported once to {@link #onError}
 * as a {@link ListenerException}.
 *
 * <p><b>Ordering guarantees:</b> {@link #onStateChanged} reports every transition in order. A
 * message received on a connection is delivered after the {@code OPEN} transition of that
 * connection and before the transition that reports its loss. {@link #onClosed} is the last call a
 * listener receives.
 */
public interface SteadySocketListener {

  /** The socket moved from {@code previous} to {@code current}. */
  default void onStateChanged(ConnectionState previous, ConnectionState current) {}

  /**
   * A text frame was decoded into an envelope. Heartbeat replies are consumed by the socket and
   * never arrive here. Every other type arrives here, including types that also have a typed
   * handler registered with {@link SteadySocket#on}.
   */
  default void onMessage(Envelope envelope) {}

  /** A binary frame arrived. The array is the listener's own copy. */
  default void onBinaryMessage(byte[] bytes) {}

  /**
   * A reconnect was scheduled: attempt number {@code attempt} (1 for the first retry after a
   * drop) starts after {@code delay}. Called right after {@code onStateChanged(…, RECONNECTING)}.
   *
   * @param cause why the previous connection or attempt ended; also delivered to {@link #onError}
   */
  default void onReconnecting(int attempt, Duration delay, SteadySocketException cause) {}

  /**
   * Something went wrong. This is the single place all errors arrive: connection failures (which
   * are followed by a reconnect or by {@link #onClosed}), undecodable frames ({@link
   * DecodeException}; the connection stays up), and exceptions thrown by listeners or handlers
   * ({@link ListenerException}).
   */
  default void onError(SteadySocketException error) {}

  /** The socket is {@link ConnectionState#CLOSED} for good. No further callback follows this one. */
  default void onClosed(CloseReason reason) {}
}
