package dev.steadysocket.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.steadysocket.ConnectionState;
import dev.steadysocket.Envelope;
import dev.steadysocket.SocketObserver;
import dev.steadysocket.SteadySocket;
import dev.steadysocket.testing.ObserverFixtures.GateExecutor;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * An observer cannot hurt the socket: one that throws from every event — a RuntimeException, a
 * StackOverflowError, a plain Error — leaves what the application sees exactly as it is without
 * it (the same callbacks, the same futures completed the same way, the same metrics), is counted
 * once per throw in observerFailures(), and a second observer after it still hears every event.
 * And no event is fired under one of the socket's locks.
 */
@ExtendWith(SteadySocketExtension.class)
class ObserverIsolationTest {
  private static Supplier<Throwable> throwing(String kind) {
    switch (kind) {
      case "RuntimeException": return () -> new IllegalStateException("observer bug");
      case "StackOverflowError": return StackOverflowError::new;
      default: return () -> new Error("observer error");
    }
  }

  private static void sneakyThrow(Throwable t) {
    ObserverIsolationTest.<RuntimeException>sneaky(t);
  }

  @SuppressWarnings("unchecked")
  private static <T extends Throwable> void sneaky(Throwable t) throws T {
    throw (T) t;
  }

  @ParameterizedTest
  @ValueSource(strings = {"RuntimeException", "StackOverflowError", "Error"})
  void anObserverThatThrowsFromEveryEventDisturbsNothing(String kind) {
    RecordingObserver alone;
    ObserverScript.Outcome without;
    try (FakeServer server = FakeServer.inMemory()) {
      alone = new RecordingObserver(server.clock());
      without = ObserverScript.run(server, List.of(alone.factory()), s -> {});
    }
    RecordingObserver thrower;
    RecordingObserver after;
    ObserverScript.Outcome with;
    try (FakeServer server = FakeServer.inMemory()) {
      Supplier<Throwable> error = throwing(kind);
      thrower = new RecordingObserver(server.clock()).onEvent(e -> sneakyThrow(error.get()));
      after = new RecordingObserver(server.clock());
      with = ObserverScript.run(server, List.of(thrower.factory(), after.factory()), s -> {});
    }
    assertEquals(without.callbacks, with.callbacks, "the listener heard the same");
    assertEquals(without.futures, with.futures, "every future completed the same way");
    assertFalse(with.futures.contains("not done"), with.futures.toString());
    assertEquals(without.metrics, with.metrics);
    assertEquals(0, without.observerFailures);
    assertEquals(thrower.events().size(), with.observerFailures, "each throw counted once");
    assertEquals(ObserverScript.mask(alone.timeline()), ObserverScript.mask(after.timeline()),
        "the observer after it heard every event, in order, with the same figures");
    assertEquals(after.lines(), thrower.lines(), "and the thrower was called for every event too");
    Set<String> kinds = after.events().stream().map(e -> e.name).collect(Collectors.toCollection(TreeSet::new));
    assertEquals(30, kinds.size(), "the script makes every event happen but phaseEnded and back-pressure: " + kinds);
  }

  @Test
  void aFactoryThatThrowsFailsBuildAndTheSocketIsClosed(FakeServer server, TestClock clock) {
    List<SteadySocket> built = new ArrayList<>();
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> server.newSocket()
        .observer(s -> {
          built.add(s);
          throw new IllegalStateException("no tracer");
        }).build());
    assertEquals("no tracer", e.getMessage());
    clock.runUntilIdle();
    assertEquals(ConnectionState.CLOSED, built.get(0).state(), "closed, so it gives back what it acquired");
    assertThrows(NullPointerException.class, () -> server.newSocket().observer(s -> null).build());
    clock.runUntilIdle();
  }

  @Test
  void noEventIsFiredUnderALockOfTheSocket(FakeServer server, TestClock clock) {
    LockProbe probe = new LockProbe(25);
    RecordingObserver rec = new RecordingObserver(clock);
    ObserverScript.run(server, List.of(probe.install(rec)), s -> {});
    assertEquals(List.of(), probe.violations);
    Set<String> fired = LockProbe.firedOutsideProbes(rec);
    assertEquals(fired, new TreeSet<>(probe.probed), "every kind of event was probed");
    // The probes' own sends change the history a little (they take outbox places): at least the
    // kinds below, 29 of the script's 30, happen with them.
    assertTrue(fired.size() >= 29, fired.toString());
  }

  /** The two events the script cannot make: the reader held by back-pressure, probed the same way. */
  @Test
  void noBackPressureEventIsFiredUnderALockOfTheSocket(FakeServer server, TestClock clock) throws InterruptedException {
    LockProbe probe = new LockProbe(5);
    GateExecutor gate = new GateExecutor();
    CountDownLatch held = new CountDownLatch(1);
    AtomicBoolean stop = new AtomicBoolean();
    RecordingObserver rec = new RecordingObserver(clock);
    SocketObserver.Factory factory = probe.install(rec);
    RecordingObserver latch = new RecordingObserver(clock).onEvent(e -> {
      if (e.name.equals("inboundPaused")) held.countDown();
    });
    Thread callbacks = gate.drainAfter(held, stop);
    SteadySocket socket = server.newSocket().observer(factory).observer(latch.factory()).callbackExecutor(gate).build();
    try {
      socket.connect();
      clock.runUntilIdle();
      for (int i = 0; i < 1_100; i++) server.connection().send("tick", i);
      clock.runUntilIdle();
      stop.set(true);
      callbacks.join(20_000);
      assertEquals(1, rec.count("inboundPaused"));
      assertEquals(1, rec.count("inboundResumed"));
      assertTrue(probe.probed.containsAll(List.of("inboundPaused", "inboundResumed", "messageReceived")), probe.probed.toString());
      assertEquals(List.of(), probe.violations);
    } finally {
      socket.close();
      stop.set(true);
    }
  }

  /** callbacksRejected, the one event neither the script nor back-pressure makes, probed the same way. */
  @Test
  void noRefusalIsReportedUnderALockOfTheSocket(FakeServer server, TestClock clock) {
    LockProbe probe = new LockProbe(5);
    RecordingObserver rec = new RecordingObserver(clock);
    SteadySocket socket = server.newSocket().observer(probe.install(rec)).acknowledgedSends(true)
        .listener(new dev.steadysocket.SteadySocketListener() {})
        .callbackExecutor(task -> {
          throw new java.util.concurrent.RejectedExecutionException("refused");
        }).build();
    try {
      socket.connect();
      clock.runUntilIdle();
      server.connection().send("tick", 1);
      socket.send(Envelope.of("order", 1));
      clock.runUntilIdle();
      assertTrue(probe.probed.contains("callbacksRejected"), probe.probed.toString());
      assertEquals(List.of(), probe.violations);
    } finally {
      socket.close();
    }
  }

  /** The probe finds what it looks for: the same check, run while a lock of the socket is held. */
  @Test
  void theProbeSeesALockOfTheSocketHeld(FakeServer server, TestClock clock) throws Exception {
    SteadySocket socket = server.newSocket().build();
    try {
      List<Object> monitors = LockProbe.monitorsReachableFrom(socket);
      Object outbound = monitors.stream().filter(m -> m.getClass().getSimpleName().equals("Outbound")).findFirst().orElseThrow();
      java.lang.reflect.Field f = outbound.getClass().getDeclaredField("lock");
      f.setAccessible(true);
      Object lock = f.get(outbound);
      assertTrue(monitors.stream().anyMatch(m -> m == lock), "Outbound's private lock is among them");
      synchronized (lock) {
        assertTrue(monitors.stream().anyMatch(Thread::holdsLock));
        Thread sender = new Thread(() -> socket.send(Envelope.of("x", 1)));
        sender.start();
        sender.join(300);
        assertTrue(sender.isAlive(), "a send from another thread waits for the lock");
      }
    } finally {
      socket.close();
    }
  }
}
