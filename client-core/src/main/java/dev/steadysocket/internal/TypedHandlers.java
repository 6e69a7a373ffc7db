package dev.steadysocket.internal;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.steadysocket.Envelope;
import dev.steadysocket.SteadySocketException;
import dev.steadysocket.Subscription;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * One socket's typed handlers ({@code on(type, Class|TypeReference, handler)}), by envelope type.
 *
 * <p><b>Threading:</b> any thread registers and cancels. {@link #convert} runs on the thread that
 * decodes frames (OkHttp's reader, not the callback executor, which is often the UI thread, or
 * the dispatch pool when pipelined) and takes a snapshot of the handlers, so a subscription
 * cancelled before delivery is simply skipped. {@link Converted#deliver} runs only inside a
 * {@link ListenerBus} delivery.
 */
final class TypedHandlers {
  private final ConcurrentHashMap<String, CopyOnWriteArrayList<Handler<?>>> byType =
      new ConcurrentHashMap<>();

  <T> Subscription on(String type, Class<T> cls, Consumer<? super T> consumer) {
    check(type, cls, consumer);
    return register(new Handler<T>(type, cls, null, consumer));
  }

  <T> Subscription on(String type, TypeReference<T> ref, Consumer<? super T> consumer) {
    check(type, ref, consumer);
    return register(new Handler<T>(type, null, ref, consumer));
  }

  /**
   * The arguments of a typed handler, checked where it is registered (the builder registers on the
   * bus only at build(), so it calls this at once too).
   *
   * @throws NullPointerException naming the argument that is null
   */
  static void check(String type, Object target, Consumer<?> consumer) {
    Objects.requireNonNull(type, "type == null");
    Objects.requireNonNull(target, "the class or TypeReference to convert to is null");
    Objects.requireNonNull(consumer, "handler == null");
  }

  private Subscription register(Handler<?> handler) {
    byType.computeIfAbsent(handler.type, t -> new CopyOnWriteArrayList<>()).add(handler);
    return () -> {
      handler.cancelled = true;
      List<Handler<?>> list = byType.get(handler.type);
      if (list != null) list.remove(handler);
    };
  }

  /** The handlers registered for {@code envelope}'s type now, each with its converted content; null if none. */
  @Nullable Converted convert(Envelope envelope) {
    // Most sockets register no typed handler: skip hashing the type and the map lookup on every
    // frame then (measured in benchmarks/: ~6% of the reader thread's time per small frame).
    if (byType.isEmpty()) return null;
    List<Handler<?>> list = byType.get(envelope.type());
    if (list == null || list.isEmpty()) return null;
    Handler<?>[] handlers = list.toArray(new Handler<?>[0]);
    Object[] values = new Object[handlers.length];
    for (int i = 0; i < values.length; i++) values[i] = handlers[i].convert(envelope);
    return new Converted(handlers, values);
  }

  /** A snapshot of handlers and the content converted for each. */
  static final class Converted {
    private final Handler<?>[] handlers;
    private final Object[] values;

    Converted(Handler<?>[] handlers, Object[] values) {
      this.handlers = handlers;
      this.values = values;
    }

    /** Inside a delivery: hands each handler its value; failures go to the bus. */
    void deliver(ListenerBus bus) {
      for (int i = 0; i < handlers.length; i++) handlers[i].deliver(values[i], bus);
    }
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

    /** The converted content, or what the conversion threw (reported to onError at delivery). */
    Object convert(Envelope envelope) {
      try {
        return cls != null ? envelope.contentAs(cls) : envelope.contentAs(ref);
      } catch (SteadySocketException e) {
        return new ConversionFailure(e);
      } catch (Throwable t) { // the application's class threw while being built
        return new ConversionFailure(
            Api.get().listener("converting the content of '" + type + "' threw", t));
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

  /** Marks a failed conversion (content may legitimately be an exception-like POJO). */
  private static final class ConversionFailure {
    final SteadySocketException error;

    ConversionFailure(SteadySocketException error) {
      this.error = error;
    }
  }
}
