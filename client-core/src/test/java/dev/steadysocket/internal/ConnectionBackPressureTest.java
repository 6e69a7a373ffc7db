package dev.steadysocket.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.steadysocket.ConnectionState;
import dev.steadysocket.MessageCodec;
import dev.steadysocket.OutboxPolicy;
import dev.steadysocket.RequestRetention;
import dev.steadysocket.testkit.FakeScheduler;
import dev.steadysocket.testkit.RecordingListener;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Inbound back-pressure in {@link Connection}: the reader thread (OkHttp's, here a thread of the
 * test) is held while too much waits for the listeners, and goes on once half of it is delivered.
 * The listener is a single callback thread whose deliveries each wait for a permit from the test,
 * so the test decides exactly how many messages have been delivered. Every wait is bounded.
 */
class ConnectionBackPressureTest {
  static final long WAIT_SECONDS = 10;

  final FakeScheduler scheduler = new FakeScheduler();
  final LoopTasks tasks = new LoopTasks(scheduler);
  final ExecutorService callbackThread = Executors.newSingleThreadExecutor();
  final ListenerBus bus = new ListenerBus(callbackThread, false, Runnable::run, n -> {});
  final Connection c = new Connection(null, tasks, null, bus, TestEvents.of(tasks), 1);
  /** Deliveries that started (the listener took the message). */
  final Semaphore started = new Semaphore(0);
  /** Deliveries the test lets finish. */
  final Semaphore permits = new Semaphore(0);
  final List<Thread> readers = new ArrayList<>();

  /** A delivery to a slow listener: it starts, then waits until the test lets it finish. */
  Runnable slow() {
    return () -> {
      started.release();
      permits.acquireUninterruptibly();
    };
  }

  /**
   * A reader thread that delivers messages of these sizes; completes when the last deliver returns,
   * with whether the thread was interrupted.
   */
  CompletableFuture<Boolean> readerDelivers(long... sizes) {
    CompletableFuture<Boolean> done = new CompletableFuture<>();
    Thread reader = new Thread(() -> {
      for (long bytes : sizes) c.deliver(slow(), bytes);
      done.complete(Thread.currentThread().isInterrupted());
    }, "test-reader");
    readers.add(reader);
    reader.start();
    return done;
  }

  /**
   * Delivers messages of these sizes on a reader thread that must never be held: returns when it
   * is done, and fails as soon as it is held (a held reader would otherwise wait forever).
   */
  // #16 part 2: these deliveries ran on the test thread, which a wrong limit held forever.
  void deliverBelowTheLimit(long... sizes) {
    CompletableFuture<Boolean> reader = readerDelivers(sizes);
    await(() -> reader.isDone() || c.readerHeld, "the reader delivers " + sizes.length + " messages");
    assertFalse(c.readerHeld, "below the limit the reader never waits");
    assertTrue(reader.isDone());
  }

  /** Lets {@code n} more deliveries finish and waits until the one after them has started. */
  void deliver(int n, int startedSoFar) throws InterruptedException {
    permits.release(n);
    assertTrue(started.tryAcquire(startedSoFar + n, WAIT_SECONDS, TimeUnit.SECONDS), "deliveries started");
    started.release(startedSoFar + n); // keep the count: the next call waits for the total
  }

  static void await(BooleanSupplier condition, String what) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() - deadline > 0) throw new AssertionError("not within " + WAIT_SECONDS + " s: " + what);
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1)); // polling interval of a bounded wait
    }
  }

  @AfterEach
  void tearDown() throws InterruptedException {
    c.retire(); // releases a reader still held
    permits.release(1_000_000);
    for (Thread r : readers) {
      r.join(TimeUnit.SECONDS.toMillis(WAIT_SECONDS));
      assertFalse(r.isAlive(), "the reader thread ended");
    }
    callbackThread.shutdown();
    assertTrue(callbackThread.awaitTermination(WAIT_SECONDS, TimeUnit.SECONDS));
  }

  @Test
  void aThousandWaitingMessagesHoldTheReaderUntilHalfOfThemAreDelivered() throws Exception {
    c.publishOpen(ConnectionState.CONNECTING);
    long[] ones = new long[Connection.BACKLOG_MESSAGES - 1];
    java.util.Arrays.fill(ones, 1);
    deliverBelowTheLimit(ones);
    assertEquals(0, c.holds);

    CompletableFuture<Boolean> reader = readerDelivers(1); // the 1000th waiting message
    await(() -> c.readerHeld, "the reader is held");
    assertEquals(1, c.holds);

    deliver(Connection.BACKLOG_MESSAGES / 2 - 1, 1); // 499 delivered, 501 waiting
    assertTrue(c.readerHeld, "still held while more than half wait");
    assertFalse(reader.isDone());

    deliver(1, Connection.BACKLOG_MESSAGES / 2); // 500 waiting: half
    assertFalse(reader.get(WAIT_SECONDS, TimeUnit.SECONDS), "the reader goes on, not interrupted");
    assertFalse(c.readerHeld);
    assertEquals(1, c.holds, "held once");
  }

  @Test
  void sixteenMebibytesWaitingHoldTheReaderUntilEightAreDelivered() throws Exception {
    c.publishOpen(ConnectionState.CONNECTING);
    deliverBelowTheLimit(Connection.BACKLOG_BYTES / 2, 1, Connection.BACKLOG_BYTES / 2 - 2); // 1 byte short
    assertEquals(0, c.holds);

    CompletableFuture<Boolean> reader = readerDelivers(1); // 16 MiB exactly
    await(() -> c.readerHeld, "the reader is held");

    deliver(1, 1); // 8 MiB delivered: 8 MiB waiting, which is half, in 3 messages
    assertFalse(reader.get(WAIT_SECONDS, TimeUnit.SECONDS));
    assertFalse(c.readerHeld);
    assertEquals(1, c.holds);
  }

  @Test
  void aHeldReaderWaitsWhileMoreThanHalfOfTheBytesWait() throws Exception {
    c.publishOpen(ConnectionState.CONNECTING);
    deliverBelowTheLimit(1);
    CompletableFuture<Boolean> reader = readerDelivers(Connection.BACKLOG_BYTES); // one message of 16 MiB
    await(() -> c.readerHeld, "the reader is held");
    deliver(1, 1); // the small one: 16 MiB still wait
    assertTrue(c.readerHeld);
    assertFalse(reader.isDone());
    permits.release(1); // the big one is delivered
    assertFalse(reader.get(WAIT_SECONDS, TimeUnit.SECONDS));
  }

  @Test
  void retiringTheConnectionReleasesItsHeldReaderAndDropsLaterFrames() throws Exception {
    c.publishOpen(ConnectionState.CONNECTING);
    CompletableFuture<Boolean> reader = readerDelivers(Connection.BACKLOG_BYTES);
    await(() -> c.readerHeld, "the reader is held");
    c.retire();
    assertFalse(reader.get(WAIT_SECONDS, TimeUnit.SECONDS), "released, although nothing was delivered");
    assertFalse(c.readerHeld);

    c.deliver(slow(), Connection.BACKLOG_BYTES); // dropped: returns at once, nothing queued
    permits.release(1); // the message queued before the retirement finishes
    CompletableFuture<Void> idle = new CompletableFuture<>();
    bus.post(() -> idle.complete(null));
    idle.get(WAIT_SECONDS, TimeUnit.SECONDS);
    assertEquals(1, started.availablePermits(), "the frame after the retirement never reached the listener");
  }

  @Test
  void anInterruptedReaderStopsWaitingAndKeepsItsInterrupt() throws Exception {
    c.publishOpen(ConnectionState.CONNECTING);
    CompletableFuture<Boolean> reader = readerDelivers(Connection.BACKLOG_BYTES);
    await(() -> c.readerHeld, "the reader is held");
    readers.get(0).interrupt(); // OkHttp cancels its reader
    assertTrue(reader.get(WAIT_SECONDS, TimeUnit.SECONDS), "the interrupt is kept for OkHttp to see");
    assertFalse(c.readerHeld);
  }

  // ------------------------------------------------------------------ ordering around OPEN

  @Test
  void framesThatArriveBeforeOpenAreDeliveredRightAfterTheOpenState() {
    List<String> events = new ArrayList<>();
    ListenerBus inline = new ListenerBus(Runnable::run, false, Runnable::run, n -> {});
    inline.addListener(new RecordingListener().journal("l", events));
    Connection early = new Connection(null, tasks, null, inline, TestEvents.of(tasks), 2);
    early.deliver(() -> events.add("frame"), 5);
    assertEquals(List.of(), events, "held back until OPEN is published");
    early.publishOpen(ConnectionState.CONNECTING);
    assertEquals(List.of("l: State(CONNECTING -> OPEN)", "frame"), events);
  }

  @Test
  void everyTextAndBinaryFrameIsCountedForTheHeartbeat() {
    List<String> events = new ArrayList<>();
    ListenerBus inline = new ListenerBus(Runnable::run, false, Runnable::run, n -> {});
    inline.addListener(new RecordingListener().journal("l", events));
    Events funnel = TestEvents.of(tasks);
    Outbound outbound = new Outbound(OutboxPolicy.defaults(), MessageCodec.jackson(), false, inline, funnel, tasks);
    Inbound inbound = new Inbound(MessageCodec.jackson(), inline, funnel, new InboundLedger(0, false), outbound,
        false, tasks);
    inbound.requests(new Requests(RequestRetention.FAIL, inline, outbound, tasks, funnel),
        new Setups(outbound, MessageCodec.jackson(), Runnable::run, tasks, inline));
    Connection counted = new Connection(null, tasks, inbound, inline, TestEvents.of(tasks), 3);
    counted.publishOpen(ConnectionState.CONNECTING);
    counted.onText("{\"type\":\"tick\"}");
    assertEquals(1, counted.framesReceived);
    counted.onBinary(new byte[] {1, 2});
    assertEquals(2, counted.framesReceived);
    assertEquals(List.of("l: State(CONNECTING -> OPEN)", "l: Message(tick)", "l: Binary(2 bytes)"), events);
  }
}
