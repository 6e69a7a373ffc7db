package dev.steadysocket;

import dev.steadysocket.internal.Scheduler;
import dev.steadysocket.internal.Transport;

/**
 * Reaches the builder's package-private test seams (virtual scheduler, fake transport) for the
 * JMH benchmarks, so they drive the real SteadySocket without depending on internal constructors.
 * Lives in the benchmarks module; nothing here ships.
 */
public final class BenchSeams {
  private BenchSeams() {}

  public static SteadySocketBuilder withSeams(
      SteadySocketBuilder builder, Scheduler scheduler, Transport.Factory transports) {
    return builder.scheduler(scheduler).transportFactory(transports);
  }
}
