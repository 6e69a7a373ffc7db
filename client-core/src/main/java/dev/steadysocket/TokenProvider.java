package dev.steadysocket;

import java.io.IOException;
import org.jspecify.annotations.Nullable;

/**
 * Supplies the credential sent with each connection attempt (by default as {@code Authorization:
 * Bearer <token>}; see {@link SteadySocketBuilder#tokenHeader}).
 *
 * <p><b>Threading:</b> called on a SteadySocket dispatch thread (never the loop thread, never under
 * a lock), once per attempt and at most one call per socket at a time, so it may block (for
 * example to fetch a token over the network) without stalling other sockets. Its time counts
 * against the connect timeout: an attempt that outlives it fails, and the next attempt waits for
 * the call still running instead of starting another. A call still running when the socket closes
 * is interrupted. One provider shared by several sockets may be called concurrently. The token
 * never appears in logs, exceptions or {@code toString()}.
 */
@FunctionalInterface
public interface TokenProvider {
  /**
   * Returns the token for the next handshake.
   *
   * @param refresh true when the server rejected the previous token (401, 403 or close code
   *     1008): return a fresh one, not a cached one. Also true after a token HTTP headers cannot
   *     carry, and when a reconnect policy decides {@link
   *     ReconnectPolicy.Decision#refreshTokenAndRetry()}
   * @return the token, or null to connect without one; it must consist of characters HTTP headers
   *     can carry (tab, space, visible ASCII), or the attempt fails with an {@link
   *     AuthenticationException}
   * @throws IOException to fail this attempt; the socket retries with backoff (as a {@link
   *     ConnectionLostException}). Anything else thrown fails the attempt the same way, reported
   *     as a {@link ListenerException}
   */
  @Nullable String token(boolean refresh) throws IOException;
}
