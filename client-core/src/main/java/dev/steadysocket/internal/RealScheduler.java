package dev.steadysocket.internal;

import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * A {@link Scheduler} on the single loop thread shared by every socket. One thread serves
 * thousands of sockets because loop tasks only make decisions and hand work to OkHttp; none
 * blocks and none runs application code. Sharing the thread makes each loop serial without a
 * per-socket queue. Each {@link ConnectionLoop} guards its own tasks, so a task that throws fails
 * its socket, not the thread.
 */
final class RealScheduler implements Scheduler {
  /** Real time: envelopes keep the time they were built at. */
  @Override
  public boolean virtual() {
    return false;
  }

  private final ScheduledExecutorService executor;

  RealScheduler(ScheduledExecutorService executor) {
    this.executor = executor;
  }

  @Override
  public long nanoTime() {
    return System.nanoTime();
  }

  @Override
  public long currentTimeMillis() {
    return System.currentTimeMillis();
  }

  @Override
  public boolean execute(Runnable task) {
    try {
      executor.execute(task);
      return true;
    } catch (RejectedExecutionException e) {
      return false; // only after the socket reached CLOSED and released the loop: a late callback
    }
  }

  @Override
  public Cancellable schedule(Runnable task, long delayNanos) {
    try {
      ScheduledFuture<?> f = executor.schedule(task, delayNanos, TimeUnit.NANOSECONDS);
      return () -> f.cancel(false);
    } catch (RejectedExecutionException e) {
      return () -> {};
    }
  }
}
