package dev.steadysocket.internal;

import dev.steadysocket.OutboxPolicy;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;

/**
 * Messages waiting to be sent, in order, bounded by count and bytes. Not thread-safe: owned by
 * {@link Outbound} and used only under its lock. Never drops anything silently: whatever {@link
 * #offer} turns away or evicts is handed back so the caller can fail its future.
 */
final class Outbox {
  /** An encoded message and the future of its {@code send}. Immutable but for {@link #seq} and {@link #request}'s state. */
  static final class Pending extends EventOrder {
    /** The text frame; empty for a binary frame. */
    final String text;
    /** The binary frame, or null for a text frame. */
    final byte @Nullable [] binary;
    /** Whether, in acknowledgement mode, its future waits for the server's ack (envelopes do, raw frames do not). */
    final boolean awaitsAck;

    final long bytes;
    /** When {@code send} was called, by {@link Events#stamp()} (0 when nothing observes latencies). */
    final long queuedAt;

    final CompletableFuture<Void> future;
    /** The envelope's id; acknowledgements name it. */
    final @Nullable String id;
    /** Set when this message is a request awaiting a reply. */
    final Requests.@Nullable Request request;
    /**
     * The message's place in send order, set when it is offered (guarded by {@link Outbound}'s
     * lock): what is written again after a lost connection is written in this order.
     */
    long seq;

    Pending(
        String text,
        long bytes,
        CompletableFuture<Void> future,
        @Nullable String id,
        Requests.@Nullable Request request) {
      this(text, null, true, bytes, 0, future, id, request);
    }

    Pending(
        String text,
        byte @Nullable [] binary,
        boolean awaitsAck,
        long bytes,
        long queuedAt,
        CompletableFuture<Void> future,
        @Nullable String id,
        Requests.@Nullable Request request) {
      this.text = text;
      this.binary = binary;
      this.awaitsAck = awaitsAck;
      this.bytes = bytes;
      this.queuedAt = queuedAt;
      this.future = future;
      this.id = id;
      this.request = request;
    }
  }

  private final OutboxPolicy policy;
  private final ArrayDeque<Pending> queue = new ArrayDeque<>();
  private long bytes;

  Outbox(OutboxPolicy policy) {
    this.policy = policy;
  }

  /**
   * Queues {@code message}, applying the overflow policy.
   *
   * @return the messages refused or evicted (possibly {@code message} itself); empty if all fit
   */
  List<Pending> offer(Pending message) {
    if (fits(message.bytes)) {
      add(message);
      return Collections.emptyList();
    }
    List<Pending> out = new ArrayList<>(1);
    if (policy.overflow() == OutboxPolicy.Overflow.REJECT_NEW || message.bytes > policy.maxBytes()) {
      out.add(message);
      return out;
    }
    while (!queue.isEmpty() && !fits(message.bytes)) out.add(poll());
    if (fits(message.bytes)) add(message);
    else out.add(message); // maxMessages == 0: nothing can ever wait
    return out;
  }

  @Nullable Pending peek() {
    return queue.peekFirst();
  }

  Pending poll() {
    Pending p = queue.removeFirst();
    bytes -= p.bytes;
    return p;
  }

  /** Removes {@code message} if it is still waiting; true if it was. */
  boolean remove(Pending message) {
    if (!queue.removeFirstOccurrence(message)) return false;
    bytes -= message.bytes;
    return true;
  }

  boolean isEmpty() {
    return queue.isEmpty();
  }

  int size() {
    return queue.size();
  }

  /** Removes and returns everything, oldest first. */
  List<Pending> drain() {
    List<Pending> all = new ArrayList<>(queue);
    queue.clear();
    bytes = 0;
    return all;
  }

  private boolean fits(long size) {
    return queue.size() < policy.maxMessages() && bytes + size <= policy.maxBytes();
  }

  private void add(Pending message) {
    queue.addLast(message);
    bytes += message.bytes;
  }

  /** Removes and returns the oldest message in {@code queue} with {@code id}, or null. */
  static @Nullable Pending removeById(ArrayDeque<Pending> queue, String id) {
    for (Iterator<Pending> it = queue.iterator(); it.hasNext(); ) {
      Pending p = it.next();
      if (id.equals(p.id)) {
        it.remove();
        return p;
      }
    }
    return null;
  }

  /** The futures of {@code messages}, in order. */
  static List<CompletableFuture<Void>> futures(Iterable<Pending> messages) {
    List<CompletableFuture<Void>> out = new ArrayList<>();
    for (Pending p : messages) out.add(p.future);
    return out;
  }
}
