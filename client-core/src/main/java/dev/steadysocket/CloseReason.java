package dev.steadysocket;

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

  /** The WebSocket close code sent or received, or -1 if no close frame was exchanged. */
  public int code() {
    return code;
  }

  /** A human-readable reason; empty if none. */
  public String reason() {
    return reason;
  }

  /** True if the application called {@link SteadySocket#close()}. */
  public boolean initiatedByApp() {
    return initiatedByApp;
  }

  /** The failure that ended the socket, or null after a close the application asked for. */
  public @Nullable SteadySocketException error() {
    return error;
  }

  @Override
  public String toString() {
    return "CloseReason(" + code + (reason.isEmpty() ? "" : " " + reason)
        + (initiatedByApp ? ", by app" : "") + (error != null ? ", error=" + error : "") + ")";
  }
}
