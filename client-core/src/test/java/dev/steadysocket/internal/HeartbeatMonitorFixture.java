package dev.steadysocket.internal;

import dev.steadysocket.Heartbeat;
import dev.steadysocket.MessageCodec;
import dev.steadysocket.testkit.FakeScheduler;
import dev.steadysocket.testkit.FakeTransports;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiConsumer;

/** A heartbeat monitor on manual time, one fake transport, and the verdicts it gives. */
abstract class HeartbeatMonitorFixture {
  static final long SECOND = 1_000_000_000L;

  final FakeScheduler scheduler = new FakeScheduler();
  final LoopTasks tasks = new LoopTasks(scheduler);
  final FakeTransports.Fake transport = new FakeTransports.Fake();
  final List<Connection> dead = new ArrayList<>();
  /** The silence each verdict reported, in order. */
  final List<Duration> silences = new ArrayList<>();

  final BiConsumer<Connection, Duration> onDead = (c, silence) -> {
    dead.add(c);
    silences.add(silence);
  };

  /** A connection as the monitor sees it: opened now on {@link #transport}. */
  Connection open() {
    Connection c = new Connection(null, tasks, null, null, TestEvents.of(tasks), 1);
    c.transport = transport;
    c.openedNanos = scheduler.nanoTime();
    return c;
  }

  HeartbeatMonitor monitor(Heartbeat h) {
    return new HeartbeatMonitor(h, tasks, MessageCodec.jackson(), () -> false, TestEvents.of(tasks));
  }
}
