package dev.steadysocket.internal;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import okhttp3.Dispatcher;
import okhttp3.OkHttpClient;

/**
 * The threads and the OkHttpClient that SteadySocket creates for sockets that do not bring their
 * own. Each is shared by all sockets and exists only while at least one socket is not CLOSED.
 * Every thread is a daemon and named "SteadySocket …", so thread dumps say whose it is.
 */
public final class SharedResources {
  private SharedResources() {}

  private static final RefCounted<ScheduledExecutorService> LOOP =
      new RefCounted<>(
          () -> {
            ScheduledThreadPoolExecutor e =
                new ScheduledThreadPoolExecutor(1, threads("SteadySocket loop"));
            e.setRemoveOnCancelPolicy(true); // cancelled heartbeats must not pile up
            e.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
            return e;
          },
          ExecutorService::shutdown);

  private static final RefCounted<ExecutorService> DISPATCH =
      new RefCounted<>(
          () -> {
            int n = Math.max(2, Math.min(4, Runtime.getRuntime().availableProcessors()));
            ThreadPoolExecutor e =
                new ThreadPoolExecutor(
                    n, n, 30, TimeUnit.SECONDS,
                    new java.util.concurrent.LinkedBlockingQueue<Runnable>(),
                    threads("SteadySocket dispatch"));
            e.allowCoreThreadTimeOut(true);
            return e;
          },
          ExecutorService::shutdown);

  private static final RefCounted<OkHttpClient> CLIENT =
      new RefCounted<>(SharedResources::newClient, SharedResources::shutdownClient);

  public static ScheduledExecutorService acquireLoop() {
    return LOOP.acquire();
  }

  public static void releaseLoop(ScheduledExecutorService loop) {
    LOOP.release(loop);
  }

  public static Scheduler scheduler(ScheduledExecutorService loop) {
    return new RealScheduler(loop);
  }

  public static ExecutorService acquireDispatch() {
    return DISPATCH.acquire();
  }

  public static void releaseDispatch(ExecutorService dispatch) {
    DISPATCH.release(dispatch);
  }

  public static OkHttpClient acquireClient() {
    return CLIENT.acquire();
  }

  public static void releaseClient(OkHttpClient client) {
    CLIENT.release(client);
  }

  /** Live users of the shared client; for tests. */
  public static int clientUsers() {
    return CLIENT.users();
  }

  /**
   * OkHttp's default Dispatcher allows 64 calls (5 per host), and an open WebSocket holds its
   * call for its whole life: socket 6 to one host would wait silently forever. Ours is unbounded;
   * the number of sockets is the application's decision, not a hidden limit's.
   */
  private static OkHttpClient newClient() {
    ThreadPoolExecutor executor =
        new ThreadPoolExecutor(
            0, Integer.MAX_VALUE, 60, TimeUnit.SECONDS, new SynchronousQueue<Runnable>(),
            threads("SteadySocket OkHttp"));
    Dispatcher dispatcher = new Dispatcher(executor);
    dispatcher.setMaxRequests(Integer.MAX_VALUE);
    dispatcher.setMaxRequestsPerHost(Integer.MAX_VALUE);
    return new OkHttpClient.Builder()
        .dispatcher(dispatcher)
        .connectTimeout(10, TimeUnit.SECONDS)
        .readTimeout(10, TimeUnit.SECONDS)
        .writeTimeout(10, TimeUnit.SECONDS)
        .build();
  }

  private static void shutdownClient(OkHttpClient client) {
    client.dispatcher().executorService().shutdown();
    client.connectionPool().evictAll();
  }

  private static ThreadFactory threads(String name) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, name + " " + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }
}
