package dev.steadysocket.android;

import dev.steadysocket.Heartbeat;
import java.time.Duration;

/**
 * The hooks of {@code SteadySocket} an attachment drives, plus what it needs to know about the
 * socket's identity and end; a seam so the decisions can be tested with a recording fake.
 * Implementations must be callable from the main thread and must not block.
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

  /** Skip the client's remaining backoff (never a server's delay); no-op unless reconnecting. */
  void reconnectNow();

  /** Drop the current connection and connect afresh at once (the default network changed). */
  void replaceConnection();

  /** Disconnect and stay disconnected while at least one reason is held. */
  void pause(String reason);

  /** Release {@code reason}; when no reason is left, connect (at once, unless a server said wait). */
  void resume(String reason);

  /** While open, a ping that must be answered within {@code timeout} or the link is dead. */
  void checkLiveness(Duration timeout);

  /** Switch to {@code heartbeat}, remembering the socket's own for {@link #foregroundHeartbeat}. */
  void backgroundHeartbeat(Heartbeat heartbeat);

  /** Restore the heartbeat the socket had before {@link #backgroundHeartbeat}. */
  void foregroundHeartbeat();
}
