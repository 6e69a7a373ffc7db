package dev.steadysocket.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.steadysocket.Envelope;
import dev.steadysocket.Heartbeat;
import dev.steadysocket.MessageCodec;
import dev.steadysocket.testkit.FakeTransports;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class HeartbeatMonitorTest extends HeartbeatMonitorFixture {

  @Test
  void aSilentLinkIsDeclaredDeadOneTimeoutAfterTheTick() {
    HeartbeatMonitor m = monitor(Heartbeat.every(Duration.ofSeconds(30)).withTimeout(Duration.ofSeconds(10)));
    Connection c = open();
    m.start(c, onDead);
    scheduler.advanceByNanos(30 * SECOND - 1);
    assertTrue(transport.sent.isEmpty());
    scheduler.advanceByNanos(1);
    assertEquals(1, transport.sent.size(), "the heartbeat envelope");
    Envelope hb = MessageCodec.jackson().decode(transport.sent.get(0));
    assertEquals("heartbeat", hb.type());
    assertEquals(hb.id(), c.heartbeatId);
    assertEquals(scheduler.nanoTime(), c.heartbeatSentNanos);
    assertEquals(scheduler.currentTimeMillis(), hb.timestamp());
    scheduler.advanceByNanos(10 * SECOND - 1);
    assertTrue(dead.isEmpty());
    scheduler.advanceByNanos(1);
    assertEquals(List.of(c), dead);
  }

  @Test
  void aFrameSinceTheTickOrANewPongKeepsTheLinkAlive() {
    HeartbeatMonitor m = monitor(Heartbeat.every(Duration.ofSeconds(30)).withTimeout(Duration.ofSeconds(10)));
    Connection c = open();
    transport.pongs = 3;
    m.start(c, onDead);
    assertEquals(3, c.pongsAtCheck);
    scheduler.advanceByNanos(30 * SECOND);
    c.framesReceived++;
    scheduler.advanceByNanos(10 * SECOND);
    assertTrue(dead.isEmpty(), "a frame arrived");
    scheduler.advanceByNanos(20 * SECOND); // round 2
    transport.pongs = 4;
    scheduler.advanceByNanos(10 * SECOND);
    assertTrue(dead.isEmpty(), "a pong arrived");
    assertEquals(4, c.pongsAtCheck);
    scheduler.advanceByNanos(30 * SECOND); // round 3: nothing
    assertEquals(List.of(c), dead);
  }

  @Test
  void aTransportThatCannotCountPongsIsJudgedByFramesAlone() {
    HeartbeatMonitor m = monitor(Heartbeat.every(Duration.ofSeconds(30)).withTimeout(Duration.ofSeconds(10)));
    Connection c = open();
    transport.pongs = -1;
    m.start(c, onDead);
    scheduler.advanceByNanos(40 * SECOND);
    assertEquals(List.of(c), dead);
  }

  @Test
  void pingOnlySendsNoEnvelope() {
    HeartbeatMonitor m = monitor(Heartbeat.every(Duration.ofSeconds(30)).withoutEnvelope());
    Connection c = open();
    m.start(c, onDead);
    scheduler.advanceByNanos(30 * SECOND);
    assertTrue(transport.sent.isEmpty());
    assertEquals(1, c.heartbeatRounds);
  }

  @Test
  void ticksKeepAFixedRateFromTheOpening() {
    HeartbeatMonitor m = monitor(Heartbeat.every(Duration.ofSeconds(30)).withTimeout(Duration.ofSeconds(10)));
    Connection c = open();
    c.openedNanos = scheduler.nanoTime() - 25 * SECOND; // the loop got to it late
    m.start(c, (x, silence) -> {});
    scheduler.advanceByNanos(5 * SECOND);
    assertEquals(1, c.heartbeatRounds, "round 1 at opened + 30 s");
    scheduler.advanceByNanos(30 * SECOND);
    assertEquals(2, c.heartbeatRounds);
  }

  /** #16 part 2: the saturation only takes over where rounds × interval cannot be counted. */
  @Test
  void anIntervalOfDecadesStillTicksAtOpenedPlusTheInterval() {
    long interval = LoopTasks.MAX_DELAY_NANOS / 4 * 3; // about 55 years: one round still fits
    HeartbeatMonitor m = monitor(Heartbeat.every(Duration.ofNanos(interval)).withoutEnvelope());
    m.start(open(), onDead);
    scheduler.advanceByNanos(interval - 1);
    assertEquals(0, transport.pings);
    scheduler.advanceByNanos(1);
    assertEquals(1, transport.pings, "round 1 at opened + interval, not at the saturated bound");
  }

  @Test
  void disabledOrWithoutATransportNothingIsScheduled() {
    monitor(Heartbeat.disabled()).start(open(), onDead);
    Connection noTransport = new Connection(null, tasks, null, null, TestEvents.of(tasks), 2);
    monitor(Heartbeat.defaults()).start(noTransport, onDead);
    assertEquals(0, scheduler.pendingTasks());
  }

  @Test
  void stopCancelsTheTickAndBothPendingChecks() {
    // A timeout equal to the interval: a late loop can have two checks pending.
    HeartbeatMonitor m = monitor(Heartbeat.every(Duration.ofSeconds(10)).withTimeout(Duration.ofSeconds(10)));
    Connection c = open();
    m.start(c, onDead);
    assertEquals(1, scheduler.pendingTasks());
    m.stop();
    assertEquals(0, scheduler.pendingTasks(), "the tick");

    FakeTransports.Fake second = new FakeTransports.Fake();
    Connection c2 = new Connection(null, tasks, null, null, TestEvents.of(tasks), 3);
    c2.transport = second;
    c2.openedNanos = scheduler.nanoTime() - 15 * SECOND; // round 1 is overdue, round 2 is due in 5 s
    m.start(c2, onDead);
    scheduler.runUntilIdle(); // round 1: a check in 10 s, the next tick in 5 s
    scheduler.advanceByNanos(5 * SECOND); // round 2 before round 1's check: two checks pending
    assertEquals(2, c2.heartbeatRounds);
    assertEquals(3, scheduler.pendingTasks(), "two checks and the next tick");
    m.stop();
    assertEquals(0, scheduler.pendingTasks());
    scheduler.advanceByNanos(60 * SECOND);
    assertTrue(dead.isEmpty());
  }

  @Test
  void aCheckOrTickForAConnectionNoLongerWatchedDoesNothing() {
    HeartbeatMonitor m = monitor(Heartbeat.every(Duration.ofSeconds(30)).withTimeout(Duration.ofSeconds(10)));
    Connection first = open();
    m.start(first, onDead);
    scheduler.advanceByNanos(30 * SECOND);
    first.transport = null; // retired without stop(): its pending check must not fire
    scheduler.advanceByNanos(10 * SECOND);
    assertTrue(dead.isEmpty());
  }

  @Test
  void aCodecThatCannotEncodeHeartbeatsLeavesThePingsToJudge() {
    MessageCodec failing = new MessageCodec() {
      @Override
      public String encode(Envelope envelope) {
        throw new UnsupportedOperationException("no heartbeats here");
      }

      @Override
      public Envelope decode(String text) {
        throw new UnsupportedOperationException();
      }
    };
    HeartbeatMonitor m = new HeartbeatMonitor(
        Heartbeat.every(Duration.ofSeconds(30)).withTimeout(Duration.ofSeconds(10)), tasks, failing, () -> false, TestEvents.of(tasks));
    Connection c = open();
    List<Connection> died = new ArrayList<>();
    m.start(c, (x, silence) -> died.add(x));
    scheduler.advanceByNanos(30 * SECOND);
    assertTrue(transport.sent.isEmpty());
    assertEquals(null, c.heartbeatId);
    transport.pongs++;
    scheduler.advanceByNanos(10 * SECOND);
    assertTrue(died.isEmpty(), "the pong counts");
    scheduler.advanceByNanos(40 * SECOND);
    assertEquals(1, died.size());
    assertSame(c, died.get(0));
    assertNotNull(m);
  }
}
