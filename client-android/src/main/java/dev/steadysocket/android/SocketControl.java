package dev.steadysocket.android;

/**
 * The four platform hooks of {@code SteadySocket} the adapters drive; a seam so each adapter can
 * be tested with a recording fake. Implementations must be callable from the main thread and
 * must not block.
 */
interface SocketControl {
  /** Skip the remaining backoff wait; no-op while connected, connecting or paused. */
  void reconnectNow();

  /** Drop the current connection and connect afresh at once (the default network changed). */
  void replaceConnection();

  /** Disconnect and stay disconnected while at least one reason is held. */
  void pause(String reason);

  /** Release {@code reason}; when no reason is left, connect at once. */
  void resume(String reason);
}
