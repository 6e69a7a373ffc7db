package dev.steadysocket.bench.peers;

import dev.steadysocket.SocketObserver;
import org.jspecify.annotations.Nullable;

/**
 * What observes a SteadySocket peer: nothing (the SDK's default), the {@link CountingObserver}, or
 * one of the observability modules. A peer named {@code steadysocket+counting} is the {@code
 * steadysocket} peer with that observer installed through {@code builder.observer(…)}, and
 * nothing else changed.
 */
public enum Instrumentation {
  /** No observer: the path every user who does not ask for one gets. */
  NONE(""),
  /** Every event counted with an atomic increment: the cheapest real observer. */
  COUNTING("+counting"),
  /** The {@code micrometer} module on a {@code SimpleMeterRegistry} (see {@link ModuleObservers}). */
  MICROMETER("+micrometer"),
  /** The {@code opentelemetry} module with its defaults on the OpenTelemetry SDK (see {@link ModuleObservers}). */
  OTEL("+otel"),
  /** The same with {@code ReceiveSpans.ALL}: a span per received envelope. */
  OTEL_RECEIVE("+otel-receive");

  private final String suffix;

  Instrumentation(String suffix) {
    this.suffix = suffix;
  }

  /** Appended to the peer's name: {@code steadysocket+counting}. */
  public String suffix() {
    return suffix;
  }

  /** The factory to install, or null for {@link #NONE}. */
  public SocketObserver.@Nullable Factory factory() {
    switch (this) {
      case NONE:
        return null;
      case COUNTING:
        return CountingObserver.FACTORY;
      case MICROMETER:
        return ModuleObservers.micrometer();
      case OTEL:
        return ModuleObservers.otel();
      case OTEL_RECEIVE:
        return ModuleObservers.otelReceiveSpans();
      default:
        throw new AssertionError(this);
    }
  }

  /** The instrumentation a JMH parameter or peer suffix names: none, counting, micrometer, otel, otel-receive. */
  public static Instrumentation parse(String name) {
    for (Instrumentation i : values()) {
      if (i.name().equalsIgnoreCase(name) || (!i.suffix.isEmpty() && i.suffix.substring(1).equals(name))) return i;
    }
    throw new IllegalArgumentException("no instrumentation " + name);
  }
}
