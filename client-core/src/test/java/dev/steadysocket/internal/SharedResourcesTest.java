package dev.steadysocket.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.Test;

/**
 * SteadySocket's own threads and client, and the real scheduler on the loop thread. Real threads,
 * so waits are bounded; these assume no socket of another test holds the shared loop or client.
 */
class SharedResourcesTest {
  @Test
  void theLoopIsSharedAndShutDownWithItsLastUser() throws Exception {
    ScheduledExecutorService a = SharedResources.acquireLoop();
    ScheduledExecutorService b = SharedResources.acquireLoop();
    assertSame(a, b);
    ScheduledThreadPoolExecutor pool = assertInstanceOf(ScheduledThreadPoolExecutor.class, a);
    assertTrue(pool.getRemoveOnCancelPolicy(), "cancelled heartbeats must not pile up");
    assertFalse(pool.getExecuteExistingDelayedTasksAfterShutdownPolicy());
    Thread loopThread = a.submit(Thread::currentThread).get(10, TimeUnit.SECONDS);
    assertTrue(loopThread.getName().startsWith("SteadySocket loop "), loopThread.getName());
    assertTrue(loopThread.isDaemon());
    assertTrue(a.submit(SharedResources::onLoopThread).get(10, TimeUnit.SECONDS));
    assertFalse(SharedResources.onLoopThread());
    SharedResources.releaseLoop(a);
    assertFalse(a.isShutdown(), "one user left");
    SharedResources.releaseLoop(b);
    assertTrue(a.isShutdown(), "the last user is gone");
    ScheduledExecutorService c = SharedResources.acquireLoop();
    try {
      assertNotSame(a, c);
    } finally {
      SharedResources.releaseLoop(c);
    }
  }

  @Test
  void theRealSchedulerRunsTasksOnTheLoopAndRefusesOnceItIsGone() throws Exception {
    ScheduledExecutorService loop = SharedResources.acquireLoop();
    Scheduler s = SharedResources.scheduler(loop);
    try {
      long before = System.nanoTime();
      assertTrue(s.nanoTime() >= before);
      assertTrue(Math.abs(s.currentTimeMillis() - System.currentTimeMillis()) < 60_000);
      CompletableFuture<Boolean> ran = new CompletableFuture<>();
      assertTrue(s.execute(() -> ran.complete(SharedResources.onLoopThread())));
      assertTrue(ran.get(10, TimeUnit.SECONDS));
      CountDownLatch scheduled = new CountDownLatch(1);
      s.schedule(scheduled::countDown, TimeUnit.MILLISECONDS.toNanos(1));
      assertTrue(scheduled.await(10, TimeUnit.SECONDS));
      CompletableFuture<String> cancelled = new CompletableFuture<>();
      Scheduler.Cancellable c = s.schedule(() -> cancelled.complete("ran"), TimeUnit.SECONDS.toNanos(30));
      c.cancel();
      assertEquals(0, ((ScheduledThreadPoolExecutor) loop).getQueue().size(), "cancelled and removed");
    } finally {
      SharedResources.releaseLoop(loop);
    }
    assertFalse(s.execute(() -> {}), "the loop is gone");
    s.schedule(() -> {}, 1).cancel(); // does not throw
  }

  @Test
  void theSharedClientAllowsUnboundedSocketsAndIsReleasedWithItsLastUser() {
    int before = SharedResources.clientUsers();
    OkHttpClient a = SharedResources.acquireClient();
    OkHttpClient b = SharedResources.acquireClient();
    assertSame(a, b);
    assertEquals(before + 2, SharedResources.clientUsers());
    assertEquals(Integer.MAX_VALUE, a.dispatcher().getMaxRequests());
    assertEquals(Integer.MAX_VALUE, a.dispatcher().getMaxRequestsPerHost());
    assertEquals(10_000, a.connectTimeoutMillis());
    assertEquals(10_000, a.readTimeoutMillis());
    assertEquals(10_000, a.writeTimeoutMillis());
    SharedResources.releaseClient(a);
    assertEquals(before + 1, SharedResources.clientUsers());
    SharedResources.releaseClient(b);
    assertEquals(before, SharedResources.clientUsers());
    if (before == 0) assertTrue(a.dispatcher().executorService().isShutdown());
  }

  @Test
  void theDispatchPoolNamesItsDaemonThreads() throws Exception {
    assertSame(SharedResources.dispatch(), SharedResources.dispatch());
    Thread t = SharedResources.dispatch().submit(Thread::currentThread).get(10, TimeUnit.SECONDS);
    assertTrue(t.getName().startsWith("SteadySocket dispatch "), t.getName());
    assertTrue(t.isDaemon());
    assertFalse(SharedResources.dispatch().submit(SharedResources::onLoopThread).get(10, TimeUnit.SECONDS));
  }
}
