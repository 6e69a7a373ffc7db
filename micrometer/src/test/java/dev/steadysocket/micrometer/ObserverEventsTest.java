package dev.steadysocket.micrometer;

import static java.util.concurrent.TimeUnit.MILLISECONDS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.steadysocket.CloseReason;
import dev.steadysocket.Envelope;
import dev.steadysocket.SocketObserver;
import dev.steadysocket.SteadySocket;
import dev.steadysocket.SteadySocketBuilder;
import dev.steadysocket.testing.FakeServer;
import dev.steadysocket.testing.SteadySocketExtension;
import dev.steadysocket.testing.TestClock;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The events the in-memory transport cannot produce (handshake phases and pongs come from the
 * OkHttp transport, inbound back-pressure from its reader thread), fed to the observer directly
 * with exact figures; and the cost of the per-message events, which must allocate nothing.
 */
@ExtendWith(SteadySocketExtension.class)
class ObserverEventsTest {
  private final MeterRegistry registry = new SimpleMeterRegistry();

  @Test
  void phasesPongsAndInboundHoldsAreRecordedAsReported(FakeServer server, TestClock clock) {
    SteadySocket socket = server.newSocket().build();
    SocketObserver observer = SteadySocketMeters.bindTo(registry, "unit").create(socket);
    long ms = 1_000_000;
    observer.phaseEnded(SocketObserver.Phase.DNS, 3 * ms);
    observer.phaseEnded(SocketObserver.Phase.CONNECT, 20 * ms);
    observer.phaseEnded(SocketObserver.Phase.CONNECT, 30 * ms); // a second address tried
    observer.phaseEnded(SocketObserver.Phase.TLS, 45 * ms);
    observer.phaseEnded(SocketObserver.Phase.UPGRADE, 12 * ms);
    observer.pongReceived(7 * ms);
    observer.inboundPaused(1_000, 64_000);
    observer.inboundResumed(150 * ms);
    observer.binaryReceived(256);
    observer.callbacksRejected(3);

    assertTimer("steadysocket.handshake.phase", "phase", "dns", 1, 3);
    assertTimer("steadysocket.handshake.phase", "phase", "connect", 2, 50);
    assertTimer("steadysocket.handshake.phase", "phase", "tls", 1, 45);
    assertTimer("steadysocket.handshake.phase", "phase", "upgrade", 1, 12);
    assertTimer("steadysocket.ping.rtt", null, null, 1, 7);
    assertTimer("steadysocket.inbound.paused", null, null, 1, 150);
    assertEquals(1, registry.get("steadysocket.messages").tag("direction", "in").counter().count());
    assertEquals(256, registry.get("steadysocket.bytes").tag("direction", "in").counter().count());
    assertEquals(3, registry.get("steadysocket.callbacks.rejected").counter().count());
    for (SocketObserver.Phase phase : SocketObserver.Phase.values()) { // a phase added to the SPI gets a timer too
      registry.get("steadysocket.handshake.phase").tag("phase", phase.name().toLowerCase(Locale.ROOT)).timer();
    }

    socket.close();
    clock.runUntilIdle();
    CloseReason reason = socket.closeFuture().join();
    observer.closed(reason); // the socket's own observers heard it; this one is fed by hand
    assertEquals(List.of(), names());
    observer.messageReceived(Envelope.of("late", null), 10, 0); // after closed: ignored, no throw
    assertEquals(List.of(), names());
  }

  @Test
  void callbacksTheExecutorRefusesAreCounted(FakeServer server, TestClock clock) {
    AtomicInteger refusals = new AtomicInteger(2);
    SteadySocket socket = server.newSocket()
        .callbackExecutor(task -> { // saturated twice, then runs callbacks on the calling thread
          if (refusals.getAndDecrement() > 0) throw new RejectedExecutionException("saturated");
          task.run();
        })
        .observer(SteadySocketMeters.bindTo(registry, "ticker")).build();
    try {
      socket.connect();
      clock.runUntilIdle();
      server.connection().send("tick", null);
      clock.runUntilIdle();
      double rejected = registry.get("steadysocket.callbacks.rejected").counter().count();
      assertTrue(rejected >= 2, "callbacks were refused: " + rejected);
      assertEquals(socket.metrics().callbacksRejected(), rejected);
    } finally {
      socket.close();
    }
  }

  @Test
  void aRegistryThatRefusesAMeterFailsTheBuildAndKeepsNoneOfTheOthers(FakeServer server) {
    registry.config().meterFilter(new MeterFilter() {
      @Override
      public Meter.Id map(Meter.Id id) {
        if (id.getName().equals("steadysocket.duplicates")) throw new IllegalStateException("refused by a filter");
        return id;
      }
    });
    SteadySocketBuilder builder = server.newSocket().observer(SteadySocketMeters.bindTo(registry, "ticker"));
    IllegalStateException e = assertThrows(IllegalStateException.class, builder::build);
    assertEquals("refused by a filter", e.getMessage());
    assertEquals(List.of(), names());
  }

  @Test
  void aRegistryListenerThatThrowsAtRemovalStillLosesEveryMeterAndIsCountedAsAnObserverFailure(
      FakeServer server, TestClock clock) {
    registry.config().onMeterRemoved(m -> {
      throw new IllegalStateException("listener failed");
    });
    SteadySocket socket = server.newSocket().observer(SteadySocketMeters.bindTo(registry, "ticker")).build();
    socket.connect();
    clock.runUntilIdle();
    socket.close();
    clock.runUntilIdle();
    assertEquals(List.of(), names());
    assertEquals(1, socket.metrics().observerFailures());
  }

  /**
   * The per-message events run for every message on SteadySocket's threads: after warm-up they
   * must not allocate (HotSpot's per-thread allocation counter; skipped on a JVM without it).
   */
  @Test
  void thePerMessageEventsAllocateNothing(FakeServer server, TestClock clock) {
    com.sun.management.ThreadMXBean threads = allocationCounter();
    SteadySocket socket = server.newSocket().build();
    SocketObserver observer = SteadySocketMeters.bindTo(registry, "hot").create(socket);
    Envelope envelope = Envelope.of("tick", null);
    Runnable events = () -> {
      for (int i = 0; i < 10_000; i++) {
        observer.messageQueued(100);
        observer.messageWritten(100, 1_000, false);
        observer.messageReceived(envelope, 100, 500);
        observer.heartbeatEchoed(2_000);
      }
    };
    for (int i = 0; i < 30; i++) events.run(); // warm-up: compiled
    long before = threads.getCurrentThreadAllocatedBytes();
    for (int i = 0; i < 10; i++) events.run(); // 400,000 events
    long allocated = threads.getCurrentThreadAllocatedBytes() - before;
    assertTrue(allocated < 4_000, () -> allocated + " bytes allocated by 400,000 events");
    assertEquals(400_000, registry.get("steadysocket.messages").tag("direction", "in").counter().count());
    socket.close();
    clock.runUntilIdle();
    observer.closed(socket.closeFuture().join());
  }

  private static com.sun.management.ThreadMXBean allocationCounter() {
    java.lang.management.ThreadMXBean bean = ManagementFactory.getThreadMXBean();
    assumeTrue(bean instanceof com.sun.management.ThreadMXBean, "no per-thread allocation counter on this JVM");
    com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) bean;
    assumeTrue(threads.isThreadAllocatedMemorySupported() && threads.isThreadAllocatedMemoryEnabled(),
        "per-thread allocation counting is off");
    return threads;
  }

  /** The registry's meters, by name and tags (for readable failures). */
  private List<String> names() {
    return registry.getMeters().stream().map(m -> m.getId().getName() + m.getId().getTags()).sorted()
        .collect(java.util.stream.Collectors.toList());
  }

  private void assertTimer(String name, String tag, String value, long count, long totalMillis) {
    Timer t = tag == null ? registry.get(name).timer() : registry.get(name).tag(tag, value).timer();
    assertEquals(count, t.count(), name + " " + value);
    assertEquals(totalMillis, t.totalTime(MILLISECONDS), name + " " + value);
  }
}
