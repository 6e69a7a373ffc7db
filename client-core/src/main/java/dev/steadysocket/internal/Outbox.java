package dev.steadysocket.internal;

import dev.steadysocket.OutboxPolicy;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;

/**
 * Messages waiting to be sent, in order, bounded by count and bytes. Confined to the loop thread.
 * Never drops anything silently: whatever {@link #offer} turns away or evicts is handed back so the
 * caller can fail its future.
 */
final class Outbox {
  /** An encoded message and the future of its {@code send}. */
  static final class Pending {
    final String text;
    final long bytes;
    final CompletableFuture<Void> future;
    /** The envelope's id; set in acknowledgement mode, where acks name it. */
    final @Nullable String id;
    /** Set when this message is a request awaiting a reply. */
    final Guarantees.@Nullable PendingRequest request;

    Pending(String text, long bytes, CompletableFuture<Void> future) {
      this(text, bytes, future, null, null);
    }

    Pending(
        String text,
        long bytes,
        CompletableFuture<Void> future,
        @Nullable String id,
        Guarantees.@Nullable PendingRequest request) {
      this.text = text;
      this.bytes = bytes;
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
      return new ArrayList<>(0);
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

  /** Puts a message back at the head, where it came from (the transport refused it). */
  void pushBack(Pending message) {
    queue.addFirst(message);
    bytes += message.bytes;
  }

  @Nullable Pending peek() {
    return queue.peekFirst();
  }

  Pending poll() {
    Pending p = queue.removeFirst();
    bytes -= p.bytes;
    return p;
  }

  boolean isEmpty() {
    return queue.isEmpty();
  }

  int size() {
    return queue.size();
  }

  long bytes() {
    return bytes;
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
}
