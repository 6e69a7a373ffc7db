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
import dev.steadysocket.testkit.FakeScheduler;
import dev.steadysocket.testkit.FakeTransports;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MonitorInfo;
import java.lang.management.ThreadMXBean;
import java.lang.reflect.RecordComponent;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

/**
 * The world of {@link StateMachineModelTest}: a configuration ({@link Setup}), the operations a
 * history is made of ({@link Op}), and a {@link Run} that plays a history on a fresh socket in
 * virtual time and checks the README's promises after every step. What each check asserts, and
 * where a refusing executor forces it to look away, is written beside it.
 *
 * <p>Threads: everything runs on the test's thread, except frames that may meet inbound
 * back-pressure, which a {@link Reader} thread receives as OkHttp's reader would, while the test
 * thread waits (or, if the reader is held, works off the application's queues as the application
 * would). The two never touch the model at the same time.
 */
final class StateMachineModel {
  private StateMachineModel() {}

  static final ObjectMapper JSON = new ObjectMapper();
  /** SteadySocket stops handing messages to OkHttp above this (README, "Sending and the outbox"). */
  static final long HIGH_WATER = 4L << 20;
  /** The outbox holds 3 messages: in acknowledgement mode that is also the window in flight. */
  static final int OUTBOX_MESSAGES = 3;
  static final Duration HEARTBEAT_INTERVAL = Duration.ofSeconds(10);
  static final Duration HEARTBEAT_TIMEOUT = Duration.ofSeconds(5);
  /** The Retry-After ceiling: the default backoff's cap. */
  static final Duration RETRY_AFTER_CEILING = Duration.ofSeconds(30);
  /** Padding of a large frame: a quarter of the outbox's byte limit. */
  static final int LARGE_PAD = 256 * 1024;

  // ------------------------------------------------------------------ configuration

  enum Mode {
    /** callbackExecutor(Runnable::run): callbacks at once, on the thread that queues them. */
    INLINE,
    /** callbackExecutor(queue): callbacks wait until a RunCallbacks op. */
    MANUAL,
    /** No callback executor: the stand-in for SteadySocket's pool runs callbacks, policies and tokens. */
    SHARED_POOL,
    /** An inline executor that refuses work while a Refusing op says so (a saturated bounded pool). */
    FLAKY
  }

  enum TokenMode { NONE, OK, IO_ERROR, RUNTIME_ERROR, FORBIDDEN_CHAR }

  enum PolicyMode { DEFAULTS, RETRY_AFTER_ZERO, THROWS_ERROR, RETURNS_NULL }

  /** What onMessage and typed handlers do: nothing, throw, or throw and have a toString that throws. */
  enum ListenerFault { NONE, RUNTIME, ERROR, TOSTRING }

  record Setup(Mode mode, boolean ack, RequestRetention retention, TokenMode token, PolicyMode policy,
      OutboxPolicy.Overflow overflow, boolean heartbeat, int maxAttempts, long minUptimeMillis,
      ListenerFault fault) {
    static Setup basic() {
      return new Setup(Mode.INLINE, false, RequestRetention.FAIL, TokenMode.NONE, PolicyMode.DEFAULTS,
          OutboxPolicy.Overflow.REJECT_NEW, false, -1, 5_000, ListenerFault.NONE);
    }

    Setup withMode(Mode m) {
      return new Setup(m, ack, retention, token, policy, overflow, heartbeat, maxAttempts, minUptimeMillis, fault);
    }

    Setup withAck(boolean a) {
      return new Setup(mode, a, retention, token, policy, overflow, heartbeat, maxAttempts, minUptimeMillis, fault);
    }

    Setup withRetention(RequestRetention r) {
      return new Setup(mode, ack, r, token, policy, overflow, heartbeat, maxAttempts, minUptimeMillis, fault);
    }

    Setup withToken(TokenMode t) {
      return new Setup(mode, ack, retention, t, policy, overflow, heartbeat, maxAttempts, minUptimeMillis, fault);
    }

    Setup withPolicy(PolicyMode p) {
      return new Setup(mode, ack, retention, token, p, overflow, heartbeat, maxAttempts, minUptimeMillis, fault);
    }

    Setup withHeartbeat(boolean h) {
      return new Setup(mode, ack, retention, token, policy, overflow, h, maxAttempts, minUptimeMillis, fault);
    }

    Setup withFault(ListenerFault f) {
      return new Setup(mode, ack, retention, token, policy, overflow, heartbeat, maxAttempts, minUptimeMillis, f);
    }
  }

  // ------------------------------------------------------------------ operations

  /** One step of a history. Transport events go to the newest connection unless wrapped in {@link Stale}. */
  sealed interface Op permits Connect, Send, SendLarge, SendText, SendBinary, Request, Pause, Resume,
      Replace, ReconnectNow, Close, CloseOnOpen, Subscribe, Unsubscribe, Open, Message, Flood, Ack,
      Reply, HeartbeatEcho, Garbage, Binary, Pong, Fail, ServerClose, Reject, Congest, Drain,
      SendsAccepted, Stale, Advance, AwaitAttempt, EnsureOpen, RunCallbacks, RunDispatch, Refusing,
      BreakCancel {}

  // The application's calls.
  record Connect() implements Op {}
  record Send() implements Op {}
  /** An envelope padded to {@link #LARGE_PAD} bytes: a large frame in flight. */
  record SendLarge() implements Op {}
  record SendText() implements Op {}
  record SendBinary() implements Op {}
  record Request(int timeoutSeconds) implements Op {}
  record Pause(char reason) implements Op {}
  record Resume(char reason) implements Op {}
  record Replace() implements Op {}
  record ReconnectNow() implements Op {}
  record Close() implements Op {}
  /** The listener calls close() from inside its next onStateChanged(→OPEN). */
  record CloseOnOpen() implements Op {}
  record Subscribe() implements Op {}
  record Unsubscribe() implements Op {}
  // The transport: the server and OkHttp.
  /** The handshake completes; {@code early} messages arrive before the loop has handled it. */
  record Open(int early) implements Op {}
  record Message() implements Op {}
  /** Many messages in a row, as a burst the listeners cannot keep up with. */
  record Flood(int count) implements Op {}
  record Ack() implements Op {}
  record Reply() implements Op {}
  record HeartbeatEcho() implements Op {}
  record Garbage() implements Op {}
  record Binary() implements Op {}
  record Pong() implements Op {}
  record Fail() implements Op {}
  record ServerClose(int code) implements Op {}
  record Reject(int status, String retryAfter) implements Op {}
  /** OkHttp's send buffer fills up to {@code room} bytes below the high water, and stops draining. */
  record Congest(int room) implements Op {}
  /** The send buffer drains. */
  record Drain() implements Op {}
  /** OkHttp accepts sends, or refuses them (returns false: the connection is going away). */
  record SendsAccepted(boolean accepted) implements Op {}
  /** {@code event} from the connection {@code age} attempts older than the newest: a late event. */
  record Stale(int age, Op event) implements Op {}
  // Time and executors.
  record Advance(long millis) implements Op {}
  /** Time passes (and the dispatch pool runs) until a handshake waits for the server, at most 60 s. */
  record AwaitAttempt() implements Op {}
  /** Whatever it takes to be OPEN (connect, resume, wait, open), within bounds. */
  record EnsureOpen() implements Op {}
  record RunCallbacks(int tasks) implements Op {}
  record RunDispatch(int tasks) implements Op {}
  /** The FLAKY executor starts or stops refusing work. */
  record Refusing(boolean on) implements Op {}
  /** The next cancel() of the newest transport throws: an internal failure the loop must survive. */
  record BreakCancel() implements Op {}

  /** One generated history: runs it on a fresh socket and fails with the step that broke a promise. */
  static final class History {
    final Setup setup;
    final List<Op> ops;

    History(Setup setup, List<Op> ops) {
      this.setup = setup;
      this.ops = ops;
    }

    /** Plays the history and tears the socket down. */
    void run() {
      new Run(setup).play(ops);
    }

    /** Plays the history without tearing down: the caller looks at the run, then calls {@link Run#tearDown}. */
    Run start() {
      Run r = new Run(setup);
      r.steps(ops);
      return r;
    }

    /** Java source that rebuilds this history: paste it into an {@code @Example} to replay it. */
    @Override
    public String toString() {
      return "new History(" + java(setup) + ", List.of(" + ops.stream().map(StateMachineModel::java)
          .collect(Collectors.joining(", ")) + "))";
    }
  }

  // ------------------------------------------------------------------ the model of a run

  enum Kind { ENVELOPE, LARGE, REQUEST, TEXT, BINARY }

  /** A message the application sent, by sequence number (every kind shares one count). */
  static final class Out {
    final int seq;
    final Kind kind;
    final CompletableFuture<?> future;
    /** For requests: the id the model gave it. */
    final String requestId;
    /** Acknowledgement mode, envelope kinds: the future waits for the server's ack. */
    final boolean awaitsAck;
    /** The id on the wire (envelopes in acknowledgement mode get one from the SDK). */
    String wireId;
    int completions;
    int completedAtOp = -1;
    Throwable failure;
    /** Created after onClosed ran (a send after close fails at once, then). */
    boolean afterOnClosed;
    /** Connections it was written on; the first one. */
    final Set<Integer> writtenOn = new HashSet<>();
    int firstOn = -1;

    Out(int seq, Kind kind, CompletableFuture<?> future, String requestId, boolean awaitsAck) {
      this.seq = seq;
      this.kind = kind;
      this.future = future;
      this.requestId = requestId;
      this.awaitsAck = awaitsAck;
    }

    boolean written() {
      return firstOn >= 0;
    }
  }

  /** A message the server sent: which connection, and whether the listeners must get it. */
  static final class In {
    final int n;
    final int transport;
    /** Received by the connection the socket had published as OPEN (or published later). */
    boolean mustDeliver;
    /** A refused drain ran while it waited: the executor may have dropped it. */
    boolean mayBeDropped;
    int deliveries;

    In(int n, int transport) {
      this.n = n;
      this.transport = transport;
    }
  }

  /** The mutable world of one history: the socket, its fakes, and the model of what must hold. */
  static final class Run {
    final Setup setup;
    final FakeScheduler clock = new FakeScheduler();
    final FakeTransports transports = new FakeTransports(clock::nanoTime);
    final Queue callbacks = new Queue(this, false);
    final Queue pool = new Queue(this, true);
    final Observer observer;
    /** The event SPI's invariants, and a throwing observer before them (isolation), in every history. */
    final ModelObservers events = new ModelObservers(this::violation);
    final Backoff backoff = Backoff.defaults().withRandom(new Random(7));
    final long floor = backoff.minimum().toNanos();
    /** How long a connection must stay up to end an outage: max(minimum uptime, floor). */
    final long stableAfter;
    final SteadySocket socket;
    final List<String> violations = new ArrayList<>();
    String step = "building";
    int opIndex = -1;

    final List<Out> outs = new ArrayList<>();
    final List<In> ins = new ArrayList<>();
    /** Wire ids the model acknowledged, with the op that did it. */
    final Map<String, Integer> acked = new HashMap<>();
    final Set<String> replied = new HashSet<>();
    /** Per connection: the frames already checked, the last sequence number written on it. */
    final List<Integer> framesChecked = new ArrayList<>();
    final List<Integer> lastSeqOn = new ArrayList<>();
    int lastFirstWrite = -1;

    /** Per connection: whether open() was called, whether OkHttp's last event (failure, close) came. */
    final Set<Integer> openCalled = new HashSet<>();
    final Set<Integer> eventsDone = new HashSet<>();
    /** Per connection: frames received (a connection with few cannot be held by back-pressure). */
    final Map<Integer, Integer> framesOn = new HashMap<>();
    /** Index into transports.created of each connection the socket published as OPEN, in order. */
    final List<Integer> opened = new ArrayList<>();
    final Map<Integer, Long> openedAt = new HashMap<>();
    final Map<Integer, Long> lifeSignsAtOpen = new HashMap<>();
    final Set<Integer> cancelSeen = new HashSet<>();
    /** The connection an Open op is opening, while it runs; -2 otherwise. */
    int opening = -2;

    boolean refusing;
    /** The FLAKY executor just refused: the next task given to the pool is that drain's fallback. */
    boolean refusalInFlight;
    boolean breakCancelUsed;
    /** onClosed was queued when a refused drain ran: it may have been dropped. */
    boolean onClosedMayBeDropped;
    /** A refused drain ran and the socket was not terminated: the next callback must report it. */
    boolean refusalReportOwed;
    int refusals;

    /** An application call is running: an attempt it starts may skip the backoff. */
    boolean inUserCall;
    boolean userStartPending;
    /** A 429/503 with Retry-After: when the next attempt must start (DEFAULTS, no token), or -1. */
    long expectedRetryAt = -1;
    String expectedRetryWhy;
    /**
     * Issue #19: the newest connection ended with a server-imposed wait (429/503, a Retry-After,
     * close 1012/1013); what it was, until an attempt starts. The retry's delay then comes in the
     * next onReconnecting: where that runs inside the loop's task (an inline executor), now + delay
     * is the retry's not-before exactly.
     */
    String serverImposing;
    /** The not-before of that retry, or -1: no attempt may start before it, whatever the application calls. */
    long serverNotBefore = -1;
    /** Attempts started so far (metrics), to see each start at the loop task that made it. */
    long attemptsSeen;

    /** Set by the first close(): whether it came at OPEN, and what must be written before the close frame. */
    boolean closeCalled;
    final List<Integer> mustWriteBeforeClose = new ArrayList<>();
    boolean closedInstantChecked;

    final Map<Integer, Boolean> subscriptions = new HashMap<>();
    final List<Subscription> subscriptionHandles = new ArrayList<>();

    Run(Setup setup) {
      this.setup = setup;
      this.observer = new Observer(this);
      this.stableAfter = Math.max(Duration.ofMillis(setup.minUptimeMillis()).toNanos(), floor);
      SteadySocketBuilder b = SteadySocket.builder("wss://example.com/a")
          .failoverUrls("wss://example.com/b")
          .scheduler(clock)
          .transportFactory(transports)
          .backoff(backoff)
          .heartbeat(setup.heartbeat()
              ? Heartbeat.every(HEARTBEAT_INTERVAL).withTimeout(HEARTBEAT_TIMEOUT)
              : Heartbeat.disabled())
          .minimumUptime(Duration.ofMillis(setup.minUptimeMillis()))
          .outbox(OutboxPolicy.bounded(OUTBOX_MESSAGES, 1 << 20, setup.overflow()))
          .acknowledgedSends(setup.ack())
          .requestRetention(setup.retention())
          .listener(observer)
          .observer(events.throwing)
          .observer(events.checking);
      if (setup.maxAttempts() >= 0) b.maxReconnectAttempts(setup.maxAttempts());
      // Every mode decides on a dispatch queue the history runs (RunDispatch): policies and token
      // providers are asynchronous, as on SteadySocket's own pool; a refused drain's fallback waits there too.
      b.sharedDispatch(pool);
      switch (setup.mode()) {
        case INLINE -> b.callbackExecutor(Runnable::run);
        case MANUAL -> b.callbackExecutor(callbacks);
        case SHARED_POOL -> {} // callbacks on the pool as well
        case FLAKY -> b.callbackExecutor(task -> {
          if (refusing) {
            refusals++;
            refusalInFlight = true;
            throw new RejectedExecutionException("model: refusing");
          }
          task.run();
        });
      }
      switch (setup.token()) {
        case NONE -> {}
        case OK -> b.tokenProvider(refresh -> application("token provider", refresh ? "fresh" : "tok"));
        case IO_ERROR -> b.tokenProvider(refresh -> {
          application("token provider", null);
          throw new IOException("model: token service down");
        });
        case RUNTIME_ERROR -> b.tokenProvider(refresh -> {
          application("token provider", null);
          throw new IllegalStateException("model: bug");
        });
        case FORBIDDEN_CHAR -> b.tokenProvider(refresh -> application("token provider", "bad\ntoken"));
      }
      switch (setup.policy()) {
        case DEFAULTS -> {}
        case RETRY_AFTER_ZERO -> b.reconnectPolicy(
            d -> application("reconnect policy", ReconnectPolicy.Decision.retryAfter(Duration.ZERO)));
        case THROWS_ERROR -> b.reconnectPolicy(d -> {
          application("reconnect policy", null);
          throw new StackOverflowError("model");
        });
        case RETURNS_NULL -> b.reconnectPolicy(d -> application("reconnect policy", null));
      }
      this.socket = b.build();
      transports.onConnect = this::created;
      clock.afterEachTask = this::afterLoopTask;
      socket.closeFuture().whenComplete((r, e) -> {
        // Essential, like every completion: it runs even when onClosed was dropped, after them.
        for (Out o : outs) {
          if (!o.future.isDone()) violation("future #" + o.seq + " not complete when closeFuture completed");
        }
      });
    }

    /** Records a broken promise; the step fails at its end. The first ten tell enough. */
    void violation(String what) {
      if (violations.size() < 10) violations.add(what);
      else if (violations.size() == 10) violations.add("(more)");
    }

    /** Application code (policy, token provider) never runs on the loop, nor under an SDK lock, in any mode. */
    <T> T application(String what, T value) {
      if (clock.inTask()) violation(what + " ran on the loop");
      noSdkLockHeld(what, true);
      return value;
    }

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    /** Looks at held monitors cost ~50 µs each: every policy and token call, and the first 25 others of a run. */
    private int lockLooks;

    /**
     * README: user code never runs while an SDK lock is held. Monitors the calling thread holds are
     * attributed by the frame that took them; all of the SDK's locks are taken in its internal package.
     */
    void noSdkLockHeld(String what, boolean always) {
      if (!always && lockLooks++ >= 25) return;
      long id = Thread.currentThread().getId();
      for (MonitorInfo m : THREADS.getThreadInfo(new long[] {id}, true, false)[0].getLockedMonitors()) {
        StackTraceElement at = m.getLockedStackFrame();
        if (at != null && at.getClassName().startsWith("dev.steadysocket.internal.")) {
          violation(what + " ran under an SDK lock taken in " + at);
        }
      }
    }

    // ---------------------------------------------------------------- playing

    void play(List<Op> ops) {
      steps(ops);
      tearDown();
    }

    /** Applies {@code ops}, checking after each; leaves the socket as they left it. */
    void steps(List<Op> ops) {
      for (int i = 0; i < ops.size(); i++) {
        opIndex++;
        step = "step " + i + " " + java(ops.get(i));
        apply(ops.get(i));
        checkAfterStep();
      }
    }

    void apply(Op op) {
      Op target = op instanceof Stale s ? s.event() : op;
      int index = transports.count() - 1 - (op instanceof Stale s ? s.age() : 0);
      FakeTransports.Fake t = index < 0 ? null : transports.created.get(index);
      boolean timePasses = false;
      if (op instanceof Stale && (t == null || index == transports.count() - 1)) {
        return; // no older connection to speak for
      }
      if (target instanceof Connect) {
        user(socket::connect);
      } else if (target instanceof Send) {
        send(Kind.ENVELOPE);
      } else if (target instanceof SendLarge) {
        send(Kind.LARGE);
      } else if (target instanceof SendText) {
        send(Kind.TEXT);
      } else if (target instanceof SendBinary) {
        send(Kind.BINARY);
      } else if (target instanceof Request r) {
        request(r.timeoutSeconds());
      } else if (target instanceof Pause p) {
        socket.pause(String.valueOf(p.reason()));
      } else if (target instanceof Resume r) {
        user(() -> socket.resume(String.valueOf(r.reason())));
      } else if (target instanceof Replace) {
        user(socket::replaceConnection);
      } else if (target instanceof ReconnectNow) {
        user(socket::reconnectNow);
      } else if (target instanceof Close) {
        close();
      } else if (target instanceof CloseOnOpen) {
        observer.closeOnOpen = true;
      } else if (target instanceof Subscribe) {
        int id = subscriptionHandles.size();
        subscriptions.put(id, true);
        subscriptionHandles.add(socket.on("msg", JsonNode.class, content -> observer.typed(id, content)));
      } else if (target instanceof Unsubscribe) {
        for (int i = subscriptionHandles.size() - 1; i >= 0; i--) {
          if (subscriptions.get(i)) {
            subscriptions.put(i, false);
            subscriptionHandles.get(i).cancel();
            break;
          }
        }
      } else if (target instanceof Open o) {
        if (t != null) open(t, index, o.early());
      } else if (target instanceof Message) {
        if (canSpeak(index, true)) receive(t, index, 1);
      } else if (target instanceof Flood f) {
        if (canSpeak(index, true)) receive(t, index, f.count());
      } else if (target instanceof Ack) {
        if (canSpeak(index, true)) ack(t, index);
      } else if (target instanceof Reply) {
        if (canSpeak(index, true)) reply(t, index);
      } else if (target instanceof HeartbeatEcho) {
        if (canSpeak(index, true)) frames(t, index, List.of(() -> t.receive("{\"type\":\"heartbeat\",\"id\":\"x\"}")));
      } else if (target instanceof Garbage) {
        if (canSpeak(index, true)) frames(t, index, List.of(() -> t.receive("{not json")));
      } else if (target instanceof Binary) {
        if (canSpeak(index, true)) binary(t, index);
      } else if (target instanceof Pong) {
        if (canSpeak(index, true)) t.pong();
      } else if (target instanceof Fail) {
        if (canSpeak(index, false)) {
          eventsDone.add(index);
          t.fail(new IOException("model: reset"));
        }
      } else if (target instanceof ServerClose c) {
        if (canSpeak(index, false)) {
          if ((c.code() == 1012 || c.code() == 1013) && current(t, index)) serverImposing = "close " + c.code();
          eventsDone.add(index);
          t.endedByServer = true;
          t.endedByServerAt = clock.nanoTime();
          t.serverClose(c.code(), "model");
        }
      } else if (target instanceof Reject r) {
        if (canSpeak(index, false) && !openCalled.contains(index)) reject(t, index, r);
      } else if (target instanceof Congest c) {
        if (t != null) {
          t.queueSize = HIGH_WATER - c.room();
          t.slowLink = true;
        }
      } else if (target instanceof Drain) {
        if (t != null) {
          t.queueSize = 0;
          t.slowLink = false;
        }
      } else if (target instanceof SendsAccepted a) {
        if (t != null) t.acceptSends = a.accepted();
      } else if (target instanceof Advance a) {
        clock.advanceBy(Duration.ofMillis(a.millis()));
        timePasses = true;
      } else if (target instanceof AwaitAttempt) {
        awaitAttempt();
        timePasses = true;
      } else if (target instanceof EnsureOpen) {
        ensureOpen();
      } else if (target instanceof RunCallbacks r) {
        callbacks.run(r.tasks());
      } else if (target instanceof RunDispatch r) {
        pool.run(r.tasks());
      } else if (target instanceof Refusing r) {
        refusing = r.on();
      } else if (target instanceof BreakCancel) {
        if (t != null) {
          t.failCancel = new IllegalStateException("fake transport: cancel failed");
          breakCancelUsed = true;
        }
      }
      clock.runUntilIdle();
      newlyCancelled(timePasses);
    }

    /** Whether connection {@code index} may deliver an event: it exists, its last event has not come, and (for frames) it opened. */
    boolean canSpeak(int index, boolean frame) {
      if (index < 0 || eventsDone.contains(index)) return false;
      return !frame || openCalled.contains(index);
    }

    /** An application call that may start an attempt: such an attempt may skip the backoff. */
    void user(Runnable call) {
      long attempts = socket.metrics().connectionAttempts();
      int created = transports.count();
      inUserCall = true;
      try {
        call.run();
        clock.runUntilIdle();
      } finally {
        inUserCall = false;
      }
      if (socket.metrics().connectionAttempts() > attempts) {
        expectedRetryAt = -1; // a call that started an attempt did so after the server's wait (resume)
        if (transports.count() == created) userStartPending = true; // its transport comes after the token
      }
    }

    void send(Kind kind) {
      int seq = outs.size();
      CompletableFuture<Void> f;
      switch (kind) {
        case ENVELOPE -> f = socket.send(Envelope.builder("app").content(Map.of("seq", seq)).build());
        case LARGE -> f = socket.send(Envelope.builder("big")
            .content(Map.of("seq", seq, "pad", "x".repeat(LARGE_PAD))).build());
        case TEXT -> f = socket.send("{\"type\":\"raw\",\"content\":{\"seq\":" + seq + "}}");
        default -> f = socket.send(ByteBuffer.allocate(5).put((byte) 'B').putInt(seq).array());
      }
      boolean awaitsAck = setup.ack() && (kind == Kind.ENVELOPE || kind == Kind.LARGE);
      track(new Out(seq, kind, f, null, awaitsAck));
      if (closeCalled) refusedAfterClose(seq, f);
    }

    void request(int timeoutSeconds) {
      int seq = outs.size();
      // Ids that do not hash in send order, so nothing can pass for ordered by iterating a hash table.
      String id = "req-" + Integer.toString((int) ((seq * 0x9E3779B97F4A7C15L) >>> 40), 36) + "-" + seq;
      CompletableFuture<Envelope> f = socket.request(
          Envelope.builder("req").id(id).content(Map.of("seq", seq)).build(), Duration.ofSeconds(timeoutSeconds));
      track(new Out(seq, Kind.REQUEST, f, id, setup.ack()));
      if (closeCalled) refusedAfterClose(seq, f);
    }

    /** README: after close() returns, send fails at once. */
    void refusedAfterClose(int seq, CompletableFuture<?> f) {
      if (!f.isCompletedExceptionally()) {
        violation("send #" + seq + " after close() did not fail at once");
      } else if (!(cause(f) instanceof SocketClosedException)) {
        violation("send #" + seq + " after close() failed with " + cause(f));
      }
    }

    void track(Out o) {
      o.afterOnClosed = observer.closed;
      outs.add(o);
      o.future.whenComplete((v, e) -> completed(o, e));
    }

    /** A future completed: exactly once, typed, and succeeding only for what really happened. */
    void completed(Out o, Throwable e) {
      o.completions++;
      o.completedAtOp = opIndex;
      o.failure = e == null ? null : unwrap(e);
      if (o.completions > 1) violation("future #" + o.seq + " completed twice");
      if (observer.closed && !o.afterOnClosed) violation("future #" + o.seq + " completed after onClosed");
      // With an executor of its own choosing the application sees completions where its callbacks
      // run; with ours (or a queue) never on the loop.
      if (setup.mode() == Mode.MANUAL || setup.mode() == Mode.SHARED_POOL) {
        if (clock.inTask()) violation("future #" + o.seq + " completed on the loop");
      }
      noSdkLockHeld("the completion of future #" + o.seq, false);
      scanFrames(); // what was written up to now
      if (e == null) {
        if (o.kind == Kind.REQUEST) {
          if (!replied.contains(o.requestId)) violation("request #" + o.seq + " succeeded without a reply");
        } else if (o.awaitsAck) {
          if (o.wireId == null || !acked.containsKey(o.wireId)) {
            violation("send #" + o.seq + " succeeded but the server never acknowledged it");
          }
        } else if (!o.written()) {
          violation("send #" + o.seq + " succeeded but was never written");
        }
      } else {
        if (!(o.failure instanceof SteadySocketException)) {
          violation("future #" + o.seq + " failed with an untyped " + o.failure);
        }
        boolean mayFailWhenWritten = o.kind == Kind.REQUEST
            || (o.awaitsAck && o.failure instanceof SocketClosedException);
        if (o.written() && !mayFailWhenWritten) {
          violation("send #" + o.seq + " was written but its future failed: " + o.failure);
        }
      }
    }

    void close() {
      closeCalled(socket.state() == OPEN);
      socket.close();
    }

    /**
     * The first close(): if it comes at OPEN, everything queued is written before the close frame
     * (README: the outbox is flushed in order; Outbound: whatever fits goes out before the close
     * frame). What cannot fit is exempt: a transport that refuses sends or whose buffer is backed
     * up, and, in acknowledgement mode, what is beyond the window; so is a connection already lost
     * whose loss the reconnect policy is still deciding about (state() says OPEN until it decides).
     */
    void closeCalled(boolean atOpen) {
      if (closeCalled) return;
      closeCalled = true;
      if (!atOpen || breakCancelUsed) return;
      FakeTransports.Fake t = transports.count() == 0 ? null : transports.last();
      // An ended transport: state() still says OPEN while a policy decides about its loss.
      if (t == null || t.ended() || !t.acceptSends || t.slowLink || t.queueSize > 0) return;
      scanFrames();
      int window = OUTBOX_MESSAGES - socket.metrics().unacknowledged();
      for (Out o : outs) {
        if (o.written() || o.future.isDone()) continue;
        // A full window holds back every message, raw ones too, and all that wait behind it.
        if (setup.ack() && window <= 0) break;
        if (o.awaitsAck) window--;
        mustWriteBeforeClose.add(o.seq);
      }
    }

    void open(FakeTransports.Fake t, int index, int early) {
      if (openCalled.contains(index) || eventsDone.contains(index)) return;
      openCalled.add(index);
      // The newest connection, live, while the socket is CONNECTING: the loop's current attempt
      // (every attempt it gives up is cancelled or closed first), so the loop publishes OPEN.
      boolean published = index == transports.count() - 1 && !t.ended() && socket.state() == CONNECTING;
      if (published) {
        opened.add(index);
        openedAt.put(index, clock.nanoTime());
        lifeSignsAtOpen.put(index, t.lifeSigns);
      }
      opening = index;
      try {
        t.open();
        if (early > 0) receive(t, index, early); // before the loop has handled the open
        clock.runUntilIdle();
      } finally {
        opening = -2;
      }
      if (published) {
        for (In in : ins) if (in.transport == index) in.mustDeliver = true;
      }
    }

    /** {@code count} messages from connection {@code index}, numbered in arrival order. */
    void receive(FakeTransports.Fake t, int index, int count) {
      List<Runnable> frames = new ArrayList<>(count);
      for (int i = 0; i < count; i++) {
        frames.add(() -> {
          In in = new In(ins.size(), index);
          // The model's bookkeeping comes first: once the frame is handed over, the reader may be held.
          in.mustDeliver = index == transports.count() - 1 && !t.ended() && socket.state() == OPEN
              && !opened.isEmpty() && opened.get(opened.size() - 1) == index;
          ins.add(in);
          t.receive("{\"type\":\"msg\",\"content\":{\"fake\":" + index + ",\"n\":" + in.n + "}}");
        });
      }
      frames(t, index, frames);
    }

    void binary(FakeTransports.Fake t, int index) {
      frames(t, index, List.of(() -> t.receiveBinary(new byte[] {(byte) index, 1, 2})));
    }

    void ack(FakeTransports.Fake t, int index) {
      for (String text : t.sent) {
        JsonNode n = parse(text);
        String id = n.path("id").asText(null);
        if (n.path("meta").path("ack").asBoolean(false) && id != null && !acked.containsKey(id)) {
          acked.put(id, opIndex);
          frames(t, index, List.of(() -> t.receive("{\"type\":\"ack\",\"meta\":{\"replyTo\":\"" + id + "\"}}")));
          return;
        }
      }
    }

    /** The server answers the newest request written on this connection and not answered yet. */
    void reply(FakeTransports.Fake t, int index) {
      for (int i = t.sent.size() - 1; i >= 0; i--) {
        JsonNode n = parse(t.sent.get(i));
        String id = n.path("id").asText(null);
        if ("req".equals(n.path("type").asText()) && id != null && replied.add(id)) {
          frames(t, index, List.of(() -> t.receive("{\"type\":\"reply\",\"meta\":{\"replyTo\":\"" + id + "\"}}")));
          return;
        }
      }
    }

    void reject(FakeTransports.Fake t, int index, Reject r) {
      boolean current = current(t, index) && socket.state() == CONNECTING;
      Duration given = Retry.parse(r.retryAfter(), clock.currentTimeMillis());
      if (current && (r.status() == 429 || r.status() == 503 || given != null)) {
        serverImposing = r.status() + " with Retry-After \"" + r.retryAfter() + "\"";
      }
      eventsDone.add(index);
      t.reject(r.status(), r.retryAfter().isEmpty() ? null : r.retryAfter());
      clock.runUntilIdle();
      // README, handshake statuses: 429 and 503 retry after Retry-After (at most the ceiling),
      // never sooner than the floor after a failed attempt. Checked exactly where nothing else
      // decides: the default policy, no token provider (whose answer would delay the attempt).
      Duration after = Retry.parse(r.retryAfter(), clock.currentTimeMillis());
      if (current && (r.status() == 429 || r.status() == 503) && after != null
          && setup.policy() == PolicyMode.DEFAULTS && setup.token() == TokenMode.NONE
          && socket.state() == RECONNECTING) {
        long wait = Math.max(floor, after.toNanos());
        expectedRetryAt = clock.nanoTime() + wait;
        expectedRetryWhy = r.status() + " with Retry-After \"" + r.retryAfter() + "\"";
        if (serverNotBefore < 0) serverNotBefore = expectedRetryAt;
      }
    }

    /** Whether {@code t} is the newest connection and our side has not let it go: the loop hears its events. */
    boolean current(FakeTransports.Fake t, int index) {
      return index == transports.count() - 1 && !t.ended();
    }

    /** Observer: a retry was scheduled {@code delay} from now; if the server imposed it, its not-before. */
    void reconnecting(Duration delay) {
      if (serverImposing != null && clock.inTask()) serverNotBefore = clock.nanoTime() + delay.toNanos();
    }

    /**
     * After each loop task: an attempt that started in it (startConnecting counts it, whether the
     * transport comes at once or after the token) did not start before a server-imposed not-before,
     * whatever reconnectNow, replaceConnection or resume calls came meanwhile. The wait is forgotten then.
     */
    void checkAttemptStart() {
      long attempts = socket.metrics().connectionAttempts();
      if (attempts == attemptsSeen) return;
      attemptsSeen = attempts;
      long now = clock.nanoTime();
      if (serverNotBefore >= 0 && now < serverNotBefore) {
        violation("an attempt started " + Duration.ofNanos(serverNotBefore - now) + " before the end of the wait "
            + "the server imposed (" + serverImposing + ")");
      }
      serverNotBefore = -1;
      serverImposing = null;
    }

    /** Frames from connection {@code index}; those that may meet back-pressure go through the reader thread. */
    void frames(FakeTransports.Fake t, int index, List<Runnable> frames) {
      int next = 0;
      while (next < frames.size()) {
        // A connection that received fewer frames than this cannot hold its reader (the backlog
        // limit is 1,000 messages): those run here, cheaply.
        if (framesOn.getOrDefault(index, 0) < 100) {
          framesOn.merge(index, 1, Integer::sum);
          frames.get(next++).run();
          continue;
        }
        int from = next;
        next = Reader.receive(frames, from, this, t);
        framesOn.merge(index, next - from, Integer::sum);
      }
    }

    /**
     * The reader is held by back-pressure: the application works off one task of what waits for
     * it (callbacks, then the pool), as it would on its own threads. False if nothing waits.
     */
    boolean relieveOne() {
      return callbacks.run(1) > 0 || pool.run(1) > 0;
    }

    /**
     * Runs the pool and moves time from task to task until a handshake waits, for at most 60 s
     * and 200 steps (an attempt that always fails, a failing token provider, retries every 100 ms).
     */
    void awaitAttempt() {
      long until = clock.nanoTime() + Duration.ofSeconds(60).toNanos();
      for (int i = 0; i < 200 && !handshakeWaiting(); i++) {
        pool.run(Integer.MAX_VALUE);
        clock.runUntilIdle();
        ConnectionState s = socket.state();
        if (handshakeWaiting() || s == IDLE || s == PAUSED || s == CLOSING || s == CLOSED) return;
        long next = clock.nanosToNextTask();
        if (next < 0 || clock.nanoTime() + next > until || !pool.isEmpty()) {
          if (!pool.isEmpty()) continue; // the pool's tasks posted more of their own
          return;
        }
        clock.advanceBy(Duration.ofNanos(next));
      }
    }

    boolean handshakeWaiting() {
      int last = transports.count() - 1;
      return last >= 0 && socket.state() == CONNECTING && !transports.last().ended()
          && !openCalled.contains(last) && !eventsDone.contains(last);
    }

    void ensureOpen() {
      for (int i = 0; i < 5 && socket.state() != OPEN; i++) {
        switch (socket.state()) {
          case IDLE -> user(socket::connect);
          case PAUSED -> user(() -> {
            socket.resume("a");
            socket.resume("b");
          });
          case CONNECTING, RECONNECTING -> {
            awaitAttempt();
            if (handshakeWaiting()) open(transports.last(), transports.count() - 1, 0);
            else if (socket.state() == CONNECTING || socket.state() == RECONNECTING) pool.run(Integer.MAX_VALUE);
          }
          default -> {
            return;
          }
        }
        clock.runUntilIdle();
        newlyCancelled(false);
      }
    }

    // ---------------------------------------------------------------- observed from the fakes

    /**
     * A transport is created: the one before it was let go (cancelled, closed, or ended by the
     * server), and, after an attempt that failed or a connection shorter than the minimum uptime,
     * at least {@link Backoff#minimum()} passed since it ended: RetryPlanner's rule on the actual
     * schedule, whatever asked for the retry (token refresh, Retry-After, a policy's zero delay).
     * Attempts the application started (connect, resume, replaceConnection, reconnectNow) are exempt.
     */
    void created(FakeTransports.Fake t) {
      int k = transports.created.size() - 1; // already added
      long now = clock.nanoTime();
      boolean byUser = inUserCall || userStartPending;
      userStartPending = false;
      if (k > 0) {
        FakeTransports.Fake prev = transports.created.get(k - 1);
        if (!prev.ended()) violation("connection " + k + " created while connection " + (k - 1) + " was still live");
        long ended = endedAt(prev);
        Long opened = openedAt.get(k - 1);
        boolean fast = opened == null || ended - opened < stableAfter;
        if (!byUser && fast && ended >= 0 && now - ended < floor) {
          violation("connection " + k + " created " + Duration.ofNanos(now - ended) + " after connection "
              + (k - 1) + " " + (opened == null ? "failed" : "lived " + Duration.ofNanos(ended - opened))
              + "; the floor is " + Duration.ofNanos(floor));
        }
      }
      if (!byUser && expectedRetryAt >= 0 && now != expectedRetryAt) {
        violation("after a " + expectedRetryWhy + " the next attempt started "
            + Duration.ofNanos(Math.abs(now - expectedRetryAt)) + (now < expectedRetryAt ? " early" : " late"));
      }
      expectedRetryAt = -1;
    }

    /** When our side let {@code t} go (or the server ended it), or -1. */
    static long endedAt(FakeTransports.Fake t) {
      long at = Long.MAX_VALUE;
      if (t.cancelledAt >= 0) at = Math.min(at, t.cancelledAt);
      if (t.closedAt >= 0) at = Math.min(at, t.closedAt);
      if (t.endedByServerAt >= 0) at = Math.min(at, t.endedByServerAt);
      return at == Long.MAX_VALUE ? -1 : at;
    }

    /**
     * The leftover-task check, at the moment of CLOSED, before any time passes: once the tasks due
     * at that instant have run (one may be the cancellation the closing task posted), a timer still
     * scheduled (connect, heartbeat, request timeout, drain, close) would fire into a closed socket.
     * Checked here, not at teardown, which advances time and would let such a timer fire and vanish.
     */
    void afterLoopTask() {
      if (socket != null) checkAttemptStart();
      if (closedInstantChecked || socket == null || socket.state() != CLOSED || !clock.idleNow()) return;
      closedInstantChecked = true;
      if (clock.pendingTimers() != 0) {
        violation(clock.pendingTimers() + " timers still scheduled once the socket reached CLOSED, before time passed");
      }
    }

    /**
     * Connections cancelled in this step. One that was OPEN, with no close frame of ours, cancelled
     * while only time passed, was judged dead by the heartbeat: it must have had no sign of life
     * between the ping and the check (README: "dead link declared when nothing … arrived within the
     * timeout after a heartbeat"). Without heartbeats nothing may cancel it then.
     */
    void newlyCancelled(boolean timePassed) {
      for (int k = 0; k < transports.count(); k++) {
        FakeTransports.Fake t = transports.created.get(k);
        if (!t.cancelled || !cancelSeen.add(k)) continue;
        if (!timePassed || breakCancelUsed || !openedAt.containsKey(k) || t.closedAt >= 0 || t.endedByServer
            || eventsDone.contains(k)) {
          continue;
        }
        if (!setup.heartbeat()) {
          violation("open connection " + k + " was cancelled while only time passed, without heartbeats");
          continue;
        }
        long pingAt = t.cancelledAt - HEARTBEAT_TIMEOUT.toNanos();
        FakeTransports.Fake.Ping ping = null;
        for (FakeTransports.Fake.Ping p : t.pingLog) if (p.at() == pingAt) ping = p;
        if (ping == null) {
          violation("open connection " + k + " was cancelled at " + t.cancelledAt + " with no ping "
              + HEARTBEAT_TIMEOUT + " before");
        } else if (t.lifeSignsAtCancel > ping.lifeSignsBefore()) {
          violation("connection " + k + " was declared dead though " + (t.lifeSignsAtCancel - ping.lifeSignsBefore())
              + " frames or pongs arrived between the ping and the check");
        }
      }
    }

    /**
     * The other half of the heartbeat: a connection that has shown no sign of life since it opened
     * is declared dead one interval plus one timeout after opening.
     */
    void checkDeadLinkFound() {
      if (!setup.heartbeat()) return;
      long due = HEARTBEAT_INTERVAL.plus(HEARTBEAT_TIMEOUT).toNanos();
      for (Map.Entry<Integer, Long> e : openedAt.entrySet()) {
        FakeTransports.Fake t = transports.created.get(e.getKey());
        if (t.ended() || eventsDone.contains(e.getKey())) continue;
        if (t.lifeSigns == lifeSignsAtOpen.get(e.getKey()) && clock.nanoTime() - e.getValue() >= due) {
          violation("connection " + e.getKey() + " showed no sign of life for "
              + Duration.ofNanos(clock.nanoTime() - e.getValue()) + " and is still trusted");
        }
      }
    }

    // ---------------------------------------------------------------- checks

    /** Invariants that hold after every step, in every mode. */
    void checkAfterStep() {
      scanFrames();
      checkDeadLinkFound();
      ConnectionState s = socket.state();
      // state() agrees with what listeners were told once every callback queued has been
      // delivered. FLAKY: after a refused drain the last transition may have been dropped.
      boolean delivered = switch (setup.mode()) {
        case INLINE -> true;
        case MANUAL -> callbacks.isEmpty();
        case SHARED_POOL -> pool.isEmpty();
        case FLAKY -> pool.isEmpty() && !observer.stale;
      };
      if (delivered && !observer.closed && observer.state != s) {
        violation("state() is " + s + " but listeners were told " + observer.state);
      }
      if (s == CLOSED && clock.pendingTasks() != 0) {
        violation(clock.pendingTasks() + " tasks scheduled after CLOSED");
      }
      events.check(socket);
      failIfViolated();
    }

    void failIfViolated() {
      if (!violations.isEmpty()) throw new AssertionError(step + ": " + violations);
    }

    /**
     * Every frame written since the last look, in order: messages leave in send order; a message
     * is written twice only when it must be (acknowledgement mode re-sends, RESEND requests), never
     * twice on one connection, never after its request was settled; no message is handed to a
     * transport whose buffer is above the high water; in acknowledgement mode every message
     * unacknowledged since an earlier connection is re-sent on a new one before anything newer.
     */
    void scanFrames() {
      for (int k = 0; k < transports.count(); k++) {
        while (framesChecked.size() <= k) {
          framesChecked.add(0);
          lastSeqOn.add(-1);
        }
        FakeTransports.Fake t = transports.created.get(k);
        for (int i = framesChecked.get(k); i < t.frames.size(); i++) {
          frame(k, t.frames.get(i));
          framesChecked.set(k, i + 1);
        }
      }
    }

    void frame(int k, FakeTransports.Fake.Frame f) {
      int seq;
      String wireId = null;
      long size;
      if (f.binary() != null) {
        if (f.binary().length != 5 || f.binary()[0] != 'B') return;
        seq = ByteBuffer.wrap(f.binary(), 1, 4).getInt();
        size = f.binary().length;
      } else {
        JsonNode n = parse(f.text());
        String type = n.path("type").asText();
        if (!Set.of("app", "big", "req", "raw").contains(type)) return; // heartbeats, resume frames
        seq = n.path("content").path("seq").asInt();
        wireId = n.path("id").asText(null);
        size = f.text().getBytes(StandardCharsets.UTF_8).length;
      }
      Out o = outs.get(seq);
      if (f.queueBefore() > 0 && f.queueBefore() + size > HIGH_WATER) {
        violation("message #" + seq + " (" + size + " B) handed to connection " + k + " with "
            + f.queueBefore() + " B already queued: above the high water");
      }
      if (seq <= lastSeqOn.get(k)) violation("message #" + seq + " written on connection " + k + " after #" + lastSeqOn.get(k));
      lastSeqOn.set(k, Math.max(seq, lastSeqOn.get(k)));
      if (!o.written()) {
        if (seq < lastFirstWrite) violation("message #" + seq + " first written after #" + lastFirstWrite);
        lastFirstWrite = Math.max(lastFirstWrite, seq);
        o.firstOn = k;
      } else {
        boolean resend = o.awaitsAck || (o.kind == Kind.REQUEST && setup.retention() == RequestRetention.RESEND);
        if (!resend) violation("message #" + seq + " written again (on connection " + k + ") with nothing to re-send it");
        if (o.writtenOn.contains(k)) violation("message #" + seq + " written twice on connection " + k);
      }
      if (o.kind == Kind.REQUEST && o.completedAtOp >= 0 && o.completedAtOp < opIndex) {
        violation("request #" + seq + " written on connection " + k + " after it was settled (" + o.failure + ")");
      }
      if (setup.ack()) {
        for (Out m : outs) {
          if (m.seq >= seq) break;
          boolean unacked = m.awaitsAck && m.kind != Kind.REQUEST && m.written() && m.firstOn < k
              && !m.writtenOn.contains(k) && !(m.wireId != null && acked.containsKey(m.wireId))
              && !m.future.isDone();
          // Requests are left out: one settled meanwhile is withdrawn, which the model cannot see at once.
          if (unacked) {
            violation("message #" + m.seq + ", unacknowledged since connection " + m.firstOn
                + ", was not re-sent on connection " + k + " before #" + seq);
          }
        }
      }
      o.writtenOn.add(k);
      if (wireId != null) o.wireId = wireId;
    }

    /** Closes the socket and lets it finish, as the application and the server would; then the final checks. */
    void tearDown() {
      step = "teardown";
      opIndex++;
      close();
      clock.runUntilIdle();
      for (int i = 0; i < 40 && !(socket.closeFuture().isDone() && quiet()); i++) {
        refusing = false;
        clock.runUntilIdle();
        callbacks.run(Integer.MAX_VALUE);
        pool.run(Integer.MAX_VALUE);
        clock.advanceBy(Duration.ofSeconds(1));
        newlyCancelled(true);
        scanFrames();
        failIfViolated();
      }
      scanFrames();
      if (!socket.closeFuture().isDone()) violation("closeFuture never completed");
      if (socket.state() != CLOSED) violation("state is " + socket.state());
      for (Out o : outs) {
        if (o.completions != 1) violation("future #" + o.seq + " completed " + o.completions + " times");
      }
      // Exactly one onClosed: zero only if the executor refused the drain that held it (a
      // refused drain drops every callback it held, onClosed too; its future still completes).
      if (observer.closedCount != 1 && !(observer.closedCount == 0 && onClosedMayBeDropped)) {
        violation("onClosed ran " + observer.closedCount + " times");
      }
      if (clock.pendingTasks() != 0) violation(clock.pendingTasks() + " tasks left in the scheduler");
      for (int k = 0; k < transports.count(); k++) {
        if (!transports.created.get(k).ended()) violation("connection " + k + " was never closed nor cancelled");
      }
      for (int seq : mustWriteBeforeClose) {
        // Failed for another reason than the close (evicted by DROP_OLDEST, a request timed out):
        // settled before close(), though with a queued executor the failure was still on its way.
        if (!outs.get(seq).written() && outs.get(seq).failure instanceof SocketClosedException) {
          violation("message #" + seq + ", queued when close() was called at OPEN, was never written ("
              + outs.get(seq).failure + ")");
        }
      }
      // Nothing received on the live connection is lost: it reaches the listeners before onClosed,
      // unless a refused drain dropped it (the executor's choice, counted and reported).
      for (In in : ins) {
        if (in.mustDeliver && in.deliveries == 0 && !in.mayBeDropped) {
          violation("message n=" + in.n + " of connection " + in.transport + " was never delivered");
        }
      }
      if (!observer.owedFaults.isEmpty()) violation("listener faults never reported: " + observer.owedFaults);
      events.checkEnd(socket);
      failIfViolated();
    }

    boolean quiet() {
      return clock.pendingTasks() == 0 && callbacks.isEmpty() && pool.isEmpty();
    }

    // ---------------------------------------------------------------- refused drains

    /**
     * A refused drain is about to run on the pool: it drops every callback it holds, and
     * SerialExecutor reports the refusal first thing in the next drain it is allowed (which may
     * start inside this one, from its closing kick), unless the socket is terminated by then.
     */
    void refusedDrainStarting() {
      if (socket.state() == CLOSED && !observer.closed) onClosedMayBeDropped = true;
      for (In in : ins) if (in.deliveries == 0) in.mayBeDropped = true;
      observer.gap = true;
      observer.stale = true;
      refusalReportOwed = true;
    }

    void refusedDrainFinished() {
      if (observer.closed || socket.closeFuture().isDone()) refusalReportOwed = false; // terminated: no report
    }
  }

  // ------------------------------------------------------------------ the application's view

  /**
   * The listener: checks, as callbacks arrive, that transitions are legal and in order, messages
   * arrive inside their connection's OPEN, nothing comes after onClosed, listener faults and
   * executor refusals are reported, and application code never runs on the loop.
   */
  static final class Observer implements SteadySocketListener {
    /** The legal transitions, "PREVIOUS>CURRENT" (ConcurrencyStressTest checks real threads against them too). */
    static final Set<String> LEGAL = Set.of(
        "IDLE>CONNECTING", "IDLE>PAUSED", "IDLE>CLOSING",
        "CONNECTING>OPEN", "CONNECTING>RECONNECTING", "CONNECTING>PAUSED", "CONNECTING>CLOSING",
        "CONNECTING>CLOSED",
        "OPEN>RECONNECTING", "OPEN>PAUSED", "OPEN>CLOSING", "OPEN>CLOSED", "OPEN>CONNECTING",
        "RECONNECTING>CONNECTING", "RECONNECTING>PAUSED", "RECONNECTING>CLOSING",
        "PAUSED>CONNECTING", "PAUSED>RECONNECTING", "PAUSED>CLOSING",
        "CLOSING>CLOSED");
    private static final EnumSet<ConnectionState> CARRIES_MESSAGES = EnumSet.of(OPEN, CLOSING);

    private final Run run;
    ConnectionState state = IDLE;
    boolean closed;
    int closedCount;
    boolean closeOnOpen;
    /** An internal failure was reported (only BreakCancel may provoke one). */
    boolean crashed;
    /** A refused drain ran: the next transition reported may not follow the last one seen. */
    boolean gap;
    /** A refused drain ran and no transition was reported since: {@link #state} may be behind. */
    boolean stale;
    private int opens;
    /** Index of the connection whose messages may arrive now, or -1. */
    private int liveTransport = -1;
    private int lastLive = -1;
    private int lastN = -1;
    /** What listeners threw, in order, each owed one onError(ListenerException) right after. */
    final ArrayDeque<Throwable> owedFaults = new ArrayDeque<>();

    Observer(Run run) {
      this.run = run;
    }

    /**
     * Checks common to every callback: nothing after onClosed; a listener fault is reported
     * before anything else; after a refusal, the report comes first; listener code never runs on
     * the loop when callbacks have an executor of their own (an inline one runs them where queued).
     */
    private void enter(String callback, SteadySocketException error) {
      enter(callback, error, false);
    }

    /** {@code sameDelivery}: a typed handler, called in onMessage's delivery, before its faults are reported. */
    private void enter(String callback, SteadySocketException error, boolean sameDelivery) {
      if (closed) run.violation(callback + " after onClosed");
      Throwable owed = owedFaults.peekFirst();
      if (owed != null && !sameDelivery) {
        if (error instanceof ListenerException && error.getCause() == owed) {
          owedFaults.pollFirst();
          return;
        }
        run.violation("listener fault " + owed + " was not reported to onError before " + callback);
        owedFaults.clear();
      }
      if (run.refusalReportOwed) {
        if (error instanceof ListenerException && error.getCause() instanceof RejectedExecutionException) {
          run.refusalReportOwed = false;
          return;
        }
        run.violation(callback + " delivered before the executor's refusal was reported");
        run.refusalReportOwed = false;
      }
      if ((run.setup.mode() == Mode.MANUAL || run.setup.mode() == Mode.SHARED_POOL) && run.clock.inTask()) {
        run.violation(callback + " ran on the loop");
      }
      run.noSdkLockHeld(callback, false);
    }

    @Override
    public void onStateChanged(ConnectionState previous, ConnectionState current) {
      enter("onStateChanged(" + previous + ">" + current + ")", null);
      // Reported in order: each transition starts where the last one ended, except across a gap a
      // refused drain left (it dropped the transitions between).
      if (previous != state && !gap) run.violation("transition " + previous + ">" + current + " reported after " + state);
      boolean crashClose = crashed && current == CLOSED; // an internal failure closes from any state
      if (!LEGAL.contains(previous + ">" + current) && !crashClose) {
        run.violation("illegal transition " + previous + ">" + current);
      }
      gap = false;
      stale = false;
      state = current;
      if (current == OPEN) {
        // Inline and FLAKY executors deliver OPEN while the Open op runs (FLAKY may have dropped
        // earlier ones, so counting would not do); queued executors deliver them all, in order.
        boolean now = run.setup.mode() == Mode.INLINE || run.setup.mode() == Mode.FLAKY;
        liveTransport = now ? run.opening : opens < run.opened.size() ? run.opened.get(opens) : -2;
        opens++;
        if (liveTransport < 0) run.violation("OPEN reported for no connection that opened");
        lastLive = Math.max(lastLive, liveTransport);
        if (closeOnOpen) {
          closeOnOpen = false;
          run.close(); // queued sends must still be written: close() at OPEN flushes
        }
      } else if (!CARRIES_MESSAGES.contains(current)) {
        liveTransport = -1;
      }
    }

    /**
     * A message of connection {@code from}, number {@code n}: inside that connection's OPEN (or
     * CLOSING), in arrival order, once. After a refused drain the state seen may be behind: then
     * only a connection that opened, not older than the last one seen live, may speak.
     */
    private void message(String what, int from, int n) {
      if (!stale) {
        if (!CARRIES_MESSAGES.contains(state) || from != liveTransport) {
          run.violation(what + " of connection " + from + " delivered in " + state + " (live: " + liveTransport + ")");
        }
      } else if (!run.opened.contains(from) || from < lastLive) {
        run.violation(what + " of connection " + from + " delivered after a refusal, though it never opened or was superseded");
      }
      if (n < 0) return;
      if (n <= lastN) run.violation("message n=" + n + " delivered after n=" + lastN);
      lastN = Math.max(lastN, n);
      if (n < run.ins.size()) run.ins.get(n).deliveries++;
      if (n < run.ins.size() && run.ins.get(n).deliveries > 1) run.violation("message n=" + n + " delivered twice");
    }

    @Override
    public void onMessage(Envelope envelope) {
      enter("onMessage", null);
      if ("heartbeat".equals(envelope.type())) run.violation("a heartbeat echo reached onMessage");
      if ("msg".equals(envelope.type())) {
        message("message", envelope.content().path("fake").asInt(-3), envelope.content().path("n").asInt(-1));
      }
      fault();
    }

    void typed(int subscription, JsonNode content) {
      enter("typed handler", null, true);
      if (!run.subscriptions.getOrDefault(subscription, false)) {
        run.violation("typed handler " + subscription + " called after its subscription was cancelled");
      }
      fault();
    }

    @Override
    public void onBinaryMessage(byte[] bytes) {
      enter("onBinaryMessage", null);
      message("binary message", bytes.length == 3 ? bytes[0] : -3, -1);
    }

    @Override
    public void onReconnecting(int attempt, Duration delay, SteadySocketException cause) {
      enter("onReconnecting", null);
      if (delay != null) run.reconnecting(delay);
      if (attempt < 1 || delay == null || delay.isNegative() || cause == null) {
        run.violation("onReconnecting(" + attempt + ", " + delay + ", " + cause + ")");
      }
    }

    @Override
    public void onError(SteadySocketException error) {
      enter("onError", error);
      if (error == null) {
        run.violation("onError(null)");
        return;
      }
      if (error.getClass() == SteadySocketException.class) {
        crashed = true; // an internal failure: only a transport whose cancel() throws may cause one
        if (!run.breakCancelUsed) run.violation("internal failure: " + error);
      }
      if (error instanceof ListenerException && error.getCause() instanceof RejectedExecutionException
          && run.refusals == 0) {
        run.violation("a refusal reported though the executor never refused");
      }
    }

    @Override
    public void onClosed(CloseReason reason) {
      enter("onClosed", null);
      closed = true;
      closedCount++;
      if (reason == null) run.violation("onClosed(null)");
      for (Out o : run.outs) {
        if (!o.future.isDone()) run.violation("future #" + o.seq + " not complete when onClosed ran");
      }
    }

    /** The fault the setup asks for; each one thrown is owed a report. */
    private void fault() {
      // Without stack traces: a flood of faults would otherwise spend its time filling them in.
      Throwable t = switch (run.setup.fault()) {
        case NONE -> null;
        case RUNTIME, TOSTRING -> new IllegalStateException("model: listener bug") {
          @Override
          public synchronized Throwable fillInStackTrace() {
            return this;
          }
        };
        case ERROR -> new StackOverflowError("model: listener overflow") {
          @Override
          public synchronized Throwable fillInStackTrace() {
            return this;
          }
        };
      };
      if (t == null) return;
      owedFaults.addLast(t);
      if (t instanceof Error e) throw e;
      throw (RuntimeException) t;
    }

    /** A listener's toString is application code too: it may throw, and the SDK must not need it. */
    @Override
    public String toString() {
      if (run.setup.fault() == ListenerFault.TOSTRING) throw new IllegalStateException("model: toString");
      return "model listener";
    }
  }

  // ------------------------------------------------------------------ executors and the reader

  /** An executor whose tasks run only when the history says so. */
  static final class Queue implements Executor {
    private final ArrayDeque<Runnable> tasks = new ArrayDeque<>();
    private final Run run;
    private final boolean isPool;

    Queue(Run run, boolean isPool) {
      this.run = run;
      this.isPool = isPool;
    }

    @Override
    public void execute(Runnable task) {
      if (isPool && run.refusalInFlight) {
        // SerialExecutor hands a refused drain to the fallback (this pool) at once: mark it.
        run.refusalInFlight = false;
        tasks.add(new RefusedDrain(task));
      } else {
        tasks.add(task);
      }
    }

    /** Runs up to {@code max} tasks; returns how many ran. */
    int run(int max) {
      int ran = 0;
      for (; ran < max && !tasks.isEmpty(); ran++) {
        Runnable task = tasks.poll();
        if (task instanceof RefusedDrain r) {
          run.refusedDrainStarting();
          r.task.run();
          run.refusedDrainFinished();
        } else {
          task.run();
        }
      }
      return ran;
    }

    boolean isEmpty() {
      return tasks.isEmpty();
    }

    private record RefusedDrain(Runnable task) implements Runnable {
      @Override
      public void run() {
        task.run();
      }
    }
  }

  /**
   * OkHttp's reader thread, for frames that may meet inbound back-pressure: a held reader blocks,
   * and the test thread must stay free to act as the application. The test thread waits while the
   * reader works; if the reader is held (waiting), the test thread asks it to stop after the frame
   * in hand and works off the application's queues one task at a time until the reader comes back.
   * A reader held while nothing waits for the application is held forever: a violation.
   */
  static final class Reader {
    private static ExecutorService executor;
    private static volatile Thread thread;
    private static volatile boolean inFrame;

    private Reader() {}

    private static synchronized ExecutorService executor() {
      if (executor == null) {
        executor = Executors.newSingleThreadExecutor(r -> {
          Thread t = new Thread(r, "model reader");
          t.setDaemon(true);
          thread = t;
          return t;
        });
      }
      return executor;
    }

    /** A reader that never came back is abandoned; the next history gets a fresh one. */
    private static synchronized void abandon() {
      executor = null;
    }

    /** Receives {@code frames[from..]} on the reader thread; returns the index of the first not received. */
    static int receive(List<Runnable> frames, int from, Run run, FakeTransports.Fake t) {
      AtomicInteger next = new AtomicInteger(from);
      AtomicBoolean stop = new AtomicBoolean();
      Future<?> work = executor().submit(() -> {
        while (next.get() < frames.size() && !stop.get()) {
          inFrame = true;
          try {
            frames.get(next.get()).run();
          } finally {
            inFrame = false;
          }
          next.incrementAndGet();
        }
      });
      while (!done(work, 1)) {
        Thread reader = thread;
        boolean held = inFrame && reader != null
            && (reader.getState() == Thread.State.WAITING || reader.getState() == Thread.State.TIMED_WAITING);
        if (!held) continue;
        stop.set(true);
        if (run.relieveOne()) continue;
        if (done(work, 500)) break; // it was released by the last task and is on its way back
        run.violation("the reader is held by inbound back-pressure while nothing waits for the listeners"
            + " (messages dropped by a refusing executor still count against it?)");
        t.fail(new IOException("model: giving up on a held reader")); // retires the connection, which lets it go
        run.clock.runUntilIdle();
        if (!done(work, 5_000)) abandon();
        run.failIfViolated();
      }
      return next.get();
    }

    private static boolean done(Future<?> work, long millis) {
      try {
        work.get(millis, TimeUnit.MILLISECONDS);
        return true;
      } catch (TimeoutException e) {
        return false;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      } catch (ExecutionException e) {
        if (e.getCause() instanceof Error err) throw err;
        throw new AssertionError("the reader thread threw", e.getCause());
      }
    }
  }

  // ------------------------------------------------------------------ helpers

  /** Retry-After as the model reads it, to predict the wait: Failures.parseRetryAfter's rules. */
  static final class Retry {
    private Retry() {}

    static Duration parse(String value, long nowMillis) {
      if (value.isEmpty()) return null;
      if (value.chars().allMatch(Character::isDigit)) {
        if (value.length() > 18) return RETRY_AFTER_CEILING;
        Duration d = Duration.ofSeconds(Long.parseLong(value));
        return d.compareTo(RETRY_AFTER_CEILING) > 0 ? RETRY_AFTER_CEILING : d;
      }
      try {
        long at = java.time.ZonedDateTime.parse(value, java.time.format.DateTimeFormatter.RFC_1123_DATE_TIME)
            .toInstant().toEpochMilli();
        long millis = Math.max(0, at - nowMillis);
        return millis >= RETRY_AFTER_CEILING.toMillis() ? RETRY_AFTER_CEILING : Duration.ofMillis(millis);
      } catch (java.time.format.DateTimeParseException e) {
        return null;
      }
    }
  }

  static Throwable unwrap(Throwable e) {
    while ((e instanceof CompletionException || e instanceof ExecutionException) && e.getCause() != null) {
      e = e.getCause();
    }
    return e;
  }

  static Throwable cause(CompletableFuture<?> f) {
    try {
      f.getNow(null);
      return null;
    } catch (CompletionException | java.util.concurrent.CancellationException e) {
      return unwrap(e);
    }
  }

  static JsonNode parse(String text) {
    try {
      return JSON.readTree(text);
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  /** Java source for a value of a history: records, enums, strings, numbers, lists. */
  static String java(Object v) {
    if (v == null) return "null";
    if (v instanceof String s) {
      return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n") + "\"";
    }
    if (v instanceof Character c) return "'" + c + "'";
    if (v instanceof Long l) return l + "L";
    if (v instanceof Enum<?> e) {
      Class<?> type = e.getDeclaringClass();
      String owner = type.getEnclosingClass() == null || type.getEnclosingClass() == StateMachineModel.class
          ? "" : type.getEnclosingClass().getSimpleName() + ".";
      return owner + type.getSimpleName() + "." + e.name();
    }
    if (v instanceof Record r) {
      StringBuilder b = new StringBuilder("new ").append(r.getClass().getSimpleName()).append('(');
      RecordComponent[] parts = r.getClass().getRecordComponents();
      for (int i = 0; i < parts.length; i++) {
        if (i > 0) b.append(", ");
        try {
          b.append(java(parts[i].getAccessor().invoke(r)));
        } catch (ReflectiveOperationException e) {
          throw new AssertionError(e);
        }
      }
      return b.append(')').toString();
    }
    if (v instanceof List<?> list) {
      return "List.of(" + list.stream().map(StateMachineModel::java).collect(Collectors.joining(", ")) + ")";
    }
    return String.valueOf(v);
  }
}
