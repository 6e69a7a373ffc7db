package dev.steadysocket;

import static dev.steadysocket.ConnectionState.CLOSED;
import static dev.steadysocket.ConnectionState.CONNECTING;
import static dev.steadysocket.ConnectionState.OPEN;
import static dev.steadysocket.ConnectionState.RECONNECTING;
import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.steadysocket.testkit.FakeScheduler;
import dev.steadysocket.testkit.FakeTransports;
import dev.steadysocket.testkit.RecordingListener;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Regression tests for issue 10 (items 1, 2, 3, 4b, 5, 7b, 8, 9), in virtual time: a {@link
 * FakeScheduler}, {@link FakeTransports} and callback executors the test controls. Each test states
 * the contract the socket must meet, not the symptom of the old defect. The real-thread items are in
 * {@link PromisesRealThreadRegressionTest}.
 *
 * <p>Unlike {@link VirtualTimeTest}, these tests do not account for every callback (the order and
 * number of incidental events may legitimately change); they collect events and assert the points
 * of the contract.
 */
class PromisesRegressionTest {
  private static final MessageCodec CODEC = MessageCodec.jackson();

  private final FakeScheduler clock = new FakeScheduler();
  private final FakeTransports transports = new FakeTransports();
  private final RecordingListener events = new RecordingListener();
  /** What escaped a loop task (the real scheduler would log it and carry on). */
  private final List<Throwable> escapedLoop = new ArrayList<>();

  /** Virtual time and fake transports; callbacks on the executor each test chooses. */
  private SteadySocketBuilder baseBuilder() {
    return SteadySocket.builder("wss://example.com/feed")
        .scheduler(clock)
        .transportFactory(transports)
        // Policies, token providers and the work a refusing executor leaves to the pool run inline,
        // when the test steps the loop (asked for explicitly: not implied by the scheduler).
        .sharedDispatch(Runnable::run)
        .backoff(Backoff.defaults().withRandom(new Random(42)))
        .heartbeat(Heartbeat.disabled())
        .listener(events);
  }

  /** Callbacks run at once on the thread that queues them (the test thread). */
  private SteadySocketBuilder builder() {
    return baseBuilder().callbackExecutor(Runnable::run);
  }

  /** Runs the due loop tasks; a task that throws is recorded and the rest still run. */
  private void runLoop() {
    while (true) {
      try {
        clock.runUntilIdle();
        return;
      } catch (Throwable t) {
        escapedLoop.add(t);
      }
    }
  }

  /** Advances virtual time; a loop task that throws is recorded and time still advances. */
  private void advance(Duration d) {
    try {
      clock.advanceBy(d);
    } catch (Throwable t) {
      escapedLoop.add(t);
      runLoop();
    }
  }

  private SteadySocket open(SteadySocket socket) {
    socket.connect();
    runLoop();
    transports.last().open();
    runLoop();
    assertEquals(OPEN, socket.state());
    return socket;
  }

  /**
   * Advances time in small steps until connection attempt number {@code attempt} has started, for
   * at most {@code limit}; returns the virtual time that took.
   */
  private Duration advanceUntilAttempt(int attempt, Duration limit) {
    Duration waited = Duration.ZERO;
    Duration step = Duration.ofMillis(10);
    runLoop();
    while (transports.count() < attempt && waited.compareTo(limit) < 0) {
      advance(step);
      waited = waited.plus(step);
    }
    assertEquals(attempt, transports.count(), "attempt " + attempt + " did not start within " + limit);
    return waited;
  }

  private static String frame(String type, String id) {
    return "{\"type\":\"" + type + "\",\"id\":\"" + id + "\"}";
  }

  private static List<String> sentIds(FakeTransports.Fake t) {
    List<String> ids = new ArrayList<>();
    for (String s : t.sentMessages()) ids.add(CODEC.decode(s).id());
    return ids;
  }

  private static String describe(List<Throwable> escaped) {
    return escaped.isEmpty() ? "none" : escaped.toString();
  }

  // ------------------------------------------------------------------ item 1: token refresh budget

  @Test
  void item1_policyViolationAfterOpenDoesNotRetryAtTheSameInstant() {
    // Item 1: after open → 1008, the refresh retry waits a delay > 0 (no zero-delay reconnect).
    SteadySocket socket = open(builder().tokenProvider(refresh -> "t").build());
    transports.last().serverClose(1008, "token expired");
    runLoop();
    assertEquals(1, transports.count(),
        "a new attempt started at the same virtual instant as the 1008 of a connection that lived 0 ms"
            + " (shorter than minimumUptime); state " + socket.state());
    Duration waited = advanceUntilAttempt(2, Duration.ofMinutes(1));
    assertTrue(waited.compareTo(Duration.ZERO) > 0, "retry after a delay > 0");
    assertTrue(transports.last().refreshToken, "the retry after a 1008 asks for a fresh token");
    assertEquals(CONNECTING, socket.state());
  }

  @Test
  void item1_tokenRefreshIsBudgetedPerOutageNotPerConnection() throws Exception {
    // Item 1: open → 1008 → refresh retry → open → 1008 → CLOSED with AuthenticationException; no 3rd attempt.
    SteadySocket socket = open(builder().tokenProvider(refresh -> "t").build());
    transports.last().serverClose(1008, "token expired");
    advanceUntilAttempt(2, Duration.ofMinutes(1));
    assertTrue(transports.last().refreshToken, "second attempt asks for a fresh token");
    transports.last().open();
    runLoop();
    transports.last().serverClose(1008, "token expired");
    runLoop();
    advance(Duration.ofMinutes(5));
    assertEquals(2, transports.count(),
        "the refreshed token was rejected again right after OPEN: no further attempt may start");
    assertEquals(CLOSED, socket.state());
    assertTrue(socket.closeFuture().isDone(), "closeFuture completes at CLOSED");
    assertInstanceOf(AuthenticationException.class, socket.closeFuture().get().error(),
        "CLOSED with an AuthenticationException");
  }

  @Test
  void item1_handshake401WithTokenProviderRefreshesAfterADelay() {
    // Item 1: a 401 handshake with a token provider retries with a fresh token, but after a delay > 0.
    SteadySocket socket = builder().tokenProvider(refresh -> "t").build();
    socket.connect();
    runLoop();
    assertFalse(transports.last().refreshToken);
    transports.last().reject(401, null);
    runLoop();
    assertEquals(1, transports.count(),
        "the refresh retry after a 401 started at the same virtual instant as the failure");
    Duration waited = advanceUntilAttempt(2, Duration.ofMinutes(1));
    assertTrue(waited.compareTo(Duration.ZERO) > 0, "retry after a delay > 0");
    assertTrue(transports.last().refreshToken, "the retry asks for a fresh token");
  }

  // ------------------------------------------------------------------ item 2: cancel before delivery

  @Test
  void item2_cancellingATypedHandlerBetweenConversionAndDeliveryBreaksNothing() {
    // Item 2: cancel a Subscription after its frame was converted but before delivery: no exception escapes, later events still arrive.
    ManualExecutor callbacks = new ManualExecutor();
    SteadySocket socket = builder().callbackExecutor(callbacks).build();
    List<Integer> typed = new CopyOnWriteArrayList<>();
    Subscription sub = socket.on("tick", Integer.class, typed::add);
    socket.connect();
    runLoop();
    transports.last().open();
    runLoop();
    callbacks.runAll();

    transports.last().receive("{\"type\":\"tick\",\"content\":1}");
    runLoop();
    sub.cancel(); // after the frame was read (and possibly converted), before its delivery ran
    callbacks.runAll();

    transports.last().receive("{\"type\":\"tick\",\"content\":2}");
    transports.last().receive("{\"type\":\"other\",\"content\":3}");
    runLoop();
    callbacks.runAll();
    transports.last().fail(new IOException("reset"));
    runLoop();
    callbacks.runAll();
    socket.close();
    runLoop();
    callbacks.runAll();

    List<String> types = events.recorded(RecordingListener.Message.class, m -> m.envelope.type());
    List<String> states = events.recorded(RecordingListener.State.class, t -> t.previous + "->" + t.current);
    assertAll(
        () -> assertEquals("none", describe(callbacks.escaped), "exceptions escaping a callback task"),
        () -> assertTrue(typed.size() <= 1 && !typed.contains(2),
            "the cancelled handler is called at most once, for the frame already in flight: " + typed),
        () -> assertEquals(List.of("tick", "tick", "other"), types, "every message still reaches onMessage"),
        () -> assertTrue(states.contains(OPEN + "->" + RECONNECTING), "later state changes are delivered: " + states),
        () -> assertEquals(1, events.recorded(RecordingListener.Closed.class).size(), "onClosed is delivered"),
        () -> assertTrue(socket.closeFuture().isDone(), "closeFuture completes"));
  }

  // ------------------------------------------------------------------ item 3: a listener throws an Error

  static Stream<Arguments> fatalErrors() {
    return Stream.of(
        Arguments.of("StackOverflowError", "callbackExecutor"),
        Arguments.of("OutOfMemoryError", "callbackExecutor"),
        Arguments.of("StackOverflowError", "sharedDispatch"),
        Arguments.of("OutOfMemoryError", "sharedDispatch"));
  }

  @ParameterizedTest(name = "{0} on {1}")
  @MethodSource("fatalErrors")
  void item3_anErrorThrownByOnMessageIsReportedAndTheSocketGoesOn(String kind, String executor) {
    // Item 3: an Error from onMessage goes to onError once (ListenerException, cause = it); later messages, send futures and closeFuture complete.
    Error thrown = kind.equals("StackOverflowError")
        ? new StackOverflowError("listener recursion")
        : new OutOfMemoryError("listener allocation");
    ManualExecutor callbacks = new ManualExecutor();
    SteadySocketBuilder b = executor.equals("sharedDispatch")
        ? baseBuilder().sharedDispatch(callbacks)
        : baseBuilder().callbackExecutor(callbacks);
    b.listener(new SteadySocketListener() {
      @Override
      public void onMessage(Envelope e) {
        if (e.type().equals("boom")) throw thrown;
      }
    });
    SteadySocket socket = b.build();
    socket.connect();
    runLoop();
    transports.last().open();
    runLoop();
    callbacks.runAll();

    transports.last().receive(frame("boom", "1"));
    runLoop();
    callbacks.runAll();
    transports.last().receive(frame("after", "2"));
    runLoop();
    callbacks.runAll();

    transports.last().fail(new IOException("reset"));
    runLoop();
    callbacks.runAll();
    CompletableFuture<Void> queued = socket.send(Envelope.of("queued", 1)); // RECONNECTING: outbox
    runLoop();
    callbacks.runAll();
    socket.close();
    runLoop();
    callbacks.runAll();

    long reports = events.errors().stream()
        .filter(e -> e instanceof ListenerException && e.getCause() == thrown)
        .count();
    List<String> types = events.recorded(RecordingListener.Message.class, m -> m.envelope.type());
    assertAll(
        () -> assertEquals(1, reports,
            "the Error is reported once to onError as a ListenerException whose cause is it; errors: "
                + events.errors() + "; escaped the callback executor: " + describe(callbacks.escaped)),
        () -> assertTrue(types.contains("after"), "messages after the Error are delivered: " + types),
        () -> assertTrue(queued.isDone(), "the queued send future completes"),
        () -> assertEquals(1, events.recorded(RecordingListener.Closed.class).size(), "onClosed is delivered"),
        () -> assertTrue(socket.closeFuture().isDone(), "closeFuture completes"));
  }

  // ------------------------------------------------------------------ item 4b: the executor rejects

  @Test
  void item4b_aRejectingCallbackExecutorLosesNothingSilently() {
    // Item 4b: while the callbackExecutor rejects, send futures still complete, closeFuture completes, and the rejection is reported to onError once it accepts again.
    FlakyExecutor callbacks = new FlakyExecutor();
    SteadySocket socket =
        builder()
            .callbackExecutor(callbacks)
            .backoff(Backoff.exponential(Duration.ofSeconds(1), Duration.ofSeconds(1)).withoutJitter())
            .build();
    open(socket);
    transports.last().fail(new IOException("reset"));
    runLoop();
    assertEquals(RECONNECTING, socket.state());
    CompletableFuture<Void> queued = socket.send(Envelope.of("queued", 1)); // waits in the outbox
    runLoop();

    callbacks.rejecting = true;
    advance(Duration.ofSeconds(1)); // reconnect attempt 1
    assertEquals(2, transports.count());
    transports.last().open(); // OPEN: the outbox is written, its future completes via the executor
    runLoop();
    assertEquals(1, transports.last().sentMessages().size(), "the queued message was written");
    transports.last().receive(frame("during", "1")); // delivered via the executor: rejected
    runLoop();
    assertTrue(callbacks.rejections > 0, "test setup: the executor rejected something");

    callbacks.rejecting = false;
    transports.last().receive(frame("after", "2"));
    runLoop();
    socket.close();
    runLoop();
    transports.last().serverClose(1000, "");
    runLoop();
    advance(Duration.ofSeconds(10)); // past the close timeout, whatever happens

    assertAll(
        () -> assertTrue(queued.isDone(), "a send future whose completion the executor rejected never completed"),
        () -> assertTrue(socket.closeFuture().isDone(), "closeFuture completes"),
        () -> assertTrue(
            events.errors().stream().anyMatch(e -> e instanceof ListenerException
                && e.getCause() instanceof RejectedExecutionException),
            "once the executor accepts again, the rejection is reported to onError as a ListenerException"
                + " caused by RejectedExecutionException; errors: " + events.errors()));
  }

  // ------------------------------------------------------------------ item 5: Retry-After ceiling

  static Stream<Arguments> retryAfters() {
    List<Arguments> args = new ArrayList<>();
    for (String header : List.of("86400", "99999999999", "Fri, 31 Dec 9999 23:59:59 GMT")) {
      args.add(Arguments.of(header, "defaults"));
      args.add(Arguments.of(header, "custom"));
    }
    return args.stream();
  }

  @ParameterizedTest(name = "Retry-After {0}, backoff {1}")
  @MethodSource("retryAfters")
  void item5_retryAfterIsCappedAtTheBackoffMax(String header, String backoffKind) {
    // Item 5: a 503's Retry-After is honoured only up to the backoff max; the next attempt starts after that max.
    Backoff backoff = backoffKind.equals("defaults")
        ? Backoff.defaults().withRandom(new Random(42))
        : Backoff.exponential(Duration.ofMillis(200), Duration.ofSeconds(3)).withRandom(new Random(42));
    Duration max = backoff.max();
    SteadySocket socket = builder().backoff(backoff).build();
    socket.connect();
    runLoop();
    transports.last().reject(503, header);
    runLoop();
    List<Duration> delays = events.recorded(RecordingListener.Reconnecting.class, r -> r.delay);
    assertEquals(1, delays.size(), "one reconnect scheduled; loop tasks that threw: " + describe(escapedLoop));
    assertTrue(delays.get(0).compareTo(max) <= 0,
        "onReconnecting delay " + delays.get(0) + " exceeds the backoff max " + max
            + "; loop tasks that threw: " + describe(escapedLoop));
    advance(max);
    assertEquals(2, transports.count(),
        "the next attempt starts within the backoff max " + max + "; state " + socket.state()
            + "; loop tasks that threw: " + describe(escapedLoop));
  }

  // ------------------------------------------------------------------ item 7b: the policy throws an Error

  @ParameterizedTest
  @ValueSource(strings = {"AssertionError", "StackOverflowError"})
  void item7_aReconnectPolicyThatThrowsAnErrorDoesNotStrandTheSocketInConnecting(String kind) {
    // Item 7: a ReconnectPolicy throwing an Error leaves the socket RECONNECTING or CLOSED (never CONNECTING) and is reported as a ListenerException.
    Error thrown = kind.equals("AssertionError") ? new AssertionError("policy bug") : new StackOverflowError("policy recursion");
    SteadySocket socket = builder().reconnectPolicy(d -> { throw thrown; }).build();
    socket.connect();
    runLoop();
    transports.last().fail(new IOException("connection refused"));
    runLoop();
    ConnectionState afterFailure = socket.state();
    advance(Duration.ofMinutes(1));
    assertAll(
        () -> assertTrue(afterFailure == RECONNECTING || afterFailure == CLOSED,
            "after the failed attempt the socket is " + afterFailure + ", expected RECONNECTING or CLOSED"),
        () -> assertTrue(transports.count() >= 2 || socket.state() == CLOSED,
            "the socket neither reconnected nor closed: state " + socket.state() + ", attempts "
                + transports.count()),
        () -> assertTrue(
            events.errors().stream().anyMatch(e -> e instanceof ListenerException && e.getCause() == thrown),
            "the policy's Error is reported to onError as a ListenerException; errors: " + events.errors()
                + "; escaped the loop: " + describe(escapedLoop)));
  }

  // ------------------------------------------------------------------ item 8: requests

  @ParameterizedTest
  @ValueSource(strings = {"pause", "replaceConnection"})
  void item8_aRequestOnADroppedConnectionFailsPromptly(String how) throws Exception {
    // Item 8: with RequestRetention.FAIL, pause()/replaceConnection() fail the requests written on the dropped connection at once, not at their timeout.
    SteadySocket socket = open(builder().build());
    CompletableFuture<Envelope> reply =
        socket.request(Envelope.builder("q").id("req-1").build(), Duration.ofSeconds(30));
    runLoop();
    FakeTransports.Fake first = transports.last();
    assertEquals(List.of("req-1"), sentIds(first), "the request was written");
    if (how.equals("pause")) socket.pause("background");
    else socket.replaceConnection();
    runLoop();
    if (first.closeCode != -1) first.serverClose(first.closeCode, ""); // the server completes the close
    runLoop();
    assertTrue(reply.isDone(),
        "the request written on the connection " + how + "() dropped is still waiting for its 30 s timeout");
    ExecutionException e = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class, reply::get);
    assertInstanceOf(SteadySocketException.class, e.getCause());
  }

  @Test
  void item8_aRequestThatTimedOutWhileQueuedIsNeverWritten() {
    // Item 8: a request that timed out (RequestTimeoutException) while the socket was not OPEN is not written on the next connection.
    SteadySocket socket =
        open(builder()
            .backoff(Backoff.exponential(Duration.ofSeconds(10), Duration.ofSeconds(10)).withoutJitter())
            .build());
    transports.last().fail(new IOException("reset"));
    runLoop();
    assertEquals(RECONNECTING, socket.state());
    CompletableFuture<Envelope> reply =
        socket.request(Envelope.builder("q").id("req-late").build(), Duration.ofSeconds(1));
    runLoop();
    advance(Duration.ofSeconds(2));
    assertTrue(reply.isDone(), "the request timed out");
    ExecutionException e = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class, reply::get);
    assertInstanceOf(RequestTimeoutException.class, e.getCause());

    advanceUntilAttempt(2, Duration.ofSeconds(30));
    transports.last().open();
    runLoop();
    assertEquals(OPEN, socket.state());
    assertFalse(sentIds(transports.last()).contains("req-late"),
        "a request that already failed with RequestTimeoutException was written on the next connection: "
            + transports.last().sentMessages());
  }

  // ------------------------------------------------------------------ item 9: duplicate ids in ack mode

  @Test
  void item9_sendingTheSameEnvelopeTwiceInAckModeLeavesNoFutureIncomplete() {
    // Item 9: two acknowledged sends with the same id: after close() and CLOSED, both futures are done.
    SteadySocket socket = open(builder().acknowledgedSends(true).build());
    Envelope same = Envelope.builder("m").id("dup-1").content(1).build();
    CompletableFuture<Void> first = socket.send(same);
    CompletableFuture<Void> second = socket.send(same);
    runLoop();
    socket.close();
    runLoop();
    transports.last().serverClose(1000, "");
    runLoop();
    advance(Duration.ofSeconds(10)); // past the close timeout, whatever happens
    assertEquals(CLOSED, socket.state());
    assertAll(
        () -> assertTrue(first.isDone(), "the first send of id dup-1 is still incomplete after CLOSED"),
        () -> assertTrue(second.isDone(), "the second send of id dup-1 is still incomplete after CLOSED"));
  }

  // ------------------------------------------------------------------ helpers

  /** Queues tasks until the test runs them; what a task throws is recorded, not propagated. */
  static final class ManualExecutor implements Executor {
    final ArrayDeque<Runnable> tasks = new ArrayDeque<>();
    final List<Throwable> escaped = new ArrayList<>();

    @Override
    public synchronized void execute(Runnable task) {
      tasks.add(task);
    }

    void runAll() {
      while (true) {
        Runnable r;
        synchronized (this) {
          r = tasks.poll();
        }
        if (r == null) return;
        try {
          r.run();
        } catch (Throwable t) {
          escaped.add(t);
        }
      }
    }
  }

  /** Runs tasks at once, or throws RejectedExecutionException while {@link #rejecting}. */
  static final class FlakyExecutor implements Executor {
    volatile boolean rejecting;
    volatile int rejections;

    @Override
    public void execute(Runnable task) {
      if (rejecting) {
        rejections++;
        throw new RejectedExecutionException("busy");
      }
      task.run();
    }
  }

}
