package dev.steadysocket;

/**
 * The server rejected a setup message: its reply had type {@code "error"}. Reported to {@code
 * onError} (connection kept), or as the error of the connection it closed ({@link
 * SetupMessage.OnRejection#CLOSE_CONNECTION}). The message names the setup message's type, never
 * its content or the reply's. Created by SteadySocket only.
 */
public final class SetupRejectedException extends SteadySocketException {
  private static final long serialVersionUID = 1L;
  private final transient SetupRegistration registration;
  private final transient Envelope reply;

  SetupRejectedException(SetupRegistration registration, Envelope reply) {
    super("the server rejected " + registration.message());
    this.registration = registration;
    this.reply = reply;
  }

  /**
   * The rejected registration.
   *
   * @return the registration returned by {@link SteadySocket#setup}
   */
  public SetupRegistration registration() {
    return registration;
  }

  /**
   * The server's rejection.
   *
   * @return the reply envelope, whose content usually says why
   */
  public Envelope reply() {
    return reply;
  }
}
