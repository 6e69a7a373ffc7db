package dev.steadysocket.internal;

import dev.steadysocket.Envelope;
import dev.steadysocket.MessageCodec;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;

/**
 * Turns what the application sends into {@link Outbox.Pending} messages for {@link Outbound}: the
 * observers' additions ({@link Events#beforeSend}), the virtual clock's timestamp, the
 * acknowledgement marker, encoding and the size check. Runs on the sending thread, outside every
 * lock (the observers and the codec are the application's); holds nothing but its settings.
 */
final class OutboundEncoder {
  private final MessageCodec codec;
  private final boolean ackMode;
  private final long maxMessageBytes;
  private final Events events;
  private final LoopTasks tasks;

  OutboundEncoder(MessageCodec codec, boolean ackMode, long maxMessageBytes, Events events, LoopTasks tasks) {
    this.codec = codec;
    this.ackMode = ackMode;
    this.maxMessageBytes = maxMessageBytes;
    this.events = events;
    this.tasks = tasks;
  }

  /**
   * {@code envelope} encoded, or null after failing {@code future} (the codec failed, or it is too
   * large). An observer may add to a request but not change its id, which its reply names.
   */
  Outbox.@Nullable Pending envelope(Envelope envelope, CompletableFuture<Void> future, Requests.@Nullable Request request) {
    long queuedAt = events.stamp();
    Envelope observed = events.beforeSend(envelope);
    if (request == null || Objects.equals(observed.id(), envelope.id())) envelope = observed;
    envelope = tasks.stamped(envelope);
    if (ackMode) {
      Envelope.Builder b = envelope.toBuilder().meta(InboundLedger.META_ACK, Boolean.TRUE);
      if (envelope.id() == null) b.id(Ids.next());
      envelope = b.build();
    }
    String text;
    try {
      text = codec.encode(envelope);
    } catch (RuntimeException | StackOverflowError e) {
      future.completeExceptionally(Failures.encodeFailure("codec failed", e));
      return null;
    }
    return checkedSize(new Outbox.Pending(text, null, true, Utf8.size(text), queuedAt, future, envelope.id(), request));
  }

  /** {@code text} as one raw text frame ({@code binary} null) or {@code binary} as one binary frame; null if too large. */
  Outbox.@Nullable Pending raw(@Nullable String text, byte @Nullable [] binary, CompletableFuture<Void> future) {
    long queuedAt = events.stamp();
    long size = binary != null ? binary.length : Utf8.size(text);
    return checkedSize(new Outbox.Pending(text != null ? text : "", binary, false, size, queuedAt, future, null, null));
  }

  /** {@code p}, or null after failing its future because it is too large for one message. */
  private Outbox.@Nullable Pending checkedSize(Outbox.Pending p) {
    if (p.bytes <= maxMessageBytes) return p;
    p.future.completeExceptionally(
        Api.get().messageTooLarge(
            "message is " + p.bytes + " bytes; the limit is " + maxMessageBytes
                + " (raise OutboxPolicy maxBytes for larger messages)"));
    return null;
  }
}
