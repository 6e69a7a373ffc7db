package dev.steadysocket.internal;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.steadysocket.CloseReason;
import dev.steadysocket.ConnectionState;
import dev.steadysocket.Envelope;
import dev.steadysocket.ListenerException;
import dev.steadysocket.SteadySocketException;
import dev.steadysocket.SteadySocketListener;
import dev.steadysocket.Subscription;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers one socket's events to its listeners and typed handlers, in order, on the callback
 * executor, and completes the futures the SDK returned. Any thread may post.
 *
 * <p>Invariants: listener code runs only inside a delivery on the {@link SerialExecutor} (never on
 * the posting thread unless the application chose an inline executor, never under an SDK lock,
 * never on the loop thread); whatever a listener throws, {@code Error}s included, is logged and
 * reported once to {@code onError} as a {@link ListenerException}, and delivery goes on; nothing
 * is delivered after {@code onClosed}; future completions are {@link SerialExecutor.Essential}, so
 * they happen even when the executor refuses work.
 */
public final class ListenerBus implements SerialExecutor.Failures {
  private static final Logger log = LoggerFactory.getLogger("dev.steadysocket.SteadySocket");

  private final SerialExecutor executor;
  private final boolean sharedDispatch;
  private final java.util.function.IntConsumer callbacksRejected;
  private final List<SteadySocketListener> listeners = new CopyOnWriteArrayList<>();
  private final TypedHandlers typed = new TypedHandlers();

  /** Executor-confined (read and written only inside deliveries, which run one at a time). */
  private boolean terminated;
  /** Executor-confined: errors raised during the current delivery, delivered right after it. */
  private @Nullable List<SteadySocketException> raised;

  /**
   * @param callbackExecutor where callbacks run
   * @param ours true if it is SteadySocket's own dispatch pool (frames may then be decoded there)
   * @param fallback runs essential tasks the callback executor refused; must never refuse
   * @param callbacksRejected counts callbacks dropped because the executor refused them
   */
  public ListenerBus(
      Executor callbackExecutor, boolean ours, Executor fallback, java.util.function.IntConsumer callbacksRejected) {
    this.executor = new SerialExecutor(callbackExecutor, ours, fallback, this);
    this.sharedDispatch = ours;
    this.callbacksRejected = callbacksRejected;
  }

  /** True if callbacks run on SteadySocket's own dispatch pool, not an application executor. */
  boolean isSharedDispatch() {
    return sharedDispatch;
  }

  public void addListener(SteadySocketListener listener) {
    listeners.add(listener);
  }

  public void removeListener(SteadySocketListener listener) {
    listeners.remove(listener);
  }

  public <T> Subscription on(String type, Class<T> cls, Consumer<? super T> consumer) {
    return typed.on(type, cls, consumer);
  }

  public <T> Subscription on(String type, TypeReference<T> ref, Consumer<? super T> consumer) {
    return typed.on(type, ref, consumer);
  }

  // ------------------------------------------------------------------ events

  void stateChanged(ConnectionState previous, ConnectionState current) {
    post(() -> each("onStateChanged", l -> l.onStateChanged(previous, current)));
  }

  /** Like {@link #stateChanged} but only queued: see {@link #enqueue}. */
  void enqueueStateChanged(ConnectionState previous, ConnectionState current) {
    enqueue(() -> each("onStateChanged", l -> l.onStateChanged(previous, current)));
  }

  void reconnecting(int attempt, Duration delay, SteadySocketException cause) {
    post(() -> each("onReconnecting", l -> l.onReconnecting(attempt, delay, cause)));
  }

  void error(SteadySocketException error) {
    post(() -> deliverError(error));
  }

  /**
   * The delivery of {@code envelope} to onMessage and to the typed handlers registered for its type
   * now: content is converted here, on the calling thread (OkHttp's reader, not the callback
   * executor, which is often the UI thread), for a snapshot of the handlers, so a subscription
   * cancelled before delivery is simply skipped. The caller queues it with {@link #enqueueHeld}
   * (wrapped by {@link #held}).
   */
  Runnable message(Envelope envelope) {
    TypedHandlers.Converted converted = typed.convert(envelope);
    return () -> deliverMessage(envelope, converted);
  }

  /** Delivers {@code envelope} now, converting it here: only inside a delivery. */
  void deliverMessage(Envelope envelope) {
    deliverMessage(envelope, typed.convert(envelope));
  }

  /** The delivery of a setup message's confirmation, for {@link Connection#deliver}. */
  Runnable setupConfirmed(dev.steadysocket.SetupRegistration setup, Envelope reply) {
    return () -> each("onSetupConfirmed", l -> l.onSetupConfirmed(setup, reply));
  }

  /** The delivery of a rejection (connection kept) to onError, for {@link Connection#deliver}. */
  Runnable setupRejected(SteadySocketException rejection) {
    return () -> raise(rejection);
  }

  Runnable binary(byte[] bytes) {
    return () -> {
      boolean shared = listeners.size() > 1;
      each("onBinaryMessage", l -> l.onBinaryMessage(shared ? bytes.clone() : bytes));
    };
  }

  /**
   * The terminal delivery: onClosed (a callback, dropped if the executor refuses it), then {@code
   * afterwards} (essential: it runs even then). Nothing is delivered after onClosed, not even the
   * errors its listeners raise (they are logged).
   */
  void closed(CloseReason reason, Runnable afterwards) {
    executor.enqueue(() -> {
      if (terminated) return;
      try {
        each("onClosed", l -> l.onClosed(reason));
      } finally {
        terminated = true;
        raised = null;
      }
    });
    executor.execute((SerialExecutor.Essential) () -> {
      terminated = true;
      afterwards.run();
    });
  }

  /**
   * Completes {@code future} on the callback executor, so code chained onto it runs where listeners
   * run, never on the loop thread or under a lock; even after onClosed, even if refused.
   */
  <T> void complete(CompletableFuture<T> future, @Nullable T value, @Nullable Throwable error) {
    enqueueCompletion(future, value, error);
    executor.kick();
  }

  /**
   * Queues the completion without starting the executor: callers that must order a completion
   * before {@code onClosed} queue it under their own lock (which the closing path also takes) and
   * call {@link #kick} after releasing it.
   */
  <T> void enqueueCompletion(CompletableFuture<T> future, @Nullable T value, @Nullable Throwable error) {
    executor.enqueue((SerialExecutor.Essential) () -> settle(future, value, error));
  }

  /** Queues, without starting the executor, one task that fails every future in {@code futures}. */
  void enqueueFailAll(List<? extends CompletableFuture<?>> futures, Throwable error) {
    if (futures.isEmpty()) return;
    executor.enqueue((SerialExecutor.Essential) () -> {
      for (CompletableFuture<?> f : futures) f.completeExceptionally(error);
    });
  }

  /** Queues, without starting the executor, one task that succeeds every future in {@code futures}. */
  void enqueueSucceedAll(List<CompletableFuture<Void>> futures) {
    if (futures.isEmpty()) return;
    executor.enqueue((SerialExecutor.Essential) () -> {
      for (CompletableFuture<Void> f : futures) f.complete(null);
    });
  }

  static <T> void settle(CompletableFuture<T> future, @Nullable T value, @Nullable Throwable error) {
    if (error == null) future.complete(value);
    else future.completeExceptionally(error);
  }

  // ------------------------------------------------------------------ queueing

  /** Queues a delivery and starts the executor. */
  void post(Runnable delivery) {
    enqueue(delivery);
    executor.kick();
  }

  /**
   * Queues a delivery without starting the executor: for {@link #enqueueStateChanged}, which
   * {@link Connection} calls under its lock, calling {@link #kick} after releasing it.
   */
  void enqueue(Runnable delivery) {
    executor.enqueue(new Delivery(delivery, null));
  }

  /**
   * A delivery holding a share of the inbound backlog, for {@link #enqueueHeld}: once queued,
   * {@code release} runs exactly once however it ends — delivered, skipped after onClosed, or
   * dropped because the callback executor refused it ({@link SerialExecutor.Held}). One never
   * queued (still held by a retired {@link Connection}) is not released: nothing reads that
   * connection's backlog again.
   */
  Runnable held(Runnable delivery, Runnable release) {
    return new Delivery(delivery, release);
  }

  /** Queues, without starting the executor, a delivery made by {@link #held}. */
  void enqueueHeld(Runnable heldDelivery) {
    executor.enqueue(heldDelivery);
  }

  /** One delivery to the listeners; errors its listeners raise are delivered right after it. */
  private final class Delivery implements SerialExecutor.Held {
    private final Runnable delivery;
    private final @Nullable Runnable release;

    Delivery(Runnable delivery, @Nullable Runnable release) {
      this.delivery = delivery;
      this.release = release;
    }

    @Override
    public void run() {
      if (terminated) return;
      delivery.run();
      while (raised != null) {
        List<SteadySocketException> errors = raised;
        raised = null;
        for (SteadySocketException e : errors) deliverError(e);
      }
    }

    @Override
    public void release() {
      if (release != null) release.run();
    }
  }

  void kick() {
    executor.kick();
  }

  /** Inside a delivery: {@code error} goes to onError right after it. */
  void raise(SteadySocketException error) {
    if (raised == null) raised = new ArrayList<>(2);
    raised.add(error);
  }

  // ------------------------------------------------------------------ SerialExecutor.Failures

  @Override
  public void taskThrew(Throwable error) {
    Quiet.log(() -> log.error("unexpected failure in a SteadySocket callback task; please report it", error));
  }

  @Override
  public void rejected(int dropped, Throwable cause) {
    if (dropped > 0) callbacksRejected.accept(dropped); // only essential tasks (run anyway): nothing to report
    Quiet.log(() -> log.warn(
        "the callback executor refused work ({}): {} callbacks dropped; futures were completed on"
            + " SteadySocket's own threads", Quiet.describe(cause), dropped, cause));
  }

  @Override
  public void reportRejection(Throwable cause) {
    if (!terminated) {
      deliverError(Api.get().listener("the callback executor refused callbacks; some were dropped", cause));
    }
  }

  // ------------------------------------------------------------------ delivery (executor only)

  private interface Call {
    void on(SteadySocketListener listener);
  }

  private void each(String callback, Call call) {
    for (SteadySocketListener l : listeners) {
      try {
        call.on(l);
      } catch (Throwable t) {
        listenerThrew(l, callback, t);
      }
    }
  }

  private void deliverMessage(Envelope envelope, TypedHandlers.@Nullable Converted converted) {
    each("onMessage", l -> l.onMessage(envelope));
    if (converted != null) converted.deliver(this);
  }

  private void deliverError(SteadySocketException error) {
    for (SteadySocketListener l : listeners) {
      try {
        l.onError(error);
      } catch (Throwable t) {
        // Logged, not reported again: an onError that throws on every error would loop forever.
        Quiet.log(() -> log.warn("listener {} threw from onError", Quiet.name(l), t));
      }
    }
  }

  /**
   * Inside a delivery: every listener sees the event, then the error, once. What the application
   * made is only called isolated here ({@code toString()} of the listener, and of what it threw
   * when the log line is built, may throw too): nothing it throws can escape into the delivery.
   */
  void listenerThrew(Object listener, String callback, Throwable t) {
    String who = Quiet.name(listener);
    if (t instanceof VirtualMachineError) {
      Quiet.log(() -> log.error("listener {} threw from {}; delivery goes on", who, callback, t));
    } else {
      Quiet.log(() -> log.warn("listener {} threw from {}", who, callback, t));
    }
    raise(Api.get().listener(who + " threw from " + callback, t));
  }
}
