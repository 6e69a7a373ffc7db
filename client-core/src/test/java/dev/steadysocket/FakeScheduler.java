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
    queue.add(new Task(now, sequence++, task));
    return true;
  }

  @Override
  public synchronized Cancellable schedule(Runnable task, long delayNanos) {
    Task t = new Task(now + delayNanos, sequence++, task);
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
      next.task.run();
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
      next.task.run();
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

    Task(long at, long seq, Runnable task) {
      this.at = at;
      this.seq = seq;
      this.task = task;
    }

    @Override
    public int compareTo(Task o) {
      int c = Long.compare(at, o.at);
      return c != 0 ? c : Long.compare(seq, o.seq);
    }
  }
}
