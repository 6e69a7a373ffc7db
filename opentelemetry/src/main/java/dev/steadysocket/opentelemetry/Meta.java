package dev.steadysocket.opentelemetry;

import dev.steadysocket.Envelope;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.context.propagation.TextMapPropagator;
import io.opentelemetry.context.propagation.TextMapSetter;
import org.jspecify.annotations.Nullable;

/**
 * An envelope's {@code meta} as the propagator's carrier: read for extraction, added to (never
 * overwritten) for injection. Stateless; any thread.
 */
final class Meta {
  /** The W3C field whose presence means the application propagated the context itself. */
  static final String TRACEPARENT = "traceparent";

  private Meta() {}

  /**
   * {@code envelope} with the propagator's fields for {@code context} added to its meta: the
   * envelope itself if it has a {@code traceparent} already or the propagator writes nothing.
   * Entries the application set are never replaced.
   */
  static Envelope inject(TextMapPropagator propagator, Context context, Envelope envelope) {
    if (envelope.meta().containsKey(TRACEPARENT)) return envelope;
    Injection into = new Injection(envelope);
    propagator.inject(context, into, Injection.SETTER);
    Envelope.Builder b = into.builder;
    return b != null ? b.build() : envelope;
  }

  /** {@code context} with what {@code envelope}'s meta carries; {@code context} if the propagator throws. */
  static Context extract(TextMapPropagator propagator, Context context, Envelope envelope) {
    if (envelope.meta().isEmpty()) return context;
    try {
      return propagator.extract(context, envelope, GETTER);
    } catch (RuntimeException e) {
      Failures.log(e);
      return context;
    }
  }

  /** Whether {@code envelope}'s meta has one of the propagator's {@code fields}: the cheap test before extracting. */
  static boolean carries(Envelope envelope, String[] fields) {
    if (envelope.meta().isEmpty()) return false;
    for (String f : fields) if (envelope.meta().containsKey(f)) return true;
    return false;
  }

  private static final TextMapGetter<Envelope> GETTER = new TextMapGetter<Envelope>() {
    @Override
    public Iterable<String> keys(Envelope carrier) {
      return carrier.meta().keySet();
    }

    @Override
    public @Nullable String get(@Nullable Envelope carrier, String key) {
      return carrier == null ? null : carrier.metaText(key);
    }
  };

  /** One injection: the builder is made on the first field written. Confined to the injecting thread. */
  private static final class Injection {
    static final TextMapSetter<Injection> SETTER = (carrier, key, value) -> {
      if (carrier != null) carrier.put(key, value);
    };

    final Envelope envelope;
    Envelope.@Nullable Builder builder;

    Injection(Envelope envelope) {
      this.envelope = envelope;
    }

    void put(String key, String value) {
      if (envelope.meta().containsKey(key)) return; // the application's own entry wins
      Envelope.Builder b = builder;
      if (b == null) builder = b = envelope.toBuilder();
      b.meta(key, value);
    }
  }
}
