package dev.steadysocket.bench.peers;

import dev.steadysocket.CloseReason;
import dev.steadysocket.ConnectionState;
import dev.steadysocket.Disconnect;
import dev.steadysocket.Envelope;
import dev.steadysocket.SocketObserver;
import dev.steadysocket.SteadySocketException;
import java.util.concurrent.atomic.AtomicLongArray;
import org.jspecify.annotations.Nullable;

/**
 * The cheapest real observer: every event is counted, one atomic increment each, and nothing else
 * (no clock read, no allocation). Its cost over a socket without an observer is what the SPI itself
 * costs once something listens: the funnel's dispatch to an observer, and the latency stamps the
 * socket takes only when one is installed.
 *
 * <p>Thread-safe, as {@link SocketObserver} requires: events come from several threads at once. Each
 * counter sits on a cache line of its own, so a reader thread counting messages received and a
 * sending thread counting messages written do not contend.
 */
public final class CountingObserver extends SocketObserver {
  /** The events, in {@link SocketObserver}'s order. */
  public enum Event {
    STATE_CHANGED, ATTEMPT_STARTED, PHASE_ENDED, HANDSHAKE_RESPONSE, CONNECTION_OPENED, DISCONNECTED,
    RECONNECT_SCHEDULED, PAUSED, RESUMED, CONNECTION_REPLACED, CLOSED, PING_SENT, PONG_RECEIVED,
    HEARTBEAT_SENT, HEARTBEAT_ECHOED, DEAD_LINK, MESSAGE_RECEIVED, BINARY_RECEIVED, DECODE_FAILED,
    DUPLICATE_DROPPED, INBOUND_PAUSED, INBOUND_RESUMED, BEFORE_SEND, MESSAGE_QUEUED, MESSAGE_WRITTEN,
    MESSAGE_ACKNOWLEDGED, OUTBOX_OVERFLOW, MESSAGES_FAILED, SETUP_MESSAGE_SENT, REQUEST_STARTED,
    REQUEST_COMPLETED, REQUEST_TIMED_OUT, REQUEST_FAILED, CALLBACKS_REJECTED
  }

  /** One installed per socket. */
  public static final SocketObserver.Factory FACTORY = socket -> new CountingObserver();

  /** Longs per counter: 8 × 8 bytes, a cache line. */
  private static final int STRIDE = 8;
  private static final Event[] EVENTS = Event.values();

  private final AtomicLongArray counts = new AtomicLongArray(EVENTS.length * STRIDE);

  private void count(Event event) {
    counts.getAndIncrement(event.ordinal() * STRIDE);
  }

  /** How many times {@code event} happened. */
  public long get(Event event) {
    return counts.get(event.ordinal() * STRIDE);
  }

  /** Every event counted so far. */
  public long total() {
    long sum = 0;
    for (Event e : EVENTS) sum += counts.get(e.ordinal() * STRIDE);
    return sum;
  }

  @Override public void stateChanged(ConnectionState from, ConnectionState to) { count(Event.STATE_CHANGED); }
  @Override public void attemptStarted(int urlIndex, String url, int attempt) { count(Event.ATTEMPT_STARTED); }
  @Override public void phaseEnded(Phase phase, long durationNanos) { count(Event.PHASE_ENDED); }
  @Override public void handshakeResponse(int httpStatus) { count(Event.HANDSHAKE_RESPONSE); }
  @Override public void connectionOpened(@Nullable String subprotocol, String extensions, long attemptNanos) {
    count(Event.CONNECTION_OPENED);
  }
  @Override public void disconnected(Disconnect disconnect, long openNanos) { count(Event.DISCONNECTED); }
  @Override public void reconnectScheduled(int attempt, long delayNanos, SteadySocketException cause) {
    count(Event.RECONNECT_SCHEDULED);
  }
  @Override public void paused(String reason) { count(Event.PAUSED); }
  @Override public void resumed(String reason, boolean stillPaused) { count(Event.RESUMED); }
  @Override public void connectionReplaced() { count(Event.CONNECTION_REPLACED); }
  @Override public void closed(CloseReason reason) { count(Event.CLOSED); }
  @Override public void pingSent() { count(Event.PING_SENT); }
  @Override public void pongReceived(long rttNanos) { count(Event.PONG_RECEIVED); }
  @Override public void heartbeatSent() { count(Event.HEARTBEAT_SENT); }
  @Override public void heartbeatEchoed(long rttNanos) { count(Event.HEARTBEAT_ECHOED); }
  @Override public void deadLink(long silenceNanos) { count(Event.DEAD_LINK); }
  @Override public void messageReceived(Envelope envelope, long bytes, long decodeNanos) { count(Event.MESSAGE_RECEIVED); }
  @Override public void binaryReceived(long bytes) { count(Event.BINARY_RECEIVED); }
  @Override public void decodeFailed() { count(Event.DECODE_FAILED); }
  @Override public void duplicateDropped(Envelope envelope) { count(Event.DUPLICATE_DROPPED); }
  @Override public void inboundPaused(int messages, long bytes) { count(Event.INBOUND_PAUSED); }
  @Override public void inboundResumed(long pausedNanos) { count(Event.INBOUND_RESUMED); }
  @Override public Envelope beforeSend(Envelope envelope) {
    count(Event.BEFORE_SEND);
    return envelope;
  }
  @Override public void messageQueued(long bytes) { count(Event.MESSAGE_QUEUED); }
  @Override public void messageWritten(long bytes, long latencyNanos, boolean resent) { count(Event.MESSAGE_WRITTEN); }
  @Override public void messageAcknowledged(String id, long latencyNanos) { count(Event.MESSAGE_ACKNOWLEDGED); }
  @Override public void outboxOverflow(int messages) { count(Event.OUTBOX_OVERFLOW); }
  @Override public void messagesFailed(int messages) { count(Event.MESSAGES_FAILED); }
  @Override public void setupMessageSent() { count(Event.SETUP_MESSAGE_SENT); }
  @Override public void requestStarted(Envelope request) { count(Event.REQUEST_STARTED); }
  @Override public void requestCompleted(String id, Envelope reply, long latencyNanos) { count(Event.REQUEST_COMPLETED); }
  @Override public void requestTimedOut(String id, long latencyNanos) { count(Event.REQUEST_TIMED_OUT); }
  @Override public void requestFailed(String id, Throwable error, long latencyNanos) { count(Event.REQUEST_FAILED); }
  @Override public void callbacksRejected(int callbacks) { count(Event.CALLBACKS_REJECTED); }
}
