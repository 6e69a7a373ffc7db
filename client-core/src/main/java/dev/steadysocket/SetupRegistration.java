package dev.steadysocket;

import org.jspecify.annotations.Nullable;

/**
 * A {@link SetupMessage} registered on a socket with {@link SteadySocket#setup}: it is sent first
 * on every connection until {@link #cancel() cancelled}. Thread-safe.
 */
public interface SetupRegistration extends Subscription {
  /**
   * What was registered.
   *
   * @return the setup message given to {@link SteadySocket#setup}
   */
  SetupMessage message();

  /**
   * Where the registration stands on the current connection; back to {@link SetupStatus#PENDING}
   * when a connection ends.
   *
   * @return the status at the time of the call
   */
  SetupStatus status();

  /**
   * The reply that confirmed or rejected the message on the open connection.
   *
   * @return the reply, or null if none arrived on the open connection (or none is open)
   */
  @Nullable Envelope reply();

  /**
   * Stops sending the message on later connections; idempotent. If it was written on the open
   * connection and has a {@link SetupMessage#cancelWith closing message}, that is written next,
   * ahead of the outbox. A reply still awaited is no longer waited for: its timeout cannot fail the
   * connection, and what it held back goes on. The status becomes {@link SetupStatus#CANCELLED} at
   * once.
   */
  @Override
  void cancel();
}
