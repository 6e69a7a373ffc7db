package dev.steadysocket.android;

import dev.steadysocket.SteadySocketBuilder;
import android.os.Handler;
import android.os.Looper;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

/**
 * Runs each task on the Android main thread, in the order submitted. Pass it to {@link
 * SteadySocketBuilder#callbackExecutor} so listener callbacks may touch views directly ({@link
 * AndroidSteadySocket#builder} does). Thread-safe: {@link #execute} may be called from any thread.
 *
 * <p>Tasks are always posted, never run inline, even when {@code execute} is called on the main
 * thread: running some inline would let a later task overtake an earlier one still queued.
 */
public final class MainThreadExecutor implements Executor {
  private static final MainThreadExecutor INSTANCE = new MainThreadExecutor();

  private final Handler handler = new Handler(Looper.getMainLooper());

  private MainThreadExecutor() {}

  /**
   * The shared instance; it holds no state besides a handler on the main looper.
   *
   * @return the one instance, the same on every call
   */
  public static MainThreadExecutor get() {
    return INSTANCE;
  }

  /**
   * Queues {@code task} on the main looper. Safe to call from any thread.
   *
   * @param task runs later on the main thread, after every task queued before it
   * @throws RejectedExecutionException if the main looper is quitting (process shutting down)
   */
  @Override
  public void execute(Runnable task) {
    Objects.requireNonNull(task, "task == null");
    if (!handler.post(task)) {
      throw new RejectedExecutionException("main looper is quitting");
    }
  }

  @Override
  public String toString() {
    return "MainThreadExecutor";
  }
}
