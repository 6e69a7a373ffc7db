package dev.steadysocket.internal;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;

/**
 * Runs one socket's callback tasks one at a time, in order, on any {@link Executor}: what keeps a
 * socket's callbacks ordered even on a pool shared by thousands of sockets. Any thread may submit.
 *
 * <p>Invariants, each kept here and nowhere else:
 *
 * <ul>
 *   <li><b>It never wedges.</b> At most one drain exists at a time; a task that throws (an {@code
 *       Error} included) is reported to {@link Failures#taskThrew} and the drain goes on, and the
 *       drain flag is released or handed on in every path, so a later task always runs.
 *   <li><b>Essential tasks always run.</b> If the executor refuses a drain (or its {@code
 *       execute} throws anything), the queued {@link Essential} tasks (future completions,
 *       terminal bookkeeping) run on the fallback pool in order, the other tasks (listener
 *       callbacks) are dropped and counted, each {@link Held} one releasing its share, and the refusal is reported once through {@link
 *       Failures#rejected} and again, through {@link Failures#reportRejection}, at the start of the
 *       next drain the executor accepts.
 *   <li><b>Application code never runs on the loop thread.</b> An application executor's {@code
 *       execute} is application code (it may run the task inline, or block): a drain submitted
 *       from the loop thread is handed to the fallback pool, which submits it.
 * </ul>
 *
 * <p>A drain yields its thread after {@link #BATCH} tasks and resubmits itself, so one busy socket
 * cannot monopolise a shared pool thread or the Android main thread.
 */
final class SerialExecutor implements Executor {
  static final int BATCH = 256;

  /** A task that must run even if the executor refuses it (it then runs on the fallback pool). */
  interface Essential extends Runnable {}

  /**
   * A task that holds a share of something its submitter bounds (a message's place in the inbound
   * backlog). Once queued here, {@link #release} is called exactly once however the task ends:
   * after it ran (or threw), or instead of running when the executor refused it and it was
   * dropped. Here, and only here, so no path can forget it.
   */
  interface Held extends Runnable {
    /** Gives the share back. Must not throw (what it throws is ignored). */
    void release();
  }

  /** Where failures go; implementations must not throw (what they throw is ignored). */
  interface Failures {
    /** A task threw; the drain goes on. */
    void taskThrew(Throwable error);

    /** The executor refused; {@code dropped} non-essential tasks were discarded. Any thread. */
    void rejected(int dropped, Throwable cause);

    /** The first drain the executor accepted after a refusal: report it to the application. */
    void reportRejection(Throwable cause);
  }

  private final Executor delegate;
  /** True for SteadySocket's own pool: it never refuses and never runs tasks inline. */
  private final boolean delegateIsOurs;

  private final Executor fallback;
  private final Failures failures;
  private final ConcurrentLinkedQueue<Runnable> queue = new ConcurrentLinkedQueue<>();
  /** True while a drain is submitted or running; at most one drain exists at a time. */
  private final AtomicBoolean draining = new AtomicBoolean();
  /** A refusal not yet reported to the application. */
  private final AtomicReference<@Nullable Throwable> unreported = new AtomicReference<>();

  private final Runnable drain = this::drain;

  SerialExecutor(Executor delegate, boolean delegateIsOurs, Executor fallback, Failures failures) {
    this.delegate = delegate;
    this.delegateIsOurs = delegateIsOurs;
    this.fallback = fallback;
    this.failures = failures;
  }

  /** Queues {@code task} and starts a drain if none is running. */
  @Override
  public void execute(Runnable task) {
    enqueue(task);
    kick();
  }

  /**
   * Queues {@code task} without starting a drain: for callers that order tasks under a lock of
   * their own and must not run application code (an inline executor) while holding it. They call
   * {@link #kick} after releasing the lock.
   */
  void enqueue(Runnable task) {
    queue.add(task);
  }

  /** Starts a drain if tasks are waiting and none is running. */
  void kick() {
    if (!queue.isEmpty() && draining.compareAndSet(false, true)) submit();
  }

  /** Hands the drain to the executor (never from the loop thread to an application's). Never throws. */
  private void submit() {
    if (!delegateIsOurs && SharedResources.onLoopThread()) {
      try {
        fallback.execute(this::submitToDelegate);
        return;
      } catch (Throwable noThread) {
        // fall through: better the application's executor on this thread than a wedged socket
      }
    }
    submitToDelegate();
  }

  private void submitToDelegate() {
    try {
      delegate.execute(drain);
    } catch (Throwable refused) {
      try {
        fallback.execute(() -> drainRefused(refused));
      } catch (Throwable noThread) {
        drainRefused(refused); // no thread to be had: finish here rather than wedge
      }
    }
  }

  /**
   * Runs batches until the queue is empty. After each batch it resubmits itself to yield the
   * thread; an executor that runs tasks inline calls straight back into this method on the same
   * thread, which is noticed ({@link #DRAINING}) and turned into another turn of the loop, so a
   * long backlog on an inline executor costs no stack depth.
   */
  private void drain() {
    Frame frame = DRAINING.get();
    if (frame != null && frame.executor == this) {
      frame.reentered = true; // our own resubmission, run inline: the loop below goes on
      return;
    }
    Frame mine = new Frame(this);
    DRAINING.set(mine);
    try {
      while (true) {
        Throwable refusal = unreported.getAndSet(null);
        if (refusal != null) reportQuietly(refusal);
        if (!runBatch()) return; // queue empty, drain flag released
        mine.reentered = false;
        submit(); // yield; an inline executor lands back in this loop
        if (!mine.reentered) return;
      }
    } finally {
      DRAINING.set(frame);
    }
  }

  /** Which executor's drain this thread is running (drains of different sockets may nest). */
  private static final ThreadLocal<@Nullable Frame> DRAINING = new ThreadLocal<>();

  private static final class Frame {
    final SerialExecutor executor;
    boolean reentered;

    Frame(SerialExecutor executor) {
      this.executor = executor;
    }
  }

  private void reportQuietly(Throwable refusal) {
    try {
      failures.reportRejection(refusal);
    } catch (Throwable ignored) {
      // documented: failures must not throw
    }
  }

  /** Runs up to {@link #BATCH} tasks; false once the queue is empty and the drain flag released. */
  private boolean runBatch() {
    for (int i = 0; i < BATCH; ) {
      Runnable task = queue.poll();
      if (task == null) {
        draining.set(false);
        // A task may have been added between poll() and set(false): take the drain back.
        if (queue.isEmpty() || !draining.compareAndSet(false, true)) return false;
        continue;
      }
      i++;
      runSafely(task);
    }
    return true;
  }

  /** The executor refused: essential tasks run here, the rest are dropped and counted. */
  private void drainRefused(Throwable cause) {
    int dropped = 0;
    for (Runnable task = queue.poll(); task != null; task = queue.poll()) {
      if (task instanceof Essential) {
        runSafely(task);
      } else {
        dropped++;
        release(task);
      }
    }
    unreported.set(cause);
    try {
      failures.rejected(dropped, cause);
    } catch (Throwable ignored) {
      // documented: failures must not throw
    }
    draining.set(false);
    kick(); // tasks that arrived meanwhile get their own try
  }

  private void runSafely(Runnable task) {
    try {
      task.run();
    } catch (Throwable t) {
      try {
        failures.taskThrew(t);
      } catch (Throwable ignored) {
        // documented: failures must not throw
      }
    } finally {
      release(task);
    }
  }

  private static void release(Runnable task) {
    if (!(task instanceof Held)) return;
    try {
      ((Held) task).release();
    } catch (Throwable ignored) {
      // documented: release must not throw
    }
  }
}
