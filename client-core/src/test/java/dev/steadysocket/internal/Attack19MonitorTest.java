package dev.steadysocket.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.steadysocket.Heartbeat;
import dev.steadysocket.MessageCodec;
import dev.steadysocket.testkit.FakeScheduler;
import dev.steadysocket.testkit.FakeTransports;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiConsumer;
import org.junit.jupiter.api.Test;

/** Hostile tests of issue #19's liveness check at the monitor. Virtual time. */
class Attack19MonitorTest {
  static final long SECOND = 1_000_000_000L;
  final FakeScheduler scheduler = new FakeScheduler();
  final LoopTasks tasks = new LoopTasks(scheduler);
  final FakeTransports.Fake transport = new FakeTransports.Fake();
  final List<Connection> dead = new ArrayList<>();
  final BiConsumer<Connection, Duration> onDead = (c, silence) -> dead.add(c);

  Connection open() {
    Connection c = new Connection(null, tasks, null, null, TestEvents.of(tasks), 1);
    c.transport = transport;
    c.openedNanos = scheduler.nanoTime();
    return c;
  }

  /**
   * checkLiveness with the heartbeat disabled (the documented use: an app back from deep sleep)
   * while inbound back-pressure holds the reader at the deadline: "no verdict" then, but nothing
   * judges later either. Once the listeners catch up the link, silent ever since the ping, is
   * never declared dead: the one check the app asked for was silently turned into "alive". With
   * rounds enabled the next round would judge; with them disabled nothing does.
   */
  @Test
  void aCheckThatFindsTheReaderHeldIsNeverJudgedOnceItIsReleased() {
    HeartbeatMonitor m = new HeartbeatMonitor(Heartbeat.disabled(), tasks, MessageCodec.jackson(), () -> false, TestEvents.of(tasks));
    Connection c = open();
    m.start(c, onDead);
    m.checkNow(5 * SECOND);
    c.holds++;
    c.readerHeld = true; // the listeners are behind at the deadline
    scheduler.advanceByNanos(5 * SECOND);
    assertTrue(dead.isEmpty(), "no verdict while held (documented)");
    c.readerHeld = false; // caught up; no frame, no pong ever since the ping
    scheduler.advanceByNanos(600 * SECOND);
    assertEquals(List.of(c), dead,
        "10 minutes after the reader was released, a link silent since the check's ping is still"
            + " not judged (pings sent: " + transport.pings + ")");
  }
}
