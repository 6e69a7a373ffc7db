package dev.steadysocket.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.steadysocket.testkit.FakeScheduler;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class LoopTasksTest {
  final FakeScheduler scheduler = new FakeScheduler();
  final LoopTasks tasks = new LoopTasks(scheduler);

  @Test
  void aThrowingTaskGoesToTheCrashHandlerAndTheNextTaskStillRuns() {
    List<Throwable> crashes = new ArrayList<>();
    List<String> ran = new ArrayList<>();
    tasks.onCrash(crashes::add);
    Error boom = new AssertionError("boom");
    tasks.post(() -> {
      throw boom;
    });
    tasks.post(() -> ran.add("next"));
    tasks.schedule(() -> {
      throw new IllegalStateException("late");
    }, 10);
    scheduler.advanceByNanos(10);
    assertEquals(List.of("next"), ran);
    assertEquals(2, crashes.size());
    assertSame(boom, crashes.get(0));
  }

  @Test
  void withoutACrashHandlerAFailureIsSwallowed() {
    List<String> ran = new ArrayList<>();
    tasks.post(() -> {
      throw new IllegalStateException("no handler yet");
    });
    tasks.post(() -> ran.add("next"));
    scheduler.runUntilIdle();
    assertEquals(List.of("next"), ran);
  }

  @Test
  void durationsSaturateInsteadOfOverflowing() {
    assertEquals(1_000_000, LoopTasks.nanos(Duration.ofMillis(1)));
    assertEquals(LoopTasks.MAX_DELAY_NANOS, LoopTasks.nanos(Duration.ofDays(365 * 1000)));
    assertEquals(LoopTasks.MAX_DELAY_NANOS, LoopTasks.nanos(Duration.ofNanos(LoopTasks.MAX_DELAY_NANOS)));
    assertEquals(LoopTasks.MAX_DELAY_NANOS - 1, LoopTasks.nanos(Duration.ofNanos(LoopTasks.MAX_DELAY_NANOS - 1)));
    tasks.schedule(() -> {}, Duration.ofSeconds(Long.MAX_VALUE));
    assertEquals(LoopTasks.MAX_DELAY_NANOS, scheduler.lastDelay());
  }

  @Test
  void clocksComeFromTheScheduler() {
    assertEquals(scheduler.nanoTime(), tasks.nanoTime());
    assertEquals(scheduler.currentTimeMillis(), tasks.currentTimeMillis());
    scheduler.advanceByNanos(2_000_000);
    assertEquals(scheduler.nanoTime(), tasks.nanoTime());
    assertEquals(scheduler.currentTimeMillis(), tasks.currentTimeMillis());
  }

  @Test
  void cancelIsNullSafeAndCancels() {
    LoopTasks.cancel(null);
    List<String> ran = new ArrayList<>();
    Scheduler.Cancellable c = tasks.schedule(() -> ran.add("x"), 5);
    LoopTasks.cancel(c);
    scheduler.advanceByNanos(10);
    assertTrue(ran.isEmpty());
  }
}
