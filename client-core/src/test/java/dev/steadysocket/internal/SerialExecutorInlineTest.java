package dev.steadysocket.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** An executor that runs tasks inline must not cost a stack frame per batch of a long backlog. */
class SerialExecutorInlineTest {
  @Test
  void anInlineExecutorDrainsALongBacklogWithoutRecursion() {
    SerialExecutor serial = new SerialExecutor(Runnable::run, false, Runnable::run, new SerialExecutor.Failures() {
      @Override public void taskThrew(Throwable error) { throw new AssertionError(error); }
      @Override public void rejected(int dropped, Throwable cause) { throw new AssertionError(cause); }
      @Override public void reportRejection(Throwable cause) { throw new AssertionError(cause); }
    });
    AtomicInteger ran = new AtomicInteger();
    AtomicInteger maxDepth = new AtomicInteger();
    int tasks = SerialExecutor.BATCH * 200;
    for (int i = 0; i < tasks; i++) {
      serial.enqueue(() -> {
        ran.incrementAndGet();
        maxDepth.accumulateAndGet(Thread.currentThread().getStackTrace().length, Math::max);
      });
    }
    serial.kick();
    assertEquals(tasks, ran.get());
    assertTrue(maxDepth.get() < 200, "stack depth " + maxDepth.get() + " after 200 batches");
  }
}
