package dev.steadysocket;

import java.time.Duration;

/**
 * A setup message's reply did not arrive within its {@link SetupMessage#awaitReply timeout}: the
 * connection is closed as failed ({@link Disconnect.Kind#SETUP_FAILED}) and the reconnect policy
 * decides. Created by SteadySocket only.
 */
public final class SetupTimeoutException extends SteadySocketException {
  private static final long serialVersionUID = 1L;
  private final transient SetupRegistration registration;
  /** The reply timeout that passed. */
  private final Duration timeout;

  SetupTimeoutException(SetupRegistration registration, Duration timeout) {
    super("no reply to " + registration.message() + " within " + RequestTimeoutException.millis(timeout) + " ms");
    this.registration = registration;
    this.timeout = timeout;
  }

  /**
   * The registration whose reply did not come.
   *
   * @return the registration returned by {@link SteadySocket#setup}
   */
  public SetupRegistration registration() {
    return registration;
  }

  /**
   * How long the connection waited.
   *
   * @return the message's reply timeout
   */
  public Duration timeout() {
    return timeout;
  }
}
