package dev.steadysocket.internal;

import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link Scheduler} on a single-threaded executor shared by every socket. One thread serves
 * thousands of sockets because loop tasks only make decisions and hand work to OkHttp; none
 * blocks. Sharing the thread makes each loop serial without a per-socket queue.
 */
final class RealScheduler implements Scheduler {
  private static final Logger log = LoggerFactory.getLogger(RealScheduler.class);

  private final ScheduledExecutorService executor;

  RealScheduler(ScheduledExecutorService executor) {
    this.executor = executor;
  }

  @Override
  public long nanoTime() {
    return System.nanoTime();
  }

  @Override
  public boolean execute(Runnable task) {
    try {
      executor.execute(guard(task));
      return true;
    } catch (RejectedExecutionException e) {
      // Only after the socket reached CLOSED and released the loop: a late OkHttp callback.
      log.trace("dropped a task after shutdown");
      return false;
    }
  }

  @Override
  public Cancellable schedule(Runnable task, long delayNanos) {
    try {
      ScheduledFuture<?> f = executor.schedule(guard(task), delayNanos, TimeUnit.NANOSECONDS);
      return () -> f.cancel(false);
    } catch (RejectedExecutionException e) {
      return () -> {};
    }
  }

  /** An exception must not vanish into a Future nobody reads; the loop thread must survive it. */
  private static Runnable guard(Runnable task) {
    return () -> {
      try {
        task.run();
      } catch (Throwable t) {
        log.error("unexpected exception in SteadySocket's loop; please report it", t);
      }
    };
  }
}
