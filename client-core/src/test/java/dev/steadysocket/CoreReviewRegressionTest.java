package dev.steadysocket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.steadysocket.internal.Scheduler;
import dev.steadysocket.internal.SharedResources;
import dev.steadysocket.testkit.FakeScheduler;
import dev.steadysocket.testkit.FakeTransports;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Defects a review of the rewritten core found, each as the contract it broke. Virtual time:
 * {@link FakeScheduler} (or a scheduler that runs tasks late), {@link FakeTransports}, inline callbacks.
 */
class CoreReviewRegressionTest {
  final FakeScheduler clock = new FakeScheduler();
  final FakeTransports transports = new FakeTransports();
  final List<String> log = new CopyOnWriteArrayList<>();

  SteadySocketBuilder builder(Scheduler scheduler) {
    return SteadySocket.builder("wss://example.com/feed")
        .scheduler(scheduler)
        .transportFactory(transports)
        .callbackExecutor(Runnable::run)
        .sharedDispatch(Runnable::run) // policies and token providers inline, as the tests step them
        .backoff(Backoff.defaults().withRandom(new Random(42)))
        .heartbeat(Heartbeat.disabled())
        .listener(new SteadySocketListener() {
          @Override public void onStateChanged(ConnectionState p, ConnectionState c) { log.add(p + "->" + c); }
          @Override public void onReconnecting(int a, Duration d, SteadySocketException c) { log.add("retry in " + d.toMillis()); }
          @Override public void onClosed(CloseReason r) { log.add("closed " + r); }
        });
  }

  SteadySocketBuilder builder() {
    return builder(clock);
  }

  SteadySocket open(SteadySocket s) {
    s.connect();
    clock.runUntilIdle();
    transports.last().open();
    clock.runUntilIdle();
    return s;
  }

  /** A heartbeat check left over from a retired connection must not judge (or kill) the next one. */
  @Test
  void aStaleHeartbeatCheckDoesNotKillTheNextConnection() {
    FakeScheduler laggy = new FakeScheduler(); // the test picks how late each task runs
    SteadySocket s = builder(laggy)
        .heartbeat(Heartbeat.every(Duration.ofSeconds(5))).minimumUptime(Duration.ofHours(1)).build();
    s.connect();
    laggy.runUntilIdle();
    FakeTransports.Fake c1 = transports.last();
    c1.open();
    laggy.runUntilIdle();
    laggy.runNext(1_000_000); // tick 1 runs 1 ms late: its check falls due after tick 2
    laggy.runNext(500_000);   // tick 2 runs late too
    s.replaceConnection();
    laggy.runUntilIdle();
    FakeTransports.Fake c2 = transports.last();
    c2.open();
    laggy.runUntilIdle();
    laggy.runNext(0); // whatever is due next: it must not be c1's old check acting on c2
    laggy.runUntilIdle();
    assertEquals(ConnectionState.OPEN, s.state(), String.join(", ", log));
    assertEquals(2, transports.count(), "no attempt replaced the healthy connection");
    assertFalse(c2.cancelled);
  }

  /** Ack mode: a request that failed (FAIL retention) or timed out is never written again. */
  @Test
  void ackModeNeverResendsAFailedOrTimedOutRequest() {
    SteadySocket s = open(builder().acknowledgedSends(true).build());
    CompletableFuture<Envelope> failed = s.request(Envelope.builder("charge").id("req-1").build(), Duration.ofSeconds(60));
    CompletableFuture<Envelope> timedOut = s.request(Envelope.builder("q").id("req-2").build(), Duration.ofSeconds(1));
    clock.advanceBy(Duration.ofSeconds(2));
    assertTrue(timedOut.isCompletedExceptionally());
    transports.last().fail(new IOException("reset"));
    clock.runUntilIdle();
    assertTrue(failed.isCompletedExceptionally(), "FAIL retention fails the request");
    clock.advanceBy(Duration.ofSeconds(31));
    transports.last().open();
    clock.runUntilIdle();
    List<String> resent = transports.last().sentMessages();
    assertFalse(resent.stream().anyMatch(m -> m.contains("req-1") || m.contains("req-2")), resent.toString());
  }

  /** A stream name outside ASCII must not make every later handshake fail. */
  @Test
  void anyStreamNameSurvivesTheResumeHeader() {
    SteadySocket s = open(builder().resumeStreams(true).build());
    transports.last().receive("{\"type\":\"tick\",\"id\":\"1\",\"meta\":{\"stream\":\"prices-\u00e9\\n\"}}");
    transports.last().fail(new IOException("reset"));
    clock.advanceBy(Duration.ofSeconds(31));
    Map<String, String> headers = transports.last().headers;
    okhttp3.Request.Builder b = new okhttp3.Request.Builder().url("https://example.com/");
    for (Map.Entry<String, String> h : headers.entrySet()) b.header(h.getKey(), h.getValue()); // must not throw
    assertTrue(headers.get("X-SteadySocket-Resume").toLowerCase(java.util.Locale.ROOT).contains("\\u00e9"), headers.toString());
  }

  /** A huge (but valid) Duration never overflows the loop's arithmetic. */
  @Test
  void hugeDurationsDoNotCrashTheLoop() {
    SteadySocket s = open(builder().closeTimeout(Duration.ofSeconds(Long.MAX_VALUE / 2)).build());
    CompletableFuture<Envelope> reply = s.request(Envelope.builder("q").build(), Duration.ofSeconds(Long.MAX_VALUE));
    clock.runUntilIdle();
    assertEquals(ConnectionState.OPEN, s.state(), String.join(", ", log));
    assertFalse(reply.isDone());
    s.close();
    clock.runUntilIdle();
    assertEquals(ConnectionState.CLOSING, s.state());
  }

  /** A build() that fails after acquiring shared resources gives them back. */
  @Test
  void aFailedBuildReleasesTheSharedClient() {
    int before = SharedResources.clientUsers();
    dev.steadysocket.internal.SocketConfig config = new dev.steadysocket.internal.SocketConfig();
    config.urls.add(okhttp3.HttpUrl.get("https://example.com/"));
    // The last step of a build throws, after the shared client was acquired.
    config.handlers.add(bus -> { throw new IllegalArgumentException("a late step of build() refused"); });
    assertThrows(IllegalArgumentException.class, () -> dev.steadysocket.internal.Assembly.build(config));
    assertEquals(before, SharedResources.clientUsers());
  }

  /** Replacing a healthy connection starts a new outage: its first failure waits the minimum. */
  // #16 part 2: the wait is checked at the floor (T-1 and T), not only "not at once"
  @Test
  void aFailureAfterReplacingAStableConnectionStillWaits() {
    SteadySocket s = open(builder().build());
    clock.advanceBy(Duration.ofSeconds(6)); // past the minimum uptime
    s.replaceConnection();
    clock.runUntilIdle();
    int before = transports.count();
    transports.last().reject(503, "0");
    clock.runUntilIdle();
    Duration floor = Backoff.defaults().minimum();
    clock.advanceBy(floor.minusNanos(1));
    assertEquals(before, transports.count(), "retried before the backoff's floor (" + floor + "): " + log);
    clock.advanceBy(Duration.ofNanos(1));
    assertEquals(before + 1, transports.count(), "no retry at the floor (" + floor + "): " + log);
  }

  /** With minimumUptime(ZERO), a server that accepts then closes with 1008 still cannot make a loop. */
  @Test
  void zeroMinimumUptimeCannotMakeARefreshLoop() {
    SteadySocket s = builder().minimumUptime(Duration.ZERO).tokenProvider(refresh -> "t").build();
    s.connect();
    clock.runUntilIdle();
    for (int i = 0; i < 5 && s.state() != ConnectionState.CLOSED; i++) {
      transports.last().open();
      clock.runUntilIdle();
      transports.last().serverClose(1008, "bad token");
      clock.runUntilIdle();
      clock.advanceBy(Duration.ofMillis(100));
    }
    assertEquals(ConnectionState.CLOSED, s.state(), String.join(", ", log));
    assertEquals(2, transports.count());
  }

  /** A policy still deciding (hung) about one disconnect holds at most one thread. */
  @Test
  void aHungPolicyHoldsOneThreadNotOnePerDisconnect() {
    List<Runnable> dispatched = new ArrayList<>();
    AtomicInteger calls = new AtomicInteger();
    SteadySocket s = builder().sharedDispatch(dispatched::add).callbackExecutor(Runnable::run)
        .reconnectPolicy(d -> {
          calls.incrementAndGet();
          return ReconnectPolicy.Decision.retry();
        })
        .build();
    s.connect();
    clock.runUntilIdle();
    for (int i = 0; i < 3; i++) {
      transports.last().fail(new IOException("reset"));
      clock.runUntilIdle();
      s.replaceConnection(); // the decision never came back: the policy "hangs"
      clock.runUntilIdle();
    }
    assertTrue(dispatched.size() <= 1, dispatched.size() + " policy calls handed to threads at once");
  }

  /** Ack mode with an outbox of zero messages still sends while OPEN. */
  @Test
  void ackModeWithAZeroMessageOutboxStillSends() {
    SteadySocket s = open(builder().acknowledgedSends(true)
        .outbox(OutboxPolicy.bounded(0, 1 << 20, OutboxPolicy.Overflow.REJECT_NEW)).build());
    s.send(Envelope.of("x", null));
    clock.runUntilIdle();
    assertEquals(1, transports.last().sentMessages().size());
  }
}
