package dev.steadysocket.android;

/**
 * The four platform hooks of {@code SteadySocket} the adapters drive, plus what an attachment
 * needs to know about the socket's identity and end; a seam so each adapter can be tested with a
 * recording fake. Implementations must be callable from the main thread and must not block.
 */
interface SocketControl {
  /** The socket behind these hooks: at most one attachment per identity of this object. */
  Object socket();

  /**
   * Runs {@code onClosed} when the socket has reached CLOSED, on whatever thread learns it first
   * (at once on the calling thread if it already has; possibly more than once). Returns what
   * cancels that; cancelling is idempotent and may be called from the main thread.
   */
  Runnable whenClosed(Runnable onClosed);

  /** Skip the remaining backoff wait; no-op while connected, connecting or paused. */
  void reconnectNow();

  /** Drop the current connection and connect afresh at once (the default network changed). */
  void replaceConnection();

  /** Disconnect and stay disconnected while at least one reason is held. */
  void pause(String reason);

  /** Release {@code reason}; when no reason is left, connect at once. */
  void resume(String reason);
}
