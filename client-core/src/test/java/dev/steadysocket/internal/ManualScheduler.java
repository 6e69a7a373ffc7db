package dev.steadysocket.internal;

import java.util.PriorityQueue;

/**
 * Virtual time for the unit tests of this package: tasks run only when the test says so, on the
 * test's thread, in due-time then submission order.
 */
final class ManualScheduler implements Scheduler {
  private final PriorityQueue<Task> queue = new PriorityQueue<>();
  private long now = 5_000_000_000L;
  private long sequence;
  /** Set to make {@link #execute} refuse, like a scheduler whose loop thread is gone. */
  boolean refusing;

  @Override
  public long nanoTime() {
    return now;
  }

  @Override
  public long currentTimeMillis() {
    return 1_700_000_000_000L + now / 1_000_000;
  }

  @Override
  public boolean execute(Runnable task) {
    if (refusing) return false;
    queue.add(new Task(now, sequence++, task));
    return true;
  }

  @Override
  public Cancellable schedule(Runnable task, long delayNanos) {
    Task t = new Task(now + delayNanos, sequence++, task);
    t.delay = delayNanos;
    queue.add(t);
    return () -> queue.remove(t);
  }

  /** Tasks waiting, due or not. */
  int pending() {
    return queue.size();
  }

  /** The delay the latest still-pending scheduled task was given, or -1 if none. */
  long lastDelay() {
    long seq = -1;
    long delay = -1;
    for (Task t : queue) {
      if (t.delay >= 0 && t.seq > seq) {
        seq = t.seq;
        delay = t.delay;
      }
    }
    return delay;
  }

  /** Runs every task due now, including those they post. */
  void runUntilIdle() {
    for (int guard = 0; ; guard++) {
      Task next = queue.peek();
      if (next == null || next.at > now) return;
      if (guard > 100_000) throw new AssertionError("runaway task loop");
      queue.poll();
      next.task.run();
    }
  }

  /** Moves time forward by {@code nanos}, running each task at its due time. */
  void advance(long nanos) {
    long target = now + nanos;
    int ranAtThisInstant = 0;
    long instant = -1;
    while (true) {
      Task next = queue.peek();
      if (next == null || next.at > target) break;
      queue.poll();
      now = Math.max(now, next.at);
      if (now != instant) {
        instant = now;
        ranAtThisInstant = 0;
      }
      // #16 part 2: a task that reschedules itself without delay fails the test instead of hanging it.
      if (++ranAtThisInstant > 100_000) throw new AssertionError("runaway task loop at " + now + " ns");
      next.task.run();
    }
    now = target;
    runUntilIdle();
  }

  private static final class Task implements Comparable<Task> {
    final long at;
    final long seq;
    final Runnable task;
    long delay = -1;

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
