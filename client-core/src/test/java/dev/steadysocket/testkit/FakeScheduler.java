package dev.steadysocket.testkit;

import dev.steadysocket.internal.Scheduler;
import java.time.Duration;
import java.util.PriorityQueue;

/**
 * The one virtual-time {@link Scheduler} of client-core's tests (the socket's, and the internal
 * classes' in their unit tests). Tasks run only when the test says so ({@link #runUntilIdle},
 * {@link #advanceBy}, {@link #runNext}), on the test's thread, so a test can look at the state at
 * T-1 and at T without sleeping.
 *
 * <p>Order: by due time, then by submission (a task posted by a task at the same instant runs
 * after those already due). {@code runUntilIdle} runs every task due now, including those they
 * post; {@code advanceBy} runs each task at its due time, then leaves time at the target and runs
 * what is due there. Any thread may submit; the queue is guarded by this object.
 */
public final class FakeScheduler implements Scheduler {
  private final PriorityQueue<Task> queue = new PriorityQueue<>();
  private long now = 1_000_000_000L;
  private long sequence;
  /**
   * Tasks one runUntilIdle/advanceBy may run at a single instant before it fails: more means tasks
   * that keep scheduling themselves without delay (a retry loop with zero backoff), which would
   * otherwise hang the test instead of failing it.
   */
  public static final int RUNAWAY_LIMIT = 100_000;
  /** Runs after every task (on the test's thread), to look at the state between tasks; may be null. */
  public volatile Runnable afterEachTask;
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
    queue.add(new Task(now, sequence++, task, false, -1));
    return true;
  }

  @Override
  public synchronized Cancellable schedule(Runnable task, long delayNanos) {
    Task t = new Task(now + delayNanos, sequence++, task, true, delayNanos);
    queue.add(t);
    return () -> {
      synchronized (FakeScheduler.this) {
        queue.remove(t);
      }
    };
  }

  /** Tasks queued or scheduled and not yet run (cancelled ones are removed). */
  public synchronized int pendingTasks() {
    return queue.size();
  }

  /** Timers (tasks given to {@code schedule}, whatever their delay) not yet run nor cancelled. */
  public synchronized int pendingTimers() {
    int n = 0;
    for (Task t : queue) if (t.timer) n++;
    return n;
  }

  /** How long until the next task is due (0 if one is due now), or -1 if none is scheduled. */
  public synchronized long nanosToNextTask() {
    Task next = queue.peek();
    return next == null ? -1 : Math.max(0, next.at - now);
  }

  /** True if no task is due now: time would have to pass for the next one to run. */
  public synchronized boolean idleNow() {
    Task next = queue.peek();
    return next == null || next.at > now;
  }

  /** Whether the calling code runs inside one of this scheduler's tasks (on "the loop"). */
  public boolean inTask() {
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
  public void runUntilIdle() {
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
  public void advanceBy(Duration d) {
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

  public void advanceByMillis(long millis) {
    advanceBy(Duration.ofMillis(millis));
  }

  public void advanceByNanos(long nanos) {
    advanceBy(Duration.ofNanos(nanos));
  }

  /**
   * Runs the next task, due or not, as if the loop got to it {@code lagNanos} after its due time
   * (time moves to then, never back): for code that must cope with a late timer. False if none.
   */
  public boolean runNext(long lagNanos) {
    Task next;
    synchronized (this) {
      next = queue.poll();
      if (next == null) return false;
      now = Math.max(now, next.at + lagNanos);
    }
    run(next);
    return true;
  }

  /** The delay the latest still-pending timer was given, or -1 if none. */
  public synchronized long lastDelay() {
    Task latest = null;
    for (Task t : queue) if (t.timer && t.delay >= 0 && (latest == null || t.seq > latest.seq)) latest = t;
    return latest == null ? -1 : latest.delay;
  }

  private static final class Task implements Comparable<Task> {
    final long at;
    final long seq;
    final Runnable task;
    final boolean timer;
    /** The delay given to schedule(), or -1 for a task given to execute(). */
    final long delay;

    Task(long at, long seq, Runnable task, boolean timer, long delay) {
      this.at = at;
      this.seq = seq;
      this.task = task;
      this.timer = timer;
      this.delay = delay;
    }

    @Override
    public int compareTo(Task o) {
      int c = Long.compare(at, o.at);
      return c != 0 ? c : Long.compare(seq, o.seq);
    }
  }
}
