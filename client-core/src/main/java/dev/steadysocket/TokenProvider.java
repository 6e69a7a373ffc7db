package dev.steadysocket;

import java.io.IOException;
import org.jspecify.annotations.Nullable;

/**
 * Supplies the credential sent with each connection attempt (by default as {@code Authorization:
 * Bearer <token>}; see {@link SteadySocket.Builder#tokenHeader}).
 *
 * <p><b>Threading:</b> called on an OkHttp dispatcher thread, once per attempt, so it may block
 * (for example to fetch a token over the network) without stalling other sockets. The token never
 * appears in logs, exceptions or {@code toString()}.
 */
@FunctionalInterface
public interface TokenProvider {
  /**
   * @param refresh true when the server rejected the previous token (401, 403 or close code
   *     1008): return a fresh one, not a cached one
   * @return the token, or null to connect without one
   * @throws IOException to fail this attempt; the socket retries with backoff
   */
  @Nullable String token(boolean refresh) throws IOException;
}
