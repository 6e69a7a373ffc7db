package dev.steadysocket.internal;

import dev.steadysocket.SteadySocketException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Starts connection attempts: fetches the token (if any) through the {@link TokenFetcher}, adds
 * it and the resume header to the handshake, and asks the endpoint's transport factory to connect.
 * Loop thread only.
 */
final class Dialer {
  /** Reports an attempt that could not start. Loop thread. */
  interface Failed {
    void failed(Connection c, SteadySocketException error);
  }

  private final List<Transport.Factory> endpoints;
  private final @Nullable TokenFetcher tokens;
  private final String tokenHeader;
  private final String tokenPrefix;
  private final InboundLedger ledger;

  Dialer(
      List<Transport.Factory> endpoints,
      @Nullable TokenFetcher tokens,
      String tokenHeader,
      String tokenPrefix,
      InboundLedger ledger) {
    this.endpoints = endpoints;
    this.tokens = tokens;
    this.tokenHeader = tokenHeader;
    this.tokenPrefix = tokenPrefix;
    this.ledger = ledger;
  }

  /**
   * Starts attempt {@code c} at URL {@code endpoint}. {@code isCurrent} tells, when the token
   * arrives, whether the attempt still matters; {@code failed} is told if it cannot start.
   */
  void dial(
      Connection c, int endpoint, boolean refresh, java.util.function.Predicate<Connection> isCurrent,
      Failed failed) {
    if (tokens == null) {
      connect(c, endpoint, refresh, null, failed);
      return;
    }
    c.awaitingToken = true;
    tokens.fetch(refresh, (token, error) -> {
      if (!isCurrent.test(c)) return;
      c.awaitingToken = false;
      if (error != null) failed.failed(c, error);
      else connect(c, endpoint, refresh, token, failed);
    });
  }

  /** The attempt in progress is over (failed, timed out, abandoned). */
  void abandon() {
    if (tokens != null) tokens.abandon();
  }

  /** The socket is closed. */
  void close() {
    if (tokens != null) tokens.close();
  }

  private void connect(
      Connection c, int endpoint, boolean refresh, @Nullable String token, Failed failed) {
    Map<String, String> headers = ledger.handshakeHeaders();
    c.token = token;
    if (token != null && !tokenHeader.isEmpty()) { // empty: the token goes only to setup messages
      String value = tokenPrefix + token;
      int bad = Checks.firstForbiddenChar(value);
      if (bad >= 0) {
        // The value is not quoted: it is a secret.
        failed.failed(c, Api.get().authentication(-1, -1,
            "the token from the TokenProvider has a character HTTP headers do not allow, at index "
                + (bad - tokenPrefix.length())));
        return;
      }
      headers = new LinkedHashMap<>(headers);
      headers.put(tokenHeader, value);
    }
    try {
      c.transport = endpoints.get(endpoint).connect(refresh, headers, c);
    } catch (RuntimeException e) {
      failed.failed(c, Api.get().connectionLost("could not start the connection: " + e.getClass().getName(), e));
    }
  }
}
