package dev.steadysocket;

/** Where a {@link SetupRegistration} stands on the current connection. */
public enum SetupStatus {
  /** Not written on the current connection yet: no connection is open, or it waits its turn. */
  PENDING,
  /**
   * Handed to the open connection (written at once, unless over 4 MiB wait in OkHttp's buffer);
   * no reply is awaited.
   */
  SENT,
  /** Handed to the open connection; its reply has not arrived yet. */
  AWAITING_REPLY,
  /** The server confirmed it on the open connection ({@link SetupRegistration#reply()}). */
  CONFIRMED,
  /**
   * The server rejected it on the open connection ({@link SetupRegistration#reply()}); it is sent
   * again on the next connection unless cancelled. With {@link
   * SetupMessage.OnRejection#CLOSE_CONNECTION} it is PENDING again as soon as the connection ends.
   */
  REJECTED,
  /** Cancelled: never sent again. Final. */
  CANCELLED
}
