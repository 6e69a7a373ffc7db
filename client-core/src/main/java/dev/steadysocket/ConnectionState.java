package dev.steadysocket;

/**
 * Where a {@link SteadySocket} is in its life.
 *
 * <pre>
 *   IDLE ──connect()──▶ CONNECTING ──handshake ok──▶ OPEN
 *                          ▲   │                      │
 *                          │   └─failure─┐  ┌─drop────┘
 *                          │             ▼  ▼
 *                          └──delay──  RECONNECTING          (any live state) ──pause()──▶ PAUSED ──resume()──▶ CONNECTING
 *   (any state) ──close() / terminal failure──▶ CLOSING ──▶ CLOSED  (terminal)
 * </pre>
 */
public enum ConnectionState {
  /** Built, {@link SteadySocket#connect()} not called yet. Sends are queued. */
  IDLE,
  /** A handshake is in flight. Sends are queued. */
  CONNECTING,
  /** The WebSocket is open; sends go to the wire in order. */
  OPEN,
  /** Disconnected, waiting out a backoff delay before the next attempt. Sends are queued. */
  RECONNECTING,
  /** Disconnected on purpose (offline, app in background...) until every pause reason is released. */
  PAUSED,
  /** {@link SteadySocket#close()} was called: the close handshake is in progress. */
  CLOSING,
  /** Terminal. Nothing more happens; no callback follows {@link SteadySocketListener#onClosed}. */
  CLOSED;

  /** True for the states in which the socket will, unless told otherwise, end up connected again. */
  public boolean isActive() {
    return this == CONNECTING || this == OPEN || this == RECONNECTING;
  }
}
