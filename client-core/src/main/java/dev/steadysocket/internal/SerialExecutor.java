package dev.steadysocket.internal;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs tasks one at a time, in submission order, on any {@link Executor}. This is what keeps one
 * socket's callbacks in order even on a multi-threaded pool shared by thousands of sockets.
 *
 * <p>A drain yields its thread after {@link #BATCH} tasks and resubmits itself, so one busy socket
 * cannot monopolise a shared pool thread or the Android main thread.
 */
final class SerialExecutor implements Executor {
  private static final Logger log = LoggerFactory.getLogger(SerialExecutor.class);
  static final int BATCH = 256;

  private final Executor delegate;
  private final ConcurrentLinkedQueue<Runnable> queue = new ConcurrentLinkedQueue<>();
  /** True while a drain is submitted or running; at most one drain exists at a time. */
  private final AtomicBoolean draining = new AtomicBoolean();
  private final Runnable drain = this::drain;

  SerialExecutor(Executor delegate) {
    this.delegate = delegate;
  }

  @Override
  public void execute(Runnable task) {
    queue.add(task);
    if (draining.compareAndSet(false, true)) submitDrain();
  }

  private void submitDrain() {
    try {
      delegate.execute(drain);
    } catch (RejectedExecutionException e) {
      // The executor was shut down (the application's, or ours after the socket closed).
      draining.set(false);
      log.debug("callback executor rejected a task; {} callbacks dropped", queue.size());
      queue.clear();
    }
  }

  private void drain() {
    for (int i = 0; i < BATCH; i++) {
      Runnable task = queue.poll();
      if (task == null) {
        draining.set(false);
        // A task may have been added between poll() and set(false): take the drain back.
        if (queue.isEmpty() || !draining.compareAndSet(false, true)) return;
        continue;
      }
      task.run(); // tasks are ListenerBus deliveries, which catch what listeners throw
    }
    submitDrain();
  }
}
