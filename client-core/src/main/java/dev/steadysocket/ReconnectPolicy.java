package dev.steadysocket;

import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * Decides, for each {@link Disconnect}, whether the socket tries again. Called on one of
 * SteadySocket's dispatch threads (never its loop thread, never under a lock), once per
 * disconnect; the socket waits for the answer, so a policy that blocks delays only its own socket.
 * If it throws (an {@code Error} included) or returns null, the throwable is reported to {@code
 * onError} as a {@link ListenerException} and the defaults decide. Any retry after a failed attempt
 * waits at least {@link Backoff#minimum()}. To change one case, delegate the rest:
 *
 * <pre>{@code
 * ReconnectPolicy policy = d -> d.httpStatus() == 404
 *     ? ReconnectPolicy.Decision.retry()                   // our CDN 404s during deploys
 *     : ReconnectPolicy.defaults().decide(d);
 * }</pre>
 *
 * <p>The defaults ({@link #defaults()}):
 *
 * <table>
 *   <caption>Default decisions</caption>
 *   <tr><th>What happened</th><th>Decision</th></tr>
 *   <tr><td>HTTP 401, 403; close code 1008; a token HTTP headers cannot carry</td><td>refresh the
 *       token once and retry, then stop with {@link AuthenticationException}</td></tr>
 *   <tr><td>HTTP 429, 503</td><td>retry after {@code Retry-After} (clamped to the socket's
 *       ceiling) if given, else backoff</td></tr>
 *   <tr><td>HTTP 408, other 5xx</td><td>retry with backoff</td></tr>
 *   <tr><td>other HTTP statuses (4xx, or 2xx/3xx: not a WebSocket endpoint)</td>
 *       <td>stop with {@link HandshakeException}</td></tr>
 *   <tr><td>close 1000, 1001 (server going away), 1011–1014, 4000–4999, any other code</td>
 *       <td>retry with backoff</td></tr>
 *   <tr><td>close 1002, 1003, 1007, 1009, 1010; malformed frames; bad 101 headers</td>
 *       <td>stop with {@link ProtocolViolationException}</td></tr>
 *   <tr><td>untrusted or wrong-host TLS certificate</td><td>stop with {@link TlsException}</td></tr>
 *   <tr><td>I/O errors, DNS failures, timeouts, dead link</td><td>retry with backoff</td></tr>
 * </table>
 */
@FunctionalInterface
public interface ReconnectPolicy {

  Decision decide(Disconnect disconnect);

  /** The documented defaults above. */
  static ReconnectPolicy defaults() {
    return DefaultReconnectPolicy.INSTANCE;
  }

  /** What to do after a disconnect. Immutable. */
  final class Decision {
    /** The possible actions. */
    public enum Action {
      RETRY,
      REFRESH_TOKEN_AND_RETRY,
      STOP
    }

    private static final Decision RETRY = new Decision(Action.RETRY, null, null);
    private static final Decision REFRESH =
        new Decision(Action.REFRESH_TOKEN_AND_RETRY, null, null);
    private static final Decision STOP = new Decision(Action.STOP, null, null);

    private final Action action;
    private final @Nullable Duration delay;
    private final @Nullable SteadySocketException error;

    private Decision(
        Action action, @Nullable Duration delay, @Nullable SteadySocketException error) {
      this.action = action;
      this.delay = delay;
      this.error = error;
    }

    /** Retry after the backoff delay. Counts as a failed attempt. */
    public static Decision retry() {
      return RETRY;
    }

    /** Retry after exactly {@code delay} instead of the backoff delay. Counts as a failed attempt. */
    public static Decision retryAfter(Duration delay) {
      if (delay.isNegative()) throw new IllegalArgumentException("delay < 0: " + delay);
      return new Decision(Action.RETRY, delay, null);
    }

    /**
     * Ask the {@link TokenProvider} for a fresh token and retry at once; if that was already done
     * since the last successful connection, or no provider is configured, stop with an
     * {@link AuthenticationException}.
     */
    public static Decision refreshTokenAndRetry() {
      return REFRESH;
    }

    /** Stop: the socket closes with the disconnect's own error. */
    public static Decision stop() {
      return STOP;
    }

    /** Stop, reporting {@code error} instead of the disconnect's own error. */
    public static Decision stop(SteadySocketException error) {
      return new Decision(Action.STOP, null, error);
    }

    public Action action() {
      return action;
    }

    /** The fixed delay for a {@link Action#RETRY}, or null to use the backoff. */
    public @Nullable Duration delay() {
      return delay;
    }

    /** The error to close with for {@link Action#STOP}, or null to use the disconnect's. */
    public @Nullable SteadySocketException error() {
      return error;
    }

    @Override
    public String toString() {
      return "Decision(" + action + (delay != null ? " after " + delay : "") + ")";
    }
  }
}
