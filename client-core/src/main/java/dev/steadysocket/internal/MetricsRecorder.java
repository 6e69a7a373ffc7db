package dev.steadysocket.internal;

import dev.steadysocket.Metrics;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A socket's counters. Written by whichever path counts the event (reader threads, sending
 * threads, the loop, the callback executor), so every counter is atomic or volatile with a single
 * writer at a time; read by any thread taking a snapshot.
 */
final class MetricsRecorder {
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
  volatile int unacknowledged;
  volatile long heartbeatRttNanos = -1;
  volatile int outboxDepth;
  /** Accumulated time not OPEN, excluding the current stretch. */
  volatile long disconnectedNanos;
  /** Start of the current not-OPEN stretch, or -1 while OPEN or before connect(). */
  volatile long disconnectedSince = -1;

  /** Loop thread only. */
  private boolean everOpened;

  /** Loop thread: a connection opened at {@code now}; every one after the first is a reconnect. */
  void opened(long now) {
    if (everOpened) reconnects.incrementAndGet();
    everOpened = true;
    stopDisconnectedClock(now);
  }

  /** Loop thread: the socket stopped being OPEN at {@code now}. */
  void startDisconnectedClock(long now) {
    disconnectedSince = now;
  }

  /** Loop thread: the socket is OPEN (or CLOSED) again at {@code now}. */
  void stopDisconnectedClock(long now) {
    long since = disconnectedSince;
    if (since != -1) disconnectedNanos += now - since;
    disconnectedSince = -1;
  }

  Metrics snapshot(long now) {
    long since = disconnectedSince;
    long disconnected = disconnectedNanos + (since == -1 ? 0 : now - since);
    return new Snapshot(
        connectionAttempts.get(), reconnects.get(), messagesReceived.get(), messagesSent.get(),
        bytesReceived.get(), bytesSent.get(), outboxDepth, dropped.get(), decodeErrors.get(),
        heartbeatRttNanos < 0 ? -1 : heartbeatRttNanos / 1_000_000, disconnected / 1_000_000,
        duplicatesDropped.get(), unacknowledged, resent.get(), callbacksRejected.get(), setupSent.get());
  }

  private static final class Snapshot implements Metrics {
    private final long attempts, reconnects, received, sent, bytesIn, bytesOut;
    private final int depth;
    private final long dropped, decodeErrors, rtt, disconnected, duplicates, resent;
    private final int unacked;
    private final long rejected, setup;

    Snapshot(long attempts, long reconnects, long received, long sent, long bytesIn, long bytesOut,
        int depth, long dropped, long decodeErrors, long rtt, long disconnected, long duplicates,
        int unacked, long resent, long rejected, long setup) {
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

    @Override
    public String toString() {
      return "Metrics{attempts=" + attempts + ", reconnects=" + reconnects + ", received=" + received
          + ", sent=" + sent + ", bytesIn=" + bytesIn + ", bytesOut=" + bytesOut
          + ", outbox=" + depth + ", dropped=" + dropped + ", decodeErrors=" + decodeErrors
          + ", heartbeatRttMs=" + rtt + ", disconnectedMs=" + disconnected
          + ", duplicatesDropped=" + duplicates + ", unacknowledged=" + unacked
          + ", resent=" + resent + ", callbacksRejected=" + rejected + ", setupSent=" + setup + "}";
    }
  }
}
