package dev.steadysocket.internal;

import dev.steadysocket.Envelope;
import dev.steadysocket.MessageCodec;
import dev.steadysocket.OutboxOverflowException;
import dev.steadysocket.OutboxPolicy;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;

/**
 * The outbound path of one socket: the send lane, the outbox, back-pressure and the
 * acknowledgement window.
 *
 * <p><b>Threading:</b> entered by application threads ({@link #send}), the loop thread ({@link
 * #attach}, {@link #detach}, {@link #flush}, {@link #failAll}, {@link #withdraw}, the drain
 * timer) and the thread that decodes frames ({@link #acked}, {@link #withdraw} for a reply). Every field below {@link #lock} is guarded by it, so the
 * order in which sends take the lock is the order in which messages leave. The one call made
 * under the lock is the transport's non-blocking enqueue (OkHttp's {@code WebSocket.send} and
 * {@code queueSize}, which never call back into us); futures are completed after it is released,
 * on the calling thread only if they have not been returned yet, otherwise through the bus.
 *
 * <p><b>Invariants:</b> a message is written at once only when nothing waits before it, the open
 * connection's setup included ({@link SetupGate}; the lane rule, {@link #offer}); each message's
 * future completes exactly once: written (or acknowledged), refused, evicted, withdrawn or failed
 * at CLOSED. A completion that races the close (from a sending
 * or reading thread) is queued on the bus while the lock is held, so {@link #failAll}, which takes
 * the lock before onClosed is queued, orders it before onClosed.
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

  private final OutboundEncoder encoder;
  private final boolean ackMode;
  private final int ackWindow;
  private final String outboxDescription;
  private final ListenerBus bus;
  private final Events events;
  private final LoopTasks tasks;

  private final Object lock = new Object();
  /** The open connection's transport while the socket is OPEN; null otherwise. */
  private @Nullable Transport writable;

  private final Outbox outbox;
  /** The open connection's setup messages, written before everything else, and its hold on the rest. */
  private final SetupGate setup = new SetupGate();
  /** Acknowledgement mode: written and not yet acknowledged, oldest first; tracked per send. */
  private final ArrayDeque<Outbox.Pending> unacked = new ArrayDeque<>();
  /**
   * Messages written on a lost connection that must be written again on the next one, before the
   * outbox and through the same back-pressure: in acknowledgement mode the unacknowledged ones, with
   * {@code RequestRetention.RESEND} the requests still awaiting a reply. Always in send order
   * ({@link Outbox.Pending#seq}), whatever order the losses and partial replays left them in.
   */
  private ArrayDeque<Outbox.Pending> replay = new ArrayDeque<>();
  /** Gauges for metrics(), written under the lock, read by any thread: the outbox's size, and what awaits an ack. */
  volatile int depth, unacknowledged;
  /** The {@link Outbox.Pending#seq} of the last message offered. */
  private long sequence;
  /** Set by close() and at CLOSED: new sends fail at once. */
  private boolean refusing;
  /** The flush retried while OkHttp's buffer is above the high water, or null. */
  private Scheduler.@Nullable Cancellable drainTimer;

  Outbound(
      OutboxPolicy policy,
      MessageCodec codec,
      boolean ackMode,
      ListenerBus bus,
      Events events,
      LoopTasks tasks) {
    this.outbox = new Outbox(policy);
    this.outboxDescription = policy.toString();
    this.encoder = new OutboundEncoder(codec, ackMode, Math.min(policy.maxBytes(), MAX_MESSAGE_BYTES), events, tasks);
    this.ackMode = ackMode;
    this.ackWindow = Math.max(1, policy.maxMessages()); // an empty outbox still allows one in flight
    this.bus = bus;
    this.events = events;
    this.tasks = tasks;
  }

  /** Any thread: encodes {@code envelope} here (so encoding errors fail at once), then offers it. */
  CompletableFuture<Void> send(Envelope envelope, Requests.@Nullable Request request) {
    CompletableFuture<Void> future = new CompletableFuture<>();
    Outbox.Pending pending = encoder.envelope(envelope, future, request);
    if (pending == null) return future;
    if (request != null) request.message = pending;
    offer(pending);
    return future;
  }

  /**
   * Any thread: {@code text} as one raw text frame ({@code binary} null), or {@code binary} as one
   * binary frame. Raw frames carry no envelope: in acknowledgement mode they complete when written.
   */
  CompletableFuture<Void> sendRaw(@Nullable String text, byte @Nullable [] binary) {
    CompletableFuture<Void> future = new CompletableFuture<>();
    Outbox.Pending pending = encoder.raw(text, binary, future);
    if (pending != null) offer(pending);
    return future;
  }

  /** The lane rule: written now if OPEN and nothing waits before it, else queued in the outbox. */
  private void offer(Outbox.Pending p) {
    events.messageQueued(p.bytes); // before the lock: whoever writes it reports that after this
    boolean refused;
    boolean written = false;
    boolean blocked = false;
    boolean evicted = false;
    List<Outbox.Pending> turnedAway = null;
    synchronized (lock) {
      refused = refusing;
      if (!refused) {
        p.seq = ++sequence; // the order of this lock is the order of the messages
        Transport t = writable;
        if (t != null && nothingWaiting() && write(t, p)) {
          written = true;
        } else {
          turnedAway = outbox.offer(p);
          blocked = t != null;
          depth = outbox.size();
          for (Outbox.Pending q : turnedAway) {
            if (q != p) {
              bus.enqueueCompletion(q.future, null, overflow("outbox full, oldest message dropped"));
              evicted = true;
            }
          }
        }
      }
    }
    if (evicted) bus.kick();
    // The future of p has not been returned yet: completing it here runs no application code.
    if (refused) {
      events.messagesFailed(1);
      p.future.completeExceptionally(Api.get().socketClosed("socket is closing or closed"));
    } else if (written) {
      events.messageWritten(p.bytes, events.since(p.queuedAt), false);
      if (events.observed()) p.reported();
      if (!waitsForAck(p)) p.future.complete(null);
    } else if (turnedAway != null && !turnedAway.isEmpty()) {
      events.outboxOverflow(turnedAway.size());
      if (turnedAway.contains(p)) p.future.completeExceptionally(overflow("outbox full, message rejected"));
    }
    if (blocked) flushLater();
  }

  /**
   * Loop thread, on OPEN, before listeners hear of it: opens the lane on {@code t} and writes what
   * must precede everything newer — the resume frame, then (once {@link Setups} hands them over,
   * while {@code setupHolds} holds the rest) the setup messages, then the messages to write again
   * ({@code resend}: requests kept from earlier connections; in acknowledgement mode the
   * unacknowledged messages), in send order, then the outbox — as far as back-pressure allows.
   */
  void attach(Transport t, @Nullable String resumeFrame, List<Requests.Request> resend, boolean setupHolds) {
    boolean blocked;
    SendReport report = new SendReport();
    synchronized (lock) {
      writable = t;
      setup.reset(setupHolds);
      if (resumeFrame != null) t.send(resumeFrame);
      Set<Outbox.Pending> again = Collections.newSetFromMap(new IdentityHashMap<>());
      again.addAll(replay); // left over from a replay that back-pressure cut short
      again.addAll(unacked); // same ids: the server drops what it already has
      unacked.clear();
      for (Requests.Request r : resend) {
        Outbox.Pending m = r.message;
        if (m != null) again.add(m);
      }
      List<Outbox.Pending> ordered = new ArrayList<>(again);
      ordered.sort((a, b) -> Long.compare(a.seq, b.seq));
      replay = new ArrayDeque<>(ordered);
      blocked = flushLocked(report);
    }
    finish(report, blocked);
  }


  /** Loop thread: {@code t} no longer takes messages; later sends wait in the outbox. */
  void detach(@Nullable Transport t) {
    synchronized (lock) {
      if (t != null && writable == t) writable = null; // the gate's frames wait for attach() to drop them
    }
  }

  /** Any thread: a setup registration is on its way to the loop; nothing newer is written before it. */
  void setupArriving() {
    synchronized (lock) {
      setup.arriving();
    }
  }

  /**
   * Loop thread ({@link Setups}): {@code arrived} arrivals were taken in; if {@code t} is the open
   * transport, {@code frames} are written first and newer messages wait while {@code hold}.
   */
  void setup(@Nullable Transport t, List<String> frames, boolean hold, int arrived) {
    boolean blocked;
    SendReport report = new SendReport();
    synchronized (lock) {
      setup.update(t != null && t == writable, frames, hold, arrived);
      blocked = flushLocked(report);
    }
    finish(report, blocked);
  }

  /** Any thread: writes what the transport takes now (after back-pressure, or before a close frame). */
  void flush() {
    boolean blocked;
    SendReport report = new SendReport();
    synchronized (lock) {
      blocked = flushLocked(report);
    }
    finish(report, blocked);
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
    boolean blocked;
    SendReport report = new SendReport();
    synchronized (lock) {
      Outbox.Pending p = Outbox.removeById(unacked, id);
      if (p == null) p = Outbox.removeById(replay, id); // acknowledged just before its connection was lost
      if (p == null) return; // a duplicate ack, or one for a message we already gave up on
      countUnacknowledged();
      bus.enqueueCompletion(p.future, null, null);
      report.acked(p);
      blocked = flushLocked(report); // the window opened
    }
    finish(report, blocked);
  }

  /**
   * Any thread (the loop, or the reader when a reply arrives): takes {@code p} out of what waits to
   * be sent or acknowledged, for a settled request; its future fails if it had not completed.
   */
  void withdraw(Outbox.Pending p) {
    boolean removed;
    synchronized (lock) {
      removed = outbox.remove(p) | unacked.remove(p) | replay.remove(p);
      depth = outbox.size();
      countUnacknowledged();
      if (removed) bus.enqueueCompletion(p.future, null, Api.get().socketClosed("withdrawn: the request was settled"));
    }
    if (removed) bus.kick();
  }

  /** Loop thread, at CLOSED: every message not yet sent (or acknowledged) fails. */
  void failAll() {
    int failed;
    synchronized (lock) {
      refusing = true;
      writable = null;
      LoopTasks.cancel(drainTimer);
      drainTimer = null;
      List<CompletableFuture<Void>> queued = Outbox.futures(outbox.drain());
      List<CompletableFuture<Void>> inFlight = Outbox.futures(unacked);
      for (Outbox.Pending p : replay) {
        if (waitsForAck(p)) inFlight.add(p.future); // a kept request's send succeeded already
      }
      unacked.clear();
      replay.clear();
      depth = 0;
      unacknowledged = 0;
      failed = queued.size() + inFlight.size();
      bus.enqueueFailAll(queued, Api.get().socketClosed("socket closed before the message was sent"));
      bus.enqueueFailAll(inFlight, Api.get().socketClosed("socket closed before the server acknowledged the message"));
    }
    if (failed > 0) events.messagesFailed(failed);
    bus.kick();
  }

  /** Under the lock: the lane is open only when nothing waits to be written before a new message. */
  private boolean nothingWaiting() {
    return !setup.holdsSends() && replay.isEmpty() && outbox.isEmpty();
  }

  /**
   * Under the lock: writes what waits (replays first, then the outbox) while the transport takes
   * it, queueing the completions on the bus. True if messages wait only because OkHttp's buffer is
   * full (poll again later); a full acknowledgement window opens again with the next ack.
   */
  private boolean flushLocked(SendReport report) {
    Transport t = writable;
    if (t == null) return false;
    if (setup.write(t, report)) return true;
    if (setup.holdsSends()) return false; // the setup is not finished: the rest waits
    List<CompletableFuture<Void>> done = new ArrayList<>();
    boolean blocked = false;
    while (!nothingWaiting()) {
      boolean replaying = !replay.isEmpty();
      Outbox.Pending p = replaying ? replay.peekFirst() : outbox.peek();
      if (!write(t, p)) {
        blocked = !(ackMode && unacked.size() >= ackWindow);
        break;
      }
      report.wrote(p, replaying);
      if (replaying) {
        replay.pollFirst();
        countUnacknowledged(); // write() counted it in both
      } else {
        outbox.poll();
        if (!waitsForAck(p)) done.add(p.future);
      }
    }
    depth = outbox.size();
    bus.enqueueSucceedAll(done);
    return blocked;
  }

  /** Under the lock: hands {@code p} to {@code t} unless the window or OkHttp's buffer is full. */
  private boolean write(Transport t, Outbox.Pending p) {
    if (ackMode && unacked.size() >= ackWindow) return false;
    long queued = t.queueSize();
    if (queued > 0 && queued + p.bytes > SEND_BUFFER_HIGH_WATER) return false;
    boolean sent = p.binary != null ? t.sendBinary(p.binary) : t.send(p.text);
    if (!sent) return false; // failing or closing: the failure event follows
    if (events.observed()) p.expect(); // reported after the lock; an ack read meanwhile waits for it (EventOrder)
    if (p.request != null) p.request.sentOn = t;
    if (waitsForAck(p)) {
      unacked.addLast(p); // completes on the server's ack
      countUnacknowledged();
    }
    return true;
  }

  /** Under the lock. Only acknowledgement mode replays what awaits an ack; otherwise replay holds kept requests. */
  private void countUnacknowledged() {
    unacknowledged = ackMode ? unacked.size() + replay.size() : 0;
  }


  /** Outside the lock, after a locked section: reports what it did, starts the bus, polls a full buffer again. */
  private void finish(SendReport report, boolean blocked) {
    report.fire(events);
    bus.kick();
    if (blocked) flushLater();
  }

  private boolean waitsForAck(Outbox.Pending p) {
    return ackMode && p.awaitsAck;
  }

  private OutboxOverflowException overflow(String what) {
    return Api.get().outboxOverflow(what + " (" + outboxDescription + ")");
  }
}
