package dev.steadysocket.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.steadysocket.Backoff;
import dev.steadysocket.CloseReason;
import dev.steadysocket.ConnectionState;
import dev.steadysocket.Disconnect;
import dev.steadysocket.Envelope;
import dev.steadysocket.Heartbeat;
import dev.steadysocket.OutboxPolicy;
import dev.steadysocket.SocketObserver;
import dev.steadysocket.SteadySocketException;
import dev.steadysocket.testkit.FakeScheduler;
import dev.steadysocket.testkit.FakeTransports;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * Each call site of the event funnel fires its event once, in order, with the figures measured on
 * the socket's clock (virtual here). The testing module's observer tests do the same through the
 * public API and the kit; these keep client-core's own mutation run honest about the call sites.
 */
class ObserverCallSitesTest {
  static final long MS = 1_000_000L;
  final FakeScheduler scheduler = new FakeScheduler();
  final FakeTransports transports = new FakeTransports(scheduler::nanoTime);
  final List<String> log = new ArrayList<>();

  final SocketObserver journal = new SocketObserver() {
    @Override public void stateChanged(ConnectionState from, ConnectionState to) { log.add("state " + to); }
    @Override public void attemptStarted(int urlIndex, String url, int attempt) { log.add("attempt " + urlIndex + " #" + attempt); }
    @Override public void handshakeResponse(int status) { log.add("handshake " + status); }
    @Override public void connectionOpened(String sub, String ext, long nanos) { log.add("opened after " + nanos / MS + "ms"); }
    @Override public void disconnected(Disconnect d, long openNanos) { log.add("disconnected " + d.kind() + " open " + (openNanos < 0 ? -1 : openNanos / MS) + "ms"); }
    @Override public void reconnectScheduled(int attempt, long delay, SteadySocketException cause) { log.add("retry #" + attempt + " in " + delay / MS + "ms"); }
    @Override public void paused(String reason) { log.add("paused " + reason); }
    @Override public void resumed(String reason, boolean still) { log.add("resumed " + reason + (still ? " still paused" : "")); }
    @Override public void connectionReplaced() { log.add("replaced"); }
    @Override public void closed(CloseReason reason) { log.add("closed"); }
    @Override public void pingSent() { log.add("ping"); }
    @Override public void pongReceived(long rtt) { log.add("pong " + rtt / MS + "ms"); }
    @Override public void heartbeatSent() { log.add("heartbeat"); }
    @Override public void heartbeatEchoed(long rtt) { log.add("echo " + rtt / MS + "ms"); }
    @Override public void deadLink(long silence) { log.add("dead after " + silence / MS + "ms"); }
    @Override public void messageReceived(Envelope e, long bytes, long decode) { log.add("received " + e.type() + " " + bytes + "B"); }
    @Override public void binaryReceived(long bytes) { log.add("binary " + bytes + "B"); }
    @Override public void decodeFailed() { log.add("undecodable"); }
    @Override public void duplicateDropped(Envelope e) { log.add("duplicate " + e.id()); }
    @Override public void messageQueued(long bytes) { log.add("queued " + bytes + "B"); }
    @Override public void messageWritten(long bytes, long latency, boolean resent) { log.add("written after " + latency / MS + "ms" + (resent ? " again" : "")); }
    @Override public void messageAcknowledged(String id, long latency) { log.add("acked " + id + " after " + latency / MS + "ms"); }
    @Override public void outboxOverflow(int n) { log.add("overflow " + n); }
    @Override public void messagesFailed(int n) { log.add("failed " + n); }
    @Override public void requestStarted(Envelope r) { log.add("request " + r.id()); }
    @Override public void requestCompleted(String id, Envelope reply, long latency) { log.add("reply " + id + " after " + latency / MS + "ms"); }
    @Override public void requestTimedOut(String id, long latency) { log.add("timeout " + id + " after " + latency / MS + "ms"); }
    @Override public void requestFailed(String id, Throwable error, long latency) { log.add("request failed " + id); }
  };

  SocketConfig config() {
    SocketConfig c = new SocketConfig();
    c.urls.add(Checks.webSocketUrl("wss://example.com/a"));
    c.urls.add(Checks.webSocketUrl("wss://example.com/b"));
    c.scheduler = scheduler;
    c.transportFactory = transports;
    c.dispatch = Runnable::run;
    c.callbackExecutor = Runnable::run;
    c.backoff = Backoff.exponential(Duration.ofSeconds(1), Duration.ofSeconds(30)).withoutJitter();
    c.heartbeat = Heartbeat.disabled();
    return c;
  }

  SocketCore build(SocketConfig c) {
    SocketCore core = Assembly.build(c);
    core.observe(List.of(journal));
    return core;
  }

  /** Drops what the test does not look at. */
  List<String> only(String... prefixes) {
    List<String> out = new ArrayList<>();
    for (String e : log) for (String p : prefixes) if (e.startsWith(p)) { out.add(e); break; }
    return out;
  }

  @Test
  void anOutageFromAttemptToReconnect() {
    SocketCore s = build(config());
    s.connect();
    scheduler.runUntilIdle();
    scheduler.advanceByMillis(120);
    transports.last().open();
    scheduler.advanceByMillis(5_000);
    transports.last().fail(new IOException("reset"));
    scheduler.runUntilIdle();
    scheduler.advanceByMillis(1_000); // the backoff's first delay, no jitter
    transports.last().reject(503, null);
    scheduler.runUntilIdle();
    assertEquals(List.of(
        "state CONNECTING", "attempt 0 #1", "handshake 101", "state OPEN", "opened after 120ms",
        "disconnected TRANSPORT_FAILURE open 5000ms", "state RECONNECTING", "retry #1 in 1000ms",
        "state CONNECTING", "attempt 1 #1", "handshake 503", "disconnected HANDSHAKE_REJECTED open -1ms",
        "state RECONNECTING", "retry #2 in 2000ms"), log);
    s.close(1000, "");
    scheduler.runUntilIdle();
    assertEquals(List.of("state CLOSING", "state CLOSED", "closed"), log.subList(14, log.size()));
  }

  @Test
  void pauseResumeAndReplace() {
    SocketCore s = build(config());
    s.connect();
    scheduler.runUntilIdle();
    transports.last().open();
    scheduler.runUntilIdle();
    s.replaceConnection();
    s.pause("a");
    s.pause("b");
    s.pause("b"); // held already: no event
    s.resume("a");
    s.resume("b");
    s.resume("c"); // never held: no event
    scheduler.runUntilIdle();
    assertEquals(List.of("replaced", "paused a", "paused b", "resumed a still paused", "resumed b"),
        only("replaced", "paused", "resumed"));
  }

  @Test
  void aMessageFromSendToWrittenToAcknowledged() throws Exception {
    SocketConfig c = config();
    c.acknowledgedSends = true;
    SocketCore s = build(c);
    s.connect();
    scheduler.runUntilIdle();
    CompletableFuture<Void> f = s.send(Envelope.builder("t").id("m1").build());
    scheduler.advanceByMillis(40);
    transports.last().open();
    scheduler.runUntilIdle();
    scheduler.advanceByMillis(10);
    transports.last().receive("{\"type\":\"ack\",\"meta\":{\"replyTo\":\"m1\"}}");
    scheduler.runUntilIdle();
    assertTrue(f.isDone());
    String queued = only("queued").get(0);
    assertTrue(queued.matches("queued \\d+B"), queued);
    assertEquals(List.of("written after 40ms", "acked m1 after 50ms"), only("written", "acked"));
  }

  @Test
  void aWrittenMessageIsWrittenAgainAfterALostConnection() {
    SocketConfig c = config();
    c.acknowledgedSends = true;
    SocketCore s = build(c);
    s.connect();
    scheduler.runUntilIdle();
    transports.last().open();
    scheduler.runUntilIdle();
    s.send(Envelope.builder("t").id("m1").build());
    transports.last().fail(new IOException("reset"));
    scheduler.runUntilIdle();
    scheduler.advanceByMillis(1_000);
    transports.last().open();
    scheduler.runUntilIdle();
    assertEquals(List.of("written after 0ms", "written after 1000ms again"), only("written"));
    assertEquals(2, s.metrics().messagesSent());
    assertEquals(1, s.metrics().messagesResent());
  }

  @Test
  void overflowAndFailuresAtClose() {
    SocketConfig c = config();
    c.outbox = OutboxPolicy.bounded(1, 1 << 20, OutboxPolicy.Overflow.REJECT_NEW);
    SocketCore s = build(c);
    s.send(Envelope.builder("a").build());
    s.send(Envelope.builder("b").build());
    s.close(1000, "");
    s.send(Envelope.builder("c").build());
    scheduler.runUntilIdle();
    assertEquals(List.of("overflow 1", "failed 1", "failed 1", "closed"), only("overflow", "failed", "closed"));
    assertEquals(3, only("queued").size());
    assertEquals(3, s.metrics().messagesDropped());
  }

  @Test
  void requestsEndOnceWithTheirLatency() {
    SocketCore s = build(config());
    s.connect();
    scheduler.runUntilIdle();
    transports.last().open();
    scheduler.runUntilIdle();
    s.request(Envelope.builder("q").id("r1").build(), Duration.ofSeconds(5));
    s.request(Envelope.builder("q").id("r2").build(), Duration.ofSeconds(5));
    scheduler.advanceByMillis(30);
    transports.last().receive("{\"type\":\"a\",\"meta\":{\"replyTo\":\"r1\"}}");
    scheduler.advanceByMillis(5_000);
    s.request(Envelope.builder("q").id("r3").build(), Duration.ofSeconds(5));
    transports.last().fail(new IOException("reset"));
    scheduler.runUntilIdle();
    assertEquals(List.of("request r1", "request r2", "reply r1 after 30ms", "timeout r2 after 5000ms",
        "request r3", "request failed r3"), only("request", "reply", "timeout"));
  }

  @Test
  void aRefusedDuplicateIdIsNoRequestAndAnEndNeverPrecedesItsStart() throws Exception {
    SocketCore s = build(config());
    s.request(Envelope.builder("q").id("r1").build(), Duration.ofSeconds(5));
    CompletableFuture<Envelope> duplicate = s.request(Envelope.builder("q").id("r1").build(), Duration.ofSeconds(5));
    assertTrue(duplicate.isCompletedExceptionally());
    assertEquals(List.of("request r1"), only("request"), "the refused duplicate never started: no event names it");

    // An end reported on another thread while requestStarted is still running waits for it (the
    // opentelemetry module's SpiRequestOrderTest races a real close and a real reply against it).
    java.util.concurrent.CountDownLatch inStart = new java.util.concurrent.CountDownLatch(1);
    java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
    List<String> order = new java.util.concurrent.CopyOnWriteArrayList<>();
    SocketCore t = build(config());
    t.observe(List.of(new SocketObserver() {
      @Override public void requestStarted(Envelope r) {
        inStart.countDown();
        try {
          release.await(5, java.util.concurrent.TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        order.add("started " + r.id());
      }
      @Override public void requestFailed(String id, Throwable error, long latency) { order.add("failed " + id); }
    }));
    Thread requester = new Thread(() -> t.request(Envelope.builder("q").id("r2").build(), Duration.ofSeconds(5)));
    requester.start();
    assertTrue(inStart.await(5, java.util.concurrent.TimeUnit.SECONDS));
    t.close(1000, "");
    scheduler.runUntilIdle(); // CLOSED: the request fails while its start is still being reported
    release.countDown();
    requester.join(5_000);
    assertEquals(List.of("started r2", "failed r2"), order);
  }

  @Test
  void beforeSendMayAddToARequestButNotChangeItsId() {
    SocketCore s = build(config());
    s.observe(List.of(new SocketObserver() {
      @Override public Envelope beforeSend(Envelope e) { return e.toBuilder().id("changed").meta("m", "1").build(); }
    }));
    s.connect();
    scheduler.runUntilIdle();
    transports.last().open();
    scheduler.runUntilIdle();
    s.request(Envelope.builder("q").id("r1").build(), Duration.ofSeconds(5));
    s.send(Envelope.builder("e").id("e1").build());
    List<String> sent = transports.last().sentMessages();
    assertTrue(sent.get(0).contains("\"id\":\"r1\"") && !sent.get(0).contains("\"m\""), "the request as sent: " + sent.get(0));
    assertTrue(sent.get(1).contains("\"id\":\"changed\"") && sent.get(1).contains("\"m\":\"1\""), "a send as changed: " + sent.get(1));
  }

  @Test
  void inboundMessagesDuplicatesAndUndecodableFrames() {
    SocketConfig c = config();
    c.dedupWindow = 10;
    SocketCore s = build(c);
    s.connect();
    scheduler.runUntilIdle();
    transports.last().open();
    scheduler.runUntilIdle();
    transports.last().receive("{\"type\":\"t\",\"id\":\"x\"}");
    transports.last().receive("{\"type\":\"t\",\"id\":\"x\"}");
    transports.last().receive("not json");
    transports.last().receiveBinary(new byte[3]);
    scheduler.runUntilIdle();
    assertEquals(List.of("received t 21B", "duplicate x", "undecodable", "binary 3B"),
        only("received", "duplicate", "undecodable", "binary"));
  }

  @Test
  void heartbeatsPongsAndADeadLink() {
    SocketConfig c = config();
    c.heartbeat = Heartbeat.every(Duration.ofSeconds(30)).withTimeout(Duration.ofSeconds(10));
    SocketCore s = build(c);
    s.connect();
    scheduler.runUntilIdle();
    FakeTransports.Fake t = transports.last();
    t.open();
    scheduler.runUntilIdle();
    scheduler.advanceByMillis(30_000);
    scheduler.advanceByMillis(3);
    s.checkLiveness(Duration.ofSeconds(5)); // a second ping before the first one's pong
    scheduler.advanceByMillis(4);
    t.pong(); // answers the oldest ping: 7 ms, not 4
    t.pong(); // a second pong is not timed
    String heartbeat = t.sentHeartbeats().get(0);
    String hbId = heartbeat.replaceAll(".*\"id\":\"([^\"]+)\".*", "$1");
    scheduler.advanceByMillis(2);
    t.receive("{\"type\":\"heartbeat\",\"id\":\"" + hbId + "\"}");
    scheduler.advanceByMillis(30_000 - 9); // next round; nothing answers
    scheduler.advanceByMillis(10_000);
    assertEquals(List.of("ping", "heartbeat", "ping", "pong 7ms", "echo 9ms", "ping", "heartbeat", "dead after 10000ms"),
        only("ping", "pong", "heartbeat", "echo", "dead"));
    assertEquals(9, s.metrics().lastHeartbeatRttMillis());
  }
}
