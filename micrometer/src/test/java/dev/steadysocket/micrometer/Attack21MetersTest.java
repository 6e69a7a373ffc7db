package dev.steadysocket.micrometer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.steadysocket.SteadySocket;
import dev.steadysocket.testing.FakeServer;
import dev.steadysocket.testing.SteadySocketExtension;
import dev.steadysocket.testing.TestClock;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Hostile tests of issue #21's micrometer module. */
@ExtendWith(SteadySocketExtension.class)
class Attack21MetersTest {
  private final MeterRegistry registry = new SimpleMeterRegistry();

  private List<String> names() {
    return registry.getMeters().stream().map(m -> m.getId().getName()).distinct().sorted().collect(Collectors.toList());
  }

  /**
   * build() fails when a later factory throws; the socket is closed. The meters the first factory
   * registered for it must leave the registry with it (README: "removed from the registry when the
   * last one closes, so sockets built and closed over and over leave nothing behind").
   */
  @Test
  void aBuildThatFailsLeavesNoMetersBehind(FakeServer server, TestClock clock) {
    assertThrows(IllegalStateException.class, () -> server.newSocket()
        .observer(SteadySocketMeters.bindTo(registry, "ticker"))
        .observer(s -> { throw new IllegalStateException("no tracer"); })
        .build());
    clock.runUntilIdle();
    assertEquals(List.of(), names(), "meters of a socket that was never returned");
  }

  /** The same with a factory that returns null (build() throws NullPointerException). */
  @Test
  void aBuildWhoseLaterFactoryReturnsNullLeavesNoMetersBehind(FakeServer server, TestClock clock) {
    assertThrows(NullPointerException.class, () -> server.newSocket()
        .observer(SteadySocketMeters.bindTo(registry, "ticker"))
        .observer(s -> null)
        .build());
    clock.runUntilIdle();
    assertEquals(List.of(), names());
  }

  /** An unbound SteadySocketMeters whose socket's build failed must not register meters for it when bound later. */
  @Test
  void aFailedBuildIsNotRegisteredByALaterBinding(FakeServer server, TestClock clock) {
    SteadySocketMeters meters = SteadySocketMeters.named("ticker");
    assertThrows(IllegalStateException.class, () -> server.newSocket()
        .observer(meters)
        .observer(s -> { throw new IllegalStateException("no tracer"); })
        .build());
    clock.runUntilIdle();
    meters.bindTo(registry);
    assertEquals(List.of(), names());
  }
}
