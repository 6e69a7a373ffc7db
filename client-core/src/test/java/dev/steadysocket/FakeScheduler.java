package dev.steadysocket;

import dev.steadysocket.internal.Scheduler;
import java.time.Duration;
import java.util.PriorityQueue;

/**
 * Virtual time for the connection loop. Tasks run only when the test says so ({@link
 * #runUntilIdle}, {@link #advanceBy}), on the test's thread, so a test can look at the state at
 * T-1 and at T without sleeping.
 */
final class FakeScheduler implements Scheduler {
  private final PriorityQueue<Task> queue = new PriorityQueue<>();
  private long now = 1_000_000_000L;
  private long sequence;
  /**
   * Tasks one runUntilIdle/advanceBy may run at a single instant before it fails: more means tasks
   * that keep scheduling themselves without delay (a retry loop with zero backoff), which would
   * otherwise hang the test instead of failing it.
   */
  static final int RUNAWAY_LIMIT = 100_000;
  /** Runs after every task (on the test's thread), to look at the state between tasks; may be null. */
  volatile Runnable afterEachTask;
  /** True while a task runs: code that must never run on the loop can check it. */
  private volatile boolean inTask;

  @Override
  public synchronized long nanoTime() {
    return now;
  }

  /** Virtual wall-clock time: a fixed epoch plus the virtual time elapsed. */
  @Override
  public synchronized long currentTimeMillis() {
    return 1_763_700_000_000L + now / 1_000_000;
  }

  @Override
  public synchronized boolean execute(Runnable task) {
    queue.add(new Task(now, sequence++, task, false));
    return true;
  }

  @Override
  public synchronized Cancellable schedule(Runnable task, long delayNanos) {
    Task t = new Task(now + delayNanos, sequence++, task, true);
    queue.add(t);
    return () -> {
      synchronized (FakeScheduler.this) {
        queue.remove(t);
      }
    };
  }

  /** Tasks queued or scheduled and not yet run (cancelled ones are removed). */
  synchronized int pendingTasks() {
    return queue.size();
  }

  /** Timers (tasks given to {@code schedule}, whatever their delay) not yet run nor cancelled. */
  synchronized int pendingTimers() {
    int n = 0;
    for (Task t : queue) if (t.timer) n++;
    return n;
  }

  /** How long until the next task is due (0 if one is due now), or -1 if none is scheduled. */
  synchronized long nanosToNextTask() {
    Task next = queue.peek();
    return next == null ? -1 : Math.max(0, next.at - now);
  }

  /** True if no task is due now: time would have to pass for the next one to run. */
  synchronized boolean idleNow() {
    Task next = queue.peek();
    return next == null || next.at > now;
  }

  /** Whether the calling code runs inside one of this scheduler's tasks (on "the loop"). */
  boolean inTask() {
    return inTask;
  }

  private void run(Task t) {
    inTask = true;
    try {
      t.task.run();
    } finally {
      inTask = false;
    }
    Runnable hook = afterEachTask;
    if (hook != null) hook.run();
  }

  /** Runs every task that is due now, including tasks those tasks post. */
  void runUntilIdle() {
    int ran = 0;
    while (true) {
      Task next;
      synchronized (this) {
        next = queue.peek();
        if (next == null || next.at > now) return;
        queue.poll();
      }
      if (++ran > RUNAWAY_LIMIT) throw runaway();
      run(next);
    }
  }

  private AssertionError runaway() {
    return new AssertionError("more than " + RUNAWAY_LIMIT + " tasks ran at virtual time " + now
        + " ns without time passing: something reschedules itself with no delay");
  }

  /** Moves time forward by {@code d}, running each task at its due time, in order. */
  void advanceBy(Duration d) {
    long target;
    synchronized (this) {
      target = now + d.toNanos();
    }
    int ranAtThisInstant = 0;
    long instant = -1;
    while (true) {
      Task next;
      synchronized (this) {
        next = queue.peek();
        if (next == null || next.at > target) {
          now = target;
          break;
        }
        queue.poll();
        now = Math.max(now, next.at);
        if (now != instant) {
          instant = now;
          ranAtThisInstant = 0;
        }
      }
      if (++ranAtThisInstant > RUNAWAY_LIMIT) throw runaway();
      run(next);
    }
    runUntilIdle();
  }

  void advanceByMillis(long millis) {
    advanceBy(Duration.ofMillis(millis));
  }

  private static final class Task implements Comparable<Task> {
    final long at;
    final long seq;
    final Runnable task;
    final boolean timer;

    Task(long at, long seq, Runnable task, boolean timer) {
      this.at = at;
      this.seq = seq;
      this.task = task;
      this.timer = timer;
    }

    @Override
    public int compareTo(Task o) {
      int c = Long.compare(at, o.at);
      return c != 0 ? c : Long.compare(seq, o.seq);
    }
  }
}
