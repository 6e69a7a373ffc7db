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
  /** The {@code micrometer} module on a {@code SimpleMeterRegistry}. */
  MICROMETER("+micrometer"),
  /** The {@code opentelemetry} module on the OpenTelemetry SDK with in-memory exporters. */
  OTEL("+otel");

  private final String suffix;

  Instrumentation(String suffix) {
    this.suffix = suffix;
  }

  /** Appended to the peer's name: {@code steadysocket+counting}. */
  public String suffix() {
    return suffix;
  }

  /** Whether this build can install it (the modules are wired in once they exist). */
  public boolean available() {
    return this == NONE || this == COUNTING;
  }

  /** The factory to install, or null for {@link #NONE}. */
  public SocketObserver.@Nullable Factory factory() {
    switch (this) {
      case NONE:
        return null;
      case COUNTING:
        return CountingObserver.FACTORY;
      default:
        // TODO(issue #21): wire the micrometer and opentelemetry modules here once their APIs exist.
        throw new UnsupportedOperationException(name().toLowerCase() + " module not wired into the benchmarks yet");
    }
  }

  /** The instrumentation a JMH parameter or peer suffix names: none, counting, micrometer, otel. */
  public static Instrumentation parse(String name) {
    for (Instrumentation i : values()) {
      if (i.name().equalsIgnoreCase(name) || (!i.suffix.isEmpty() && i.suffix.substring(1).equals(name))) return i;
    }
    throw new IllegalArgumentException("no instrumentation " + name);
  }
}
