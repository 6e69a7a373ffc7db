package dev.steadysocket.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.steadysocket.Backoff;
import dev.steadysocket.CloseReason;
import dev.steadysocket.ConnectionLostException;
import dev.steadysocket.ConnectionState;
import dev.steadysocket.DecodeException;
import dev.steadysocket.Envelope;
import dev.steadysocket.Heartbeat;
import dev.steadysocket.MessageCodec;
import dev.steadysocket.SocketClosedException;
import dev.steadysocket.SteadySocketException;
import dev.steadysocket.testkit.FakeScheduler;
import dev.steadysocket.testkit.FakeTransports;
import dev.steadysocket.testkit.RecordingListener;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * The loop and the wiring of a socket's parts, through {@link SocketCore}, in virtual time: what a
 * command or transport event leaves behind (timers, metrics, transports), which the public-API
 * tests do not look at.
 */
class SocketCoreTest {
  static final long SECOND = 1_000_000_000L;

  /** Counts decodes, so a test can tell on which thread (task) frames are decoded. */
  static final class CountingCodec implements MessageCodec {
    final MessageCodec jackson = MessageCodec.jackson();
    int decodes;
    RuntimeException failDecode;

    @Override
    public String encode(Envelope envelope) {
      return jackson.encode(envelope);
    }

    @Override
    public Envelope decode(String text) {
      decodes++;
      if (failDecode != null) throw failDecode;
      return jackson.decode(text);
    }
  }

  final FakeScheduler scheduler = new FakeScheduler();
  final FakeTransports transports = new FakeTransports();
  final List<String> events = new ArrayList<>();
  final RecordingListener recorder = new RecordingListener().journal("l", events);
  final CountingCodec codec = new CountingCodec();

  SocketConfig config() {
    SocketConfig c = new SocketConfig();
    c.urls.add(Checks.webSocketUrl("wss://example.com/feed"));
    c.scheduler = scheduler;
    c.transportFactory = transports;
    c.callbackExecutor = Runnable::run;
    c.backoff = Backoff.exponential(Duration.ofSeconds(1), Duration.ofSeconds(30)).withoutJitter();
    c.heartbeat = Heartbeat.disabled();
    c.codec = codec;
    c.listeners.add(recorder);
    return c;
  }

  SocketCore build(SocketConfig c) {
    return Assembly.build(c);
  }

  /** Connects and opens; returns the open connection's attempt. */
  FakeTransports.Fake open(SocketCore core) {
    core.connect();
    scheduler.runUntilIdle();
    FakeTransports.Fake d = transports.last();
    d.listener.onOpen();
    scheduler.runUntilIdle();
    assertEquals(ConnectionState.OPEN, core.state());
    return d;
  }

  @Test
  void openingCancelsTheConnectTimerAndTheStableTimerIsTheLastOneLeft() {
    SocketCore core = build(config());
    open(core);
    assertEquals(1, scheduler.pendingTasks(), "only the minimum-uptime timer");
    scheduler.advanceByNanos(5 * SECOND);
    assertEquals(0, scheduler.pendingTasks());
    assertEquals(ConnectionState.OPEN, core.state());
  }

  @Test
  void aGracefulCloseFlushesFirstAndLeavesNoTimerBehind() {
    SocketCore core = build(config());
    FakeTransports.Fake d = open(core);
    d.queueSize = Outbound.SEND_BUFFER_HIGH_WATER;
    CompletableFuture<Void> held = core.send(Envelope.builder("m").id("held").build());
    assertFalse(held.isDone());
    d.queueSize = 0; // the buffer drained before the close
    core.close(1000, "bye");
    assertTrue(core.send(Envelope.of("m", 1)).isCompletedExceptionally(), "refused as soon as close() returns");
    scheduler.runUntilIdle();
    assertEquals(ConnectionState.CLOSING, core.state());
    assertEquals(1, d.sent.size(), "written before the close frame");
    assertTrue(held.isDone() && !held.isCompletedExceptionally());
    assertEquals(1000, d.closeCode);
    assertEquals("bye", d.closeReason);
    d.listener.onClosed(1000, "bye");
    scheduler.runUntilIdle();
    assertEquals(ConnectionState.CLOSED, core.state());
    CloseReason reason = core.closeFuture().getNow(null);
    assertEquals(1000, reason.code());
    assertTrue(reason.initiatedByApp());
    assertEquals(0, scheduler.pendingTasks(), "the close timer and every other timer are gone");
  }

  @Test
  void closingAnOpenSocketLeavesOnlyTheCloseTimer() {
    SocketCore core = build(config());
    open(core);
    core.close(1000, "");
    scheduler.runUntilIdle();
    assertEquals(1, scheduler.pendingTasks(), "the minimum-uptime timer was cancelled; the close timer waits");
  }

  @Test
  void aLostConnectionsHeartbeatsStop() {
    SocketConfig c = config();
    c.heartbeat = Heartbeat.every(Duration.ofSeconds(10)).withTimeout(Duration.ofSeconds(5));
    SocketCore core = build(c);
    FakeTransports.Fake d = open(core);
    d.listener.onFailure(new IOException("reset"), -1, null);
    scheduler.runUntilIdle();
    core.pause("hold"); // no new attempt: only the old connection's timers could still run
    scheduler.runUntilIdle();
    scheduler.advanceByNanos(60 * SECOND);
    assertTrue(d.sent.isEmpty(), "no heartbeat on the lost connection");
    assertEquals(0, scheduler.pendingTasks());
    assertEquals(ConnectionState.PAUSED, core.state());
  }

  @Test
  void aCrashWhoseCloseFailsTooStillSettlesEverything() {
    SocketCore core = build(config());
    FakeTransports.Fake d = open(core);
    CompletableFuture<Envelope> reply = core.request(Envelope.builder("q").id("q1").build(), Duration.ofSeconds(30));
    scheduler.runUntilIdle();
    IllegalStateException bug = new IllegalStateException("transport bug");
    d.failClose = bug;
    d.failCancel = bug;
    core.close(1000, ""); // close() throws on the loop, and so does the cancel while terminating
    scheduler.runUntilIdle();
    assertEquals(ConnectionState.CLOSED, core.state());
    CloseReason reason = core.closeFuture().getNow(null);
    assertNotNull(reason);
    assertEquals("internal error", reason.reason());
    assertInstanceOf(SocketClosedException.class, VirtualTime.failure(reply));
    assertEquals(1, events.stream().filter(e -> e.startsWith("l: Closed(")).count());
    assertTrue(events.contains("l: State(CLOSING -> CLOSED)"), events.toString());
  }

  @Test
  void aServerThatNeverFinishesTheCloseIsLeftAfterTheCloseTimeout() {
    SocketCore core = build(config());
    FakeTransports.Fake d = open(core);
    core.close(4000, "going");
    scheduler.runUntilIdle();
    scheduler.advanceByNanos(5 * SECOND - 1);
    assertEquals(ConnectionState.CLOSING, core.state());
    scheduler.advanceByNanos(1);
    assertEquals(ConnectionState.CLOSED, core.state());
    assertEquals(4000, core.closeFuture().getNow(null).code());
    assertTrue(d.cancelled);
  }

  @Test
  void aFailureWhileClosingEndsTheCloseAtOnce() {
    SocketCore core = build(config());
    FakeTransports.Fake d = open(core);
    core.close(1000, "");
    scheduler.runUntilIdle();
    d.listener.onFailure(new IOException("reset"), -1, null);
    scheduler.runUntilIdle();
    assertEquals(ConnectionState.CLOSED, core.state());
    assertEquals(0, scheduler.pendingTasks());
    d.listener.onClosing(1000, ""); // late: ignored
    scheduler.runUntilIdle();
    assertEquals(ConnectionState.CLOSED, core.state());
  }

  @Test
  void closingWhileReconnectingCancelsTheReconnect() {
    SocketCore core = build(config());
    FakeTransports.Fake d = open(core);
    d.listener.onFailure(new IOException("reset"), -1, null);
    scheduler.runUntilIdle();
    assertEquals(ConnectionState.RECONNECTING, core.state());
    core.close(1000, "");
    scheduler.runUntilIdle();
    assertEquals(ConnectionState.CLOSED, core.state());
    assertEquals(0, scheduler.pendingTasks());
    scheduler.advanceByNanos(3600 * SECOND);
    assertEquals(1, transports.count());
  }

  @Test
  void reconnectNowCancelsTheScheduledAttempt() {
    SocketCore core = build(config());
    FakeTransports.Fake d = open(core);
    d.listener.onFailure(new IOException("reset"), -1, null);
    scheduler.runUntilIdle();
    core.reconnectNow();
    scheduler.runUntilIdle();
    assertEquals(2, transports.count());
    scheduler.advanceByNanos(2 * SECOND); // past the 1 s backoff, short of the connect timeout
    assertEquals(2, transports.count(), "the backoff timer did not start a third attempt");
  }

  @Test
  void disconnectedTimeRunsFromConnectUntilOpenAndAgainAfterADrop() {
    SocketCore core = build(config());
    core.connect();
    scheduler.runUntilIdle();
    scheduler.advanceByNanos(3 * SECOND);
    FakeTransports.Fake d = transports.last();
    d.listener.onOpen();
    scheduler.runUntilIdle();
    assertEquals(3000, core.metrics().disconnectedMillis());
    scheduler.advanceByNanos(10 * SECOND);
    assertEquals(3000, core.metrics().disconnectedMillis());
    d.listener.onFailure(new IOException("reset"), -1, null);
    scheduler.runUntilIdle();
    scheduler.advanceByNanos(SECOND / 2);
    assertEquals(3500, core.metrics().disconnectedMillis(), "counting again since the drop");
    core.close(1000, "");
    scheduler.runUntilIdle();
    scheduler.advanceByNanos(7 * SECOND);
    assertEquals(3500, core.metrics().disconnectedMillis(), "stopped at CLOSED");
    assertEquals(0, core.metrics().reconnects());
    assertEquals(1, core.metrics().connectionAttempts());
  }

  @Test
  void afterADropNewSendsWaitInTheOutboxNotOnTheDeadTransport() {
    SocketCore core = build(config());
    FakeTransports.Fake d = open(core);
    d.listener.onFailure(new IOException("reset"), -1, null);
    scheduler.runUntilIdle();
    assertTrue(d.cancelled);
    CompletableFuture<Void> f = core.send(Envelope.of("m", 1));
    assertFalse(f.isDone());
    assertTrue(d.sent.isEmpty());
    assertEquals(1, core.metrics().outboxDepth());
  }

  @Test
  void pausingAConnectingAttemptCancelsItAndPausingAnOpenOneClosesIt() {
    SocketCore core = build(config());
    core.connect();
    scheduler.runUntilIdle();
    FakeTransports.Fake attempt = transports.last();
    core.pause("background");
    scheduler.runUntilIdle();
    assertEquals(ConnectionState.PAUSED, core.state());
    assertTrue(attempt.cancelled);
    assertEquals(-1, attempt.closeCode, "not open: cancelled, not closed");
    assertEquals(0, scheduler.pendingTasks());

    core.resume("background");
    scheduler.runUntilIdle();
    FakeTransports.Fake d = transports.last();
    assertEquals(2, transports.count());
    d.listener.onOpen();
    scheduler.runUntilIdle();
    core.pause("offline");
    scheduler.runUntilIdle();
    assertEquals(Closes.GOING_AWAY, d.closeCode);
    assertEquals("paused", d.closeReason);
    assertFalse(d.cancelled, "open: a graceful close");
  }

  @Test
  void pausingWhileReconnectingCancelsTheReconnectAndResumeStartsTheCountOver() {
    SocketCore core = build(config());
    core.connect();
    scheduler.runUntilIdle();
    for (int i = 0; i < 3; i++) {
      transports.last().listener.onFailure(new IOException("refused"), -1, null);
      scheduler.runUntilIdle();
      core.reconnectNow();
      scheduler.runUntilIdle();
    }
    events.clear();
    transports.last().listener.onFailure(new IOException("refused"), -1, null);
    scheduler.runUntilIdle();
    assertTrue(events.contains("l: Reconnecting(4, 8000 ms, ConnectionLostException: connection failed: IOException: refused)"), events.toString());
    int attempts = transports.count();
    core.pause("offline");
    scheduler.runUntilIdle();
    scheduler.advanceByNanos(3600 * SECOND);
    assertEquals(attempts, transports.count(), "no attempt while paused");
    assertEquals(0, scheduler.pendingTasks());
    core.resume("offline");
    scheduler.runUntilIdle();
    assertEquals(attempts + 1, transports.count());
    events.clear();
    transports.last().listener.onFailure(new IOException("refused"), -1, null);
    scheduler.runUntilIdle();
    assertTrue(events.contains("l: Reconnecting(1, 1000 ms, ConnectionLostException: connection failed: IOException: refused)"), events.toString());
  }

  @Test
  void aReplacedAttemptThatOpensAnywayIsCancelled() {
    SocketCore core = build(config());
    core.connect();
    scheduler.runUntilIdle();
    FakeTransports.Fake first = transports.last();
    core.replaceConnection();
    scheduler.runUntilIdle();
    assertEquals(1, first.cancels);
    FakeTransports.Fake second = transports.last();
    first.listener.onOpen();
    scheduler.runUntilIdle();
    assertEquals(2, first.cancels, "cancelled again when it opened");
    assertEquals(ConnectionState.CONNECTING, core.state());
    second.listener.onOpen();
    scheduler.runUntilIdle();
    assertEquals(ConnectionState.OPEN, core.state());
  }

  @Test
  void aFactoryThatThrowsFailsTheAttemptAndTheSocketRetries() {
    transports.failConnect = new IllegalArgumentException("bad header");
    SocketCore core = build(config());
    core.connect();
    scheduler.runUntilIdle();
    assertEquals(ConnectionState.RECONNECTING, core.state());
    assertInstanceOf(ConnectionLostException.class, recorder.errors().get(0));
    assertEquals("could not start the connection: java.lang.IllegalArgumentException", recorder.errors().get(0).getMessage());
  }

  @Test
  void aLoopTaskThatCrashesClosesTheSocketWithATypedError() {
    AssertionError factoryError = new AssertionError("factory bug");
    transports.failConnect = factoryError;
    SocketCore core = build(config());
    CompletableFuture<Void> queued = core.send(Envelope.of("m", 1));
    core.connect();
    scheduler.runUntilIdle();
    assertEquals(ConnectionState.CLOSED, core.state());
    CloseReason reason = core.closeFuture().getNow(null);
    assertNotNull(reason, "the close future completes");
    assertEquals(-1, reason.code());
    assertEquals("internal error", reason.reason());
    assertFalse(reason.initiatedByApp());
    SteadySocketException error = assertInstanceOf(SteadySocketException.class, reason.error());
    assertSame(factoryError, error.getCause());
    assertTrue(recorder.errors().contains(error), "reported to onError too");
    assertInstanceOf(SocketClosedException.class, VirtualTime.failure(queued));
    assertEquals(1, events.stream().filter(e -> e.startsWith("l: Closed(")).count(), "one onClosed");
    assertEquals(0, scheduler.pendingTasks());
  }

  @Test
  void aTokenCallInProgressAtCloseIsCancelled() {
    ArrayDeque<Runnable> pool = new ArrayDeque<>();
    int[] calls = {0};
    SocketConfig c = config();
    c.dispatch = pool::add;
    c.tokenProvider = refresh -> {
      calls[0]++;
      return "t";
    };
    SocketCore core = build(c);
    core.connect();
    scheduler.runUntilIdle();
    assertEquals(1, pool.size(), "the token call");
    core.close(1000, "");
    scheduler.runUntilIdle();
    pool.remove().run();
    scheduler.runUntilIdle();
    assertEquals(0, calls[0], "the token call was cancelled by close");
    assertTrue(transports.count() == 0);
    assertEquals(0, scheduler.pendingTasks());
  }

  @Test
  void aWrittenRequestWaitingForItsReplyAtCloseFails() {
    SocketCore core = build(config());
    FakeTransports.Fake d = open(core);
    CompletableFuture<Envelope> reply = core.request(Envelope.builder("q").id("q1").build(), Duration.ofSeconds(30));
    scheduler.runUntilIdle();
    assertEquals(1, d.sent.size());
    core.close(1000, "");
    scheduler.runUntilIdle();
    d.listener.onClosed(1000, "");
    scheduler.runUntilIdle();
    Throwable e = VirtualTime.failure(reply);
    assertInstanceOf(SocketClosedException.class, e);
    assertEquals("socket closed before the reply arrived", e.getMessage());
    assertEquals(0, scheduler.pendingTasks(), "its timeout was cancelled");
  }

  @Test
  void listenersCanBeAddedAndRemovedThroughTheCore() {
    SocketConfig c = config();
    c.listeners.clear();
    SocketCore core = build(c);
    core.addListener(recorder);
    core.connect();
    scheduler.runUntilIdle();
    assertEquals(List.of("l: State(IDLE -> CONNECTING)"), events);
    core.removeListener(recorder);
    core.close(1000, "");
    scheduler.runUntilIdle();
    assertEquals(List.of("l: State(IDLE -> CONNECTING)"), events);
  }

  // ------------------------------------------------------------------ where frames are decoded

  static String frame(String type) {
    return MessageCodec.jackson().encode(Envelope.builder(type).id(type + "-id").build());
  }

  /** A socket whose callbacks run on a queue the test drains: decoding there is visible. */
  SocketCore pooled(SocketConfig c, ArrayDeque<Runnable> pool) {
    c.callbackExecutor = null; // SteadySocket's own pool...
    c.dispatch = pool::add; // ...which the test runs by hand
    return build(c);
  }

  static void drain(ArrayDeque<Runnable> pool) {
    while (!pool.isEmpty()) pool.remove().run();
  }

  FakeTransports.Fake openPooled(SocketCore core, ArrayDeque<Runnable> pool) {
    core.connect();
    scheduler.runUntilIdle();
    FakeTransports.Fake d = transports.last();
    d.listener.onOpen();
    scheduler.runUntilIdle();
    drain(pool);
    return d;
  }

  @Test
  void onItsOwnPoolWithNoGuaranteeFramesAreDecodedInTheDeliveryNotOnTheReader() {
    ArrayDeque<Runnable> pool = new ArrayDeque<>();
    SocketCore core = pooled(config(), pool);
    FakeTransports.Fake d = openPooled(core, pool);
    d.listener.onText(frame("tick"));
    assertEquals(0, codec.decodes, "the reader only queues the frame");
    drain(pool);
    assertEquals(1, codec.decodes);
    assertTrue(events.contains("l: Message(tick)"));
    assertEquals(1, core.metrics().messagesReceived());
  }

  @Test
  void aGuaranteeOrAnApplicationExecutorDecodesOnTheReader() {
    for (int variant = 0; variant < 3; variant++) {
      ArrayDeque<Runnable> pool = new ArrayDeque<>();
      SocketConfig c = config();
      if (variant == 0) c.dedupWindow = 10;
      if (variant == 1) c.acknowledgedSends = true;
      SocketCore core = variant == 2 ? build(c) : pooled(c, pool);
      codec.decodes = 0;
      FakeTransports.Fake d = variant == 2 ? open(core) : openPooled(core, pool);
      d.listener.onText(frame("tick"));
      assertEquals(1, codec.decodes, "variant " + variant);
      drain(pool);
    }
  }

  @Test
  void aWaitingRequestMakesTheReaderDecodeSoItsReplyIsMatchedAtOnce() {
    ArrayDeque<Runnable> pool = new ArrayDeque<>();
    SocketCore core = pooled(config(), pool);
    FakeTransports.Fake d = openPooled(core, pool);
    CompletableFuture<Envelope> reply = core.request(Envelope.builder("q").id("q1").build(), Duration.ofSeconds(30));
    scheduler.runUntilIdle();
    drain(pool);
    d.listener.onText(MessageCodec.jackson().encode(
        Envelope.builder("answer").meta(InboundLedger.META_REPLY_TO, "q1").build()));
    assertEquals(1, codec.decodes, "decoded on the reader");
    drain(pool);
    assertEquals("answer", reply.getNow(null).type());
    assertFalse(events.contains("l: Message(answer)"), "a reply is the request's, not a message");
  }

  @Test
  void aCodecsOwnDecodeExceptionIsReportedAsIsAndOthersAreWrapped() {
    SocketCore core = build(config());
    FakeTransports.Fake d = open(core);
    DecodeException own = new DecodeException("mine", "raw", null);
    codec.failDecode = own;
    d.listener.onText("whatever");
    codec.failDecode = new IllegalStateException("codec bug");
    d.listener.onText("whatever");
    assertSame(own, recorder.errors().get(0));
    DecodeException wrapped = assertInstanceOf(DecodeException.class, recorder.errors().get(1));
    assertTrue(wrapped.getMessage().startsWith("codec failed"), wrapped.getMessage());
    assertEquals("whatever", wrapped.rawText());
    assertEquals(2, core.metrics().decodeErrors());
  }

  @Test
  void aConnectionNamesItself() {
    assertEquals("connection #7", new Connection(null, null, null, null, TestEvents.of(null), 7).toString());
  }

  @Test
  void redactedUrlsKeepSchemeHostPortAndPathOnly() {
    assertEquals("wss://example.com:8443/...",
        Assembly.redact(Checks.webSocketUrl("wss://user:pw@example.com:8443/feed?token=x#frag")));
    assertEquals("ws://example.com/...", Assembly.redact(Checks.webSocketUrl("ws://example.com/feed?token=x")));
    assertEquals("wss://example.com/...", Assembly.redact(Checks.webSocketUrl("https://example.com")));
  }
}
