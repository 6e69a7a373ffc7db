package dev.steadysocket;

import dev.steadysocket.internal.Quiet;
import org.jspecify.annotations.Nullable;

/** Why a socket reached {@link ConnectionState#CLOSED}. Immutable and thread-safe; created by SteadySocket only. */
public final class CloseReason {
  private final int code;
  private final String reason;
  private final boolean initiatedByApp;
  private final @Nullable SteadySocketException error;

  CloseReason(int code, String reason, boolean initiatedByApp, @Nullable SteadySocketException error) {
    this.code = code;
    this.reason = reason;
    this.initiatedByApp = initiatedByApp;
    this.error = error;
  }

  /**
   * The WebSocket close code of the end.
   *
   * @return for a close the application asked for, the code it passed ({@code 1000} for {@link
   *     SteadySocket#close()}), even if the socket was not open and no close frame was sent; for a
   *     failure, the close code of the {@link Disconnect} that ended the socket (the server's, or
   *     the one the socket closed with), or -1 if there was none
   */
  public int code() {
    return code;
  }

  /**
   * A human-readable reason.
   *
   * @return the reason the application passed to {@link SteadySocket#close(int, String)} (empty
   *     for {@link SteadySocket#close()}), or the message of the error that ended the socket
   *     ({@code "internal error"} after an unexpected failure inside SteadySocket)
   */
  public String reason() {
    return reason;
  }

  /**
   * True if the application called {@link SteadySocket#close()} or {@link SteadySocket#close(int,
   * String)}.
   *
   * @return true for a close the application asked for, false when a failure ended the socket
   */
  public boolean initiatedByApp() {
    return initiatedByApp;
  }

  /**
   * The failure that ended the socket, or null after a close the application asked for.
   *
   * @return the terminal error (also reported to {@link SteadySocketListener#onError}), or null if
   *     {@link #initiatedByApp()}
   */
  public @Nullable SteadySocketException error() {
    return error;
  }

  @Override
  public String toString() {
    return "CloseReason(" + code + (reason.isEmpty() ? "" : " " + reason)
        + (initiatedByApp ? ", by app" : "") + (error != null ? ", error=" + Quiet.describe(error) : "") + ")";
  }
}
