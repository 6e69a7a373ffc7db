package dev.steadysocket.internal;

import dev.steadysocket.EncodeException;
import dev.steadysocket.Envelope;
import dev.steadysocket.MessageCodec;
import dev.steadysocket.MessageTooLargeException;
import dev.steadysocket.OutboxOverflowException;
import dev.steadysocket.OutboxPolicy;
import dev.steadysocket.SocketClosedException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;

/**
 * The outbound path of one socket: the send lane, the outbox, back-pressure and the
 * acknowledgement window.
 *
 * <p><b>Threading:</b> entered by application threads ({@link #send}), the loop thread ({@link
 * #attach}, {@link #detach}, {@link #flush}, {@link #failAll}, {@link #withdraw}, the drain
 * timer) and the thread
 * that decodes frames ({@link #acked}). Every field below {@link #lock} is guarded by it, so the
 * order in which sends take the lock is the order in which messages leave. The one call made
 * under the lock is the transport's non-blocking enqueue (OkHttp's {@code WebSocket.send} and
 * {@code queueSize}, which never call back into us); futures are completed after it is released,
 * on the calling thread only if they have not been returned yet, otherwise through the bus.
 *
 * <p><b>Invariants:</b> a message is written at once only when nothing waits before it (the lane
 * rule, {@link #offer}); each message's future completes exactly once: written (or acknowledged),
 * refused, evicted, withdrawn or failed at CLOSED.
 */
final class Outbound {
  /**
   * OkHttp tears a WebSocket down if more than 16 MiB are queued in it. We stop handing it
   * messages well before that and keep the rest in the outbox, where the overflow policy applies.
   */
  static final long SEND_BUFFER_HIGH_WATER = 4L << 20;
  /** Largest single message: below OkHttp's 16 MiB limit with room for framing. */
  static final long MAX_MESSAGE_BYTES = (16L << 20) - 1024;
  /** How often a held-back outbox is retried while OkHttp's buffer is above the high water. */
  static final long DRAIN_POLL_NANOS = 10_000_000L;

  private final MessageCodec codec;
  private final boolean ackMode;
  private final int ackWindow;
  private final long maxMessageBytes;
  private final String outboxDescription;
  private final ListenerBus bus;
  private final MetricsRecorder metrics;
  private final LoopTasks tasks;

  private final Object lock = new Object();
  /** The open connection's transport while the socket is OPEN; null otherwise. */
  private @Nullable Transport writable;

  private final Outbox outbox;
  /** Acknowledgement mode: written and not yet acknowledged, oldest first; tracked per send. */
  private final ArrayDeque<Outbox.Pending> unacked = new ArrayDeque<>();
  /** Set by close() and at CLOSED: new sends fail at once. */
  private boolean refusing;
  /** The flush retried while OkHttp's buffer is above the high water, or null. */
  private Scheduler.@Nullable Cancellable drainTimer;

  Outbound(
      OutboxPolicy policy,
      MessageCodec codec,
      boolean ackMode,
      ListenerBus bus,
      MetricsRecorder metrics,
      LoopTasks tasks) {
    this.outbox = new Outbox(policy);
    this.outboxDescription = policy.toString();
    this.codec = codec;
    this.ackMode = ackMode;
    this.ackWindow = policy.maxMessages();
    this.maxMessageBytes = Math.min(policy.maxBytes(), MAX_MESSAGE_BYTES);
    this.bus = bus;
    this.metrics = metrics;
    this.tasks = tasks;
  }

  /** Any thread: encodes {@code envelope} here (so encoding errors fail at once), then offers it. */
  CompletableFuture<Void> send(Envelope envelope, Requests.@Nullable Request request) {
    CompletableFuture<Void> future = new CompletableFuture<>();
    if (ackMode) {
      Envelope.Builder b = envelope.toBuilder().meta(InboundLedger.META_ACK, Boolean.TRUE);
      if (envelope.id() == null) b.id(Ids.next());
      envelope = b.build();
    }
    String text;
    try {
      text = codec.encode(envelope);
    } catch (RuntimeException | StackOverflowError e) {
      future.completeExceptionally(
          e instanceof EncodeException ? e : new EncodeException("codec failed: " + e, e));
      return future;
    }
    long size = Utf8.size(text);
    if (size > maxMessageBytes) {
      future.completeExceptionally(
          new MessageTooLargeException(
              "message is " + size + " bytes; the limit is " + maxMessageBytes
                  + " (raise OutboxPolicy maxBytes for larger messages)"));
      return future;
    }
    Outbox.Pending pending = new Outbox.Pending(text, size, future, envelope.id(), request);
    if (request != null) request.message = pending;
    offer(pending);
    return future;
  }

  /** The lane rule: written now if OPEN and nothing waits before it, else queued in the outbox. */
  private void offer(Outbox.Pending p) {
    boolean refused;
    boolean written = false;
    boolean blocked = false;
    List<Outbox.Pending> turnedAway = null;
    synchronized (lock) {
      refused = refusing;
      if (!refused) {
        Transport t = writable;
        if (t != null && outbox.isEmpty() && write(t, p)) {
          written = true;
        } else {
          turnedAway = outbox.offer(p);
          blocked = t != null;
          metrics.outboxDepth = outbox.size();
        }
      }
    }
    // The future of p has not been returned yet: completing it here runs no application code.
    if (refused) {
      p.future.completeExceptionally(new SocketClosedException("socket is closing or closed"));
    } else if (written && !ackMode) {
      p.future.complete(null);
    } else if (turnedAway != null && !turnedAway.isEmpty()) {
      metrics.dropped.addAndGet(turnedAway.size());
      for (Outbox.Pending q : turnedAway) {
        String what = q == p ? "outbox full, message rejected" : "outbox full, oldest message dropped";
        OutboxOverflowException e = new OutboxOverflowException(what + " (" + outboxDescription + ")");
        if (q == p) p.future.completeExceptionally(e);
        else bus.complete(q.future, null, e);
      }
    }
    if (blocked) flushLater();
  }

  /** Loop thread, on OPEN: writes what must precede everything newer, then the outbox; opens the lane. */
  void attach(Transport t, @Nullable String resumeFrame, List<Requests.Request> resend) {
    List<CompletableFuture<Void>> done = new ArrayList<>();
    boolean blocked;
    synchronized (lock) {
      if (refusing) return;
      writable = t;
      if (resumeFrame != null) t.send(resumeFrame);
      for (Outbox.Pending p : unacked) t.send(p.text); // same ids: the server drops what it has
      for (Requests.Request r : resend) {
        Outbox.Pending m = r.message;
        if (m != null && t.send(m.text)) r.sentOn = t;
      }
      metrics.resent.addAndGet(unacked.size() + resend.size());
      blocked = flushLocked(done);
    }
    bus.succeedAll(done);
    if (blocked) flushLater();
  }

  /** Loop thread: {@code t} no longer takes messages; later sends wait in the outbox. */
  void detach(@Nullable Transport t) {
    synchronized (lock) {
      if (t != null && writable == t) writable = null;
    }
  }

  /** Loop thread: writes what the transport takes now (after back-pressure, or before a close frame). */
  void flush() {
    List<CompletableFuture<Void>> done = new ArrayList<>();
    boolean blocked;
    synchronized (lock) {
      blocked = flushLocked(done);
    }
    bus.succeedAll(done);
    if (blocked) flushLater();
  }

  /**
   * Any thread, outside the lock: OkHttp's buffer is above the high water, so the outbox is tried
   * again after {@link #DRAIN_POLL_NANOS} on the loop (it would otherwise wait for the next send).
   */
  private void flushLater() {
    synchronized (lock) {
      if (drainTimer != null || writable == null) return;
      drainTimer = tasks.schedule(() -> {
        synchronized (lock) {
          drainTimer = null;
        }
        flush();
      }, DRAIN_POLL_NANOS);
    }
  }

  /** Any thread: from now on sends fail at once ({@code close()} was called). */
  void refuseNewSends() {
    synchronized (lock) {
      refusing = true;
    }
  }

  /** Reader thread, acknowledgement mode: the server has the oldest message sent with {@code id}. */
  void acked(String id) {
    Outbox.Pending acked = null;
    List<CompletableFuture<Void>> done = new ArrayList<>();
    boolean blocked = false;
    synchronized (lock) {
      for (Iterator<Outbox.Pending> it = unacked.iterator(); it.hasNext(); ) {
        Outbox.Pending p = it.next();
        if (id.equals(p.id)) {
          it.remove();
          acked = p;
          break;
        }
      }
      if (acked != null) {
        metrics.unacknowledged = unacked.size();
        blocked = flushLocked(done); // the window opened
      }
    }
    if (acked == null) return; // a duplicate ack, or one for a message we already gave up on
    bus.complete(acked.future, null, null);
    bus.succeedAll(done);
    if (blocked) flushLater();
  }

  /** Loop thread: takes {@code p} out of the outbox if it is still there (a timed-out request). */
  void withdraw(Outbox.Pending p) {
    boolean removed;
    synchronized (lock) {
      removed = outbox.remove(p);
      metrics.outboxDepth = outbox.size();
    }
    if (removed) bus.complete(p.future, null, new SocketClosedException("withdrawn: the request timed out"));
  }

  /** Loop thread, at CLOSED: every message not yet sent (or acknowledged) fails. */
  void failAll() {
    List<CompletableFuture<?>> queued = new ArrayList<>();
    List<CompletableFuture<?>> inFlight = new ArrayList<>();
    synchronized (lock) {
      refusing = true;
      writable = null;
      LoopTasks.cancel(drainTimer);
      drainTimer = null;
      for (Outbox.Pending p : outbox.drain()) queued.add(p.future);
      for (Outbox.Pending p : unacked) inFlight.add(p.future);
      unacked.clear();
      metrics.outboxDepth = 0;
      metrics.unacknowledged = 0;
    }
    metrics.dropped.addAndGet(queued.size());
    bus.failAll(queued, new SocketClosedException("socket closed before the message was sent"));
    bus.failAll(inFlight, new SocketClosedException("socket closed before the server acknowledged the message"));
  }

  /**
   * Under the lock: writes from the outbox while the transport takes them, collecting the futures
   * to complete. True if messages wait only because OkHttp's buffer is full (poll again later);
   * a full acknowledgement window opens again with the next ack.
   */
  private boolean flushLocked(List<CompletableFuture<Void>> done) {
    Transport t = writable;
    if (t == null) return false;
    boolean blocked = false;
    while (!outbox.isEmpty()) {
      Outbox.Pending p = outbox.peek();
      if (p == null || !write(t, p)) {
        blocked = !(ackMode && unacked.size() >= ackWindow);
        break;
      }
      outbox.poll();
      if (!ackMode) done.add(p.future);
    }
    metrics.outboxDepth = outbox.size();
    return blocked;
  }

  /** Under the lock: hands {@code p} to {@code t} unless the window or OkHttp's buffer is full. */
  private boolean write(Transport t, Outbox.Pending p) {
    if (ackMode && unacked.size() >= ackWindow) return false;
    long queued = t.queueSize();
    if (queued > 0 && queued + p.bytes > SEND_BUFFER_HIGH_WATER) return false;
    if (!t.send(p.text)) return false; // failing or closing: the failure event follows
    metrics.messagesSent.incrementAndGet();
    metrics.bytesSent.addAndGet(p.bytes);
    if (p.request != null) p.request.sentOn = t;
    if (ackMode) {
      unacked.addLast(p); // completes on the server's ack
      metrics.unacknowledged = unacked.size();
    }
    return true;
  }
}
