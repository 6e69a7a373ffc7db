package dev.steadysocket.internal;

import dev.steadysocket.CloseReason;
import dev.steadysocket.ConnectionState;
import dev.steadysocket.Disconnect;
import dev.steadysocket.Envelope;
import dev.steadysocket.Metrics;
import dev.steadysocket.SocketObserver;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;

/**
 * A socket's counters, computed from its events and nothing else: the first observer in the
 * {@link Events} funnel. Events arrive on many threads (readers, sending threads, the loop, the
 * callback executor), so every counter is atomic; the disconnected clock is the loop's alone.
 * The gauges (outbox depth, unacknowledged messages) are not events: {@link #snapshot} reads them
 * from their owner, {@link Outbound}. Fields are package-private for tests only; nothing else writes them.
 */
final class MetricsRecorder extends SocketObserver {
  final AtomicLong connectionAttempts = new AtomicLong();
  final AtomicLong reconnects = new AtomicLong();
  final AtomicLong messagesReceived = new AtomicLong();
  final AtomicLong bytesReceived = new AtomicLong();
  final AtomicLong messagesSent = new AtomicLong();
  final AtomicLong bytesSent = new AtomicLong();
  final AtomicLong dropped = new AtomicLong();
  final AtomicLong decodeErrors = new AtomicLong();
  final AtomicLong duplicatesDropped = new AtomicLong();
  final AtomicLong resent = new AtomicLong();
  final AtomicLong setupSent = new AtomicLong();
  final AtomicLong callbacksRejected = new AtomicLong();
  volatile long heartbeatRttNanos = -1;
  /** Accumulated time not OPEN, excluding the current stretch. Loop thread writes. */
  volatile long disconnectedNanos;
  /** Start of the current not-OPEN stretch, or -1 while OPEN, before connect() and after CLOSED. */
  volatile long disconnectedSince = -1;

  private final LoopTasks clock;
  /** Loop thread only. */
  private boolean everOpened;

  MetricsRecorder(LoopTasks clock) {
    this.clock = clock;
  }

  @Override
  public void stateChanged(ConnectionState from, ConnectionState to) {
    // Out of IDLE (connect) or OPEN (pause, replace) the outage clock runs; a lost connection
    // starts it at disconnected(), before the policy has decided on the next state.
    if (from == ConnectionState.IDLE || from == ConnectionState.OPEN) startDisconnectedClock();
  }

  @Override
  public void attemptStarted(int urlIndex, String url, int attempt) {
    connectionAttempts.incrementAndGet();
  }

  @Override
  public void connectionOpened(@Nullable String subprotocol, String extensions, long attemptNanos) {
    if (everOpened) reconnects.incrementAndGet();
    everOpened = true;
    stopDisconnectedClock();
  }

  @Override
  public void disconnected(Disconnect disconnect, long openNanos) {
    if (openNanos >= 0) startDisconnectedClock();
  }

  @Override
  public void closed(CloseReason reason) {
    stopDisconnectedClock();
  }

  @Override
  public void heartbeatEchoed(long rttNanos) {
    heartbeatRttNanos = rttNanos;
  }

  @Override
  public void messageReceived(Envelope envelope, long bytes, long decodeNanos) {
    messagesReceived.incrementAndGet();
    bytesReceived.addAndGet(bytes);
  }

  @Override
  public void binaryReceived(long bytes) {
    messagesReceived.incrementAndGet();
    bytesReceived.addAndGet(bytes);
  }

  @Override
  public void decodeFailed() {
    decodeErrors.incrementAndGet();
  }

  @Override
  public void duplicateDropped(Envelope envelope) {
    duplicatesDropped.incrementAndGet();
  }

  @Override
  public void messageWritten(long bytes, long latencyNanos, boolean again) {
    messagesSent.incrementAndGet();
    bytesSent.addAndGet(bytes);
    if (again) resent.incrementAndGet();
  }

  @Override
  public void outboxOverflow(int messages) {
    dropped.addAndGet(messages);
  }

  @Override
  public void messagesFailed(int messages) {
    dropped.addAndGet(messages);
  }

  @Override
  public void setupMessageSent() {
    setupSent.incrementAndGet();
  }

  @Override
  public void callbacksRejected(int callbacks) {
    callbacksRejected.addAndGet(callbacks);
  }

  /** Loop thread: the socket is not OPEN from now (a stretch already running goes on). */
  private void startDisconnectedClock() {
    if (disconnectedSince == -1) disconnectedSince = clock.nanoTime();
  }

  /** Loop thread: the socket is OPEN (or CLOSED) now. */
  private void stopDisconnectedClock() {
    long since = disconnectedSince;
    if (since != -1) disconnectedNanos += clock.nanoTime() - since;
    disconnectedSince = -1;
  }

  /** Any thread: the counters now, with {@code outbound}'s gauges and the observer's failures. */
  Metrics snapshot(Outbound outbound, long observerFailures) {
    long now = clock.nanoTime();
    long since = disconnectedSince;
    long disconnected = disconnectedNanos + (since == -1 ? 0 : now - since);
    long rtt = heartbeatRttNanos;
    return new Snapshot(
        connectionAttempts.get(), reconnects.get(), messagesReceived.get(), messagesSent.get(),
        bytesReceived.get(), bytesSent.get(), outbound.depth, dropped.get(), decodeErrors.get(),
        rtt < 0 ? -1 : rtt / 1_000_000, disconnected / 1_000_000,
        duplicatesDropped.get(), outbound.unacknowledged, resent.get(), callbacksRejected.get(),
        setupSent.get(), observerFailures);
  }

  private static final class Snapshot implements Metrics {
    private final long attempts, reconnects, received, sent, bytesIn, bytesOut;
    private final int depth;
    private final long dropped, decodeErrors, rtt, disconnected, duplicates, resent;
    private final int unacked;
    private final long rejected, setup, observerFailures;

    Snapshot(long attempts, long reconnects, long received, long sent, long bytesIn, long bytesOut,
        int depth, long dropped, long decodeErrors, long rtt, long disconnected, long duplicates,
        int unacked, long resent, long rejected, long setup, long observerFailures) {
      this.observerFailures = observerFailures;
      this.rejected = rejected;
      this.setup = setup;
      this.duplicates = duplicates;
      this.unacked = unacked;
      this.resent = resent;
      this.attempts = attempts;
      this.reconnects = reconnects;
      this.received = received;
      this.sent = sent;
      this.bytesIn = bytesIn;
      this.bytesOut = bytesOut;
      this.depth = depth;
      this.dropped = dropped;
      this.decodeErrors = decodeErrors;
      this.rtt = rtt;
      this.disconnected = disconnected;
    }

    @Override public long connectionAttempts() { return attempts; }
    @Override public long reconnects() { return reconnects; }
    @Override public long messagesReceived() { return received; }
    @Override public long messagesSent() { return sent; }
    @Override public long bytesReceived() { return bytesIn; }
    @Override public long bytesSent() { return bytesOut; }
    @Override public int outboxDepth() { return depth; }
    @Override public long messagesDropped() { return dropped; }
    @Override public long decodeErrors() { return decodeErrors; }
    @Override public long lastHeartbeatRttMillis() { return rtt; }
    @Override public long disconnectedMillis() { return disconnected; }
    @Override public long duplicatesDropped() { return duplicates; }
    @Override public int unacknowledged() { return unacked; }
    @Override public long messagesResent() { return resent; }
    @Override public long callbacksRejected() { return rejected; }
    @Override public long setupMessagesSent() { return setup; }
    @Override public long observerFailures() { return observerFailures; }

    @Override
    public String toString() {
      return "Metrics{attempts=" + attempts + ", reconnects=" + reconnects + ", received=" + received
          + ", sent=" + sent + ", bytesIn=" + bytesIn + ", bytesOut=" + bytesOut
          + ", outbox=" + depth + ", dropped=" + dropped + ", decodeErrors=" + decodeErrors
          + ", heartbeatRttMs=" + rtt + ", disconnectedMs=" + disconnected
          + ", duplicatesDropped=" + duplicates + ", unacknowledged=" + unacked
          + ", resent=" + resent + ", callbacksRejected=" + rejected + ", setupSent=" + setup
          + ", observerFailures=" + observerFailures + "}";
    }
  }
}
