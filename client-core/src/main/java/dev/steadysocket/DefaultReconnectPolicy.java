package dev.steadysocket;

import dev.steadysocket.ReconnectPolicy.Decision;
import java.time.Duration;
import org.jspecify.annotations.Nullable;

/** The documented default table of {@link ReconnectPolicy#defaults()}. Stateless and thread-safe. */
final class DefaultReconnectPolicy implements ReconnectPolicy {

  static final DefaultReconnectPolicy INSTANCE = new DefaultReconnectPolicy();

  private DefaultReconnectPolicy() {}

  @Override
  public Decision decide(Disconnect d) {
    switch (d.kind()) {
      case HANDSHAKE_REJECTED:
        return decideStatus(d.httpStatus(), d.retryAfter());
      case CLOSED_BY_SERVER:
        return decideCloseCode(d.closeCode());
      case TRANSPORT_FAILURE:
        SteadySocketException e = d.error();
        if (e instanceof AuthenticationException) return Decision.refreshTokenAndRetry();
        return e instanceof TlsException || e instanceof ProtocolViolationException
            ? Decision.stop()
            : Decision.retry();
      case SETUP_FAILED:
        SteadySocketException cause = d.error();
        return cause instanceof SetupRejectedException
                && ((SetupRejectedException) cause).registration().message().usesToken()
            ? Decision.refreshTokenAndRetry()
            : Decision.retry();
      case DEAD_LINK:
      default:
        return Decision.retry();
    }
  }

  private static Decision decideStatus(int status, @Nullable Duration retryAfter) {
    if (status == 401 || status == 403) return Decision.refreshTokenAndRetry();
    if (status == 429 || status == 503) {
      return retryAfter != null ? Decision.retryAfter(retryAfter) : Decision.retry();
    }
    if (status == 408 || status >= 500) return Decision.retry();
    return Decision.stop();
  }

  private static Decision decideCloseCode(int code) {
    switch (code) {
      case 1008:
        return Decision.refreshTokenAndRetry();
      case 1002:
      case 1003:
      case 1007:
      case 1009:
      case 1010:
        return Decision.stop();
      default:
        return Decision.retry();
    }
  }

  @Override
  public String toString() {
    return "ReconnectPolicy.defaults()";
  }
}
