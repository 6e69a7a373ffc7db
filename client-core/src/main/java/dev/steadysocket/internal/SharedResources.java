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
 * own. Every thread is a daemon named "SteadySocket …", so thread dumps say whose it is.
 *
 * <ul>
 *   <li>The loop thread and the client are shared and exist only while at least one socket is not
 *       CLOSED: the last socket to close shuts them down.
 *   <li>The dispatch pool ({@link #dispatch()}) runs application code: default-executor callbacks,
 *       reconnect policies, token providers, and future completions an application executor
 *       refused. It is never shut down, so it can never refuse a task; it grows by one thread per
 *       socket whose callbacks are busy (a blocked listener delays only its own socket) and each
 *       thread exits after {@link #DISPATCH_KEEP_ALIVE_SECONDS} idle, so an idle process keeps none.
 * </ul>
 */
public final class SharedResources {
  private SharedResources() {}

  static final long DISPATCH_KEEP_ALIVE_SECONDS = 2;

  private static final RefCounted<ScheduledExecutorService> LOOP =
      new RefCounted<>(
          () -> {
            ScheduledThreadPoolExecutor e =
                new ScheduledThreadPoolExecutor(1, threads("SteadySocket loop", true));
            e.setRemoveOnCancelPolicy(true); // cancelled heartbeats must not pile up
            e.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
            return e;
          },
          ExecutorService::shutdown);

  private static final RefCounted<OkHttpClient> CLIENT =
      new RefCounted<>(SharedResources::newClient, SharedResources::shutdownClient);

  /** Lazily created: classes that never send a callback to it never start a thread. */
  private static final class Dispatch {
    static final ThreadPoolExecutor POOL =
        new ThreadPoolExecutor(
            0, Integer.MAX_VALUE, DISPATCH_KEEP_ALIVE_SECONDS, TimeUnit.SECONDS,
            new SynchronousQueue<Runnable>(), threads("SteadySocket dispatch", false));
  }

  public static ScheduledExecutorService acquireLoop() {
    return LOOP.acquire();
  }

  public static void releaseLoop(ScheduledExecutorService loop) {
    LOOP.release(loop);
  }

  public static Scheduler scheduler(ScheduledExecutorService loop) {
    return new RealScheduler(loop);
  }

  /** The shared dispatch pool; see the class comment. Never refuses a task. */
  public static ExecutorService dispatch() {
    return Dispatch.POOL;
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

  /** True on SteadySocket's loop thread, where application code must never run. */
  static boolean onLoopThread() {
    return Thread.currentThread() instanceof LoopThread;
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
            threads("SteadySocket OkHttp", false));
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

  private static ThreadFactory threads(String name, boolean loop) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      String threadName = name + " " + n.incrementAndGet();
      Thread t = loop ? new LoopThread(r, threadName) : new Thread(r, threadName);
      t.setDaemon(true);
      return t;
    };
  }

  /** Marks the loop thread, so code that may call out to the application can tell where it is. */
  private static final class LoopThread extends Thread {
    LoopThread(Runnable r, String name) {
      super(r, name);
    }
  }
}
