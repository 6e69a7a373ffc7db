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

  /** Runs every task that is due now, including tasks those tasks post. */
  void runUntilIdle() {
    while (true) {
      Task next;
      synchronized (this) {
        next = queue.peek();
        if (next == null || next.at > now) return;
        queue.poll();
      }
      next.task.run();
    }
  }

  /** Moves time forward by {@code d}, running each task at its due time, in order. */
  void advanceBy(Duration d) {
    long target;
    synchronized (this) {
      target = now + d.toNanos();
    }
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
      }
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
