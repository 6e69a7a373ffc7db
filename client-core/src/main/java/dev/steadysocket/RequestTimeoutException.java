package dev.steadysocket;

import java.time.Duration;

/** No reply to a {@link SteadySocket#request} arrived within its timeout. */
public final class RequestTimeoutException extends SteadySocketException {
  private static final long serialVersionUID = 1L;
  private final String requestId;

  RequestTimeoutException(String requestId, Duration timeout) {
    super("no reply to request " + requestId + " within " + timeout.toMillis() + " ms");
    this.requestId = requestId;
  }

  /** The id of the request that went unanswered. */
  public String requestId() {
    return requestId;
  }
}
