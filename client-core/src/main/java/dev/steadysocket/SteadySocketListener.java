package dev.steadysocket;

import java.time.Duration;

/**
 * Receives what happens on a {@link SteadySocket}. Every method does nothing by default.
 *
 * <p><b>Threading:</b> callbacks run on the socket's callback executor (see {@link
 * SteadySocketBuilder#callbackExecutor}); for one socket they never run concurrently and arrive in
 * the order the events happened, whatever executor is used. A callback that throws does not harm
 * the socket or the other listeners: the exception is logged and reported once to {@link #onError}
 * as a {@link ListenerException}. A callback that blocks delays only its own socket's callbacks.
 * One listener added to several sockets may be called concurrently, once per socket.
 *
 * <p><b>Ordering guarantees:</b> {@link #onStateChanged} reports every transition in order. A
 * message received on a connection is delivered after the {@code OPEN} transition of that
 * connection and before the transition that reports its loss. {@link #onClosed} is the last call a
 * listener receives.
 */
public interface SteadySocketListener {

  /**
   * The socket moved from {@code previous} to {@code current}.
   *
   * @param previous the state before the transition
   * @param current the state after it, never equal to {@code previous}
   */
  default void onStateChanged(ConnectionState previous, ConnectionState current) {}

  /**
   * A text frame was decoded into an envelope. Envelopes the socket consumes itself never arrive
   * here: every envelope of type {@code heartbeat} (heartbeat replies), acknowledgements in
   * acknowledgement mode, replies that complete a {@link SteadySocket#request}, and duplicates
   * dropped by {@link SteadySocketBuilder#deduplicate}. Every other envelope arrives here,
   * including types that also have a typed handler registered with {@link SteadySocket#on}.
   *
   * @param envelope the decoded message; immutable (do not modify its JSON trees)
   */
  default void onMessage(Envelope envelope) {}

  /**
   * A binary frame arrived. The array is the listener's own copy.
   *
   * @param bytes the frame's payload; this listener may keep or modify it
   */
  default void onBinaryMessage(byte[] bytes) {}

  /**
   * A reconnect was scheduled: attempt number {@code attempt} (1 for the first retry after a
   * drop) starts after {@code delay}. Called right after {@code onStateChanged(…, RECONNECTING)}.
   *
   * @param attempt the number of the coming attempt in this outage, from 1; it starts over after a
   *     connection stays open for the minimum uptime or the socket resumes from a pause (unless a
   *     wait the server imposed is not over: then this reports that planned attempt again)
   * @param delay how long the socket waits before the attempt, at least {@link Backoff#minimum()}
   *     after a failure; {@link SteadySocket#reconnectNow()} cuts it short unless the server
   *     imposed it
   * @param cause why the previous connection or attempt ended; also delivered to {@link #onError}
   */
  default void onReconnecting(int attempt, Duration delay, SteadySocketException cause) {}

  /**
   * Something went wrong. This is the single place all errors arrive: connection failures (which
   * are followed by a reconnect or by {@link #onClosed}), undecodable frames ({@link
   * DecodeException}; the connection stays up), and exceptions thrown by listeners or handlers
   * ({@link ListenerException}). Also reported here as a {@code ListenerException}: a reconnect
   * policy or token provider that threw, and callbacks the callback executor refused. A send's
   * own failure is not reported here but through its future.
   *
   * @param error the error; what an {@code onError} that throws raises is logged, not reported
   *     again
   */
  default void onError(SteadySocketException error) {}

  /**
   * The server confirmed a setup message that {@linkplain SetupMessage#awaitReply awaits its reply}
   * on the open connection; called once per connection, in order with the messages received (a
   * rejection goes to {@link #onError} as a {@link SetupRejectedException}).
   *
   * @param setup the registration returned by {@link SteadySocket#setup}
   * @param reply the server's reply, whose {@code meta.replyTo} is this connection's copy's id
   */
  default void onSetupConfirmed(SetupRegistration setup, Envelope reply) {}

  /**
   * The socket is {@link ConnectionState#CLOSED} for good. No further callback follows this one;
   * what this callback throws is logged only. Every send and request future is complete by now;
   * {@link SteadySocket#closeFuture()} completes right after this callback.
   *
   * @param reason why the socket closed: the application's close, or the error that ended it
   */
  default void onClosed(CloseReason reason) {}
}
