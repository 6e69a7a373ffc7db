package dev.steadysocket;

/**
 * A snapshot of a socket's counters, from {@link SteadySocket#metrics()}. Counters start at zero
 * when the socket is built and only grow; the others are values at the time of the snapshot.
 */
public interface Metrics {
  /** Handshakes started. */
  long connectionAttempts();

  /** Connections opened after the first one. */
  long reconnects();

  /** Envelopes and binary frames received (heartbeat replies excluded). */
  long messagesReceived();

  /** Envelopes handed to the transport (heartbeats excluded). */
  long messagesSent();

  /** UTF-8 bytes of text frames received, plus binary frame bytes. */
  long bytesReceived();

  /** UTF-8 bytes of envelopes handed to the transport. */
  long bytesSent();

  /** Messages waiting in the outbox now. */
  int outboxDepth();

  /** Messages rejected or dropped by the outbox, or failed because the socket closed. */
  long messagesDropped();

  /** Text frames that could not be decoded. */
  long decodeErrors();

  /** Round-trip time of the last echoed heartbeat envelope in milliseconds, or -1 if none yet. */
  long lastHeartbeatRttMillis();

  /** Total time spent not OPEN since {@code connect()}, in milliseconds (up to now, or CLOSED). */
  long disconnectedMillis();

  /** Inbound envelopes dropped because their id was delivered recently (de-duplication). */
  long duplicatesDropped();

  /** Acknowledgement mode: messages sent and not yet acknowledged. */
  int unacknowledged();

  /** Messages written again on a new connection (unacknowledged sends, retained requests). */
  long messagesResent();

  /**
   * Listener callbacks dropped because the callback executor refused them (threw from {@code
   * execute}, for example a saturated bounded pool). Each refusal is also logged at WARN and, once
   * the executor accepts work again, reported to {@code onError} as a {@link ListenerException}.
   * Futures never depend on the executor: those it refused completed on SteadySocket's threads.
   */
  long callbacksRejected();
}
