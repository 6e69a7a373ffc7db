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
 *   <tr><td>close 1000, 1001 (server going away), 1011–1014, 3000–4999, any other code</td>
 *       <td>retry with backoff</td></tr>
 *   <tr><td>close 1002, 1003, 1007, 1009, 1010; malformed frames; bad 101 headers; a subprotocol
 *       not offered; a ping flood</td>
 *       <td>stop with {@link ProtocolViolationException}</td></tr>
 *   <tr><td>untrusted or wrong-host TLS certificate; a TLS handshake that cannot succeed</td>
 *       <td>stop with {@link TlsException}</td></tr>
 *   <tr><td>I/O errors, DNS failures, timeouts, dead link, a token provider that threw, a message
 *       over {@link SteadySocketBuilder#maxInboundMessageSize}</td><td>retry with backoff</td></tr>
 *   <tr><td>a setup message failed the connection ({@link Disconnect.Kind#SETUP_FAILED}): no reply
 *       in time, a rejection that closes, a message that could not be built</td><td>retry with
 *       backoff; a rejected {@link SetupMessage#fromToken} message first refreshes the token (with
 *       a token provider: once per outage, then stop with {@link AuthenticationException})</td></tr>
 * </table>
 *
 * <p>A policy other than the defaults is called on a dispatch thread; the defaults decide at once,
 * on the loop. While an earlier call has not returned, later disconnects of the same socket are
 * decided by the defaults, so a hung policy holds one thread. A policy shared by several sockets
 * may be called concurrently and must be thread-safe.
 */
@FunctionalInterface
public interface ReconnectPolicy {

  /**
   * Decides what the socket does after {@code disconnect}. The disconnect's error goes to {@code
   * onError} whatever the decision.
   *
   * @param disconnect what ended the connection or attempt
   * @return the decision; null counts as a failure of the policy, and the defaults decide
   */
  Decision decide(Disconnect disconnect);

  /**
   * The documented defaults above.
   *
   * @return the stateless, thread-safe default policy; delegate to it for the cases you do not
   *     change
   */
  static ReconnectPolicy defaults() {
    return DefaultReconnectPolicy.INSTANCE;
  }

  /** What to do after a disconnect. Immutable and thread-safe; create one with the factories. */
  final class Decision {
    /** The possible actions. */
    public enum Action {
      /** Try again after a delay: the backoff's, or {@link Decision#delay()}. */
      RETRY,
      /** Ask the {@link TokenProvider} for a fresh token, then try again. */
      REFRESH_TOKEN_AND_RETRY,
      /** Close the socket for good with an error. */
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

    /**
     * Retry after the backoff delay. Counts as a failed attempt.
     *
     * @return a {@link Action#RETRY} without a fixed delay; when the failed attempts exceed {@link
     *     SteadySocketBuilder#maxReconnectAttempts}, the socket stops with a {@link
     *     ReconnectAttemptsExhaustedException} instead
     */
    public static Decision retry() {
      return RETRY;
    }

    /**
     * Retry after {@code delay} instead of the backoff delay. Counts as a failed attempt.
     *
     * @param delay zero or more; after a failed attempt, or a connection that closed within the
     *     minimum uptime, a delay below {@link Backoff#minimum()} is raised to it, and no delay
     *     longer than one day is waited
     * @return a {@link Action#RETRY} with this delay
     * @throws IllegalArgumentException if {@code delay} is negative
     */
    public static Decision retryAfter(Duration delay) {
      if (delay.isNegative()) throw new IllegalArgumentException("delay < 0: " + delay);
      return new Decision(Action.RETRY, delay, null);
    }

    /**
     * Ask the {@link TokenProvider} for a fresh token and retry at once; if that was already done
     * in this outage (since a connection last stayed open for the minimum uptime), or no provider
     * is configured, stop with an {@link AuthenticationException}.
     *
     * @return a {@link Action#REFRESH_TOKEN_AND_RETRY}; the retry counts as a failed attempt and,
     *     after a failed attempt or a short-lived connection, waits {@link Backoff#minimum()}
     */
    public static Decision refreshTokenAndRetry() {
      return REFRESH;
    }

    /**
     * Stop: the socket closes with the disconnect's own error.
     *
     * @return a {@link Action#STOP}; the socket goes to CLOSED with {@link Disconnect#error()}
     */
    public static Decision stop() {
      return STOP;
    }

    /**
     * Stop, reporting {@code error} instead of the disconnect's own error.
     *
     * @param error the error to close with; it is reported to {@code onError} and becomes {@link
     *     CloseReason#error()}
     * @return a {@link Action#STOP} with this error
     */
    public static Decision stop(SteadySocketException error) {
      return new Decision(Action.STOP, null, error);
    }

    /**
     * What the socket does.
     *
     * @return the action
     */
    public Action action() {
      return action;
    }

    /**
     * The fixed delay for a {@link Action#RETRY}, or null to use the backoff.
     *
     * @return the delay given to {@link #retryAfter}, or null
     */
    public @Nullable Duration delay() {
      return delay;
    }

    /**
     * The error to close with for {@link Action#STOP}, or null to use the disconnect's.
     *
     * @return the error given to {@link #stop(SteadySocketException)}, or null
     */
    public @Nullable SteadySocketException error() {
      return error;
    }

    @Override
    public String toString() {
      return "Decision(" + action + (delay != null ? " after " + delay : "") + ")";
    }
  }
}
