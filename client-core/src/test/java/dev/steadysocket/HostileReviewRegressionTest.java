package dev.steadysocket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.steadysocket.internal.Transport;
import dev.steadysocket.testkit.FakeScheduler;
import dev.steadysocket.testkit.FakeTransports;
import java.io.IOException;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * Defects a hostile review of the 1.0 core found (issue #16, part 1), each as the promise it broke,
 * in virtual time ({@link FakeScheduler}) with fake transports. Policies, token providers and the
 * fallback for refused callbacks run inline ({@code sharedDispatch(Runnable::run)}), asked for
 * explicitly.
 */
class HostileReviewRegressionTest {
  final FakeScheduler clock = new FakeScheduler();
  final FakeTransports transports = new FakeTransports();
  final List<Object> errors = new CopyOnWriteArrayList<>();
  final List<String> messages = new CopyOnWriteArrayList<>();

  SteadySocketBuilder builder(Transport.Factory factory) {
    return SteadySocket.builder("wss://example.com/feed")
        .scheduler(clock)
        .transportFactory(factory)
        .sharedDispatch(Runnable::run)
        .callbackExecutor(Runnable::run)
        .backoff(Backoff.defaults().withRandom(new Random(42)))
        .heartbeat(Heartbeat.disabled())
        .listener(new SteadySocketListener() {
          @Override public void onMessage(Envelope e) { messages.add(e.type() + ":" + e.content()); }
          @Override public void onError(SteadySocketException e) { errors.add(e); }
        });
  }

  SteadySocketBuilder builder() {
    return builder(transports);
  }

  // #16 part 1 item 2
  /**
   * Messages whose callbacks a refusing executor dropped give back their share of the inbound
   * backlog: the reader is not held afterwards, later messages are delivered, the drops are counted
   * and the refusal reaches onError once the executor accepts work again.
   */
  @Test
  void callbacksTheExecutorRefusedReleaseTheInboundBacklog() throws Exception {
    boolean[] refusing = {false};
    Queue<Runnable> callbacks = new ConcurrentLinkedQueue<>(); // an application pool, run by the test
    SteadySocket s = builder()
        .callbackExecutor(task -> {
          if (refusing[0]) throw new RejectedExecutionException("saturated");
          callbacks.add(task);
        })
        .build();
    s.connect();
    clock.runUntilIdle();
    FakeTransports.Fake t = transports.last();
    t.open();
    clock.runUntilIdle();
    runAll(callbacks);
    refusing[0] = true;
    for (int i = 0; i < 999; i++) t.receive("{\"type\":\"dropped\",\"content\":" + i + "}");
    refusing[0] = false;
    // The reader (a thread of the test's here) must not be held: the dropped deliveries left nothing waiting.
    Thread reader = new Thread(() -> {
      for (int i = 0; i < 5; i++) t.receive("{\"type\":\"later\",\"content\":" + i + "}");
    }, "reader");
    reader.start();
    reader.join(10_000);
    boolean held = reader.isAlive();
    if (held) { // release it: a retired connection lets its reader go
      s.close();
      clock.advanceBy(Duration.ofSeconds(10)); // past the close timeout
      reader.join(10_000);
    }
    runAll(callbacks);
    assertFalse(held, "the reader was held by a backlog of messages that will never be delivered");
    assertEquals(List.of("later:0", "later:1", "later:2", "later:3", "later:4"), messages);
    assertEquals(999, s.metrics().callbacksRejected(), "dropped deliveries are counted");
    assertEquals(5, s.metrics().messagesReceived());
    assertTrue(errors.stream().anyMatch(e -> e instanceof ListenerException
        && e.toString().contains("refused")), "the refusal reached onError: " + errors);
  }

  private static void runAll(Queue<Runnable> tasks) {
    for (Runnable r = tasks.poll(); r != null; r = tasks.poll()) r.run();
  }

  // #16 part 1 item 3
  /**
   * Requests kept across a drop ({@code RequestRetention.RESEND}) go through the send lane: they wait
   * while OkHttp's buffer is above the high water, and they leave in the order they were made.
   */
  @Test
  void keptRequestsAreResentThroughTheLaneInTheOrderTheyWereMade() {
    SteadySocket s = builder().requestRetention(RequestRetention.RESEND).build();
    s.connect();
    clock.runUntilIdle();
    transports.last().open();
    clock.runUntilIdle();
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 48; i++) {
      String id = "req-" + (char) ('a' + i % 26) + i; // ids whose hash order is not their order
      ids.add(id);
      s.request(Envelope.builder("q").id(id).build(), Duration.ofHours(1));
    }
    transports.last().fail(new IOException("reset"));
    clock.advanceBy(Duration.ofSeconds(31));
    FakeTransports.Fake next = transports.last();
    next.queueSize = 5L << 20; // OkHttp's buffer is above the high water when the connection opens
    next.open();
    clock.runUntilIdle();
    assertEquals(List.of(), requestIds(next.sent), "nothing written past the high water");
    next.queueSize = 0;
    clock.advanceBy(Duration.ofMillis(20));
    assertEquals(ids, requestIds(next.sent), "re-sent in the order they were made");
  }

  // #16 part 1 item 4
  /**
   * Acknowledgement mode: when a replay was cut short by back-pressure and the connection dropped,
   * the next connection replays every unacknowledged message in the original send order.
   */
  @Test
  void aPartialReplayIsReplayedInSendOrder() {
    // OkHttp's buffer grows with every message written (a slow link) and drains only when told;
    // the first connection writes at once.
    transports.onConnect = f -> f.slowLink = transports.count() > 1;
    SteadySocket s = builder()
        .acknowledgedSends(true)
        .outbox(OutboxPolicy.bounded(100, 16 << 20, OutboxPolicy.Overflow.REJECT_NEW))
        .build();
    s.connect();
    clock.runUntilIdle();
    FakeTransports.Fake c1 = transports.last();
    c1.open();
    clock.runUntilIdle();
    char[] big = new char[1_500_000];
    java.util.Arrays.fill(big, 'x');
    for (int i = 1; i <= 6; i++) s.send(Envelope.builder("m").id("M" + i).content(new String(big)).build());
    assertEquals(List.of("M1", "M2", "M3", "M4", "M5", "M6"), ids(c1), "all written, none acknowledged");
    c1.fail(new IOException("reset"));
    clock.advanceBy(Duration.ofSeconds(31));
    FakeTransports.Fake c2 = transports.last();
    c2.open(); // the buffer grows with each message: the replay stops at the high water
    clock.runUntilIdle();
    assertTrue(ids(c2).size() < 6, "a partial replay: " + ids(c2));
    c2.fail(new IOException("reset"));
    clock.advanceBy(Duration.ofSeconds(31));
    FakeTransports.Fake c3 = transports.last();
    c3.open();
    clock.runUntilIdle();
    c3.queueSize = 0;
    clock.advanceBy(Duration.ofMillis(100)); // the drain timer writes the rest
    c3.queueSize = 0;
    clock.advanceBy(Duration.ofMillis(100));
    assertEquals(List.of("M1", "M2", "M3", "M4", "M5", "M6"), ids(c3), "replayed in send order");
  }

  // #16 part 1 item 5
  /** close() called from onStateChanged(→OPEN) writes what was queued instead of failing it. */
  @Test
  void closeAtOpenWritesQueuedMessages() {
    SteadySocket[] socket = new SteadySocket[1];
    socket[0] = builder()
        .listener(new SteadySocketListener() {
          @Override
          public void onStateChanged(ConnectionState previous, ConnectionState current) {
            if (current == ConnectionState.OPEN) socket[0].close();
          }
        })
        .build();
    SteadySocket s = socket[0];
    List<CompletableFuture<Void>> sends = new ArrayList<>();
    for (int i = 0; i < 3; i++) sends.add(s.send(Envelope.of("queued", i)));
    s.connect();
    clock.runUntilIdle();
    FakeTransports.Fake t = transports.last();
    t.open();
    clock.runUntilIdle();
    assertEquals(3, t.sentMessages().size(), "queued messages written before the close frame: " + t.sent);
    assertEquals(1000, t.closeCode, "the close frame followed");
    for (CompletableFuture<Void> f : sends) {
      assertTrue(f.isDone() && !f.isCompletedExceptionally(), "a written message's future succeeds: " + f);
    }
  }

  // #16 part 1 item 8
  /** A listener whose toString() throws hides nothing from the listeners after it. */
  @Test
  void aListenerWhoseToStringThrowsHidesNothingFromTheOthers() {
    List<String> seen = new CopyOnWriteArrayList<>();
    List<SteadySocketException> seenErrors = new CopyOnWriteArrayList<>();
    SteadySocket s = SteadySocket.builder("wss://example.com/feed")
        .scheduler(clock)
        .transportFactory(transports)
        .sharedDispatch(Runnable::run)
        .callbackExecutor(Runnable::run)
        .heartbeat(Heartbeat.disabled())
        .listener(new SteadySocketListener() {
          @Override public void onMessage(Envelope e) { throw new IllegalStateException("listener bug"); }
          @Override public String toString() { throw new IllegalStateException("toString bug"); }
        })
        .listener(new SteadySocketListener() {
          @Override public void onMessage(Envelope e) { seen.add(e.type()); }
          @Override public void onError(SteadySocketException e) { seenErrors.add(e); }
        })
        .build();
    s.connect();
    clock.runUntilIdle();
    transports.last().open();
    clock.runUntilIdle();
    for (int i = 0; i < 3; i++) transports.last().receive("{\"type\":\"m" + i + "\"}");
    assertEquals(List.of("m0", "m1", "m2"), seen);
    assertEquals(3, seenErrors.size(), "each throw reported once: " + seenErrors);
    for (SteadySocketException e : seenErrors) assertInstanceOf(ListenerException.class, e);
  }

  // #16 part 1 item 12
  /** A heartbeat interval too long to count in nanoseconds means "practically never", not a crash. */
  @Test
  void aForeverHeartbeatDoesNotCrashTheSocket() {
    SteadySocket s = builder()
        .heartbeat(Heartbeat.every(ChronoUnit.FOREVER.getDuration()))
        .build();
    s.connect();
    clock.runUntilIdle();
    transports.last().open();
    clock.runUntilIdle();
    clock.advanceBy(Duration.ofDays(365));
    assertEquals(ConnectionState.OPEN, s.state(), "errors: " + errors);
    assertEquals(List.of(), errors);
  }

  // #16 part 1 item 12
  /** Timeouts the setters accept never make build() throw: OkHttp gets what it can take. */
  @Test
  void longTimeoutsTheSettersAcceptBuild() throws Exception {
    SteadySocket s = SteadySocket.builder("wss://example.com/feed")
        .connectTimeout(Duration.ofDays(30))
        .closeTimeout(Duration.ofDays(30))
        .build();
    s.close();
    s.closeFuture().get(10, java.util.concurrent.TimeUnit.SECONDS); // gives the shared loop and client back
  }

  // #16 part 1 item 12
  /** A typed handler's type, class or consumer may not be null: refused where it is registered. */
  @Test
  @SuppressWarnings({"unchecked", "rawtypes"})
  void nullTypedHandlerArgumentsAreRefusedAtOnce() {
    Consumer<Object> h = x -> {};
    SteadySocket s = builder().build();
    assertThrows(NullPointerException.class, () -> s.on("t", (Class) null, h));
    assertThrows(NullPointerException.class, () -> s.on("t", (com.fasterxml.jackson.core.type.TypeReference) null, h));
    assertThrows(NullPointerException.class, () -> s.on(null, JsonNode.class, x -> {}));
    assertThrows(NullPointerException.class, () -> s.on("t", JsonNode.class, null));
    assertThrows(NullPointerException.class, () -> builder().on("t", (Class) null, h));
    assertThrows(NullPointerException.class, () -> builder().on(null, JsonNode.class, x -> {}));
    assertThrows(NullPointerException.class, () -> builder().on("t", JsonNode.class, null));
    s.close();
  }

  // ------------------------------------------------------------------ helpers

  private static List<String> requestIds(List<String> sent) {
    return idsOfType("q", sent);
  }

  /** The ids of the "m" messages a connection wrote, in order. */
  private static List<String> ids(FakeTransports.Fake c) {
    return idsOfType("m", c.sent);
  }

  private static List<String> idsOfType(String type, List<String> sent) {
    List<String> out = new ArrayList<>();
    for (String text : sent) {
      JsonNode n = StateMachineModel.parse(text);
      if (type.equals(n.path("type").asText())) out.add(n.path("id").asText());
    }
    return out;
  }

  // Reviewer's finding on #16 item 11 (RepeatedTlsAlert: "a connection that opened starts the count
  // again"): a connection that opened and was then replaced (or paused) ended through abandon(),
  // which the alert count never saw, so two alerts before it and one after ended the socket.
  /** A connection that opened between fatal TLS alerts starts their count again, however it ended. */
  @Test
  void aConnectionThatOpenedBetweenTlsAlertsStartsTheCountAgain() {
    List<CloseReason> closed = new CopyOnWriteArrayList<>();
    SteadySocket s = builder().build();
    s.closeFuture().thenAccept(closed::add);
    s.connect();
    clock.runUntilIdle();
    for (int i = 0; i < 2; i++) {
      transports.last().fail(new javax.net.ssl.SSLException("Received fatal alert: internal_error"));
      nextAttempt();
    }
    transports.last().open();
    clock.runUntilIdle();
    s.replaceConnection();
    clock.runUntilIdle();
    transports.last().fail(new javax.net.ssl.SSLException("Received fatal alert: internal_error"));
    clock.runUntilIdle();
    assertEquals(List.of(), closed, "errors: " + errors);
    assertEquals(3, errors.size(), "the three alerts, nothing else: " + errors);
    assertEquals(ConnectionState.RECONNECTING, s.state());
    s.close();
    clock.runUntilIdle();
  }

  /** Advances virtual time until the next attempt's transport exists (short of its handshake timeout). */
  private void nextAttempt() {
    int before = transports.count();
    for (int ms = 0; transports.count() == before; ms += 10) {
      assertTrue(ms < 10_000, "no retry within 10 s");
      clock.advanceBy(Duration.ofMillis(10));
    }
    clock.runUntilIdle();
  }
}
