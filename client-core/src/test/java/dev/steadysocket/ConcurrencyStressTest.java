package dev.steadysocket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The socket's promises under real threads: an echo server (MockWebServer), several threads
 * sending, one pausing and resuming, one replacing connections, one subscribing and cancelling
 * typed handlers, and a closer that closes mid-stream; repeated over many trials. The same
 * invariants as {@link StateMachineModelTest}, observed where real races happen: every future
 * complete when onClosed runs, one onClosed and nothing after it, transitions in order, each
 * thread's echoes in its send order, no callback on the loop thread, no listener failure reported.
 */
class ConcurrencyStressTest {
  private static final int TRIALS = 12;
  private static final int SENDERS = 4;

  private static MockWebServer server;

  @BeforeAll
  static void start() throws Exception {
    server = new MockWebServer();
    server.setDispatcher(new Dispatcher() {
      @Override
      public MockResponse dispatch(RecordedRequest request) {
        return new ServerPeer(true).upgrade();
      }
    });
    server.start();
  }

  @AfterAll
  static void stop() throws Exception {
    server.close();
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"default executor", "application pool", "inline executor", "acknowledged"})
  void promisesHoldWhileThreadsRace(String variant) throws Exception {
    ExecutorService appPool = Executors.newFixedThreadPool(3);
    try {
      for (int trial = 0; trial < TRIALS; trial++) trial(variant, appPool);
    } finally {
      appPool.shutdownNow();
    }
  }

  private void trial(String variant, ExecutorService appPool) throws Exception {
    Observer observer = new Observer(variant.equals("acknowledged"));
    SteadySocketBuilder b = SteadySocket.builder(server.url("/echo").toString())
        .backoff(Backoff.exponential(Duration.ofMillis(5), Duration.ofMillis(20)))
        .heartbeat(Heartbeat.disabled())
        .outbox(OutboxPolicy.bounded(200, 1 << 20, OutboxPolicy.Overflow.DROP_OLDEST))
        .listener(observer);
    if (variant.equals("application pool")) b.callbackExecutor(appPool);
    if (variant.equals("inline executor")) b.callbackExecutor(Runnable::run);
    if (variant.equals("acknowledged")) b.acknowledgedSends(true); // the echo server never acks
    Queue<CompletableFuture<?>> futures = new ConcurrentLinkedQueue<>();
    observer.futures = futures;
    SteadySocket socket = b.build();
    socket.connect();

    AtomicBoolean stop = new AtomicBoolean();
    CountDownLatch started = new CountDownLatch(1);
    List<Thread> threads = new ArrayList<>();
    for (int s = 0; s < SENDERS; s++) {
      int sender = s;
      threads.add(new Thread(() -> {
        await(started);
        for (int seq = 0; !stop.get() && seq < 3_000; seq++) {
          futures.add(socket.send(Envelope.of("m", Map.of("sender", sender, "seq", seq))));
        }
      }, "stress sender " + s));
    }
    threads.add(new Thread(() -> {
      await(started);
      while (!stop.get()) {
        socket.pause("stress");
        socket.resume("stress");
        Thread.yield();
      }
    }, "stress pauser"));
    threads.add(new Thread(() -> {
      await(started);
      while (!stop.get()) {
        Subscription sub = socket.on("m", JsonNode.class, n -> {});
        Thread.yield();
        sub.cancel();
      }
    }, "stress subscriber"));
    threads.add(new Thread(() -> {
      await(started);
      for (int i = 0; !stop.get() && i < 20; i++) {
        socket.replaceConnection();
        futures.add(socket.request(Envelope.of("q", null), Duration.ofSeconds(5)));
        Thread.yield();
      }
    }, "stress replacer"));
    for (Thread t : threads) t.start();
    started.countDown();
    // Close after a random moment, mid-stream, while every thread is still at it.
    long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(ThreadLocalRandom.current().nextInt(5, 60));
    while (System.nanoTime() < until) Thread.onSpinWait();
    socket.close();
    CloseReason reason = socket.closeFuture().get(20, TimeUnit.SECONDS);
    stop.set(true);
    for (Thread t : threads) t.join(10_000);

    observer.assertClean(variant);
    assertTrue(reason.initiatedByApp(), reason.toString());
    int notDone = 0;
    for (CompletableFuture<?> f : futures) if (!f.isDone()) notDone++;
    assertEquals(0, notDone, variant + ": futures never completed");
  }

  private static void await(CountDownLatch latch) {
    try {
      latch.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Records what the application sees and every broken promise. */
  static final class Observer implements SteadySocketListener {
    final Queue<String> violations = new ConcurrentLinkedQueue<>();
    final Map<Integer, Integer> lastSeqBySender = new ConcurrentHashMap<>();
    volatile ConnectionState state = ConnectionState.IDLE;
    volatile boolean closed;
    volatile int closedCount;
    /** The futures the test collects, so onClosed can check them; set by the trial. */
    volatile Queue<CompletableFuture<?>> futures;
    /** Acknowledged sends are written again, oldest first, on each new connection. */
    private final boolean replays;

    Observer(boolean replays) {
      this.replays = replays;
    }

    private void check(String callback) {
      if (closed) violations.add(callback + " after onClosed");
      String thread = Thread.currentThread().getName();
      if (thread.startsWith("SteadySocket loop")) violations.add(callback + " on the loop thread");
    }

    @Override
    public void onStateChanged(ConnectionState previous, ConnectionState current) {
      check("onStateChanged");
      if (previous != state) violations.add("transition " + previous + ">" + current + " after " + state);
      state = current;
      if (current == ConnectionState.OPEN && replays) lastSeqBySender.clear(); // the order starts over
    }

    @Override
    public void onMessage(Envelope envelope) {
      check("onMessage");
      JsonNode c = envelope.content();
      if (!"m".equals(envelope.type())) return;
      int sender = c.path("sender").asInt();
      int seq = c.path("seq").asInt();
      Integer last = lastSeqBySender.put(sender, seq);
      // Echoes of one sender come back in its order; a reconnect may lose some, never reorder
      // (in acknowledgement mode each connection replays the unacknowledged ones first).
      if (last != null && seq <= last) violations.add("sender " + sender + ": echo " + seq + " after " + last);
    }

    @Override
    public void onError(SteadySocketException error) {
      check("onError");
      if (error instanceof ListenerException) violations.add("a listener or handler failed: " + error.getCause());
      if (!(error instanceof SteadySocketException)) violations.add("untyped error " + error);
      if (error.getClass() == SteadySocketException.class) violations.add("internal failure: " + error);
    }

    @Override
    public void onReconnecting(int attempt, Duration delay, SteadySocketException cause) {
      check("onReconnecting");
    }

    @Override
    public void onClosed(CloseReason reason) {
      check("onClosed");
      closed = true;
      closedCount++;
      // Every future the test had received before this callback must be complete by now.
      int pending = 0;
      for (CompletableFuture<?> f : futures) if (!f.isDone()) pending++;
      if (pending > 0) violations.add(pending + " futures returned before onClosed were not complete when it ran");
    }

    void assertClean(String variant) {
      assertEquals(1, closedCount, variant + ": onClosed calls");
      assertTrue(violations.isEmpty(), variant + ": " + new ArrayList<>(violations));
    }
  }
}
