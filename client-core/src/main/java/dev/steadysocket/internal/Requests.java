package dev.steadysocket.internal;

import dev.steadysocket.Envelope;
import dev.steadysocket.RequestRetention;
import dev.steadysocket.SteadySocketException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * Requests awaiting their reply, and what happens to them when their connection goes.
 *
 * <p><b>Threading:</b> {@link #request} runs on the calling thread, {@link #reply} on the thread
 * that decodes frames (OkHttp's reader), everything else on the loop thread. The table is
 * concurrent; each request leaves it exactly once ({@code remove(id, request)}), and whoever
 * removes it settles its future, so a reply, a timeout, a lost connection and CLOSED cannot both
 * complete one request. The removal and the queueing of its completion on the bus are atomic
 * (under {@code this}), so a reply taken just before CLOSED still completes before onClosed;
 * futures complete on the callback executor, never under the lock.
 */
final class Requests {
  /** A request waiting for its reply. */
  static final class Request extends EventOrder {
    final String id;
    final CompletableFuture<Envelope> reply;
    /**
     * The encoded request; set before it is offered to the outbound path, after the request is
     * published, and read by a reply on the reader thread: volatile.
     */
    volatile Outbox.@Nullable Pending message;
    /** The transport the request was last written on; null until written. Written under Outbound's lock. */
    volatile @Nullable Transport sentOn;
    /** Loop thread only. */
    Scheduler.@Nullable Cancellable timeout;
    /** When {@code request} was called, by {@link Events#stamp()}. */
    final long startedAt;

    Request(String id, CompletableFuture<Envelope> reply, long startedAt) {
      this.id = id;
      this.reply = reply;
      this.startedAt = startedAt;
      expect(); // its start: an end reported before it waits (EventOrder)
    }
  }

  private final ConcurrentHashMap<String, Request> pending = new ConcurrentHashMap<>();
  private final RequestRetention retention;
  private final ListenerBus bus;
  private final Outbound outbound;
  private final LoopTasks tasks;
  private final Events events;

  Requests(RequestRetention retention, ListenerBus bus, Outbound outbound, LoopTasks tasks, Events events) {
    this.events = events;
    this.retention = retention;
    this.bus = bus;
    this.outbound = outbound;
    this.tasks = tasks;
  }

  /** Any thread: sends {@code request} and returns the future of its reply. */
  CompletableFuture<Envelope> request(Envelope request, Duration timeout) {
    Envelope req = request.id() != null ? request : request.toBuilder().id(Ids.next()).build();
    String id = req.id();
    CompletableFuture<Envelope> reply = new CompletableFuture<>();
    Request r = new Request(id, reply, events.stamp());
    if (pending.putIfAbsent(id, r) != null) { // refused, never started: no event
      reply.completeExceptionally(new IllegalArgumentException("a request with id " + id + " is already waiting"));
      return reply;
    }
    // In the table now, where a reply, a timeout or a racing close may end it: their end events
    // wait for this start (EventOrder).
    events.requestStarted(req);
    r.reported();
    outbound.send(req, r).whenComplete((ignored, error) -> {
      // Runs where the send future completed: at once on this thread, or on the callback executor.
      if (error != null && pending.remove(id, r)) {
        tasks.post(() -> cancel(r));
        long latency = events.since(r.startedAt);
        r.after(() -> events.requestFailed(id, error, latency));
        reply.completeExceptionally(error);
      }
    });
    tasks.post(() -> {
      if (pending.get(id) != r) return; // answered or failed already
      r.timeout = tasks.schedule(() -> timedOut(r, timeout), timeout);
    });
    return reply;
  }

  /** Reader thread: completes the request {@code replyTo} names; false if none waits for it. */
  boolean reply(String replyTo, Envelope reply) {
    Request r;
    synchronized (this) { // with failAll: a reply taken before CLOSED completes before onClosed
      r = pending.remove(replyTo);
      if (r != null) bus.enqueueCompletion(r.reply, reply, null);
    }
    if (r == null) return false;
    long latency = events.since(r.startedAt);
    Request answered = r;
    r.after(() -> events.requestCompleted(answered.id, reply, latency));
    bus.kick();
    // Answered is settled: never written again, whether it waits to be re-sent (RESEND) or for its
    // ack (acknowledgement mode; the reply says the server has it).
    Outbox.Pending message = r.message;
    if (message != null) outbound.withdraw(message);
    tasks.post(() -> cancel(r));
    return true;
  }

  boolean isEmpty() {
    return pending.isEmpty();
  }

  /** Loop thread: a timed-out request is not sent later either, whatever the retention. */
  private void timedOut(Request r, Duration timeout) {
    settle(r, Api.get().requestTimeout(r.id, timeout));
  }

  /**
   * Loop thread: {@code lost} is gone (dropped, paused, replaced). With {@code FAIL}, the requests
   * last written on it fail with {@code error}; requests never written keep waiting to be sent.
   */
  void connectionLost(@Nullable Transport lost, SteadySocketException error) {
    if (retention != RequestRetention.FAIL || lost == null) return;
    for (Request r : pending.values()) {
      if (r.sentOn == lost) settle(r, error);
    }
  }

  /**
   * Loop thread: with {@code RESEND}, the requests written on an earlier connection, to write on
   * {@code next}. In no particular order: the outbound path writes them in send order.
   */
  List<Request> toResend(Transport next) {
    if (retention != RequestRetention.RESEND) return Collections.emptyList();
    List<Request> out = new ArrayList<>();
    for (Request r : pending.values()) {
      Transport sentOn = r.sentOn;
      if (r.message != null && sentOn != null && sentOn != next) out.add(r);
    }
    return out;
  }

  /** Loop thread, at CLOSED: every request still waiting fails with {@code error}. */
  void failAll(SteadySocketException error) {
    List<Request> settled = new ArrayList<>();
    synchronized (this) {
      for (Request r : pending.values()) if (take(r, error)) settled.add(r);
    }
    afterSettling(settled, error);
  }

  /** Loop thread: fails {@code r} unless something settled it first. */
  private void settle(Request r, SteadySocketException error) {
    boolean taken;
    synchronized (this) {
      taken = take(r, error);
    }
    if (taken) afterSettling(java.util.Collections.singletonList(r), error);
  }

  /** Under {@code this}: removes {@code r} and queues its failure; false if it was settled already. */
  private boolean take(Request r, SteadySocketException error) {
    if (!pending.remove(r.id, r)) return false;
    bus.enqueueCompletion(r.reply, null, error);
    return true;
  }

  /**
   * Outside the lock: starts the bus, cancels the timeouts, and withdraws the messages, so a
   * settled request is never written (or, in acknowledgement mode, written again) later.
   */
  private void afterSettling(List<Request> settled, SteadySocketException error) {
    for (Request r : settled) {
      long latency = events.since(r.startedAt);
      if (error instanceof dev.steadysocket.RequestTimeoutException) r.after(() -> events.requestTimedOut(r.id, latency));
      else r.after(() -> events.requestFailed(r.id, error, latency));
    }
    bus.kick();
    for (Request r : settled) {
      cancel(r);
      Outbox.Pending message = r.message;
      if (message != null) outbound.withdraw(message);
    }
  }

  private static void cancel(Request r) {
    Scheduler.Cancellable t = r.timeout;
    if (t != null) t.cancel();
  }
}
