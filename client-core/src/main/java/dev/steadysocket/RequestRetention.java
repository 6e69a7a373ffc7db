package dev.steadysocket;

/** What happens to a {@link SteadySocket#request} whose connection is lost before the reply. */
public enum RequestRetention {
  /**
   * The request future fails with the disconnect's error. Right for requests that must not run
   * twice, unless the server de-duplicates by id. The default.
   */
  FAIL,
  /**
   * The request is sent again (same id) on the next connection and keeps waiting, within its
   * timeout. Right for idempotent requests (queries) or servers that de-duplicate by id.
   */
  RESEND
}
