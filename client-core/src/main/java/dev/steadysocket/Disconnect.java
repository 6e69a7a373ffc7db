package dev.steadysocket;

import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * What ended a connection attempt or an open connection, as handed to a {@link ReconnectPolicy}.
 * Immutable and thread-safe; created by SteadySocket only.
 */
public final class Disconnect {
  /** The kinds of ending. */
  public enum Kind {
    /**
     * The handshake got an HTTP response other than 101 (redirects included: they are never
     * followed); see {@link #httpStatus()}. The error is an {@link AuthenticationException} for 401
     * and 403, a {@link HandshakeException} otherwise.
     */
    HANDSHAKE_REJECTED,
    /**
     * The server sent a close frame; see {@link #closeCode()}. The error is an {@link
     * AuthenticationException} for 1008, a {@link ProtocolViolationException} for 1002, 1003,
     * 1007, 1009 and 1010, a {@link ConnectionLostException} otherwise.
     */
    CLOSED_BY_SERVER,
    /**
     * An I/O error, DNS failure, timeout, TLS or protocol failure; see {@link #error()}. Also: the
     * token provider failed or gave a token headers cannot carry, the connect timeout passed, or
     * the socket refused what the server sent (a message over the inbound limit, a ping flood).
     */
    TRANSPORT_FAILURE,
    /** The heartbeat found the link dead; the error is a {@link DeadLinkException}. */
    DEAD_LINK,
    /**
     * A {@link SetupMessage} failed the open connection: a {@link SetupTimeoutException}, a {@link
     * SetupRejectedException} ({@link SetupMessage.OnRejection#CLOSE_CONNECTION}), or a {@link
     * ListenerException} or {@link EncodeException} when the message could not be built.
     */
    SETUP_FAILED
  }

  private final Kind kind;
  private final int httpStatus;
  private final int closeCode;
  private final @Nullable Duration retryAfter;
  private final boolean wasOpen;
  private final SteadySocketException error;

  Disconnect(
      Kind kind,
      int httpStatus,
      int closeCode,
      @Nullable Duration retryAfter,
      boolean wasOpen,
      SteadySocketException error) {
    this.kind = kind;
    this.httpStatus = httpStatus;
    this.closeCode = closeCode;
    this.retryAfter = retryAfter;
    this.wasOpen = wasOpen;
    this.error = error;
  }

  /**
   * What kind of ending this was.
   *
   * @return the kind, which tells which of the other fields are set
   */
  public Kind kind() {
    return kind;
  }

  /**
   * The handshake's HTTP status.
   *
   * @return the status for {@link Kind#HANDSHAKE_REJECTED}; 101 for a {@link
   *     Kind#TRANSPORT_FAILURE} whose 101 response failed validation; otherwise -1
   */
  public int httpStatus() {
    return httpStatus;
  }

  /**
   * The close code of the ending.
   *
   * @return the code the server sent for {@link Kind#CLOSED_BY_SERVER} (1005 if its close frame
   *     had none); the code the socket closed with when it refused what the server sent (1009 for
   *     a message over the limit, 1008 for a ping flood, 1002); otherwise -1
   */
  public int closeCode() {
    return closeCode;
  }

  /**
   * The server's {@code Retry-After}, parsed from seconds or an HTTP date; null if absent.
   *
   * @return the delay the server asked for, clamped to [0, the socket's {@link
   *     SteadySocketBuilder#maxRetryAfter ceiling}], or null if the handshake response had no
   *     readable {@code Retry-After} (always null for other kinds)
   */
  public @Nullable Duration retryAfter() {
    return retryAfter;
  }

  /**
   * True if the connection had reached OPEN before it ended.
   *
   * @return true for a lost connection, false for a failed attempt
   */
  public boolean wasOpen() {
    return wasOpen;
  }

  /**
   * The typed error the socket reports for this ending (to onError, and as the cause).
   *
   * @return the error, also reported to {@link SteadySocketListener#onError}; the socket closes
   *     with it if the policy stops without naming another
   */
  public SteadySocketException error() {
    return error;
  }

  @Override
  public String toString() {
    return "Disconnect(" + kind + (httpStatus != -1 ? " http " + httpStatus : "")
        + (closeCode != -1 ? " close " + closeCode : "") + ": " + dev.steadysocket.internal.Quiet.message(error) + ")";
  }
}
