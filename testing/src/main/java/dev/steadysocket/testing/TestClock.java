package dev.steadysocket.testing;

import dev.steadysocket.internal.Scheduler;
import java.time.Duration;
import java.time.Instant;
import java.util.PriorityQueue;
import java.util.concurrent.Executor;
import java.util.function.BooleanSupplier;
import org.jspecify.annotations.Nullable;

/**
 * Virtual time for sockets wired to an in-memory {@link FakeServer}: every clock the socket reads
 * (backoff, heartbeats, timeouts, the wall time it stamps on envelopes) comes from here, and every
 * task it runs (its connection loop, the listener callbacks, the fake server's side) runs only when
 * the test says so, on the test's thread. A whole outage with its backoff and heartbeats runs in
 * milliseconds, and a test looks at the state at T-1 and at T without sleeping.
 *
 * <p>Threads: any thread may read the time or post work (an application thread calling {@code
 * send}); {@link #advanceBy}, {@link #runUntilIdle} and {@link #advanceUntil} run the tasks on the
 * calling thread and must not be called from inside a task, nor from two threads at once. Tasks due
 * at the same instant run in the order they were posted. The time and the queue are guarded by one
 * lock, never held while a task runs. A task that throws ends the call that ran it with that
 * exception; time stays at that task's instant and the tasks after it stay queued.
 */
public final class TestClock {
  /**
   * Virtual wall time starts here: 2026-01-01T00:00:00Z. Wired sockets stamp their envelopes with
   * this plus {@link #elapsed()}, in epoch milliseconds.
   */
  public static final Instant EPOCH = Instant.parse("2026-01-01T00:00:00Z");

  /**
   * Tasks one call may run at a single instant: more means something re-posts itself without
   * delay (a retry loop without backoff), which fails the test instead of hanging it.
   */
  static final int RUNAWAY_LIMIT = 100_000;

  private final Object lock = new Object();
  /** Guarded by lock. */
  private final PriorityQueue<Task> queue = new PriorityQueue<>();
  /** Guarded by lock: virtual nanoseconds since {@link #EPOCH}. */
  private long now;
  /** Guarded by lock. */
  private long sequence;
  /**
   * The thread running tasks now, or null: a task that calls advanceBy would reorder time. Catches
   * re-entry from a task only; two threads advancing at once are not detected.
   */
  private volatile @Nullable Thread running;

  private final Scheduler scheduler = new SchedulerView();

  /** A clock at {@link #EPOCH} with nothing to run. */
  public TestClock() {}

  /**
   * The virtual wall-clock time. Any thread.
   *
   * @return {@link #EPOCH} plus {@link #elapsed()}, to the nanosecond
   */
  public Instant now() {
    synchronized (lock) {
      return EPOCH.plusNanos(now);
    }
  }

  /**
   * Virtual time elapsed since this clock was created. Any thread.
   *
   * @return the time the clock has moved, zero before the first {@link #advanceBy}
   */
  public Duration elapsed() {
    synchronized (lock) {
      return Duration.ofNanos(now);
    }
  }

  /**
   * Timers (delayed tasks) not yet run nor cancelled: a socket left open keeps some. Any thread.
   *
   * @return the number of scheduled tasks (backoff, heartbeats, timeouts, the fake server's resume
   *     grace and delayed acknowledgements), without the work posted to run at once
   */
  public int pendingTimers() {
    synchronized (lock) {
      int n = 0;
      for (Task t : queue) if (t.timer) n++;
      return n;
    }
  }

  /**
   * How long until the next task is due. Any thread.
   *
   * @return the virtual time until the next task, timer or not (zero if one is due now), or null if
   *     none is queued
   */
  public @Nullable Duration nextTaskIn() {
    synchronized (lock) {
      Task next = queue.peek();
      return next == null ? null : Duration.ofNanos(Math.max(0, next.at - now));
    }
  }

  /**
   * Runs every task due now, including those they post, without moving time. On the calling
   * thread.
   *
   * @throws IllegalStateException if called from inside a task
   * @throws AssertionError if more than 100,000 tasks run without time passing (a task that
   *     re-posts itself without delay)
   */
  public void runUntilIdle() {
    enter();
    try {
      drainAt(currentNanos());
    } finally {
      running = null;
    }
  }

  /**
   * Moves time forward by {@code duration}, running each task at its due time, in order (tasks
   * posted or scheduled by them within the window run too), then everything due at the end. On
   * the calling thread.
   *
   * @param duration how much virtual time passes; zero runs what is due now, like {@link
   *     #runUntilIdle()}
   * @throws IllegalArgumentException if {@code duration} is negative
   * @throws IllegalStateException if called from inside a task
   * @throws AssertionError if more than 100,000 tasks run at one instant
   */
  public void advanceBy(Duration duration) {
    if (duration.isNegative()) throw new IllegalArgumentException("negative duration: " + duration);
    enter();
    try {
      long target;
      synchronized (lock) {
        target = now + duration.toNanos();
      }
      runThrough(target);
    } finally {
      running = null;
    }
  }

  /**
   * Moves time forward task by task until {@code condition} holds, and returns how much virtual time
   * that took. The condition is checked before any task runs and after every task, so a state held
   * only for a moment within one instant is seen; time stops at the instant it first holds, and the
   * rest of that instant's tasks run before this returns (the callbacks of that instant are
   * delivered: the condition may no longer hold on return). On the calling thread.
   *
   * @param condition what to wait for, evaluated on the calling thread between tasks; it may read
   *     the sockets and the server, but not move the clock
   * @param limit the most virtual time to let pass, not negative
   * @return the virtual time that passed, zero if the condition held before time moved
   * @throws AssertionError if it does not hold within {@code limit} of virtual time (time is then
   *     at the limit, later tasks still queued), or if more than 100,000 tasks run at one instant
   * @throws IllegalStateException if called from inside a task
   */
  public Duration advanceUntil(BooleanSupplier condition, Duration limit) {
    if (limit.isNegative()) throw new IllegalArgumentException("negative limit: " + limit);
    enter();
    try {
      long start;
      synchronized (lock) {
        start = now;
      }
      long end = start + limit.toNanos();
      int ranAtInstant = 0;
      long instant = -1;
      while (!condition.getAsBoolean()) { // checked before time moves and after every task
        Task next = takeNext(end);
        if (next == null) {
          synchronized (lock) {
            now = end;
          }
          throw new AssertionError("condition not met within " + limit + " of virtual time (" + describeQueue() + ")");
        }
        if (next.at != instant) {
          instant = next.at;
          ranAtInstant = 0;
        }
        if (++ranAtInstant > RUNAWAY_LIMIT) throw runaway(instant);
        next.task.run();
      }
      drainAt(currentNanos()); // the rest of that instant: its callbacks are delivered before we return
      synchronized (lock) {
        return Duration.ofNanos(now - start);
      }
    } finally {
      running = null;
    }
  }

  @Override
  public String toString() {
    return "TestClock{" + now() + ", " + describeQueue() + "}";
  }

  /** The socket-facing view: the core's scheduler interface. Not public API. */
  Scheduler scheduler() {
    return scheduler;
  }

  /** Runs work as a task at the current instant: the dispatch stand-in for wired sockets. */
  Executor executor() {
    return task -> post(task, 0, false);
  }

  /** Schedules {@code task} after {@code delay} (negative counts as zero); the returned handle cancels it. Any thread. */
  Runnable schedule(Runnable task, Duration delay) {
    Task t = post(task, Math.max(0, delay.toNanos()), true);
    return () -> cancel(t);
  }

  private Task post(Runnable task, long delayNanos, boolean timer) {
    synchronized (lock) {
      Task t = new Task(now + delayNanos, sequence++, task, timer);
      queue.add(t);
      return t;
    }
  }

  private void cancel(Task t) {
    synchronized (lock) {
      queue.remove(t);
    }
  }

  private long currentNanos() {
    synchronized (lock) {
      return now;
    }
  }

  private void enter() {
    if (running == Thread.currentThread()) {
      throw new IllegalStateException("a task may not move the clock: it runs inside advanceBy/runUntilIdle");
    }
    running = Thread.currentThread();
  }

  private void runThrough(long target) {
    int ranAtInstant = 0;
    long instant = -1;
    while (true) {
      Task next = takeNext(target);
      if (next == null) break;
      if (next.at != instant) {
        instant = next.at;
        ranAtInstant = 0;
      }
      if (++ranAtInstant > RUNAWAY_LIMIT) throw runaway(instant);
      next.task.run();
    }
    synchronized (lock) {
      now = Math.max(now, target);
    }
    drainAt(target);
  }

  /** The next task due at or before {@code limit}, removed from the queue with time moved to it. */
  private @Nullable Task takeNext(long limit) {
    synchronized (lock) {
      Task next = queue.peek();
      if (next == null || next.at > limit) return null;
      queue.poll();
      now = Math.max(now, next.at);
      return next;
    }
  }

  private void drainAt(long instant) {
    int ran = 0;
    while (true) {
      Task next = takeNext(instant);
      if (next == null) return;
      if (++ran > RUNAWAY_LIMIT) throw runaway(instant);
      next.task.run();
    }
  }

  private AssertionError runaway(long instant) {
    return new AssertionError("more than " + RUNAWAY_LIMIT + " tasks ran at virtual time +"
        + Duration.ofNanos(instant) + " without time passing: something re-posts itself with no delay");
  }

  private String describeQueue() {
    synchronized (lock) {
      Task next = queue.peek();
      return queue.size() + " tasks queued" + (next == null ? "" : ", next in " + Duration.ofNanos(Math.max(0, next.at - now)));
    }
  }

  private final class SchedulerView implements Scheduler {
    @Override
    public long nanoTime() {
      return currentNanos();
    }

    @Override
    public long currentTimeMillis() {
      return EPOCH.toEpochMilli() + currentNanos() / 1_000_000;
    }

    @Override
    public boolean execute(Runnable task) {
      post(task, 0, false);
      return true;
    }

    @Override
    public Cancellable schedule(Runnable task, long delayNanos) {
      Task t = post(task, Math.max(0, delayNanos), true);
      return () -> cancel(t);
    }
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
