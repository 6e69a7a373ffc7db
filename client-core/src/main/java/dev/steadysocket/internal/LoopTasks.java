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
  /** {@link Scheduler#virtual()}, asked once: send() consults it for every envelope. */
  private final boolean virtual;
  /** Set once, by the loop, before its first task. */
  private volatile @Nullable Consumer<Throwable> crashHandler;

  LoopTasks(Scheduler scheduler) {
    this.scheduler = scheduler;
    this.virtual = scheduler.virtual();
  }

  void onCrash(Consumer<Throwable> handler) {
    this.crashHandler = handler;
  }

  /** The longest delay scheduled: a longer Duration waits this long instead of overflowing. */
  static final long MAX_DELAY_NANOS = Long.MAX_VALUE / 4; // about 73 years

  /**
   * Runs {@code task} on the loop after the tasks posted before it. A task posted after every
   * socket closed (the shared loop thread is gone) is dropped: only late transport events can be.
   */
  void post(Runnable task) {
    scheduler.execute(() -> guarded(task));
  }

  Scheduler.Cancellable schedule(Runnable task, long delayNanos) {
    return scheduler.schedule(() -> guarded(task), delayNanos);
  }

  /** Runs {@code task} after {@code delay}, saturated at {@link #MAX_DELAY_NANOS}. */
  Scheduler.Cancellable schedule(Runnable task, java.time.Duration delay) {
    return schedule(task, nanos(delay));
  }

  static long nanos(java.time.Duration d) {
    return d.compareTo(java.time.Duration.ofNanos(MAX_DELAY_NANOS)) >= 0 ? MAX_DELAY_NANOS : d.toNanos();
  }

  /** {@code d} in milliseconds, saturated like {@link #nanos}: for messages about any Duration. */
  static long millis(java.time.Duration d) {
    return nanos(d) / 1_000_000;
  }

  long nanoTime() {
    return scheduler.nanoTime();
  }

  long currentTimeMillis() {
    return scheduler.currentTimeMillis();
  }

  /**
   * {@code envelope} as the socket sends it: under a virtual clock a builder-preset timestamp is
   * replaced by the clock's time (see {@link Scheduler#virtual}); otherwise the envelope itself.
   */
  dev.steadysocket.Envelope stamped(dev.steadysocket.Envelope envelope) {
    return virtual ? Api.get().stampedAt(envelope, scheduler.currentTimeMillis()) : envelope;
  }

  private void guarded(Runnable task) {
    try {
      task.run();
    } catch (Throwable t) {
      Consumer<Throwable> handler = crashHandler;
      try {
        if (handler != null) handler.accept(t);
      } catch (Throwable again) {
        // The handler guards itself; this is the last line: the shared loop thread goes on.
      }
    }
  }

  static void cancel(Scheduler.@Nullable Cancellable timer) {
    if (timer != null) timer.cancel();
  }
}
