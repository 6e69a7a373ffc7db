package dev.steadysocket;

/**
 * Where a {@link SteadySocket} is in its life.
 *
 * <p>Its transitions, one per line, as the socket enforces them (the table in {@code
 * dev.steadysocket.internal.Transitions}; {@code TransitionsTest} keeps this list equal to it, and
 * {@code docs/states.svg} draws it). A change to the same state is no transition and is not
 * reported; nothing leaves CLOSED.
 *
 * <pre>
 *   IDLE ──connect()──▶ CONNECTING
 *   IDLE ──connect() while paused──▶ PAUSED
 *   CONNECTING ──handshake ok──▶ OPEN
 *   CONNECTING ──attempt failed, policy retries──▶ RECONNECTING
 *   OPEN ──connection lost, policy retries──▶ RECONNECTING
 *   OPEN ──replaceConnection()──▶ CONNECTING
 *   RECONNECTING ──delay over, reconnectNow(), replaceConnection()──▶ CONNECTING
 *   CONNECTING/OPEN/RECONNECTING ──pause(reason)──▶ PAUSED
 *   PAUSED ──resume(last reason)──▶ CONNECTING
 *   PAUSED ──resume(last reason) in a server's wait──▶ RECONNECTING
 *   CONNECTING ──attempt failed, policy stops──▶ CLOSED
 *   OPEN ──connection lost, policy stops──▶ CLOSED
 *   IDLE/CONNECTING/OPEN/RECONNECTING/PAUSED ──close()──▶ CLOSING
 *   CLOSING ──closed, close timeout, internal failure──▶ CLOSED
 *   IDLE/CONNECTING/OPEN/RECONNECTING/PAUSED ──internal failure (a bug)──▶ CLOSED
 * </pre>
 *
 * <p>A failure or drop moves to RECONNECTING only once the reconnect policy has decided to retry;
 * until then the state it happened in is kept (sends are queued meanwhile). Every transition is
 * reported to {@link SteadySocketListener#onStateChanged}, in order.
 */
public enum ConnectionState {
  /** Built, {@link SteadySocket#connect()} not called yet. Sends are queued. */
  IDLE,
  /** A handshake is in flight. Sends are queued. */
  CONNECTING,
  /** The WebSocket is open; sends go to the wire in order. */
  OPEN,
  /**
   * Disconnected, waiting out a backoff delay, or a wait the server imposed, before the next
   * attempt. Sends are queued.
   */
  RECONNECTING,
  /** Disconnected on purpose (offline, app in background...) until every pause reason is released. */
  PAUSED,
  /**
   * {@link SteadySocket#close()} was called: the close handshake is in progress (at most the close
   * timeout; a socket that was not OPEN passes through at once). Sends fail.
   */
  CLOSING,
  /**
   * Terminal. Nothing more happens; no callback follows {@link SteadySocketListener#onClosed}.
   * Sends fail with {@link SocketClosedException}.
   */
  CLOSED;

  /**
   * True for the states in which the socket will, unless told otherwise, end up connected again.
   *
   * @return true for CONNECTING, OPEN and RECONNECTING; false for IDLE, PAUSED, CLOSING and CLOSED
   */
  public boolean isActive() {
    return this == CONNECTING || this == OPEN || this == RECONNECTING;
  }
}
