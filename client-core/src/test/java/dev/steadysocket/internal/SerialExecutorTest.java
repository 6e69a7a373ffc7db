package dev.steadysocket.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
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

  /** Failures recorded as events, in order. */
  static final class RecordingFailures implements SerialExecutor.Failures {
    final List<Object> events = new ArrayList<>();
    boolean throwFromCallbacks;
    Runnable onRejected = () -> {};

    @Override public void taskThrew(Throwable error) {
      events.add(error);
      if (throwFromCallbacks) throw new IllegalStateException("failures must not throw, but this one does");
    }

    @Override public void rejected(int dropped, Throwable cause) {
      events.add("rejected " + dropped + " " + cause.getMessage());
      onRejected.run();
      if (throwFromCallbacks) throw new IllegalStateException("failures must not throw, but this one does");
    }

    @Override public void reportRejection(Throwable cause) {
      events.add("report " + cause.getMessage());
      if (throwFromCallbacks) throw new IllegalStateException("failures must not throw, but this one does");
    }
  }

  /** An executor that refuses while {@code refusing} is set, and otherwise queues like ManualExecutor. */
  static final class RefusingExecutor implements java.util.concurrent.Executor {
    final ArrayDeque<Runnable> tasks = new ArrayDeque<>();
    boolean refusing = true;
    int refusals;

    @Override
    public void execute(Runnable r) {
      if (refusing) {
        refusals++;
        throw new RejectedExecutionException("refused " + refusals);
      }
      tasks.add(r);
    }
  }

  static final class CountingExecutor implements java.util.concurrent.Executor {
    int used;
    boolean refuse;

    @Override
    public void execute(Runnable r) {
      used++;
      if (refuse) throw new RejectedExecutionException("fallback refused");
      r.run();
    }
  }

  @Test
  void aThrowingTaskIsReportedAndTheQueueGoesOn() {
    RecordingFailures failures = new RecordingFailures();
    ManualExecutor delegate = new ManualExecutor();
    SerialExecutor serial = new SerialExecutor(delegate, true, Runnable::run, failures);
    List<String> ran = new ArrayList<>();
    RuntimeException bug = new IllegalStateException("bug");
    Error error = new OutOfMemoryError("pretend");
    serial.execute(() -> { throw bug; });
    serial.execute(() -> ran.add("after the exception"));
    serial.execute(() -> { throw error; });
    serial.execute(() -> ran.add("after the error"));
    delegate.runNext();
    assertEquals(List.of("after the exception", "after the error"), ran);
    assertEquals(List.of(bug, error), failures.events);
    serial.execute(() -> ran.add("later"));
    delegate.runNext();
    assertEquals(3, ran.size(), "the drain flag was released");
  }

  @Test
  void failuresThatThrowAreIgnored() {
    RecordingFailures failures = new RecordingFailures();
    failures.throwFromCallbacks = true;
    RefusingExecutor delegate = new RefusingExecutor();
    SerialExecutor serial = new SerialExecutor(delegate, true, Runnable::run, failures);
    List<String> ran = new ArrayList<>();
    serial.execute((SerialExecutor.Essential) () -> { throw new IllegalStateException("task"); });
    serial.execute((SerialExecutor.Essential) () -> ran.add("essential"));
    assertEquals(List.of("essential"), ran);
    delegate.refusing = false;
    serial.execute(() -> ran.add("accepted"));
    delegate.tasks.remove().run();
    assertEquals(List.of("essential", "accepted"), ran);
    assertEquals(4, failures.events.size(), "taskThrew, rejected, and reportRejection: " + failures.events);
  }

  @Test
  void aRefusedDrainRunsEssentialTasksOnTheFallbackDropsTheRestAndReportsOnceLater() {
    RecordingFailures failures = new RecordingFailures();
    RefusingExecutor delegate = new RefusingExecutor();
    CountingExecutor fallback = new CountingExecutor();
    SerialExecutor serial = new SerialExecutor(delegate, true, fallback, failures);
    List<String> ran = new ArrayList<>();
    serial.enqueue((SerialExecutor.Essential) () -> ran.add("e1"));
    serial.enqueue(() -> ran.add("p1"));
    serial.enqueue((SerialExecutor.Essential) () -> ran.add("e2"));
    serial.enqueue(() -> ran.add("p2"));
    serial.kick();
    assertEquals(List.of("e1", "e2"), ran);
    assertEquals(1, fallback.used);
    assertEquals(List.of("rejected 2 refused 1"), failures.events);

    delegate.refusing = false;
    serial.execute(() -> ran.add("p3"));
    assertEquals(List.of("rejected 2 refused 1"), failures.events, "reported when a drain runs, not when queued");
    delegate.tasks.remove().run();
    assertEquals(List.of("rejected 2 refused 1", "report refused 1"), failures.events);
    assertEquals(List.of("e1", "e2", "p3"), ran);
    serial.execute(() -> ran.add("p4"));
    delegate.tasks.remove().run();
    assertEquals(2, failures.events.size(), "reported once");
  }

  @Test
  void tasksQueuedAsARefusedDrainEndsGetTheirOwnTry() {
    RecordingFailures failures = new RecordingFailures();
    RefusingExecutor delegate = new RefusingExecutor();
    SerialExecutor serial = new SerialExecutor(delegate, true, Runnable::run, failures);
    List<String> ran = new ArrayList<>();
    failures.onRejected = () -> {
      delegate.refusing = false; // the executor recovers meanwhile
      serial.execute(() -> ran.add("queued meanwhile")); // the refused drain still holds the flag
    };
    serial.execute((SerialExecutor.Essential) () -> ran.add("essential"));
    assertEquals(List.of("essential"), ran);
    assertEquals(1, delegate.tasks.size(), "submitted once the refused drain let go");
    delegate.tasks.remove().run();
    assertEquals(List.of("essential", "queued meanwhile"), ran);
  }

  @Test
  void aTaskQueuedWhileARefusedDrainRunsIsPartOfIt() {
    RecordingFailures failures = new RecordingFailures();
    RefusingExecutor delegate = new RefusingExecutor();
    SerialExecutor serial = new SerialExecutor(delegate, true, Runnable::run, failures);
    List<String> ran = new ArrayList<>();
    serial.execute((SerialExecutor.Essential) () -> {
      ran.add("essential");
      serial.execute((SerialExecutor.Essential) () -> ran.add("essential, queued meanwhile"));
      serial.execute(() -> ran.add("dropped"));
    });
    assertEquals(List.of("essential", "essential, queued meanwhile"), ran);
    assertEquals(List.of("rejected 1 refused 1"), failures.events);
  }

  @Test
  void withNoFallbackThreadARefusedDrainFinishesOnTheCallingThread() {
    RecordingFailures failures = new RecordingFailures();
    RefusingExecutor delegate = new RefusingExecutor();
    CountingExecutor fallback = new CountingExecutor();
    fallback.refuse = true;
    SerialExecutor serial = new SerialExecutor(delegate, true, fallback, failures);
    List<String> ran = new ArrayList<>();
    serial.execute((SerialExecutor.Essential) () -> ran.add("essential"));
    serial.execute(() -> ran.add("dropped"));
    assertEquals(List.of("essential"), ran);
    assertEquals(List.of("rejected 0 refused 1", "rejected 1 refused 2"), failures.events);
  }

  @Test
  void anInlineExecutorDrainsALongBacklogWithoutGrowingTheStack() {
    int[] depth = {Integer.MAX_VALUE, 0};
    AtomicInteger submitted = new AtomicInteger();
    SerialExecutor serial = serial(r -> {
      submitted.incrementAndGet();
      r.run();
    });
    int tasks = 40 * SerialExecutor.BATCH;
    AtomicInteger ran = new AtomicInteger();
    for (int i = 0; i < tasks; i++) {
      serial.enqueue(() -> {
        int d = Thread.currentThread().getStackTrace().length;
        depth[0] = Math.min(depth[0], d);
        depth[1] = Math.max(depth[1], d);
        ran.incrementAndGet();
      });
    }
    serial.kick();
    assertEquals(tasks, ran.get());
    assertEquals(41, submitted.get(), "one submission, then one per full batch");
    assertTrue(depth[1] - depth[0] < 10, "stack grew by " + (depth[1] - depth[0]) + " frames");
  }

  @Test
  void drainsOfDifferentExecutorsNestOnOneThread() {
    List<String> ran = new ArrayList<>();
    SerialExecutor inner = serial(Runnable::run);
    SerialExecutor outer = serial(Runnable::run);
    outer.execute(() -> {
      ran.add("outer start");
      inner.execute(() -> ran.add("inner"));
      ran.add("outer end");
    });
    assertEquals(List.of("outer start", "inner", "outer end"), ran);
  }

  @Test
  void onTheLoopThreadADrainForAnApplicationExecutorIsHandedToTheFallback() throws Exception {
    ScheduledExecutorService loop = SharedResources.acquireLoop();
    try {
      List<String> ran = new java.util.concurrent.CopyOnWriteArrayList<>();
      CountingExecutor fallback = new CountingExecutor();
      SerialExecutor app = new SerialExecutor(Runnable::run, false, fallback, new RecordingFailures());
      SerialExecutor ours = new SerialExecutor(Runnable::run, true, fallback, new RecordingFailures());
      loop.submit(() -> {
        assertTrue(SharedResources.onLoopThread());
        app.execute(() -> ran.add("app"));
        ours.execute(() -> ran.add("ours"));
      }).get(10, TimeUnit.SECONDS);
      assertEquals(List.of("app", "ours"), ran);
      assertEquals(1, fallback.used, "only the application executor's drain hops");

      CountingExecutor noThread = new CountingExecutor();
      noThread.refuse = true;
      SerialExecutor stillRuns = new SerialExecutor(Runnable::run, false, noThread, new RecordingFailures());
      loop.submit(() -> stillRuns.execute(() -> ran.add("no fallback thread"))).get(10, TimeUnit.SECONDS);
      assertEquals(1, noThread.used);
      assertEquals("no fallback thread", ran.get(2), "it falls through to the application's executor");

      app.execute(() -> ran.add("off the loop"));
      assertEquals(1, fallback.used, "off the loop thread there is no hop");
      assertTrue(!SharedResources.onLoopThread());
    } finally {
      SharedResources.releaseLoop(loop);
    }
  }

  @Test
  void essentialIsARunnable() {
    SerialExecutor.Essential e = () -> {};
    assertSame(e, (Runnable) e);
  }

  /** A held task gives its share back exactly once: after running, after throwing, or when dropped. */
  @Test
  void aHeldTaskIsReleasedExactlyOnceHoweverItEnds() {
    List<String> log = new ArrayList<>();
    class Held implements SerialExecutor.Held {
      final String name;
      final boolean throwing;

      Held(String name, boolean throwing) {
        this.name = name;
        this.throwing = throwing;
      }

      @Override public void run() {
        log.add("run " + name);
        if (throwing) throw new IllegalStateException("task bug");
      }

      @Override public void release() {
        log.add("release " + name);
      }
    }
    boolean[] refusing = {false};
    List<Integer> dropped = new ArrayList<>();
    SerialExecutor serial = new SerialExecutor(task -> {
      if (refusing[0]) throw new RejectedExecutionException("saturated");
      task.run();
    }, false, Runnable::run, new SerialExecutor.Failures() {
      @Override public void taskThrew(Throwable error) { log.add("threw"); }
      @Override public void rejected(int n, Throwable cause) { dropped.add(n); }
      @Override public void reportRejection(Throwable cause) { log.add("reported"); }
    });
    serial.execute(new Held("a", false));
    serial.execute(new Held("b", true));
    refusing[0] = true;
    serial.execute(new Held("c", false));
    refusing[0] = false;
    serial.execute(new Held("d", false));
    assertEquals(List.of("run a", "release a", "run b", "threw", "release b", "release c", "reported",
        "run d", "release d"), log);
    assertEquals(List.of(1), dropped, "the dropped task was counted");
  }
}
