package dev.steadysocket;

import org.jspecify.annotations.Nullable;

/**
 * Fine-grained events of one socket, for metrics and tracing: every connection attempt and its
 * phases, every outage, heartbeat and message, with the figures measured where they happen. The
 * {@code micrometer} and {@code opentelemetry} modules are observers; so is {@link
 * SteadySocket#metrics()}, whose counters are computed from these same events.
 *
 * <p><b>How it differs from {@link SteadySocketListener}.</b> A listener is the application's: its
 * callbacks run later, one at a time, on the callback executor, and may do anything. An observer is
 * instrumentation: its methods run <em>synchronously</em>, on whatever thread the event happens on
 * — the socket's loop thread (shared by many sockets), OkHttp's reader and call threads, the
 * callback executor, or the application thread calling {@code send} — and concurrently from several
 * of them. So an observer <b>must be fast, thread-safe, and must not block</b> (no I/O, no waiting
 * for locks others hold long, no calls back into the socket that wait for it). It is never called
 * while SteadySocket holds one of its own locks. An observer that throws does not disturb the
 * socket: the exception is caught, logged once, and counted in {@link Metrics#observerFailures()};
 * the same observer is still called for later events.
 *
 * <p>Modelled on OkHttp's {@code EventListener}: every method does nothing by default, so an
 * observer overrides only what it needs, and later versions may add events. Durations are
 * nanoseconds of the socket's monotonic clock (the test kit's virtual clock in tests). Install one
 * per socket with {@link SteadySocketBuilder#observer(Factory)}; the default is {@link #NONE}, and a
 * socket without an observer measures nothing it does not need for {@link Metrics}.
 *
 * <p><b>Order.</b> Events of one kind of work come in the order it happens: {@link #attemptStarted},
 * the phases, {@link #handshakeResponse}, then {@link #connectionOpened} or {@link #disconnected}
 * for an attempt — or nothing more if the application abandoned it ({@link #paused}, {@link
 * #connectionReplaced}, {@link #closed} came first); an open connection ends with {@link
 * #disconnected}, or on purpose with one of those three; {@link #messageQueued}, {@link
 * #messageWritten} (again when it is re-sent), {@link #messageAcknowledged} for a message; {@link #requestStarted} then exactly one of {@link
 * #requestCompleted}, {@link #requestTimedOut} or {@link #requestFailed} for a request. Events from
 * different threads (a message received while another is written) are not ordered with each other.
 */
public abstract class SocketObserver {
  /** The observer that observes nothing. */
  public static final SocketObserver NONE = new SocketObserver() {};

  /** Creates one observer per socket. */
  public interface Factory {
    /**
     * Called once by {@link SteadySocketBuilder#build()}, on its thread, before the socket is returned.
     *
     * @param socket the socket being built, not yet connected; an observer may keep it to read its
     *     state or {@link SteadySocket#metrics()} (for gauges), from an event too, but must not wait
     *     for it there (a future's {@code get()}, a close's completion)
     * @return the socket's observer; {@link #NONE} to observe nothing
     */
    SocketObserver create(SteadySocket socket);
  }

  /** The phases of a connection attempt SteadySocket times itself on the OkHttp client it derives. */
  public enum Phase {
    /** Resolving the host name (the client's {@code Dns}); absent through a proxy that resolves. */
    DNS,
    /** The TCP connect to the host or proxy (one per address tried). */
    CONNECT,
    /**
     * The TLS handshake, for {@code wss://}: from the TCP connect's end to the upgrade request sent,
     * on the wall clock in milliseconds (OkHttp records the request's times so), not the monotonic one.
     */
    TLS,
    /** From the upgrade request sent to its response received; wall-clock milliseconds, as {@link #TLS}. */
    UPGRADE
  }

  // ---------------------------------------------------------------- connection

  /**
   * The socket's state changed. Loop thread.
   *
   * @param from the previous state
   * @param to the new state
   */
  public void stateChanged(ConnectionState from, ConnectionState to) {}

  /**
   * A connection attempt starts. Loop thread.
   *
   * @param urlIndex 0 for the socket's URL, 1… for its {@link SteadySocketBuilder#failoverUrls failover URLs}
   * @param url that URL redacted as logs show it: scheme, host and port ({@code wss://host:port/...});
   *     never its path, query or credentials
   * @param attempt 1 for the first attempt since the socket connected, was last stable (open for the
   *     minimum uptime) or resumed, then 2, 3…: every attempt counts, the first included, where
   *     {@code onReconnecting} counts retries (so after {@code connect()} or {@code resume()} it is
   *     one more than {@code onReconnecting}'s number)
   */
  public void attemptStarted(int urlIndex, String url, int attempt) {}

  /**
   * A phase of the current attempt ended successfully. One of OkHttp's threads running the call (its
   * dispatcher; a TCP connect racing other addresses under fast fallback, a TaskRunner thread, and
   * two such connects may report at once). Only attempts
   * made through SteadySocket's own OkHttp transport report phases. An attempt the socket gave up
   * on (timed out, replaced) may still be connecting: its late phases can arrive after the next
   * {@link #attemptStarted}.
   *
   * @param phase which phase
   * @param durationNanos how long it took
   */
  public void phaseEnded(Phase phase, long durationNanos) {}

  /**
   * The server answered the upgrade request. Loop thread.
   *
   * @param httpStatus 101 when the connection opens, otherwise the refusing status (401, 503…)
   */
  public void handshakeResponse(int httpStatus) {}

  /**
   * The connection opened. Loop thread, before listeners hear of OPEN.
   *
   * @param subprotocol the subprotocol the server chose, or null
   * @param extensions the negotiated extensions, or ""
   * @param attemptNanos how long the attempt took, from {@link #attemptStarted}
   */
  public void connectionOpened(@Nullable String subprotocol, String extensions, long attemptNanos) {}

  /**
   * A connection was lost or an attempt failed; the reconnect policy decides next. Loop thread.
   *
   * @param disconnect what happened, typed
   * @param openNanos how long the connection was open, or -1 if it never opened
   */
  public void disconnected(Disconnect disconnect, long openNanos) {}

  /**
   * The next attempt is scheduled. Loop thread.
   *
   * @param attempt its number, as {@link #attemptStarted} will report it
   * @param delayNanos how long until it starts
   * @param cause the error that ended the last connection or attempt
   */
  public void reconnectScheduled(int attempt, long delayNanos, SteadySocketException cause) {}

  /**
   * {@link SteadySocket#pause} took effect, or added a reason to a pause in force. Loop thread.
   *
   * @param reason the reason given
   */
  public void paused(String reason) {}

  /**
   * {@link SteadySocket#resume} released {@code reason}. Loop thread.
   *
   * @param reason the reason given
   * @param stillPaused whether other reasons still hold the socket paused
   */
  public void resumed(String reason, boolean stillPaused) {}

  /** {@link SteadySocket#replaceConnection()} is starting a new connection. Loop thread. */
  public void connectionReplaced() {}

  /**
   * The socket is CLOSED: the loop's last event, after the failures of what was still queued or
   * awaited ({@link #messagesFailed}, {@link #requestFailed}). Loop thread. An event already under
   * way on another thread (a message being decoded) may still arrive, and so do the events of a
   * {@code send} or {@code request} called after the close, which fail at once ({@link
   * #messageQueued} then {@link #messagesFailed}; {@link #requestStarted} then {@link #requestFailed}).
   *
   * @param reason why, as {@code onClosed} reports it
   */
  public void closed(CloseReason reason) {}

  // ---------------------------------------------------------------- liveness

  /** A ping frame is sent (a heartbeat round or a liveness check). Loop thread. */
  public void pingSent() {}

  /**
   * The first pong after a ping arrived. OkHttp's reader thread (the test kit's in-memory link also
   * reports pongs). Pongs carry no match to their ping: one unsolicited, or late from a round already
   * judged, is timed from the oldest ping still awaiting its pong.
   *
   * @param rttNanos from the oldest ping awaiting a pong to this pong read
   */
  public void pongReceived(long rttNanos) {}

  /** A heartbeat envelope is sent. Loop thread. */
  public void heartbeatSent() {}

  /**
   * The server echoed the last heartbeat envelope. The thread that decodes frames.
   *
   * @param rttNanos from the heartbeat sent to its echo decoded
   */
  public void heartbeatEchoed(long rttNanos) {}

  /**
   * The open connection gave no sign of life after a ping and is given up. Loop thread; {@link
   * #disconnected} follows.
   *
   * @param silenceNanos how long it was silent after the ping
   */
  public void deadLink(long silenceNanos) {}

  // ---------------------------------------------------------------- inbound

  /**
   * An envelope is delivered to the listeners (heartbeats, acknowledgements, replies and
   * duplicates are not). The thread that decodes frames: OkHttp's reader or the callback executor.
   *
   * @param envelope the message; its {@code meta} may carry a {@code traceparent}
   * @param bytes its UTF-8 size
   * @param decodeNanos how long the codec took to decode it
   */
  public void messageReceived(Envelope envelope, long bytes, long decodeNanos) {}

  /**
   * A binary frame is delivered to the listeners. Callback executor.
   *
   * @param bytes its size
   */
  public void binaryReceived(long bytes) {}

  /** A text frame the codec could not decode; {@code onError} gets a {@link DecodeException}. */
  public void decodeFailed() {}

  /**
   * A message already delivered (same id, within the de-duplication window) was dropped.
   *
   * @param envelope the dropped copy
   */
  public void duplicateDropped(Envelope envelope) {}

  /**
   * Inbound back-pressure: too much waits for the listeners, so the reader stops reading. OkHttp's
   * reader thread.
   *
   * @param messages messages waiting for the listeners
   * @param bytes their bytes
   */
  public void inboundPaused(int messages, long bytes) {}

  /**
   * The listeners caught up and the reader reads again. OkHttp's reader thread.
   *
   * @param pausedNanos how long it was held
   */
  public void inboundResumed(long pausedNanos) {}

  // ---------------------------------------------------------------- outbound

  /**
   * Gives the observer a chance to add to an envelope before it is encoded, for example a {@code
   * traceparent} in its {@code meta}. Called on the thread calling {@code send} or {@code request}
   * (so a tracer's current context is the caller's), before {@link #messageQueued}. Heartbeats,
   * setup messages and raw frames do not pass here.
   *
   * @param envelope what the application sends
   * @return what to send instead (usually {@code envelope.toBuilder().meta(…).build()}), or {@code
   *     envelope} itself; an observer that throws or returns null leaves it unchanged. For a request,
   *     whose reply names its id, a result with another id is ignored — with every observer's
   *     additions — and the request goes out as the application built it
   */
  public Envelope beforeSend(Envelope envelope) {
    return envelope;
  }

  /**
   * {@code send}, {@code sendText} or {@code sendBinary} accepted a message: it is written now or
   * waits in the outbox. The sending thread.
   *
   * @param bytes its size
   */
  public void messageQueued(long bytes) {}

  /**
   * A message was handed to OkHttp for writing. The sending thread or the loop thread.
   *
   * @param bytes its size
   * @param latencyNanos from {@link #messageQueued} to now
   * @param resent whether it was written before, on a connection since lost
   */
  public void messageWritten(long bytes, long latencyNanos, boolean resent) {}

  /**
   * In acknowledgement mode, the server acknowledged a message. The thread that decodes frames; if
   * the message's write is still being reported on the thread that wrote it, that thread, right
   * after {@link #messageWritten} (so the two are never reported the other way round).
   *
   * @param id the message's id
   * @param latencyNanos from {@link #messageQueued} to now
   */
  public void messageAcknowledged(String id, long latencyNanos) {}

  /**
   * The outbox was full: messages were refused or evicted; their futures fail with {@link
   * OutboxOverflowException}. The sending thread.
   *
   * @param messages how many
   */
  public void outboxOverflow(int messages) {}

  /**
   * Messages were given up because the socket is closing or closed; their futures fail. The
   * sending thread or the loop thread.
   *
   * @param messages how many
   */
  public void messagesFailed(int messages) {}

  /** A setup message was written. The loop thread or a sending thread. */
  public void setupMessageSent() {}

  /**
   * {@code request} started. The calling thread, before {@link #beforeSend} of its envelope.
   *
   * @param request the request, with its id
   */
  public void requestStarted(Envelope request) {}

  /**
   * A request's reply arrived. The thread that decodes frames.
   *
   * @param id the request's id
   * @param reply the reply
   * @param latencyNanos from {@link #requestStarted} to now
   */
  public void requestCompleted(String id, Envelope reply, long latencyNanos) {}

  /**
   * A request timed out. Loop thread.
   *
   * @param id the request's id
   * @param latencyNanos from {@link #requestStarted} to now
   */
  public void requestTimedOut(String id, long latencyNanos) {}

  /**
   * A request failed otherwise: not sent, its connection lost (with {@code RequestRetention.FAIL}),
   * or the socket closed. Any of the threads above.
   *
   * @param id the request's id
   * @param error why
   * @param latencyNanos from {@link #requestStarted} to now
   */
  public void requestFailed(String id, Throwable error, long latencyNanos) {}

  /**
   * The callback executor refused work: callbacks were dropped (futures still complete); counted
   * in {@link Metrics#callbacksRejected()}. The thread whose hand-off was refused.
   *
   * @param callbacks how many were dropped
   */
  public void callbacksRejected(int callbacks) {}
}
