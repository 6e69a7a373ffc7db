package dev.steadysocket;

import static dev.steadysocket.ConnectionState.CLOSED;
import static dev.steadysocket.ConnectionState.CLOSING;
import static dev.steadysocket.ConnectionState.CONNECTING;
import static dev.steadysocket.ConnectionState.IDLE;
import static dev.steadysocket.ConnectionState.OPEN;
import static dev.steadysocket.ConnectionState.PAUSED;
import static dev.steadysocket.ConnectionState.RECONNECTING;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import net.jqwik.api.AfterFailureMode;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * The socket's promises, checked over generated histories. jqwik draws a configuration (callback
 * executor, delivery guarantees, token provider, reconnect policy, listener faults...) and a
 * sequence of API calls, transport events, time advances and executor steps; each history runs on a
 * fresh socket in virtual time ({@link FakeScheduler}, {@link FakeTransports}), and after every step
 * the {@link Observer} and {@link #checkAfterStep} verify:
 *
 * <ul>
 *   <li>only legal transitions, reported in order; exactly one onClosed and nothing after it;
 *   <li>every future returned (send, request) is complete when onClosed runs, and at the end;
 *   <li>messages of a connection arrive after its OPEN and before the transition reporting its loss;
 *   <li>messages leave in send order, and a send future succeeds exactly when its message was written;
 *   <li>no retry waits less than the backoff's minimum after a connection that failed or lived
 *       shorter than the minimum uptime;
 *   <li>heartbeat echoes never reach the application; state() agrees with the reported state;
 *   <li>after close, nothing is left in the scheduler, and closeFuture is complete.
 * </ul>
 *
 * <p>A failure prints jqwik's seed and the shrunk history (each op prints as its name). To replay
 * it, put the printed seed into {@link #replayFixedSeed}; jqwik also re-runs the last failing seed
 * first on the next run.
 */
class StateMachineModelTest {
  static final ObjectMapper JSON = new ObjectMapper();

  @Property(tries = 2000, afterFailure = AfterFailureMode.SAMPLE_FIRST)
  void invariantsHoldOverRandomHistories(@ForAll("histories") History history) {
    history.run();
  }

  /** Replays one seed deterministically: paste the seed of a failure here to debug it. */
  @Property(tries = 50, seed = "20261130")
  void replayFixedSeed(@ForAll("histories") History history) {
    history.run();
  }

  /** Issue #10, item 1 as a history: 1008 after every open ends in CLOSED, not a loop. */
  @Example
  void policyViolationAfterEveryOpenEndsTheSocket() {
    Setup s = Setup.basic().withToken(TokenMode.OK);
    new History(s, List.of(new Connect(), new Open(), new ServerClose(1008), new Advance(1000), new Open(),
        new ServerClose(1008), new Advance(60_000))).run();
  }

  /** Close racing a policy decision that is still being made on the dispatch pool. */
  @Example
  void closeWhileTheApplicationPolicyDecides() {
    Setup s = Setup.basic().withMode(Mode.SHARED_POOL).withPolicy(PolicyMode.RETRY_AFTER_ZERO);
    new History(s, List.of(new Connect(), new RunCallbacks(99), new RunDispatch(99), new Open(), new Send(),
        new Fail(), new Close(), new RunDispatch(99), new Send(), new RunCallbacks(99))).run();
  }

  // ------------------------------------------------------------------ generation

  @Provide
  Arbitrary<History> histories() {
    Arbitrary<Setup> first = Combinators.combine(
            Arbitraries.of(Mode.class),
            Arbitraries.of(false, true),
            Arbitraries.of(RequestRetention.class),
            Arbitraries.of(TokenMode.class),
            Arbitraries.of(PolicyMode.class))
        .as((mode, ack, retention, token, policy) -> new Setup(mode, ack, retention, token, policy,
            OutboxPolicy.Overflow.REJECT_NEW, false, -1, 0, ListenerFault.NONE));
    Arbitrary<Setup> setups = Combinators.combine(
            first,
            Arbitraries.of(OutboxPolicy.Overflow.class),
            Arbitraries.of(false, true),
            Arbitraries.of(-1, 2),
            Arbitraries.of(0L, 5_000L),
            Arbitraries.of(ListenerFault.class))
        .as((f, overflow, heartbeat, attempts, uptime, fault) -> new Setup(f.mode(), f.ack(), f.retention(),
            f.token(), f.policy(), overflow, heartbeat, attempts, uptime, fault));
    Arbitrary<Op> op = Arbitraries.frequencyOf(
        net.jqwik.api.Tuple.of(3, Arbitraries.just(new Connect())),
        net.jqwik.api.Tuple.of(8, Arbitraries.just(new Send())),
        net.jqwik.api.Tuple.of(2, Arbitraries.integers().between(1, 40).map(Request::new)),
        net.jqwik.api.Tuple.of(2, Arbitraries.of('a', 'b').map(Pause::new)),
        net.jqwik.api.Tuple.of(2, Arbitraries.of('a', 'b').map(Resume::new)),
        net.jqwik.api.Tuple.of(1, Arbitraries.just(new Replace())),
        net.jqwik.api.Tuple.of(1, Arbitraries.just(new ReconnectNow())),
        net.jqwik.api.Tuple.of(1, Arbitraries.just(new Close())),
        net.jqwik.api.Tuple.of(1, Arbitraries.just(new Subscribe())),
        net.jqwik.api.Tuple.of(1, Arbitraries.just(new Unsubscribe())),
        net.jqwik.api.Tuple.of(8, Arbitraries.just(new Open())),
        net.jqwik.api.Tuple.of(6, Arbitraries.just(new Message())),
        net.jqwik.api.Tuple.of(3, Arbitraries.just(new Ack())),
        net.jqwik.api.Tuple.of(2, Arbitraries.just(new Reply())),
        net.jqwik.api.Tuple.of(1, Arbitraries.just(new HeartbeatEcho())),
        net.jqwik.api.Tuple.of(1, Arbitraries.just(new Garbage())),
        net.jqwik.api.Tuple.of(1, Arbitraries.just(new Binary())),
        net.jqwik.api.Tuple.of(4, Arbitraries.just(new Fail())),
        net.jqwik.api.Tuple.of(3, Arbitraries.of(1000, 1001, 1002, 1008, 1009, 1011, 4000).map(ServerClose::new)),
        net.jqwik.api.Tuple.of(3, Combinators.combine(
                Arbitraries.of(401, 403, 404, 429, 500, 503),
                Arbitraries.of("", "0", "7", "86400", "99999999999", "soon", "Fri, 31 Dec 9999 23:59:59 GMT"))
            .as(Reject::new)),
        net.jqwik.api.Tuple.of(6, Arbitraries.of(0L, 1L, 99L, 100L, 1_000L, 5_000L, 15_000L, 40_000L).map(Advance::new)),
        net.jqwik.api.Tuple.of(4, Arbitraries.integers().between(1, 8).map(RunCallbacks::new)),
        net.jqwik.api.Tuple.of(3, Arbitraries.integers().between(1, 8).map(RunDispatch::new)),
        net.jqwik.api.Tuple.of(1, Arbitraries.just(new ToggleRefusal())),
        net.jqwik.api.Tuple.of(1, Arbitraries.just(new BreakCancel())));
    return Combinators.combine(setups, op.list().ofMinSize(1).ofMaxSize(60)).as(History::new);
  }

  // ------------------------------------------------------------------ configuration and ops

  enum Mode {
    /** callbackExecutor(Runnable::run): callbacks at once, on the test thread. */
    INLINE,
    /** callbackExecutor(queue): callbacks wait until a RunCallbacks op. */
    MANUAL,
    /** sharedDispatch(queue): the stand-in for SteadySocket's pool runs callbacks, policies and tokens. */
    SHARED_POOL,
    /** An inline executor that refuses work while toggled (a saturated bounded pool). */
    FLAKY
  }

  enum TokenMode { NONE, OK, IO_ERROR, RUNTIME_ERROR, FORBIDDEN_CHAR }

  enum PolicyMode { DEFAULTS, RETRY_AFTER_ZERO, THROWS_ERROR, RETURNS_NULL }

  enum ListenerFault { NONE, RUNTIME, ERROR }

  record Setup(Mode mode, boolean ack, RequestRetention retention, TokenMode token, PolicyMode policy,
      OutboxPolicy.Overflow overflow, boolean heartbeat, int maxAttempts, long minUptimeMillis,
      ListenerFault fault) {
    static Setup basic() {
      return new Setup(Mode.INLINE, false, RequestRetention.FAIL, TokenMode.NONE, PolicyMode.DEFAULTS,
          OutboxPolicy.Overflow.REJECT_NEW, false, -1, 5_000, ListenerFault.NONE);
    }

    Setup withToken(TokenMode t) {
      return new Setup(mode, ack, retention, t, policy, overflow, heartbeat, maxAttempts, minUptimeMillis, fault);
    }

    Setup withMode(Mode m) {
      return new Setup(m, ack, retention, token, policy, overflow, heartbeat, maxAttempts, minUptimeMillis, fault);
    }

    Setup withPolicy(PolicyMode p) {
      return new Setup(mode, ack, retention, token, p, overflow, heartbeat, maxAttempts, minUptimeMillis, fault);
    }
  }

  sealed interface Op permits Connect, Send, Request, Pause, Resume, Replace, ReconnectNow, Close,
      Subscribe, Unsubscribe, Open, Message, Ack, Reply, HeartbeatEcho, Garbage, Binary, Fail,
      ServerClose, Reject, Advance, RunCallbacks, RunDispatch, ToggleRefusal, BreakCancel {}

  record Connect() implements Op {}
  record Send() implements Op {}
  record Request(int timeoutSeconds) implements Op {}
  record Pause(char reason) implements Op {}
  record Resume(char reason) implements Op {}
  record Replace() implements Op {}
  record ReconnectNow() implements Op {}
  record Close() implements Op {}
  record Subscribe() implements Op {}
  record Unsubscribe() implements Op {}
  record Open() implements Op {}
  record Message() implements Op {}
  record Ack() implements Op {}
  record Reply() implements Op {}
  record HeartbeatEcho() implements Op {}
  record Garbage() implements Op {}
  record Binary() implements Op {}
  record Fail() implements Op {}
  record ServerClose(int code) implements Op {}
  record Reject(int status, String retryAfter) implements Op {}
  record Advance(long millis) implements Op {}
  record RunCallbacks(int tasks) implements Op {}
  record RunDispatch(int tasks) implements Op {}
  record ToggleRefusal() implements Op {}
  record BreakCancel() implements Op {}

  // ------------------------------------------------------------------ running a history

  /** One generated history: runs it on a fresh socket and fails with the step that broke a promise. */
  static final class History {
    final Setup setup;
    final List<Op> ops;

    History(Setup setup, List<Op> ops) {
      this.setup = setup;
      this.ops = ops;
    }

    void run() {
      new Run(setup).play(ops);
    }

    @Override
    public String toString() {
      return setup + " " + ops;
    }
  }

  /** The mutable world of one history: the socket, its fakes, and the model of what must hold. */
  static final class Run {
    final Setup setup;
    final FakeScheduler clock = new FakeScheduler();
    final FakeTransports transports = new FakeTransports();
    final Queue callbacks = new Queue();
    final Queue pool = new Queue();
    final Observer observer;
    final Backoff backoff = Backoff.defaults().withRandom(new Random(7));
    final SteadySocket socket;
    final List<CompletableFuture<?>> futures = new ArrayList<>();
    /** Send futures by sequence number. */
    final List<CompletableFuture<Void>> sends = new ArrayList<>();
    final List<String> requestIds = new ArrayList<>();
    /** Index into transports.created of each connection the socket published as OPEN, in order. */
    final List<Integer> opened = new ArrayList<>();
    /** Virtual time each created transport was opened, or -1. */
    final List<Long> openedAt = new ArrayList<>();
    final Set<String> acked = new HashSet<>();
    Subscription subscription;
    boolean refusing;
    boolean everRefused;

    Run(Setup setup) {
      this.setup = setup;
      this.observer = new Observer(this);
      SteadySocketBuilder b = SteadySocket.builder("wss://example.com/a")
          .failoverUrls("wss://example.com/b")
          .scheduler(clock)
          .transportFactory(transports)
          .backoff(backoff)
          .heartbeat(setup.heartbeat()
              ? Heartbeat.every(Duration.ofSeconds(10)).withTimeout(Duration.ofSeconds(5))
              : Heartbeat.disabled())
          .minimumUptime(Duration.ofMillis(setup.minUptimeMillis()))
          .outbox(OutboxPolicy.bounded(3, 1 << 20, setup.overflow()))
          .acknowledgedSends(setup.ack())
          .requestRetention(setup.retention())
          .listener(observer);
      if (setup.maxAttempts() >= 0) b.maxReconnectAttempts(setup.maxAttempts());
      b.sharedDispatch(pool); // policies and token providers decide when a RunDispatch op says
      switch (setup.mode()) {
        case INLINE -> b.callbackExecutor(Runnable::run);
        case MANUAL -> b.callbackExecutor(callbacks);
        case SHARED_POOL -> {} // callbacks on the pool too
        case FLAKY -> b.callbackExecutor(task -> {
          if (refusing) {
            everRefused = true;
            throw new RejectedExecutionException("model: refusing");
          }
          task.run();
        });
      }
      switch (setup.token()) {
        case NONE -> {}
        case OK -> b.tokenProvider(refresh -> refresh ? "fresh" : "tok");
        case IO_ERROR -> b.tokenProvider(refresh -> { throw new IOException("model: token service down"); });
        case RUNTIME_ERROR -> b.tokenProvider(refresh -> { throw new IllegalStateException("model: bug"); });
        case FORBIDDEN_CHAR -> b.tokenProvider(refresh -> "bad\ntoken");
      }
      switch (setup.policy()) {
        case DEFAULTS -> {}
        case RETRY_AFTER_ZERO -> b.reconnectPolicy(d -> ReconnectPolicy.Decision.retryAfter(Duration.ZERO));
        case THROWS_ERROR -> b.reconnectPolicy(d -> { throw new StackOverflowError("model"); });
        case RETURNS_NULL -> b.reconnectPolicy(d -> null);
      }
      this.socket = b.build();
    }

    void play(List<Op> ops) {
      for (int i = 0; i < ops.size(); i++) {
        Op op = ops.get(i);
        apply(op);
        checkAfterStep("step " + i + " " + op);
      }
      tearDown();
    }

    void apply(Op op) {
      FakeTransports.Fake last = transports.count() == 0 ? null : transports.last();
      if (op instanceof Connect c) {
        socket.connect();
      } else if (op instanceof Send s) {
        int seq = sends.size();
        CompletableFuture<Void> f = socket.send(Envelope.builder("app").content(Map.of("seq", seq)).build());
        sends.add(f);
        futures.add(f);
      } else if (op instanceof Request r) {
        String id = "req-" + requestIds.size();
        requestIds.add(id);
        futures.add(socket.request(Envelope.builder("req").id(id).build(), Duration.ofSeconds(r.timeoutSeconds())));
      } else if (op instanceof Pause p) {
        socket.pause(String.valueOf(p.reason()));
      } else if (op instanceof Resume r) {
        socket.resume(String.valueOf(r.reason()));
      } else if (op instanceof Replace r) {
        socket.replaceConnection();
      } else if (op instanceof ReconnectNow r) {
        socket.reconnectNow();
      } else if (op instanceof Close c) {
        socket.close();
      } else if (op instanceof Subscribe s) {
        subscription = socket.on("msg", JsonNode.class, observer::typed);
      } else if (op instanceof Unsubscribe u) {
        if (subscription != null) subscription.cancel();
      } else if (op instanceof Open o) {
        while (openedAt.size() < transports.count()) openedAt.add(-1L);
        if (last != null) {
          // Registered before the open: an inline OPEN callback runs during it and looks it up.
          int index = transports.count() - 1;
          boolean candidate = socket.state() == CONNECTING;
          if (candidate) opened.add(index);
          last.open();
          clock.runUntilIdle();
          if (candidate && socket.state() == OPEN) openedAt.set(index, clock.nanoTime());
          else if (candidate) opened.remove(opened.size() - 1); // a stale attempt: ignored
        }
      } else if (op instanceof Message m) {
        if (last != null) last.receive("{\"type\":\"msg\",\"content\":{\"fake\":" + (transports.count() - 1) + "}}");
      } else if (op instanceof Ack a) {
        if (last != null) {
          for (String text : last.sent) {
            JsonNode n = parse(text);
            String id = n.path("id").asText(null);
            if (n.path("meta").path("ack").asBoolean(false) && id != null && acked.add(id)) {
              last.receive("{\"type\":\"ack\",\"meta\":{\"replyTo\":\"" + id + "\"}}");
              break;
            }
          }
        }
      } else if (op instanceof Reply r) {
        if (last != null && !requestIds.isEmpty()) {
          String id = requestIds.get(requestIds.size() - 1);
          last.receive("{\"type\":\"reply\",\"meta\":{\"replyTo\":\"" + id + "\"}}");
        }
      } else if (op instanceof HeartbeatEcho h) {
        if (last != null) last.receive("{\"type\":\"heartbeat\",\"id\":\"x\"}");
      } else if (op instanceof Garbage g) {
        if (last != null) last.receive("{not json");
      } else if (op instanceof Binary b) {
        if (last != null) last.receiveBinary(new byte[] {1, 2, 3});
      } else if (op instanceof Fail f) {
        if (last != null) last.fail(new IOException("model: reset"));
      } else if (op instanceof ServerClose c) {
        if (last != null) last.serverClose(c.code(), "model");
      } else if (op instanceof Reject r) {
        if (last != null) last.reject(r.status(), r.retryAfter().isEmpty() ? null : r.retryAfter());
      } else if (op instanceof Advance a) {
        clock.advanceBy(Duration.ofMillis(a.millis()));
      } else if (op instanceof RunCallbacks r) {
        callbacks.run(r.tasks());
      } else if (op instanceof RunDispatch r) {
        pool.run(r.tasks());
      } else if (op instanceof ToggleRefusal t) {
        refusing = !refusing;
      } else if (op instanceof BreakCancel b) {
        if (last != null) last.throwOnCancel = true;
      }
      clock.runUntilIdle();
      while (openedAt.size() < transports.count()) openedAt.add(-1L);
    }

    /** Invariants that hold after every step, whatever the executor did. */
    void checkAfterStep(String step) {
      observer.failIfViolated(step);
      if (setup.mode() == Mode.INLINE && !observer.closed) {
        ConnectionState reported = observer.state;
        if (reported != socket.state()) {
          throw new AssertionError(step + ": state() is " + socket.state() + " but listeners were told " + reported);
        }
      }
      checkWrittenOrder(step);
    }

    /** Messages leave in send order; in non-ack mode a send succeeds exactly when it was written. */
    void checkWrittenOrder(String step) {
      Set<Integer> everWritten = new HashSet<>();
      int lastFirst = -1;
      for (FakeTransports.Fake f : transports.created) {
        int lastOnThis = -1;
        for (String text : f.sent) {
          JsonNode n = parse(text);
          if (!"app".equals(n.path("type").asText())) continue;
          int seq = n.path("content").path("seq").asInt();
          if (seq <= lastOnThis) throw new AssertionError(step + ": message " + seq + " written after " + lastOnThis);
          lastOnThis = seq;
          if (everWritten.add(seq)) {
            if (seq < lastFirst) throw new AssertionError(step + ": message " + seq + " first written after " + lastFirst);
            lastFirst = seq;
          } else if (!setup.ack()) {
            throw new AssertionError(step + ": message " + seq + " written twice without acknowledgement mode");
          }
        }
      }
      for (int seq = 0; seq < sends.size(); seq++) {
        CompletableFuture<Void> f = sends.get(seq);
        boolean ok = f.isDone() && !f.isCompletedExceptionally();
        if (ok && !everWritten.contains(seq)) throw new AssertionError(step + ": send " + seq + " succeeded but was never written");
        if (!setup.ack() && everWritten.contains(seq) && f.isDone() && !ok) {
          throw new AssertionError(step + ": send " + seq + " was written but its future failed");
        }
      }
    }

    void tearDown() {
      socket.close();
      for (int i = 0; i < 30 && !(socket.closeFuture().isDone() && quiet()); i++) {
        refusing = false;
        clock.runUntilIdle();
        callbacks.run(Integer.MAX_VALUE);
        pool.run(Integer.MAX_VALUE);
        clock.advanceBy(Duration.ofSeconds(10));
      }
      String step = "after close";
      observer.failIfViolated(step);
      if (!socket.closeFuture().isDone()) throw new AssertionError(step + ": closeFuture never completed");
      if (socket.state() != CLOSED) throw new AssertionError(step + ": state is " + socket.state());
      for (int i = 0; i < futures.size(); i++) {
        if (!futures.get(i).isDone()) throw new AssertionError(step + ": future #" + i + " never completed");
      }
      if (!everRefused && observer.closedCount != 1) {
        throw new AssertionError(step + ": onClosed ran " + observer.closedCount + " times");
      }
      if (clock.pendingTasks() != 0) throw new AssertionError(step + ": " + clock.pendingTasks() + " tasks left in the scheduler");
      checkWrittenOrder(step);
    }

    boolean quiet() {
      return clock.pendingTasks() == 0 && callbacks.isEmpty() && pool.isEmpty();
    }
  }

  /** The application's view: checks ordering and exactly-once promises as callbacks arrive. */
  static final class Observer implements SteadySocketListener {
    private static final Set<String> LEGAL = new HashSet<>(List.of(
        "IDLE>CONNECTING", "IDLE>PAUSED", "IDLE>CLOSING",
        "CONNECTING>OPEN", "CONNECTING>RECONNECTING", "CONNECTING>PAUSED", "CONNECTING>CLOSING",
        "CONNECTING>CLOSED",
        "OPEN>RECONNECTING", "OPEN>PAUSED", "OPEN>CLOSING", "OPEN>CLOSED", "OPEN>CONNECTING",
        "RECONNECTING>CONNECTING", "RECONNECTING>PAUSED", "RECONNECTING>CLOSING",
        "PAUSED>CONNECTING", "PAUSED>CLOSING",
        "CLOSING>CLOSED"));
    private static final EnumSet<ConnectionState> CARRIES_MESSAGES = EnumSet.of(OPEN, CLOSING);

    private final Run run;
    private final List<String> violations = new ArrayList<>();
    ConnectionState state = IDLE;
    boolean closed;
    int closedCount;
    /** An internal failure was reported (only BreakCancel provokes one). */
    boolean crashed;
    private int opens;
    /** Index of the transport whose messages may arrive now, or -1. */
    private int liveTransport = -1;

    Observer(Run run) {
      this.run = run;
    }

    void failIfViolated(String step) {
      if (!violations.isEmpty()) throw new AssertionError(step + ": " + violations);
    }

    private void afterClose(String what) {
      if (closed) violations.add(what + " after onClosed");
    }

    @Override
    public void onStateChanged(ConnectionState previous, ConnectionState current) {
      afterClose("onStateChanged");
      if (!run.everRefused) {
        if (previous != state) violations.add("transition " + previous + ">" + current + " reported after " + state);
        boolean crashClose = crashed && current == CLOSED; // an internal failure closes from any state
        if (!LEGAL.contains(previous + ">" + current) && !crashClose) {
          violations.add("illegal transition " + previous + ">" + current);
        }
      }
      state = current;
      if (current == OPEN) {
        liveTransport = opens < run.opened.size() ? run.opened.get(opens) : -2;
        opens++;
      } else if (!CARRIES_MESSAGES.contains(current)) {
        liveTransport = -1;
      }
    }

    @Override
    public void onMessage(Envelope envelope) {
      afterClose("onMessage");
      if ("heartbeat".equals(envelope.type())) violations.add("a heartbeat echo reached onMessage");
      if ("msg".equals(envelope.type()) && !run.everRefused) {
        int from = envelope.content().path("fake").asInt(-3);
        if (!CARRIES_MESSAGES.contains(state) || from != liveTransport) {
          violations.add("message of connection " + from + " delivered in " + state + " (live: " + liveTransport + ")");
        }
      }
      fault();
    }

    void typed(JsonNode content) {
      afterClose("typed handler");
      fault();
    }

    @Override
    public void onBinaryMessage(byte[] bytes) {
      afterClose("onBinaryMessage");
    }

    @Override
    public void onReconnecting(int attempt, Duration delay, SteadySocketException cause) {
      afterClose("onReconnecting");
      if (run.setup.mode() != Mode.INLINE) return; // the time of a queued callback is not the time of the event
      if (delay.compareTo(run.backoff.minimum()) >= 0) return;
      int last = run.transports.count() - 1;
      long openedAt = last < 0 || last >= run.openedAt.size() ? -1 : run.openedAt.get(last);
      long uptime = openedAt < 0 ? -1 : run.clock.nanoTime() - openedAt;
      if (openedAt < 0 || uptime < Duration.ofMillis(run.setup.minUptimeMillis()).toNanos()) {
        violations.add("retry after " + delay + " though connection " + last + " failed or lived only "
            + (uptime < 0 ? "never opened" : Duration.ofNanos(uptime)));
      }
    }

    @Override
    public void onError(SteadySocketException error) {
      afterClose("onError");
      if (!(error instanceof SteadySocketException)) violations.add("onError got a " + error.getClass().getName());
      if (error.getClass() == SteadySocketException.class) crashed = true;
    }

    @Override
    public void onClosed(CloseReason reason) {
      afterClose("onClosed");
      closed = true;
      closedCount++;
      for (int i = 0; i < run.futures.size(); i++) {
        if (!run.futures.get(i).isDone()) violations.add("future #" + i + " not complete when onClosed ran");
      }
    }

    private void fault() {
      switch (run.setup.fault()) {
        case NONE -> {}
        case RUNTIME -> throw new IllegalStateException("model: listener bug");
        case ERROR -> throw new StackOverflowError("model: listener overflow");
      }
    }
  }

  /** An executor whose tasks run only when a RunCallbacks/RunDispatch op says so. */
  static final class Queue implements Executor {
    private final ArrayDeque<Runnable> tasks = new ArrayDeque<>();

    @Override
    public void execute(Runnable task) {
      tasks.add(task);
    }

    void run(int max) {
      for (int i = 0; i < max && !tasks.isEmpty(); i++) tasks.poll().run();
    }

    boolean isEmpty() {
      return tasks.isEmpty();
    }
  }

  static JsonNode parse(String text) {
    try {
      return JSON.readTree(text);
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }
}
