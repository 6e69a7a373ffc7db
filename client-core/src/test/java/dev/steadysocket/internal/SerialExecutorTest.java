package dev.steadysocket.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class SerialExecutorTest {
  /** An executor whose tasks run only when the test says so. */
  static final class ManualExecutor implements java.util.concurrent.Executor {
    final ArrayDeque<Runnable> tasks = new ArrayDeque<>();
    int submitted;

    @Override
    public void execute(Runnable r) {
      submitted++;
      tasks.add(r);
    }

    void runNext() {
      tasks.remove().run();
    }
  }

  /** A serial executor on {@code delegate} whose failures fail the test. */
  static SerialExecutor serial(java.util.concurrent.Executor delegate) {
    return new SerialExecutor(delegate, true, Runnable::run, new SerialExecutor.Failures() {
      @Override public void taskThrew(Throwable error) { throw new AssertionError(error); }
      @Override public void rejected(int dropped, Throwable cause) { throw new AssertionError(cause); }
      @Override public void reportRejection(Throwable cause) { throw new AssertionError(cause); }
    });
  }

  @Test
  void tasksFromManyThreadsRunOneAtATimeInSubmissionOrderPerProducer() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      SerialExecutor serial = serial(pool);
      int producers = 3;
      int perProducer = 20_000;
      List<List<Integer>> seen = new ArrayList<>();
      for (int p = 0; p < producers; p++) seen.add(new ArrayList<>());
      AtomicInteger running = new AtomicInteger();
      AtomicInteger overlaps = new AtomicInteger();
      CountDownLatch done = new CountDownLatch(producers * perProducer);
      List<Thread> threads = new ArrayList<>();
      for (int p = 0; p < producers; p++) {
        int producer = p;
        Thread t = new Thread(() -> {
          for (int i = 0; i < perProducer; i++) {
            int n = i;
            serial.execute(() -> {
              if (running.incrementAndGet() != 1) overlaps.incrementAndGet();
              seen.get(producer).add(n); // unsynchronized on purpose: tasks must not overlap
              running.decrementAndGet();
              done.countDown();
            });
          }
        });
        threads.add(t);
        t.start();
      }
      for (Thread t : threads) t.join();
      assertTrue(done.await(10, TimeUnit.SECONDS), done.getCount() + " tasks never ran");
      assertEquals(0, overlaps.get(), "tasks overlapped");
      for (int p = 0; p < producers; p++) {
        List<Integer> expected = new ArrayList<>();
        for (int i = 0; i < perProducer; i++) expected.add(i);
        assertEquals(expected, seen.get(p), "order of producer " + p);
      }
    } finally {
      pool.shutdownNow();
      pool.awaitTermination(5, TimeUnit.SECONDS);
    }
  }

  @Test
  void aDrainYieldsItsThreadAfterABatch() {
    ManualExecutor delegate = new ManualExecutor();
    SerialExecutor serial = serial(delegate);
    List<Integer> ran = new ArrayList<>();
    for (int i = 0; i < SerialExecutor.BATCH + 10; i++) {
      int n = i;
      serial.execute(() -> ran.add(n));
    }
    assertEquals(1, delegate.submitted, "one drain for the whole burst");
    delegate.runNext();
    assertEquals(SerialExecutor.BATCH, ran.size());
    assertEquals(2, delegate.submitted, "the drain resubmitted itself instead of running on");
    delegate.runNext();
    assertEquals(SerialExecutor.BATCH + 10, ran.size());
    assertTrue(delegate.tasks.isEmpty());
  }
}
