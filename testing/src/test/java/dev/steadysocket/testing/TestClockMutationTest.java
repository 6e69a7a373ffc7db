package dev.steadysocket.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.steadysocket.internal.Scheduler;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * TestClock's promises taken one at a time: tasks run at their due instant and in posting order,
 * the queue reports what is pending, a task cannot move the clock, a throwing task leaves the rest
 * queued, and a runaway loop fails at exactly the documented limit in every way of running.
 */
class TestClockMutationTest {
  private final TestClock clock = new TestClock();
  private final List<String> ran = new ArrayList<>();

  private Runnable note(String name) {
    return () -> ran.add(name + "@" + clock.elapsed().toMillis());
  }

  @Test
  void startsAtTheEpochWithNothingQueued() {
    assertEquals(TestClock.EPOCH, clock.now());
    assertEquals(Duration.ZERO, clock.elapsed());
    assertEquals(0, clock.pendingTimers());
    assertNull(clock.nextTaskIn());
    assertTrue(clock.toString().contains("2026-01-01T00:00:00Z"), clock.toString());
    assertTrue(clock.toString().contains("0 tasks queued"), clock.toString());
  }

  @Test
  void pendingTimersCountsTimersNotWorkPostedToRunNow() {
    clock.schedule(note("a"), Duration.ofSeconds(1));
    clock.executor().execute(note("b"));
    clock.scheduler().execute(note("c"));
    clock.scheduler().schedule(note("d"), Duration.ofSeconds(2).toNanos());
    assertEquals(2, clock.pendingTimers());
    assertEquals(Duration.ZERO, clock.nextTaskIn(), "work is due now");
    clock.runUntilIdle();
    assertEquals(List.of("b@0", "c@0"), ran, "runUntilIdle does not move time");
    assertEquals(Duration.ofSeconds(1), clock.nextTaskIn());
    assertTrue(clock.toString().contains("2 tasks queued, next in PT1S"), clock.toString());
    clock.advanceBy(Duration.ofMillis(1500));
    assertEquals(Duration.ofMillis(500), clock.nextTaskIn());
    assertEquals(1, clock.pendingTimers());
  }

  @Test
  void tasksRunAtTheirDueTimeInOrderAndThoseTheyPostWithinTheWindowToo() {
    clock.schedule(note("late"), Duration.ofMillis(300));
    clock.schedule(() -> {
      ran.add("first@" + clock.elapsed().toMillis());
      clock.schedule(note("chained"), Duration.ofMillis(100)); // due at 200, inside the window
      clock.schedule(note("beyond"), Duration.ofMillis(1000)); // due at 1,100: after it
    }, Duration.ofMillis(100));
    clock.schedule(note("same-instant-second"), Duration.ofMillis(100));
    clock.advanceBy(Duration.ofMillis(300));
    assertEquals(List.of("first@100", "same-instant-second@100", "chained@200", "late@300"), ran);
    assertEquals(Duration.ofMillis(300), clock.elapsed());
    assertEquals(TestClock.EPOCH.plusMillis(300), clock.now());
    assertEquals(Duration.ofMillis(800), clock.nextTaskIn());
  }

  @Test
  void negativeDelaysCountAsZeroAndCancelledTimersNeverRun() {
    clock.schedule(note("negative"), Duration.ofSeconds(-5));
    clock.scheduler().schedule(note("negative-nanos"), -1);
    Runnable cancel = clock.schedule(note("cancelled"), Duration.ofMillis(10));
    Scheduler.Cancellable cancel2 = clock.scheduler().schedule(note("cancelled2"), 10);
    cancel.run();
    cancel2.cancel();
    assertEquals(2, clock.pendingTimers());
    clock.runUntilIdle();
    assertEquals(List.of("negative@0", "negative-nanos@0"), ran);
    clock.advanceBy(Duration.ofSeconds(1));
    assertEquals(2, ran.size());
    assertEquals(0, clock.pendingTimers());
  }

  @Test
  void theSchedulerViewReadsTheVirtualTime() {
    Scheduler s = clock.scheduler();
    clock.advanceBy(Duration.ofMillis(1_234).plusNanos(999_999));
    assertEquals(Duration.ofMillis(1_234).plusNanos(999_999).toNanos(), s.nanoTime());
    assertEquals(TestClock.EPOCH.toEpochMilli() + 1_234, s.currentTimeMillis(), "whole milliseconds, rounded down");
    assertTrue(s.execute(() -> {}));
  }

  @Test
  void advanceByZeroRunsWhatIsDueAndANegativeDurationIsRefused() {
    clock.executor().execute(note("now"));
    clock.advanceBy(Duration.ZERO);
    assertEquals(List.of("now@0"), ran);
    assertThrows(IllegalArgumentException.class, () -> clock.advanceBy(Duration.ofNanos(-1)));
    assertEquals(Duration.ZERO, clock.elapsed());
  }

  @Test
  void advanceUntilStopsAtTheFirstInstantTheConditionHoldsAndFinishesThatInstant() {
    clock.advanceBy(Duration.ofMillis(100)); // the time taken is counted from where the clock was
    boolean[] flag = new boolean[1];
    clock.schedule(note("before"), Duration.ofMillis(10));
    clock.schedule(() -> flag[0] = true, Duration.ofMillis(20));
    clock.schedule(note("same-instant"), Duration.ofMillis(20));
    clock.schedule(note("after"), Duration.ofMillis(30));
    Duration took = clock.advanceUntil(() -> flag[0], Duration.ofSeconds(1));
    assertEquals(Duration.ofMillis(20), took);
    assertEquals(List.of("before@110", "same-instant@120"), ran);
    assertEquals(Duration.ofMillis(120), clock.elapsed());
    assertEquals(Duration.ZERO, clock.advanceUntil(() -> true, Duration.ZERO), "already true: no time passes");
  }

  @Test
  void advanceUntilThatTimesOutLeavesTimeAtTheLimitAndLaterTasksQueued() {
    clock.schedule(note("inside"), Duration.ofMillis(50));
    clock.schedule(note("outside"), Duration.ofMillis(150));
    AssertionError e = assertThrows(AssertionError.class, () -> clock.advanceUntil(() -> false, Duration.ofMillis(100)));
    assertTrue(e.getMessage().startsWith("condition not met within PT0.1S of virtual time (1 tasks queued, next in PT0.05S"),
        e.getMessage());
    assertEquals(List.of("inside@50"), ran);
    assertEquals(Duration.ofMillis(100), clock.elapsed());
    assertEquals(Duration.ofMillis(50), clock.nextTaskIn());
    assertThrows(IllegalArgumentException.class, () -> clock.advanceUntil(() -> true, Duration.ofMillis(-1)));
  }

  @Test
  void aTaskMayNotMoveTheClockAndTheClockIsUsableAfterwards() {
    List<Class<?>> refused = new ArrayList<>();
    Runnable[] attempts = {
      clock::runUntilIdle, () -> clock.advanceBy(Duration.ofSeconds(1)), () -> clock.advanceUntil(() -> true, Duration.ZERO)
    };
    for (Runnable attempt : attempts) {
      clock.executor().execute(() -> {
        try {
          attempt.run();
        } catch (IllegalStateException e) {
          refused.add(e.getClass());
        }
      });
    }
    clock.runUntilIdle();
    assertEquals(3, refused.size());
    assertEquals(Duration.ZERO, clock.elapsed());
    // After each way of running, including one that threw, the clock can be run again.
    clock.executor().execute(() -> { throw new IllegalStateException("boom"); });
    assertThrows(IllegalStateException.class, clock::runUntilIdle);
    clock.runUntilIdle();
    assertThrows(AssertionError.class, () -> clock.advanceUntil(() -> false, Duration.ZERO));
    clock.advanceBy(Duration.ofMillis(1));
    clock.advanceUntil(() -> true, Duration.ZERO);
  }

  @Test
  void aThrowingTaskStopsTheClockAtItsInstantWithTheRestQueued() {
    clock.schedule(() -> { throw new IllegalStateException("boom"); }, Duration.ofMillis(10));
    clock.schedule(note("next"), Duration.ofMillis(10));
    clock.schedule(note("later"), Duration.ofMillis(20));
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> clock.advanceBy(Duration.ofSeconds(1)));
    assertEquals("boom", e.getMessage());
    assertEquals(Duration.ofMillis(10), clock.elapsed());
    assertEquals(2, clock.pendingTimers());
    clock.advanceBy(Duration.ofMillis(10));
    assertEquals(List.of("next@10", "later@20"), ran);
  }

  /** A task that re-posts itself {@code times} times, each at the current instant. */
  private void repost(int times, boolean asTimer) {
    int[] left = {times};
    Runnable[] self = new Runnable[1];
    self[0] = () -> {
      if (--left[0] > 0) {
        if (asTimer) clock.schedule(self[0], Duration.ZERO);
        else clock.executor().execute(self[0]);
      }
    };
    if (asTimer) clock.schedule(self[0], Duration.ofMillis(5));
    else clock.executor().execute(self[0]);
  }

  @Test
  void exactlyTheRunawayLimitOfTasksAtOneInstantIsAllowedInEveryWayOfRunning() {
    repost(TestClock.RUNAWAY_LIMIT, false);
    clock.runUntilIdle();
    repost(TestClock.RUNAWAY_LIMIT, true);
    clock.advanceBy(Duration.ofMillis(10));
    repost(TestClock.RUNAWAY_LIMIT, true);
    clock.advanceUntil(() -> clock.pendingTimers() == 0 && clock.elapsed().toMillis() >= 15, Duration.ofMillis(10));
    assertNull(clock.nextTaskIn());
  }

  @Test
  void oneTaskMoreThanTheLimitAtOneInstantFailsInEveryWayOfRunning() {
    repost(TestClock.RUNAWAY_LIMIT + 1, false);
    AssertionError idle = assertThrows(AssertionError.class, clock::runUntilIdle);
    assertTrue(idle.getMessage().startsWith("more than 100000 tasks ran at virtual time +PT0S"), idle.getMessage());

    TestClock c2 = new TestClock();
    int[] left = {TestClock.RUNAWAY_LIMIT + 1};
    Runnable[] self = new Runnable[1];
    self[0] = () -> { if (--left[0] > 0) c2.schedule(self[0], Duration.ZERO); };
    c2.schedule(self[0], Duration.ofMillis(5));
    AssertionError advance = assertThrows(AssertionError.class, () -> c2.advanceBy(Duration.ofMillis(10)));
    assertTrue(advance.getMessage().contains("+PT0.005S"), advance.getMessage());

    TestClock c3 = new TestClock();
    int[] left3 = {TestClock.RUNAWAY_LIMIT + 1};
    Runnable[] self3 = new Runnable[1];
    self3[0] = () -> { if (--left3[0] > 0) c3.schedule(self3[0], Duration.ZERO); };
    c3.schedule(self3[0], Duration.ofMillis(5));
    AssertionError until = assertThrows(AssertionError.class, () -> c3.advanceUntil(() -> false, Duration.ofMillis(10)));
    assertTrue(until.getMessage().startsWith("more than 100000 tasks"), until.getMessage());
  }

  @Test
  void theRunawayCountStartsAgainAtEachInstant() {
    // Many tasks in all, but never the limit at one instant: nothing fails.
    for (int i = 0; i < 3; i++) {
      int at = i;
      int[] left = {TestClock.RUNAWAY_LIMIT / 2 + 1};
      Runnable[] self = new Runnable[1];
      self[0] = () -> { if (--left[0] > 0) clock.schedule(self[0], Duration.ZERO); };
      clock.schedule(self[0], Duration.ofMillis(at + 1));
    }
    clock.advanceBy(Duration.ofMillis(5));
    assertEquals(0, clock.pendingTimers());
    for (int i = 0; i < 3; i++) {
      int[] l = {TestClock.RUNAWAY_LIMIT / 2 + 1};
      Runnable[] self = new Runnable[1];
      self[0] = () -> { if (--l[0] > 0) clock.schedule(self[0], Duration.ZERO); };
      clock.schedule(self[0], Duration.ofMillis(i + 1));
    }
    clock.advanceUntil(() -> clock.pendingTimers() == 0, Duration.ofMillis(5));
    assertEquals(Duration.ofMillis(8), clock.elapsed());
  }
}
