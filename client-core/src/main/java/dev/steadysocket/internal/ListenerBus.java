package dev.steadysocket.internal;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.steadysocket.CloseReason;
import dev.steadysocket.ConnectionState;
import dev.steadysocket.Envelope;
import dev.steadysocket.ListenerException;
import dev.steadysocket.SteadySocketListener;
import dev.steadysocket.Subscription;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers one socket's events to its listeners and typed handlers, in order, on the callback
 * executor. Any thread may post; delivery never happens on the posting thread, never under a lock,
 * and never after the terminal {@link SteadySocketListener#onClosed} callback.
 */
public final class ListenerBus {
  private static final Logger log = LoggerFactory.getLogger(ListenerBus.class);

  private final SerialExecutor executor;
  private final boolean sharedDispatch;
  private final List<SteadySocketListener> listeners = new CopyOnWriteArrayList<>();
  private final ConcurrentHashMap<String, CopyOnWriteArrayList<Handler<?>>> handlers =
      new ConcurrentHashMap<>();

  /** Only read and written by tasks on {@link #executor}, which run one at a time. */
  private boolean terminated;
  /** Executor-confined: errors raised by listeners during the current delivery. */
  private @Nullable List<Throwable> raised;

  /** A bus on the application's {@code callbackExecutor}. */
  public ListenerBus(Executor callbackExecutor) {
    this(new SerialExecutor(callbackExecutor), false);
  }

  /**
   * A bus on SteadySocket's own dispatch pool. Its sockets may decode frames on the pool's threads
   * (see {@link #isSharedDispatch()}); an application executor is often the UI thread.
   */
  public static ListenerBus onSharedDispatch(Executor dispatch) {
    return new ListenerBus(new SerialExecutor(dispatch), true);
  }

  private ListenerBus(SerialExecutor executor, boolean sharedDispatch) {
    this.executor = executor;
    this.sharedDispatch = sharedDispatch;
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
    return register(new Handler<T>(type, cls, null, consumer));
  }

  public <T> Subscription on(String type, TypeReference<T> ref, Consumer<? super T> consumer) {
    return register(new Handler<T>(type, null, ref, consumer));
  }

  private Subscription register(Handler<?> handler) {
    handlers.computeIfAbsent(handler.type, t -> new CopyOnWriteArrayList<>()).add(handler);
    return () -> {
      handler.cancelled = true;
      List<Handler<?>> list = handlers.get(handler.type);
      if (list != null) list.remove(handler);
    };
  }

  public void stateChanged(ConnectionState previous, ConnectionState current) {
    post(() -> {
      for (SteadySocketListener l : listeners) {
        try {
          l.onStateChanged(previous, current);
        } catch (Throwable t) {
          listenerThrew(l, "onStateChanged", t);
        }
      }
    });
  }

  /**
   * Prepares the delivery of {@code envelope} to onMessage and to the typed handlers of its type,
   * and returns the action that queues it. Content is converted for typed handlers now, on the
   * calling thread (OkHttp's reader), not on the callback executor, which is often the UI thread;
   * the caller queues the returned action when ordering allows (see {@link Connection}).
   */
  public Runnable message(Envelope envelope) {
    List<Handler<?>> typed = typedHandlers(envelope);
    Object[] values = convert(typed, envelope);
    Runnable delivery = () -> deliverMessage(envelope, typed, values);
    return () -> post(delivery);
  }

  /** Delivers {@code envelope} now, converting it here: only inside a delivery (see {@link #post}). */
  void deliverMessage(Envelope envelope) {
    List<Handler<?>> typed = typedHandlers(envelope);
    deliverMessage(envelope, typed, convert(typed, envelope));
  }

  private @Nullable List<Handler<?>> typedHandlers(Envelope envelope) {
    // Most sockets register no typed handler: skip hashing the type and the map lookup on every
    // frame then (measured in benchmarks/: ~6% of the reader thread's time per small frame).
    return handlers.isEmpty() ? null : handlers.get(envelope.type());
  }

  private static Object @Nullable [] convert(@Nullable List<Handler<?>> typed, Envelope envelope) {
    if (typed == null || typed.isEmpty()) return null;
    Object[] converted = new Object[typed.size()];
    for (int i = 0; i < converted.length; i++) converted[i] = typed.get(i).convert(envelope);
    return converted;
  }

  private void deliverMessage(
      Envelope envelope, @Nullable List<Handler<?>> typed, Object @Nullable [] values) {
    for (SteadySocketListener l : listeners) {
      try {
        l.onMessage(envelope);
      } catch (Throwable t) {
        listenerThrew(l, "onMessage", t);
      }
    }
    if (typed != null && values != null) {
      for (int i = 0; i < values.length; i++) typed.get(i).deliver(values[i], this);
    }
  }

  public void binary(byte[] bytes) {
    post(() -> {
      for (SteadySocketListener l : listeners) {
        try {
          l.onBinaryMessage(listeners.size() == 1 ? bytes : bytes.clone());
        } catch (Throwable t) {
          listenerThrew(l, "onBinaryMessage", t);
        }
      }
    });
  }

  public void reconnecting(int attempt, Duration delay, Throwable cause) {
    post(() -> {
      for (SteadySocketListener l : listeners) {
        try {
          l.onReconnecting(attempt, delay, cause);
        } catch (Throwable t) {
          listenerThrew(l, "onReconnecting", t);
        }
      }
    });
  }

  public void error(Throwable error) {
    post(() -> deliverError(error));
  }

  /** The terminal delivery: onClosed, then {@code afterwards}; nothing is delivered after it. */
  public void closed(CloseReason reason, Runnable afterwards) {
    post(() -> {
      for (SteadySocketListener l : listeners) {
        try {
          l.onClosed(reason);
        } catch (Throwable t) {
          rethrowIfFatal(t);
          log.warn("listener {} threw from onClosed", l, t);
        }
      }
      terminated = true;
      afterwards.run();
    });
  }

  /**
   * Completes a send future on the callback executor, so that code chained onto it with {@code
   * thenAccept} runs where listeners run and never on the loop thread. Futures complete even after
   * the terminal callback.
   */
  public void complete(CompletableFuture<Void> future, @Nullable Throwable error) {
    executor.execute(() -> {
      if (error == null) future.complete(null);
      else future.completeExceptionally(error);
    });
  }

  /** Completes any future on the callback executor: with {@code value}, or {@code error} if set. */
  public <T> void complete(CompletableFuture<T> future, @Nullable T value, @Nullable Throwable error) {
    executor.execute(() -> {
      if (error == null) future.complete(value);
      else future.completeExceptionally(error);
    });
  }

  /**
   * Queues a delivery. Errors that listeners raise during it are delivered right after it, before
   * the next event, so each event is followed by the errors it caused.
   */
  void post(Runnable delivery) {
    executor.execute(() -> {
      if (terminated) return;
      delivery.run();
      while (raised != null) {
        List<Throwable> errors = raised;
        raised = null;
        for (Throwable e : errors) deliverError(e);
      }
    });
  }

  /** Runs on the executor, inside a delivery: {@code error} goes to onError right after it. */
  void raise(Throwable error) {
    if (raised == null) raised = new java.util.ArrayList<>(2);
    raised.add(error);
  }

  private void deliverError(Throwable error) {
    for (SteadySocketListener l : listeners) {
      try {
        l.onError(error);
      } catch (Throwable t) {
        rethrowIfFatal(t);
        // Not reported again: an onError that throws on every error would loop forever.
        log.warn("listener {} threw from onError", l, t);
      }
    }
  }

  /** Runs on the executor, inside a delivery: every listener sees the event, then the error, once. */
  void listenerThrew(Object listener, String callback, Throwable t) {
    rethrowIfFatal(t);
    log.warn("listener {} threw from {}", listener, callback, t);
    raise(new ListenerException(listener + " threw from " + callback, t));
  }

  private static void rethrowIfFatal(Throwable t) {
    if (t instanceof VirtualMachineError) throw (VirtualMachineError) t;
  }

  /** A typed handler registered with {@code on(type, Class|TypeReference, consumer)}. */
  private static final class Handler<T> {
    final String type;
    final @Nullable Class<T> cls;
    final @Nullable TypeReference<T> ref;
    final Consumer<? super T> consumer;
    volatile boolean cancelled;

    Handler(
        String type, @Nullable Class<T> cls, @Nullable TypeReference<T> ref,
        Consumer<? super T> consumer) {
      this.type = type;
      this.cls = cls;
      this.ref = ref;
      this.consumer = consumer;
    }

    /** The converted content, or the {@link RuntimeException} the conversion threw. */
    Object convert(Envelope envelope) {
      try {
        return cls != null ? envelope.contentAs(cls) : envelope.contentAs(ref);
      } catch (RuntimeException e) {
        return new ConversionFailure(e);
      }
    }

    @SuppressWarnings("unchecked")
    void deliver(Object value, ListenerBus bus) {
      if (cancelled) return;
      if (value instanceof ConversionFailure) {
        bus.raise(((ConversionFailure) value).error);
        return;
      }
      try {
        consumer.accept((T) value);
      } catch (Throwable t) {
        bus.listenerThrew("handler for '" + type + "'", "accept", t);
      }
    }
  }

  /** Marks a failed conversion in the values array (content may legitimately be an exception-like POJO). */
  private static final class ConversionFailure {
    final RuntimeException error;

    ConversionFailure(RuntimeException error) {
      this.error = error;
    }
  }
}
