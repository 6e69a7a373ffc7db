package dev.steadysocket;

import java.time.Duration;

/**
 * No reply to a {@link SteadySocket#request} arrived within its timeout. The request is withdrawn:
 * if it was still waiting to be sent, it is never sent. Fails the request's future only; the
 * connection is unaffected. Created by SteadySocket only.
 */
public final class RequestTimeoutException extends SteadySocketException {
  private static final long serialVersionUID = 1L;
  /** The unanswered request's id. */
  private final String requestId;

  RequestTimeoutException(String requestId, Duration timeout) {
    super("no reply to request " + requestId + " within " + millis(timeout) + " ms");
    this.requestId = requestId;
  }

  /** Saturated: a Duration too long for a long of milliseconds cannot make this throw (a setup timeout's text too). */
  static long millis(Duration d) {
    return d.getSeconds() < Long.MAX_VALUE / 1000 - 1 ? d.toMillis() : Long.MAX_VALUE;
  }

  /**
   * The id of the request that went unanswered.
   *
   * @return the request envelope's id (the one assigned if it had none)
   */
  public String requestId() {
    return requestId;
  }
}
