package dev.steadysocket.internal;

import dev.steadysocket.SteadySocketException;
import dev.steadysocket.TokenProvider;
import java.util.concurrent.Executor;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;
import org.jspecify.annotations.Nullable;

/**
 * Calls the application's {@link TokenProvider} off the loop thread, on the dispatch pool, at most
 * one call per socket at a time: an attempt that needs a token while an earlier call still runs
 * (it hung past its attempt's connect timeout) waits for that call instead of starting another, so
 * a hanging provider holds one thread, never one per attempt. {@link #close} interrupts it.
 *
 * <p><b>Threading:</b> loop thread only, except the provider call itself, whose result is posted
 * back to the loop. The provider never runs under a lock.
 */
final class TokenFetcher {
  /** Receives a token (null: connect without one) or the error that failed the fetch. Loop thread. */
  interface Callback {
    void done(@Nullable String token, @Nullable SteadySocketException error);
  }

  private final TokenProvider provider;
  private final Executor dispatch;
  private final LoopTasks tasks;

  /** The call in progress, or null. */
  private @Nullable Future<?> running;

  private @Nullable Callback waiter;
  private boolean waiterNeedsRefresh;

  TokenFetcher(TokenProvider provider, Executor dispatch, LoopTasks tasks) {
    this.provider = provider;
    this.dispatch = dispatch;
    this.tasks = tasks;
  }

  /** Asks for a token for the current attempt; replaces the request of an attempt that is over. */
  void fetch(boolean refresh, Callback callback) {
    waiter = callback;
    waiterNeedsRefresh = refresh;
    if (running == null) start(refresh);
  }

  /** The attempt that asked is over: a call in progress finishes, but its result is discarded. */
  void abandon() {
    waiter = null;
  }

  /** The socket is closed: no one will wait again; interrupt the call in progress. */
  void close() {
    waiter = null;
    Future<?> call = running;
    running = null;
    if (call != null) call.cancel(true);
  }

  private void start(boolean refresh) {
    Future<?>[] self = new Future<?>[1];
    FutureTask<Void> call = new FutureTask<>(() -> {
      String token = null;
      SteadySocketException error = null;
      try {
        token = provider.token(refresh);
      } catch (Throwable t) {
        error = Failures.tokenFailure(t);
      }
      String result = token;
      SteadySocketException failure = error;
      tasks.post(() -> finished(self[0], refresh, result, failure));
    }, null);
    self[0] = call;
    running = call;
    try {
      dispatch.execute(call);
    } catch (Throwable noThread) {
      running = null;
      finished(null, refresh, null, Failures.tokenFailure(noThread));
    }
  }

  private void finished(
      @Nullable Future<?> call, boolean refresh, @Nullable String token, @Nullable SteadySocketException error) {
    if (call != running) return; // closed meanwhile
    running = null;
    Callback w = waiter;
    if (w == null) return; // its attempt is over; the next one asks again
    if (waiterNeedsRefresh && !refresh) {
      start(true); // this token predates the rejection that asked for a fresh one
      return;
    }
    waiter = null;
    w.done(token, error);
  }
}
