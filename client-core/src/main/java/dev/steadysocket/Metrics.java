package dev.steadysocket;

/**
 * A snapshot of a socket's counters, from {@link SteadySocket#metrics()}. Counters start at zero
 * when the socket is built and only grow; the others are values at the time of the snapshot.
 * Snapshots are immutable and thread-safe; each value is read atomically, but two values may be
 * read a moment apart. Implemented by SteadySocket only.
 */
public interface Metrics {
  /**
   * Handshakes started.
   *
   * @return connection attempts since the socket was built, the first included
   */
  long connectionAttempts();

  /**
   * Connections opened after the first one.
   *
   * @return successful reconnects since the socket was built
   */
  long reconnects();

  /**
   * Envelopes and binary frames received and delivered (heartbeat replies excluded).
   *
   * @return messages handed to the listeners: envelopes and binary frames; heartbeats,
   *     acknowledgements, replies to requests and dropped duplicates are not counted
   */
  long messagesReceived();

  /**
   * Messages handed to the transport (heartbeats excluded).
   *
   * @return messages written: envelopes, raw text and binary frames, a message re-sent on a new
   *     connection counting again; heartbeats and resume frames are not counted
   */
  long messagesSent();

  /**
   * UTF-8 bytes of text frames received and delivered, plus binary frame bytes.
   *
   * @return payload bytes of the messages counted by {@link #messagesReceived()}
   */
  long bytesReceived();

  /**
   * Bytes of the messages handed to the transport.
   *
   * @return payload bytes of the messages counted by {@link #messagesSent()} (UTF-8 bytes of text,
   *     plus binary frame bytes)
   */
  long bytesSent();

  /**
   * Messages waiting in the outbox now.
   *
   * @return messages queued and not yet written, at most the outbox's {@code maxMessages}
   */
  int outboxDepth();

  /**
   * Messages rejected or dropped by the outbox, or failed because the socket closed.
   *
   * @return sends failed with {@link OutboxOverflowException} or {@link SocketClosedException}
   *     (sends too large or not encodable are not counted)
   */
  long messagesDropped();

  /**
   * Text frames that could not be decoded.
   *
   * @return frames the codec refused (each also reported as a {@link DecodeException});
   *     content that did not fit a typed handler is not counted
   */
  long decodeErrors();

  /**
   * Round-trip time of the last echoed heartbeat envelope in milliseconds, or -1 if none yet.
   *
   * @return milliseconds from sending the last echoed heartbeat envelope to receiving its echo,
   *     or -1 if no echo has arrived (always so with {@link Heartbeat#withoutEnvelope()})
   */
  long lastHeartbeatRttMillis();

  /**
   * Total time spent not OPEN since {@code connect()}, in milliseconds (up to now, or CLOSED).
   *
   * @return milliseconds not OPEN, counted from {@link SteadySocket#connect()} (0 before it) to
   *     now or to CLOSED, paused time included
   */
  long disconnectedMillis();

  /**
   * Inbound envelopes dropped because their id was delivered recently (de-duplication).
   *
   * @return duplicates dropped; always 0 unless {@link SteadySocketBuilder#deduplicate} is on
   */
  long duplicatesDropped();

  /**
   * Acknowledgement mode: messages sent and not yet acknowledged.
   *
   * @return messages written (or waiting to be written again) without an acknowledgement yet;
   *     always 0 outside acknowledgement mode
   */
  int unacknowledged();

  /**
   * Messages written again on a new connection (unacknowledged sends, retained requests).
   *
   * @return re-sends since the socket was built
   */
  long messagesResent();

  /**
   * Listener callbacks dropped because the callback executor refused them (threw from {@code
   * execute}, for example a saturated bounded pool). Each refusal is also logged at WARN and, once
   * the executor accepts work again, reported to {@code onError} as a {@link ListenerException}.
   * Futures never depend on the executor: those it refused completed on SteadySocket's threads.
   *
   * @return callbacks dropped; always 0 with the default executor, which never refuses
   */
  long callbacksRejected();

  /**
   * Setup messages written ({@link SetupMessage}s and their closing messages), counted apart from
   * {@link #messagesSent()} (and not in {@link #bytesSent()}): they are not application messages.
   *
   * @return setup messages written since the socket was built
   */
  default long setupMessagesSent() {
    return 0;
  }

  /**
   * Exceptions thrown by the socket's {@link SocketObserver}, each caught so the socket carried on
   * (the first is logged at WARN).
   *
   * @return observer failures since the socket was built
   */
  default long observerFailures() {
    return 0;
  }
}
