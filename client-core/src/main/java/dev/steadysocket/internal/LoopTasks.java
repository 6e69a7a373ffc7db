package dev.steadysocket.internal;

import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * One socket's tasks on its {@link Scheduler}: the serial queue every loop-confined part uses
 * ({@link ConnectionLoop}, {@link Requests}, {@link TokenFetcher}, {@link HeartbeatMonitor}, the
 * outbox drain), and its clocks. Any thread may post or schedule.
 *
 * <p><b>Invariant:</b> no task failure wedges a socket. Every task runs guarded: one that throws,
 * an {@code Error} included, is handed to the crash handler (the loop closes the socket with a
 * typed error), and the shared loop thread goes on serving the other sockets.
 */
final class LoopTasks {
  private final Scheduler scheduler;
  /** Set once, by the loop, before its first task. */
  private volatile @Nullable Consumer<Throwable> crashHandler;

  LoopTasks(Scheduler scheduler) {
    this.scheduler = scheduler;
  }

  void onCrash(Consumer<Throwable> handler) {
    this.crashHandler = handler;
  }

  /** Runs {@code task} on the loop after the tasks posted before it; false once the socket is closed. */
  boolean post(Runnable task) {
    return scheduler.execute(() -> guarded(task));
  }

  Scheduler.Cancellable schedule(Runnable task, long delayNanos) {
    return scheduler.schedule(() -> guarded(task), delayNanos);
  }

  long nanoTime() {
    return scheduler.nanoTime();
  }

  long currentTimeMillis() {
    return scheduler.currentTimeMillis();
  }

  private void guarded(Runnable task) {
    try {
      task.run();
    } catch (Throwable t) {
      Consumer<Throwable> handler = crashHandler;
      if (handler != null) handler.accept(t);
    }
  }

  static void cancel(Scheduler.@Nullable Cancellable timer) {
    if (timer != null) timer.cancel();
  }
}
