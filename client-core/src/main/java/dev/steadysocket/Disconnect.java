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
    /** The handshake got an HTTP response other than 101; see {@link #httpStatus()}. */
    HANDSHAKE_REJECTED,
    /** The server sent a close frame; see {@link #closeCode()}. */
    CLOSED_BY_SERVER,
    /** An I/O error, DNS failure, timeout, TLS or protocol failure; see {@link #error()}. */
    TRANSPORT_FAILURE,
    /** The heartbeat found the link dead. */
    DEAD_LINK
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

  public Kind kind() {
    return kind;
  }

  /** The handshake's HTTP status, or -1. */
  public int httpStatus() {
    return httpStatus;
  }

  /** The close code the server sent, or -1. */
  public int closeCode() {
    return closeCode;
  }

  /** The server's {@code Retry-After}, parsed from seconds or an HTTP date; null if absent. */
  public @Nullable Duration retryAfter() {
    return retryAfter;
  }

  /** True if the connection had reached OPEN before it ended. */
  public boolean wasOpen() {
    return wasOpen;
  }

  /** The typed error the socket reports for this ending (to onError, and as the cause). */
  public SteadySocketException error() {
    return error;
  }

  @Override
  public String toString() {
    return "Disconnect(" + kind + (httpStatus != -1 ? " http " + httpStatus : "")
        + (closeCode != -1 ? " close " + closeCode : "") + ": " + error.getMessage() + ")";
  }
}
