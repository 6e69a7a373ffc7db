package dev.steadysocket;

import static dev.steadysocket.ConnectionState.CLOSED;
import static dev.steadysocket.ConnectionState.OPEN;
import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.steadysocket.testkit.RecordingListener;
import dev.steadysocket.testkit.ServerPeer;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import mockwebserver3.MockWebServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Regression tests for issue 10 (items 4a, 6, 7, 10) with real threads: the real loop, OkHttp and a
 * MockWebServer. Waits are bounded (future.get with a timeout, latches, polling with a deadline);
 * nothing sleeps to let behaviour happen. The virtual-time items are in {@link
 * PromisesRegressionTest}.
 */
class PromisesRealThreadRegressionTest {
  private final MockWebServer server = new MockWebServer();
  private final List<SteadySocket> sockets = new ArrayList<>();
  /** Released after each test, so no listener or provider of ours stays blocked. */
  private final CountDownLatch release = new CountDownLatch(1);

  @BeforeEach
  void start() throws Exception {
    server.start();
  }

  @AfterEach
  void stop() throws Exception {
    release.countDown();
    for (SteadySocket s : sockets) {
      s.close();
      try {
        s.closeFuture().get(10, TimeUnit.SECONDS);
      } catch (Exception e) {
        // reported by the test itself where it matters; cleanup goes on
      }
    }
    server.close();
  }

  private SteadySocketBuilder builder() {
    return SteadySocket.builder(server.url("/feed").toString())
        .backoff(Backoff.exponential(Duration.ofMillis(5), Duration.ofMillis(20)))
        .heartbeat(Heartbeat.disabled());
  }

  private SteadySocket track(SteadySocket socket) {
    sockets.add(socket);
    return socket;
  }

  /** Polls {@code condition} until it holds or {@code timeout} passes; returns whether it held. */
  private static boolean await(BooleanSupplier condition, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() - deadline > 0) return false;
      TimeUnit.MILLISECONDS.sleep(1); // polling interval of a bounded wait, not a wait for behaviour
    }
    return true;
  }

  // ------------------------------------------------------------------ item 4a: send futures vs close()

  @Test
  void item4a_everySendFutureIsCompleteOnceTheSocketIsClosed() throws Exception {
    // Item 4a: four threads send while another calls close(): every future send() returned is done by the time closeFuture completes.
    // On the old core this stress form loses a future only rarely (about 1 trial in 60 here); the
    // test below forces the same interleaving deterministically.
    int trials = 10;
    int incompleteTotal = 0;
    List<String> report = new ArrayList<>();
    // Another socket of the application, on its own executor: it shares SteadySocket's loop
    // thread (which then outlives each closed socket) but not the shared dispatch pool.
    track(builder().callbackExecutor(Runnable::run).build());
    for (int trial = 0; trial < trials; trial++) {
      ServerPeer peer = new ServerPeer(true);
      server.enqueue(peer.upgrade());
      RecordingListener states = new RecordingListener();
      SteadySocket socket = track(builder().listener(states).build());
      socket.connect();
      states.awaitState(OPEN, Duration.ofSeconds(5));

      ConcurrentLinkedQueue<CompletableFuture<Void>> futures = new ConcurrentLinkedQueue<>();
      CountDownLatch warmedUp = new CountDownLatch(400);
      AtomicBoolean stop = new AtomicBoolean();
      List<Thread> senders = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        int id = t;
        Thread sender = new Thread(() -> {
          int n = 0;
          while (!stop.get() && n < 50_000) {
            futures.add(socket.send(Envelope.of("m", Map.of("t", id, "n", n++))));
            warmedUp.countDown();
          }
        }, "sender " + t);
        senders.add(sender);
      }
      Thread closer = new Thread(() -> {
        try {
          warmedUp.await(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        socket.close();
      }, "closer");
      for (Thread s : senders) s.start();
      closer.start();

      CloseReason reason = socket.closeFuture().get(10, TimeUnit.SECONDS);
      assertNotNull(reason);
      stop.set(true);
      for (Thread s : senders) s.join(5_000);
      closer.join(5_000);
      // A bounded grace for completions already on their way; the contract is "by onClosed".
      await(() -> futures.stream().allMatch(CompletableFuture::isDone), Duration.ofSeconds(2));
      long incomplete = futures.stream().filter(f -> !f.isDone()).count();
      incompleteTotal += (int) incomplete;
      report.add("trial " + trial + ": " + futures.size() + " sends, " + incomplete + " incomplete");
    }
    assertEquals(0, incompleteTotal,
        "send futures still incomplete after closeFuture completed: " + report);
  }

  @Test
  void item4a_aSendRacingWithCloseStillCompletes() throws Exception {
    // Item 4a: a send() that passed its state check just before close() (held there by a slow codec) still gets a completed future.
    // Another socket of the application, on its own executor: it shares SteadySocket's loop thread
    // (which then outlives the closed socket) but not the dispatch pool.
    track(builder().callbackExecutor(Runnable::run).build());
    // Stands in for SteadySocket's shared dispatch pool, which is shut down when its last socket
    // closes (other test classes may still hold the real one; this one is ours alone).
    ExecutorService dispatch = Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "SteadySocket dispatch (test)");
      t.setDaemon(true);
      return t;
    });
    CountDownLatch encoding = new CountDownLatch(1);
    CountDownLatch proceed = new CountDownLatch(1);
    MessageCodec json = MessageCodec.jackson();
    MessageCodec slowCodec = new MessageCodec() {
      @Override
      public String encode(Envelope envelope) {
        if (envelope.type().equals("slow")) {
          encoding.countDown();
          try {
            proceed.await(5, TimeUnit.SECONDS); // the sending thread is descheduled here, in effect
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        }
        return json.encode(envelope);
      }

      @Override
      public Envelope decode(String text) {
        return json.decode(text);
      }
    };
    try {
      ServerPeer peer = new ServerPeer(true);
      server.enqueue(peer.upgrade());
      RecordingListener states = new RecordingListener();
      SteadySocket socket =
          track(builder().sharedDispatch(dispatch).codec(slowCodec).listener(states).build());
      socket.connect();
      states.awaitState(OPEN, Duration.ofSeconds(5));

      CompletableFuture<CompletableFuture<Void>> returned = new CompletableFuture<>();
      Thread sender = new Thread(() -> returned.complete(socket.send(Envelope.of("slow", 1))), "sender");
      sender.start();
      assertTrue(encoding.await(5, TimeUnit.SECONDS), "test setup: send() is encoding");
      socket.close();
      socket.closeFuture().get(10, TimeUnit.SECONDS);
      dispatch.shutdown(); // what the last socket's release does to the shared pool
      proceed.countDown();
      CompletableFuture<Void> future = returned.get(5, TimeUnit.SECONDS);
      boolean done = await(future::isDone, Duration.ofSeconds(3));
      assertTrue(done, "the future of a send() that raced with close() never completed (state "
          + socket.state() + ")");
    } finally {
      proceed.countDown();
      dispatch.shutdownNow();
    }
  }

  // ------------------------------------------------------------------ item 6: one slow socket stalls others

  @Test
  void item6_slowListenersOfOtherSocketsDoNotDelayDelivery() throws Exception {
    // Item 6: with the default executor, three sockets blocked in onMessage do not keep a fourth socket's echo from arriving within 1 s.
    // The old shared pool has max(2, min(4, cores)) threads: this fails on it with fewer than 4 cores.
    List<ServerPeer> peers = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      ServerPeer peer = new ServerPeer(true);
      peers.add(peer);
      server.enqueue(peer.upgrade());
    }
    AtomicInteger blockedInside = new AtomicInteger();
    List<SteadySocket> slow = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      RecordingListener states = new RecordingListener();
      SteadySocket s = track(builder()
          .listener(states)
          .listener(new SteadySocketListener() {
            @Override
            public void onMessage(Envelope envelope) {
              blockedInside.incrementAndGet();
              try {
                release.await(); // a slow listener: blocks until the test ends
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            }
          })
          .build());
      s.connect();
      states.awaitState(OPEN, Duration.ofSeconds(5));
      slow.add(s);
    }
    RecordingListener fastEvents = new RecordingListener();
    SteadySocket fast = track(builder().listener(fastEvents).build());
    fast.connect();
    fastEvents.awaitState(OPEN, Duration.ofSeconds(5));

    for (SteadySocket s : slow) s.send(Envelope.of("slow", 1)).get(5, TimeUnit.SECONDS);
    int echoedByServer = 0;
    for (int i = 0; i < 3; i++) {
      // Each slow socket's peer received and echoed its message (peers are per upgrade, in order).
      if (peers.get(i).messages.poll(5, TimeUnit.SECONDS) != null) echoedByServer++;
    }
    assertEquals(3, echoedByServer, "test setup: the server echoed the three slow sockets' messages");
    assertTrue(await(() -> blockedInside.get() >= 2, Duration.ofSeconds(5)),
        "test setup: the slow listeners are blocked in onMessage");

    long sentAt = System.nanoTime();
    fast.send(Envelope.of("fast", 1)).get(5, TimeUnit.SECONDS);
    RecordingListener.Event echo = fastEvents.poll(1_000);
    long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - sentAt);
    assertNotNull(echo,
        "the fourth socket's echo was not delivered within 1 s while " + blockedInside.get()
            + " other sockets' listeners were blocked (waited " + tookMillis + " ms)");
    assertEquals("Message(fast)", echo.toString(), "the next callback after OPEN");
  }

  // ------------------------------------------------------------------ item 7: user code on the loop thread

  @Test
  void item7_noCallbackOrPolicyDecisionRunsOnTheLoopThread() throws Exception {
    // Item 7: with callbackExecutor(Runnable::run), no listener callback and no ReconnectPolicy.decide runs on a "SteadySocket loop" thread.
    ServerPeer peer = new ServerPeer(false);
    server.enqueue(peer.upgrade());
    server.enqueue(peer.upgrade());
    List<String> policyThreads = new CopyOnWriteArrayList<>();
    RecordingListener threads = new RecordingListener(); // each callback with the thread it ran on
    SteadySocket socket = track(builder()
        .callbackExecutor(Runnable::run)
        .reconnectPolicy(d -> {
          policyThreads.add("decide on " + Thread.currentThread().getName());
          return ReconnectPolicy.defaults().decide(d);
        })
        .listener(threads)
        .build());
    socket.connect();
    threads.awaitState(OPEN);
    okhttp3.WebSocket first = peer.awaitOpen();
    first.send("{\"type\":\"hello\"}");
    threads.awaitMessage("hello"); // test setup: the message arrived
    first.close(1001, "going away"); // the policy decides on a reconnect
    threads.awaitState(OPEN);
    socket.close();
    socket.closeFuture().get(10, TimeUnit.SECONDS);

    assertTrue(!policyThreads.isEmpty(), "test setup: the policy was asked");
    List<String> onLoop = new ArrayList<>();
    for (RecordingListener.Event e : threads.recorded()) {
      if (e.thread.getName().startsWith("SteadySocket loop")) onLoop.add(e + " on " + e.thread.getName());
    }
    for (String s : policyThreads) if (s.contains(" on SteadySocket loop")) onLoop.add(s);
    assertTrue(onLoop.isEmpty(), "user code ran on the SDK's loop thread: " + onLoop);
  }

  // ------------------------------------------------------------------ item 10: hanging token provider

  @Test
  void item10_aHangingTokenProviderIsCalledAtMostOnceAtATimeAndReleasedAtClose() throws Exception {
    // Item 10: a hanging TokenProvider: one call in progress at most, each attempt fails within the connect timeout, no call left blocked after CLOSED.
    AtomicInteger inside = new AtomicInteger();
    AtomicInteger maxInside = new AtomicInteger();
    AtomicInteger calls = new AtomicInteger();
    List<Long> failuresAtMillis = new CopyOnWriteArrayList<>();
    long start = System.nanoTime();
    SteadySocket socket = track(builder()
        .connectTimeout(Duration.ofMillis(300))
        .backoff(Backoff.exponential(Duration.ofMillis(20), Duration.ofMillis(50)))
        .tokenProvider(refresh -> {
          calls.incrementAndGet();
          maxInside.accumulateAndGet(inside.incrementAndGet(), Math::max);
          try {
            release.await(); // hangs, interruptibly, until the test ends
            return "t";
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("token fetch interrupted");
          } finally {
            inside.decrementAndGet();
          }
        })
        .listener(new SteadySocketListener() {
          @Override
          public void onReconnecting(int attempt, Duration delay, SteadySocketException cause) {
            failuresAtMillis.add(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
          }
        })
        .build());
    socket.connect();
    boolean severalAttempts = await(() -> failuresAtMillis.size() >= 4, Duration.ofSeconds(4));
    int maxDuringAttempts = maxInside.get();
    socket.close();
    socket.closeFuture().get(5, TimeUnit.SECONDS);
    assertEquals(CLOSED, socket.state());
    boolean released = await(() -> inside.get() == 0, Duration.ofSeconds(2));

    assertAll(
        () -> assertTrue(severalAttempts,
            "a hanging provider call must fail each attempt within the connect timeout (300 ms);"
                + " failed attempts after 4 s: " + failuresAtMillis),
        () -> assertTrue(!failuresAtMillis.isEmpty() && failuresAtMillis.get(0) < 300 + 1_500,
            "the first attempt failed within the connect timeout: " + failuresAtMillis),
        () -> assertTrue(maxDuringAttempts <= 1,
            "token-provider calls in progress at once: " + maxDuringAttempts + " (calls so far " + calls.get() + ")"),
        () -> assertTrue(released,
            inside.get() + " thread(s) still blocked inside the token provider 2 s after CLOSED"));
  }
}
