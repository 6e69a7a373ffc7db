package dev.steadysocket.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.steadysocket.Heartbeat;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Issue #19, parts 2 and 3 at the monitor: a liveness check judged by the heartbeat's rule, and the
 * schedule replaced while a connection is watched. Virtual time; each boundary at T-1 and T.
 */
class HeartbeatMonitorLivenessTest extends HeartbeatMonitorFixture {

  static final Heartbeat EVERY_30S = Heartbeat.every(Duration.ofSeconds(30)).withTimeout(Duration.ofSeconds(10));

  // ---------------------------------------------------------------- checkNow

  @Test
  void aSilentLinkIsDeadExactlyOneTimeoutAfterTheCheck() {
    HeartbeatMonitor m = monitor(Heartbeat.disabled());
    Connection c = open();
    m.start(c, onDead);
    scheduler.advanceByNanos(7 * SECOND);
    m.checkNow(5 * SECOND);
    assertEquals(1, transport.pings, "the check pings at once");
    scheduler.advanceByNanos(5 * SECOND - 1);
    assertTrue(dead.isEmpty(), "no verdict before the timeout");
    scheduler.advanceByNanos(1);
    assertEquals(List.of(c), dead);
    assertEquals(List.of(Duration.ofSeconds(5)), silences);
    assertEquals(0, scheduler.pendingTasks(), "no rounds with the heartbeat disabled");
  }

  @Test
  void aPongAFrameOrAHeldReaderKeepsTheLink() {
    HeartbeatMonitor m = monitor(Heartbeat.disabled());
    Connection c = open();
    m.start(c, onDead);
    m.checkNow(5 * SECOND);
    scheduler.advanceByNanos(5 * SECOND - 1);
    transport.pongs++; // at T-1: in time
    scheduler.advanceByNanos(1);
    m.checkNow(5 * SECOND);
    scheduler.advanceByNanos(2 * SECOND);
    c.framesReceived++;
    scheduler.advanceByNanos(3 * SECOND);
    m.checkNow(5 * SECOND);
    c.holds++; // the reader was held by back-pressure meanwhile: no verdict
    scheduler.advanceByNanos(5 * SECOND);
    m.checkNow(5 * SECOND); // joins the held check, judged again one timeout on: no new ping
    c.readerHeld = true;
    scheduler.advanceByNanos(5 * SECOND);
    assertTrue(dead.isEmpty());
    assertEquals(3, transport.pings);
  }

  @Test
  void aPongBeforeTheCheckDoesNotCount() {
    HeartbeatMonitor m = monitor(Heartbeat.disabled());
    Connection c = open();
    m.start(c, onDead);
    transport.pongs = 5;
    c.framesReceived = 9;
    m.checkNow(SECOND);
    scheduler.advanceByNanos(SECOND);
    assertEquals(List.of(c), dead, "signs of life from before the ping say nothing");
  }

  @Test
  void aTransportThatCannotCountPongsIsJudgedByFrames() {
    HeartbeatMonitor m = monitor(Heartbeat.disabled());
    transport.pongs = -1;
    Connection c = open();
    m.start(c, onDead);
    m.checkNow(SECOND);
    scheduler.advanceByNanos(SECOND);
    assertEquals(List.of(c), dead);
  }

  @Test
  void aSecondCheckKeepsAnEarlierOrEqualDeadline() {
    HeartbeatMonitor m = monitor(Heartbeat.disabled());
    Connection c = open();
    m.start(c, onDead);
    m.checkNow(5 * SECOND);
    scheduler.advanceByNanos(SECOND);
    m.checkNow(4 * SECOND); // the same deadline
    m.checkNow(30 * SECOND); // later
    assertEquals(1, transport.pings, "no new ping: the pending check stands");
    assertEquals(1, scheduler.pendingTasks());
    scheduler.advanceByNanos(4 * SECOND - 1);
    assertTrue(dead.isEmpty());
    scheduler.advanceByNanos(1);
    assertEquals(List.of(c), dead, "at the first deadline");
    assertEquals(List.of(Duration.ofSeconds(5)), silences);
  }

  @Test
  void aSecondCheckWithASoonerDeadlineTakesItAndKeepsTheBaseline() {
    HeartbeatMonitor m = monitor(Heartbeat.disabled());
    Connection c = open();
    m.start(c, onDead);
    m.checkNow(10 * SECOND);
    scheduler.advanceByNanos(SECOND);
    m.checkNow(4 * SECOND - 1); // one nanosecond sooner than the first deadline
    assertEquals(2, transport.pings, "a fresh ping for the shorter wait");
    assertEquals(1, scheduler.pendingTasks(), "one verdict pending");
    scheduler.advanceByNanos(4 * SECOND - 2);
    assertTrue(dead.isEmpty());
    scheduler.advanceByNanos(1);
    assertEquals(List.of(c), dead);
    assertEquals(List.of(Duration.ofSeconds(5).minusNanos(1)), silences, "silent since the first check");
    scheduler.advanceByNanos(60 * SECOND);
    assertEquals(1, dead.size(), "the first deadline was dropped");
  }

  @Test
  void aSignOfLifeBetweenTwoChecksCountsForTheSoonerOne() {
    HeartbeatMonitor m = monitor(Heartbeat.disabled());
    Connection c = open();
    m.start(c, onDead);
    m.checkNow(10 * SECOND);
    c.framesReceived++;
    m.checkNow(SECOND);
    scheduler.advanceByNanos(SECOND);
    assertTrue(dead.isEmpty(), "the baseline is the first check's");
  }

  @Test
  void nothingWatchedNothingChecked() {
    HeartbeatMonitor m = monitor(EVERY_30S);
    m.checkNow(SECOND);
    assertEquals(0, transport.pings);
    Connection c = open();
    m.start(c, onDead);
    m.stop();
    m.checkNow(SECOND);
    assertEquals(0, transport.pings);
    assertEquals(0, scheduler.pendingTasks());
  }

  @Test
  void stopCancelsThePendingCheck() {
    HeartbeatMonitor m = monitor(Heartbeat.disabled());
    Connection c = open();
    m.start(c, onDead);
    m.checkNow(SECOND);
    m.stop();
    assertEquals(0, scheduler.pendingTasks());
    scheduler.advanceByNanos(10 * SECOND);
    assertTrue(dead.isEmpty());
    m.start(c, onDead);
    m.checkNow(SECOND); // a new check after a stop starts afresh
    assertEquals(2, transport.pings);
  }

  @Test
  void aCheckOutlivingItsConnectionGivesNoVerdict() {
    HeartbeatMonitor m = monitor(Heartbeat.disabled());
    Connection c = open();
    m.start(c, onDead);
    m.checkNow(SECOND);
    c.transport = null; // retired without stop()
    scheduler.advanceByNanos(SECOND);
    assertTrue(dead.isEmpty());
  }

  @Test
  void aCheckBesideRoundsLeavesTheRoundsAlone() {
    HeartbeatMonitor m = monitor(EVERY_30S);
    Connection c = open();
    m.start(c, onDead);
    scheduler.advanceByNanos(20 * SECOND);
    transport.pongs++; // a pong before the round's tick still counts for round 1 (since the start)
    m.checkNow(5 * SECOND);
    transport.pongs++;
    scheduler.advanceByNanos(5 * SECOND);
    assertTrue(dead.isEmpty());
    scheduler.advanceByNanos(5 * SECOND); // round 1 at 30 s
    assertEquals(2, transport.pings);
    scheduler.advanceByNanos(10 * SECOND);
    assertTrue(dead.isEmpty(), "the pongs since the start count for round 1");
    scheduler.advanceByNanos(40 * SECOND);
    assertEquals(List.of(c), dead, "round 2 finds nothing");
    assertEquals(List.of(Duration.ofSeconds(10)), silences);
  }

  // ---------------------------------------------------------------- change

  @Test
  void aLongerIntervalKeepsTheRoundAlreadyDueThenRunsAtTheNewRate() {
    HeartbeatMonitor m = monitor(EVERY_30S);
    Connection c = open();
    m.start(c, onDead);
    scheduler.advanceByNanos(20 * SECOND);
    m.change(Heartbeat.every(Duration.ofSeconds(60)).withTimeout(Duration.ofSeconds(10)));
    scheduler.advanceByNanos(10 * SECOND - 1);
    assertEquals(0, transport.pings);
    scheduler.advanceByNanos(1);
    assertEquals(1, transport.pings, "the round due at 30 s is not postponed");
    transport.pongs++;
    scheduler.advanceByNanos(60 * SECOND - 1);
    assertEquals(1, transport.pings);
    scheduler.advanceByNanos(1);
    assertEquals(2, transport.pings, "then at the new rate from that round");
    assertEquals(2, c.heartbeatRounds);
  }

  @Test
  void aShorterIntervalBringsTheNextRoundForward() {
    HeartbeatMonitor m = monitor(Heartbeat.every(Duration.ofSeconds(60)).withTimeout(Duration.ofSeconds(10)));
    Connection c = open();
    m.start(c, onDead);
    scheduler.advanceByNanos(20 * SECOND);
    m.change(EVERY_30S);
    scheduler.advanceByNanos(30 * SECOND - 1);
    assertEquals(0, transport.pings);
    scheduler.advanceByNanos(1);
    assertEquals(1, transport.pings, "one new interval after the change, before the old 60 s");
    assertEquals(1, c.heartbeatRounds);
  }

  @Test
  void aChangeAfterSomeRoundsCountsRoundsFromTheChange() {
    HeartbeatMonitor m = monitor(Heartbeat.every(Duration.ofSeconds(10)).withTimeout(Duration.ofSeconds(5)));
    Connection c = open();
    m.start(c, onDead);
    for (int round = 1; round <= 2; round++) {
      scheduler.advanceByNanos(10 * SECOND);
      transport.pongs++;
    }
    scheduler.advanceByNanos(5 * SECOND); // 25 s: two rounds done, both answered
    m.change(Heartbeat.every(Duration.ofSeconds(60)).withTimeout(Duration.ofSeconds(10)));
    scheduler.advanceByNanos(5 * SECOND - 1);
    assertEquals(2, transport.pings);
    scheduler.advanceByNanos(1);
    assertEquals(3, transport.pings, "round 3 when it was due, at 30 s");
    transport.pongs++;
    scheduler.advanceByNanos(60 * SECOND);
    assertEquals(4, transport.pings, "round 4 one new interval later: rounds counted from the change");
    assertTrue(dead.isEmpty());
  }

  @Test
  void aPendingRoundCheckKeepsItsDeadlineAcrossAChange() {
    HeartbeatMonitor m = monitor(EVERY_30S);
    Connection c = open();
    m.start(c, onDead);
    scheduler.advanceByNanos(32 * SECOND); // round 1 at 30 s, its check due at 40 s
    m.change(Heartbeat.every(Duration.ofSeconds(60)).withTimeout(Duration.ofSeconds(20)));
    scheduler.advanceByNanos(8 * SECOND - 1);
    assertTrue(dead.isEmpty());
    scheduler.advanceByNanos(1);
    assertEquals(List.of(c), dead, "at the old round's deadline");
    assertEquals(List.of(Duration.ofSeconds(10)), silences);
  }

  @Test
  void disablingStopsRoundsAndEnablingStartsThem() {
    HeartbeatMonitor m = monitor(EVERY_30S);
    Connection c = open();
    m.start(c, onDead);
    scheduler.advanceByNanos(10 * SECOND);
    m.change(Heartbeat.disabled());
    assertEquals(0, scheduler.pendingTasks(), "no tick left");
    scheduler.advanceByNanos(120 * SECOND);
    assertEquals(0, transport.pings);
    transport.pongs++; // long ago: must not count for the first round after enabling
    m.change(Heartbeat.every(Duration.ofSeconds(5)).withTimeout(Duration.ofSeconds(2)).withoutEnvelope());
    scheduler.advanceByNanos(5 * SECOND - 1);
    assertEquals(0, transport.pings);
    scheduler.advanceByNanos(1);
    assertEquals(1, transport.pings);
    assertTrue(transport.sent.isEmpty(), "ping only");
    scheduler.advanceByNanos(2 * SECOND);
    assertEquals(List.of(c), dead);
    assertEquals(List.of(Duration.ofSeconds(2)), silences);
  }

  @Test
  void aChangeWithNothingWatchedAppliesToTheNextStart() {
    HeartbeatMonitor m = monitor(Heartbeat.disabled());
    m.change(EVERY_30S);
    assertEquals(0, scheduler.pendingTasks());
    Connection c = open();
    m.start(c, onDead);
    scheduler.advanceByNanos(30 * SECOND);
    assertEquals(1, transport.pings);
    m.stop();
    m.change(Heartbeat.disabled());
    m.start(c, onDead);
    assertEquals(0, scheduler.pendingTasks(), "disabled for the next connection");
  }
}
