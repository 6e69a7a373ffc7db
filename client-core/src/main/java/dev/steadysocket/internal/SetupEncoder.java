package dev.steadysocket.internal;

import dev.steadysocket.EncodeException;
import dev.steadysocket.Envelope;
import dev.steadysocket.MessageCodec;
import dev.steadysocket.SetupMessage;
import dev.steadysocket.SteadySocketException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * Builds setup messages for a connection: the application's function (of the attempt's token) and
 * codec, each copy with a fresh id. They run on the dispatch pool, never on the loop or under a
 * lock; results go back to the loop. {@link #check} runs on the registering thread.
 */
final class SetupEncoder {
  private final MessageCodec codec;
  private final Executor dispatch;
  private final LoopTasks tasks;

  SetupEncoder(MessageCodec codec, Executor dispatch, LoopTasks tasks) {
    this.codec = codec;
    this.dispatch = dispatch;
    this.tasks = tasks;
  }

  /** Any thread: fails now with an {@link EncodeException} if the codec cannot encode {@code envelope}. */
  void check(@Nullable Envelope envelope) {
    if (envelope == null) return;
    try {
      codec.encode(envelope.toBuilder().id(Ids.next()).build());
    } catch (RuntimeException | StackOverflowError x) {
      throw Failures.encodeFailure("codec failed on a setup message", x);
    }
  }

  /**
   * Loop thread: encodes {@code batch} with {@code token} on the dispatch pool, then posts the
   * copies, in {@code batch}'s order, to {@code done} on the loop; if the pool refuses, posts the
   * error to {@code refused} (never from inside this call: the caller may be in the middle of OPEN).
   */
  void prepare(@Nullable String token, List<SetupEntry> batch, Consumer<List<SetupPhase.Prepared>> done,
      Consumer<SteadySocketException> refused) {
    Runnable job = () -> {
      List<SetupPhase.Prepared> out = new ArrayList<>(batch.size());
      for (SetupEntry e : batch) out.add(encode(e.message, token));
      tasks.post(() -> done.accept(out));
    };
    try {
      dispatch.execute(job);
    } catch (Throwable t) {
      SteadySocketException error =
          Api.get().listener("could not build the setup messages: the dispatch pool refused", t);
      tasks.post(() -> refused.accept(error));
    }
  }

  /** Dispatch pool: one copy, or why it could not be built (the function threw, the codec failed). */
  private SetupPhase.Prepared encode(SetupMessage m, @Nullable String token) {
    String id = Ids.next();
    Envelope envelope;
    try {
      envelope = Api.get().setupEnvelope(m, token, id);
    } catch (Throwable t) {
      return new SetupPhase.Prepared(id, null, Api.get().listener("the function of " + m + " threw", t));
    }
    try {
      // Under a virtual clock each connection's copy carries its time, as send() stamps it (#20).
      return new SetupPhase.Prepared(id, codec.encode(tasks.stamped(envelope)), null);
    } catch (Throwable t) {
      return new SetupPhase.Prepared(id, null, Failures.encodeFailure("codec failed on a setup message", t));
    }
  }
}
