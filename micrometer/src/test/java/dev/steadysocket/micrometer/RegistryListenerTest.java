package dev.steadysocket.micrometer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.steadysocket.CloseReason;
import dev.steadysocket.SocketObserver;
import dev.steadysocket.SteadySocket;
import dev.steadysocket.testing.FakeServer;
import dev.steadysocket.testing.SteadySocketExtension;
import dev.steadysocket.testing.TestClock;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A registry's listeners are user code: they run when the last socket of a name closes and its
 * meters are removed, on that socket's thread. One that blocks there must hold up nothing of this
 * module's (other names, other registries), and a socket of the same name built meanwhile must end
 * up with meters that are in the registry, not the ones being removed.
 *
 * <p>Deterministic: the removal is held in the listener on a latch until the test has done its
 * part. A watchdog releases it after 10 s, so a regression fails (the watchdog fired) instead of
 * hanging the build.
 */
@ExtendWith(SteadySocketExtension.class)
class RegistryListenerTest {
  private final ScheduledExecutorService watchdog = Executors.newSingleThreadScheduledExecutor();
  private final CountDownLatch removing = new CountDownLatch(1);
  private final CountDownLatch release = new CountDownLatch(1);
  private final AtomicBoolean watchdogFired = new AtomicBoolean();

  @AfterEach
  void stopWatchdog() {
    release.countDown();
    watchdog.shutdownNow();
  }

  /** A registry whose listener blocks the first removal of a meter of {@code socket} until {@link #release}. */
  private MeterRegistry registryBlockingTheRemovalOf(String socket) {
    MeterRegistry registry = new SimpleMeterRegistry();
    AtomicBoolean first = new AtomicBoolean(true);
    registry.config().onMeterRemoved(m -> {
      if (socket.equals(m.getId().getTag("socket")) && first.getAndSet(false)) {
        removing.countDown();
        await(release);
      }
    });
    return registry;
  }

  /**
   * The closed event of {@code name}'s only socket, on a thread of its own (as the loop thread
   * would run it), held in the registry's listener; returns once the removal has begun.
   */
  private Thread closeHeldInTheListener(FakeServer server, TestClock clock, MeterRegistry registry, String name) {
    SteadySocket socket = server.newSocket().build();
    SocketObserver observer = SteadySocketMeters.bindTo(registry, name).create(socket); // fed by hand
    socket.close();
    clock.runUntilIdle();
    CloseReason reason = socket.closeFuture().join();
    Thread closing = new Thread(() -> observer.closed(reason), "closing-" + name);
    closing.start();
    await(removing);
    watchdog.schedule(() -> {
      watchdogFired.set(true);
      release.countDown();
    }, 10, TimeUnit.SECONDS);
    return closing;
  }

  @Test
  void aListenerBlockingARemovalHoldsUpNoOtherSocketNorAnotherRegistry(FakeServer a, FakeServer b, FakeServer c,
      TestClock clock) throws InterruptedException {
    MeterRegistry registry = registryBlockingTheRemovalOf("held");
    SteadySocket other = b.newSocket().observer(SteadySocketMeters.bindTo(registry, "other")).build();
    other.connect();
    clock.runUntilIdle();
    Thread closing = closeHeldInTheListener(a, clock, registry, "held");

    // another socket's events, in the same registry (its meters exist: no registry lock needed)
    b.connection().send("tick", Map.of("n", 1));
    clock.runUntilIdle();
    assertEquals(1, registry.get("steadysocket.messages").tag("socket", "other").tag("direction", "in").counter().count());
    // a join and a removal in another registry: they took a JVM-wide lock that the held removal kept
    MeterRegistry elsewhere = new SimpleMeterRegistry();
    SteadySocket third = c.newSocket().observer(SteadySocketMeters.bindTo(elsewhere, "third")).build();
    third.connect();
    clock.runUntilIdle();
    assertEquals(1, elsewhere.get("steadysocket.connection.state").tag("state", "open").gauge().value());
    third.close();
    clock.runUntilIdle();
    assertEquals(List.of(), elsewhere.getMeters());
    assertFalse(watchdogFired.get(), "held up until the watchdog released the listener");

    release.countDown();
    closing.join(10_000);
    assertFalse(closing.isAlive());
    assertEquals(Set.of("other"), sockets(registry), "held's meters removed, other's kept");
    other.close();
    clock.runUntilIdle();
    assertEquals(Set.of(), sockets(registry));
  }

  @Test
  void aSocketBuiltWhileItsNameIsBeingRemovedGetsMetersInTheRegistry(FakeServer a, FakeServer b, TestClock clock)
      throws InterruptedException {
    MeterRegistry registry = registryBlockingTheRemovalOf("feed");
    Thread closing = closeHeldInTheListener(a, clock, registry, "feed");

    // Built while the old socket's meters are half removed (and the registry's lock is held):
    // build() neither waits for the removal nor takes the meters that are going away.
    SteadySocket socket = b.newSocket().observer(SteadySocketMeters.bindTo(registry, "feed")).build();
    assertFalse(watchdogFired.get(), "build() waited for the removal until the watchdog released it");
    release.countDown();
    closing.join(10_000);
    assertFalse(closing.isAlive());

    try {
      assertEquals(MeterNames.ALL, names(registry, "feed"), "the closing thread registered them again for the new socket");
      assertEquals(1, registry.get("steadysocket.connection.state").tag("state", "idle").gauge().value());
      socket.connect();
      clock.runUntilIdle();
      b.connection().send("tick", null);
      b.connection().send("tick", null);
      clock.runUntilIdle();
      assertEquals(1, registry.get("steadysocket.connection.state").tag("state", "open").gauge().value());
      assertEquals(2, registry.get("steadysocket.messages").tag("direction", "in").counter().count(),
          "the new socket counts in the meters the registry has");
      assertEquals(1, registry.get("steadysocket.connection.attempts").tag("outcome", "opened").counter().count());
      assertEquals(0, socket.metrics().observerFailures());
    } finally {
      socket.close();
    }
    clock.runUntilIdle();
    assertEquals(Set.of(), sockets(registry));
  }

  private static Set<String> names(MeterRegistry registry, String socket) {
    return registry.getMeters().stream().map(Meter::getId).filter(id -> socket.equals(id.getTag("socket")))
        .map(Meter.Id::getName).collect(Collectors.toCollection(TreeSet::new));
  }

  private static Set<String> sockets(MeterRegistry registry) {
    return registry.getMeters().stream().map(m -> m.getId().getTag("socket")).collect(Collectors.toCollection(TreeSet::new));
  }

  private static void await(CountDownLatch latch) {
    try {
      assertTrue(latch.await(30, TimeUnit.SECONDS), "latch");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }
}
