package dev.steadysocket;

/**
 * What happens to a {@link SteadySocket#request} whose connection is lost before the reply; set
 * with {@link SteadySocketBuilder#requestRetention}. A lost connection includes one dropped by
 * {@link SteadySocket#pause} or {@link SteadySocket#replaceConnection()}. Either way a request
 * still fails with {@link RequestTimeoutException} at its timeout, and with {@link
 * SocketClosedException} at CLOSED.
 */
public enum RequestRetention {
  /**
   * The request future fails with the disconnect's error. Right for requests that must not run
   * twice, unless the server de-duplicates by id. The default. Only requests already written on
   * the lost connection fail; one still waiting in the outbox keeps waiting to be sent.
   */
  FAIL,
  /**
   * The request is sent again (same id) on the next connection and keeps waiting, within its
   * timeout. Right for idempotent requests (queries) or servers that de-duplicate by id. In
   * acknowledgement mode it is re-sent only if the server has not acknowledged it, with the other
   * unacknowledged messages, in their order.
   */
  RESEND
}
