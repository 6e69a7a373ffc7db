package dev.steadysocket;

/** Where a {@link SetupRegistration} stands on the current connection. */
public enum SetupStatus {
  /** Not written on the current connection yet: no connection is open, or it waits its turn. */
  PENDING,
  /** Written on the open connection; no reply is awaited. */
  SENT,
  /** Written on the open connection; its reply has not arrived yet. */
  AWAITING_REPLY,
  /** The server confirmed it on the open connection ({@link SetupRegistration#reply()}). */
  CONFIRMED,
  /**
   * The server rejected it on the open connection ({@link SetupRegistration#reply()}); it is sent
   * again on the next connection unless cancelled.
   */
  REJECTED,
  /** Cancelled: never sent again. Final. */
  CANCELLED
}
