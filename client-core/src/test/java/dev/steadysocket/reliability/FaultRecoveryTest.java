package dev.steadysocket.reliability;

import static dev.steadysocket.ConnectionState.CLOSED;
import static dev.steadysocket.ConnectionState.CONNECTING;
import static dev.steadysocket.ConnectionState.OPEN;
import static dev.steadysocket.ConnectionState.RECONNECTING;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.steadysocket.AuthenticationException;
import dev.steadysocket.Backoff;
import dev.steadysocket.ConnectionLostException;
import dev.steadysocket.Envelope;
import dev.steadysocket.HandshakeException;
import dev.steadysocket.Heartbeat;
import dev.steadysocket.ReconnectAttemptsExhaustedException;
import dev.steadysocket.SteadySocket;
import dev.steadysocket.SteadySocketException;
import dev.steadysocket.reliability.Report.Section;
import dev.steadysocket.testkit.FaultProxy;
import dev.steadysocket.testkit.RecordingListener;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Issue item 1: every network and server fault ends in the documented state: a reconnect with
 * backoff, or CLOSED with a typed reason; never a hang (every wait is bounded) and never a spin
 * (attempts follow the backoff). Half-open links are found within interval + timeout.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FaultRecoveryTest extends RealPeerTest {
  private static final Backoff SLOW_STEPS =
      Backoff.exponential(Duration.ofMillis(50), Duration.ofMillis(400)).withoutJitter();
  /**
   * What a detection may take beyond interval + timeout: the lateness of the loop's tick and check
   * timers and the hop from the loop to the listener's executor, nothing else. Measured on the
   * 2-core build machine at a load average of 16 to 19 (other builds running): 40 detections with
   * FAST_HEARTBEAT came 0 to 189 ms after the bound. 300 ms covers that with a margin and stays
   * below the smallest slowness that breaks the promise: judging one timeout (500 ms) late.
   */
  private static final long DISPATCH_SLACK_NANOS = Duration.ofMillis(300).toNanos();

  private static NodeServer node;

  @BeforeAll
  static void startNode() throws Exception {
    node = NodeServer.start();
    Report.note("Node", String.valueOf(Peers.version("node", "--version")) + ", ws " + Peers.wsVersion());
  }

  @AfterAll
  static void stopNode() throws Exception {
    if (node != null) node.close();
  }

  // ------------------------------------------------------------------ half-open links

  // #16 part 2: the bound is asserted as stated (dispatch slack only), no false alarm tolerated
  @Order(1)
  @Test
  void halfOpenLinkThroughABlackholingProxyIsDetectedWithinTheBound() throws Exception {
    FaultProxy proxy = track(new FaultProxy(node.port));
    RecordingListener events = new RecordingListener(RecordingListener.REAL_PEER_TIMEOUT_MILLIS);
    SteadySocket socket = open(builder(proxy.url("/echo"), events).heartbeat(FAST_HEARTBEAT), events);
    long bound = FAST_HEARTBEAT.worstCaseDetection().toNanos();
    List<Long> detections = new ArrayList<>();
    int trials = 5;
    int byHeartbeat = 0;
    for (int i = 0; i < trials; i++) {
      // No false alarm is tolerated: declaring a healthy link dead breaks the promise too. It takes
      // a stall longer than the 500 ms timeout; the timers measured at most 189 ms late (see above).
      assertNotNull(sendAndAwait(socket, events, Envelope.of("live-" + i, null), "live-" + i),
          "a healthy link was declared dead before the fault (trial " + i + ")");
      long faultAt = System.nanoTime();
      proxy.blackholeAll();
      RecordingListener.Error dead = events.await(RecordingListener.Error.class, e -> true);
      if (assertDeadLinkDetection(dead.error)) byHeartbeat++;
      detections.add(dead.nanos - faultAt);
      events.awaitState(RECONNECTING);
      events.awaitState(OPEN);
    }
    assertEquals(trials, socket.metrics().reconnects());
    assertWithinBound(detections, bound, "the fault");
    Report.row(Section.FAULTS,
        "Half-open link: the proxy silently drops all bytes both ways, both TCP connections stay up",
        "DeadLinkException within interval + timeout (Heartbeat 1 s / 500 ms: 1.5 s), then reconnect",
        trials + "/" + trials + " detected (" + detectedBy(byHeartbeat, trials)
            + "), all reconnected (the proxy passes new links), no false alarm",
        "detection " + spread(detections) + " after the fault, as seen by the listener's onError"
            + " (asserted: at most 1.5 s + 300 ms for timers and callback dispatch)");
  }

  // #16 part 2: the bound is asserted as stated (dispatch slack only), no false alarm tolerated
  @Order(2)
  @Test
  void serverThatStopsReadingAndAnsweringPingsIsDetectedWithinTheBound() throws Exception {
    RecordingListener events = new RecordingListener(RecordingListener.REAL_PEER_TIMEOUT_MILLIS);
    SteadySocket socket = open(builder(node.url("/echo"), events).heartbeat(FAST_HEARTBEAT), events);
    List<Long> detections = new ArrayList<>();
    int trials = 3;
    int byHeartbeat = 0;
    for (int i = 0; i < trials; i++) {
      RecordingListener.Message lastSign = sendAndAwait(socket, events, command("silence"), "silenced"); // last frame
      assertNotNull(lastSign, "a healthy link was declared dead before the server fell silent (trial " + i + ")");
      RecordingListener.Error dead = events.await(RecordingListener.Error.class, e -> true);
      if (assertDeadLinkDetection(dead.error)) byHeartbeat++;
      detections.add(dead.nanos - lastSign.nanos);
      events.awaitState(OPEN);
    }
    echo(socket, events, "after-silence");
    assertWithinBound(detections, FAST_HEARTBEAT.worstCaseDetection().toNanos(), "the last frame");
    Report.row(Section.FAULTS,
        "Silent server (Node ws): socket paused, no pongs, no echoes, TCP kept open",
        "DeadLinkException within 1.5 s (interval + timeout) of the last frame, then reconnect",
        trials + "/" + trials + " detected (" + detectedBy(byHeartbeat, trials) + "), reconnected, echo works afterwards,"
            + " no false alarm",
        "detection " + spread(detections) + " after the last frame, as seen by the listener"
            + " (asserted: at most 1.5 s + 300 ms for timers and callback dispatch)");
  }

  /** Each detection came within {@code boundNanos} of {@code since}, plus the dispatch slack only. */
  private static void assertWithinBound(List<Long> detections, long boundNanos, String since) {
    for (long d : detections) {
      assertTrue(d <= boundNanos + DISPATCH_SLACK_NANOS, "detected " + millis(d) + " ms after " + since
          + "; the bound is " + millis(boundNanos) + " ms + " + millis(DISPATCH_SLACK_NANOS) + " ms for dispatch: "
          + spread(detections));
    }
  }

  // ------------------------------------------------------------------ resets, drops, latency, bandwidth

  @Order(3)
  @Test
  void resetInTheMiddleOfAFrameReconnectsAndDropsThePartialFrame() throws Exception {
    FaultProxy proxy = track(new FaultProxy(node.port));
    RecordingListener events = new RecordingListener(RecordingListener.REAL_PEER_TIMEOUT_MILLIS);
    SteadySocket socket = open(builder(proxy.url("/echo"), events), events);
    proxy.resetDownstreamAfter(1000); // the 256 KiB echo is cut after 1,000 bytes
    long faultAt = System.nanoTime();
    socket.send(Envelope.of("big", "z".repeat(256 * 1024)));
    RecordingListener.Error lost = events.await(RecordingListener.Error.class, e -> true);
    assertInstanceOf(ConnectionLostException.class, lost.error);
    RecordingListener.State open = events.awaitState(OPEN);
    assertTrue(events.skipped(RecordingListener.Message.class).isEmpty(), "the partial frame must not be delivered");
    echo(socket, events, "after-rst");
    Report.row(Section.FAULTS,
        "RST in the middle of a 256 KiB frame (proxy forwards 1,000 bytes, then resets both sides)",
        "ConnectionLostException, partial frame dropped, reconnect with backoff",
        "ConnectionLostException (" + lost.error.getMessage() + "); nothing delivered; reconnected; echo works",
        "back to OPEN " + Report.ms(open.nanos - faultAt) + " after the reset");
  }

  @Order(4)
  @Test
  void addedLatencyBelowTheTimeoutKeepsTheConnection() throws Exception {
    FaultProxy proxy = track(new FaultProxy(node.port));
    proxy.latency(Duration.ofMillis(100));
    Heartbeat heartbeat = Heartbeat.every(Duration.ofMillis(1000)).withTimeout(Duration.ofMillis(750));
    RecordingListener events = new RecordingListener(RecordingListener.REAL_PEER_TIMEOUT_MILLIS);
    long start = System.nanoTime();
    SteadySocket socket =
        open(builder(proxy.url("/echo?trace=1"), events).heartbeat(heartbeat), events);
    long handshake = System.nanoTime() - start;
    node.drainStdout();
    List<Long> rtts = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      long t0 = System.nanoTime();
      echo(socket, events, "lat-" + i);
      rtts.add(System.nanoTime() - t0);
    }
    for (int i = 0; i < 4; i++) node.awaitStdout("^HB$", Duration.ofSeconds(10)); // 4 heartbeats answered
    assertEquals(OPEN, socket.state());
    assertEquals(0, socket.metrics().reconnects());
    assertTrue(events.recorded(RecordingListener.Error.class).isEmpty(), "errors: " + events.recorded(RecordingListener.Error.class));
    long hbRtt = socket.metrics().lastHeartbeatRttMillis();
    assertTrue(hbRtt >= 200, "heartbeat RTT " + hbRtt);
    Report.row(Section.FAULTS,
        "Added latency: 100 ms each way (RTT 200 ms), Heartbeat 1 s / 750 ms",
        "stays OPEN, no false dead link, messages delivered",
        "OPEN throughout 4+ heartbeats, 0 reconnects, 10/10 echoes",
        "handshake " + Report.ms(handshake) + ", echo RTT " + spread(rtts) + ", heartbeat RTT " + hbRtt + " ms");
  }

  @Order(5)
  @Test
  void throttledBandwidthDeliversInOrderAndASlowLargeMessageEndsInAReconnect() throws Exception {
    FaultProxy proxy = track(new FaultProxy(node.port));
    proxy.bandwidth(64 * 1024);
    RecordingListener events = new RecordingListener(RecordingListener.REAL_PEER_TIMEOUT_MILLIS);
    SteadySocket socket = open(builder(proxy.url("/echo"), events).heartbeat(STEADY_HEARTBEAT), events);
    String payload = "p".repeat(1024);
    long t0 = System.nanoTime();
    for (int i = 0; i < 20; i++) socket.send(Envelope.builder("slow").content(payload).meta("n", i).build());
    for (int i = 0; i < 20; i++) {
      RecordingListener.Message m = events.awaitMessage("slow");
      assertEquals(String.valueOf(i), m.envelope.metaText("n"), "order");
    }
    long elapsed = System.nanoTime() - t0;
    assertEquals(0, socket.metrics().reconnects());
    Report.row(Section.FAULTS,
        "Throttled bandwidth: 64 KiB/s each way, 20 × 1 KiB echoed, Heartbeat 1 s / 1 s",
        "stays OPEN, all delivered in order",
        "20/20 in order, 0 reconnects",
        String.format(Locale.ROOT, "%.0f KiB/s effective (each message crosses twice)",
            2 * 20 * 1.0 / (elapsed / 1e9)));

    // A message whose transfer takes longer than the heartbeat timeout: no complete frame or pong
    // can arrive behind it, so the link is (wrongly, but by design) declared dead and replaced.
    long bigAt = System.nanoTime();
    socket.send(Envelope.of("huge", "h".repeat(256 * 1024))); // 4 s at 64 KiB/s
    RecordingListener.Error dead = events.await(RecordingListener.Error.class, e -> true);
    assertDeadLinkDetection(dead.error);
    proxy.bandwidth(0); // new links are fast again
    RecordingListener.State open = events.awaitState(OPEN);
    echo(socket, events, "after-throttle");
    Report.row(Section.FAULTS,
        "Throttled bandwidth: one 256 KiB message at 64 KiB/s (4 s on the wire), Heartbeat 1 s / 1 s",
        "never hangs: the heartbeat sees no sign of life behind the message and replaces the link",
        dead.error.getClass().getSimpleName() + " (" + dead.error.getMessage() + "), reconnected (throttle lifted),"
            + " echo works. Limitation: no frame or pong can arrive behind a message still on the wire, so the"
            + " heartbeat timeout must exceed the largest message's transfer time",
        "declared dead " + Report.ms(dead.nanos - bigAt) + " after the send, OPEN again after "
            + Report.ms(open.nanos - bigAt));
  }

  @Order(6)
  @Test
  void acceptThenCloseRetriesWithGrowingBackoffThenRecovers() throws Exception {
    FaultProxy proxy = track(new FaultProxy(node.port));
    proxy.acceptThenClose(true);
    RecordingListener events = new RecordingListener(RecordingListener.REAL_PEER_TIMEOUT_MILLIS);
    SteadySocket socket = track(builder(proxy.url("/echo"), events).backoff(SLOW_STEPS).build());
    socket.connect();
    List<Long> delays = new ArrayList<>();
    for (int i = 1; i <= 5; i++) {
      RecordingListener.Reconnecting r = events.await(RecordingListener.Reconnecting.class, x -> true);
      assertEquals(i, r.attempt);
      assertInstanceOf(ConnectionLostException.class, r.cause);
      delays.add(r.delay.toMillis());
    }
    assertEquals(List.of(50L, 100L, 200L, 400L, 400L), delays);
    List<Long> gaps = new ArrayList<>();
    long previous = proxy.awaitAccept(Duration.ofSeconds(5));
    for (int i = 0; i < 4; i++) {
      long next = proxy.awaitAccept(Duration.ofSeconds(5));
      gaps.add(next - previous);
      previous = next;
    }
    for (int i = 0; i < 4; i++) {
      assertTrue(gaps.get(i) >= Duration.ofMillis(delays.get(i)).toNanos(), "attempt came before its backoff delay");
    }
    proxy.acceptThenClose(false);
    events.awaitState(OPEN);
    echo(socket, events, "after-accept-close");
    List<String> gapText = new ArrayList<>();
    for (long g : gaps) gapText.add(String.valueOf(millis(g)));
    Report.row(Section.FAULTS,
        "Accept-then-close: the proxy accepts every TCP connection and closes it at once",
        "ConnectionLostException per attempt, reconnect with backoff (50 ms doubling to 400 ms, no jitter): no spin",
        "delays 50, 100, 200, 400, 400 ms as configured; OPEN once the proxy passes traffic again",
        "measured gaps between attempts " + String.join(", ", gapText) + " ms");
  }

  @Order(7)
  @Test
  void serverDestroyingOrResettingTheSocketReconnects() throws Exception {
    RecordingListener events = new RecordingListener(RecordingListener.REAL_PEER_TIMEOUT_MILLIS);
    SteadySocket socket = open(builder(node.url("/echo"), events), events);
    List<String> observed = new ArrayList<>();
    List<Long> recoveries = new ArrayList<>();
    for (String cmd : new String[] {"destroy", "reset"}) {
      long t0 = System.nanoTime();
      socket.send(command(cmd));
      RecordingListener.Error lost = events.await(RecordingListener.Error.class, e -> true);
      assertInstanceOf(ConnectionLostException.class, lost.error);
      recoveries.add(events.awaitState(OPEN).nanos - t0);
      echo(socket, events, "after-" + cmd);
      observed.add(cmd + ": " + lost.error.getMessage());
    }
    Report.row(Section.FAULTS,
        "Abrupt socket destroy by the server (FIN without close frame) and TCP reset (RST)",
        "ConnectionLostException, reconnect with backoff",
        String.join("; ", observed) + "; reconnected, echo works",
        "back to OPEN after " + spread(recoveries));
  }

  @Order(8)
  @Test
  void serverKilledAndRestartedOnTheSamePortReconnects() throws Exception {
    NodeServer first = NodeServer.start();
    int port = first.port;
    RecordingListener events = new RecordingListener(RecordingListener.REAL_PEER_TIMEOUT_MILLIS);
    SteadySocket socket;
    try {
      socket = open(builder(first.url("/echo"), events).backoff(SLOW_STEPS), events);
      long killedAt = System.nanoTime();
      first.kill();
      assertInstanceOf(ConnectionLostException.class, events.await(RecordingListener.Error.class, e -> true).error);
      for (int i = 1; i <= 3; i++) assertEquals(i, events.await(RecordingListener.Reconnecting.class, x -> true).attempt);
      NodeServer second = track(NodeServer.start(port));
      RecordingListener.State open = events.awaitState(OPEN);
      echo(socket, events, "after-restart");
      long attempts = socket.metrics().connectionAttempts() - 1;
      Report.row(Section.FAULTS,
          "Server process killed (SIGKILL) and restarted on the same port",
          "ConnectionLostException, refused attempts back off (50 ms doubling), OPEN when the server is back",
          "reconnected to the new process on port " + second.port + ", echo works",
          attempts + " attempts during an outage of " + Report.ms(open.nanos - killedAt));
    } finally {
      first.close();
    }
  }

  @Order(9)
  @Test
  void slowLinkWithinTheHeartbeatTimeoutStaysUp() throws Exception {
    // A timeout longer than the interval is refused: OkHttp's pinger, which runs at the interval,
    // fails a socket whose pong misses the next ping, so such a timeout could never take effect.
    assertThrows(IllegalArgumentException.class,
        () -> Heartbeat.every(Duration.ofMillis(500)).withTimeout(Duration.ofSeconds(2)));
    FaultProxy proxy = track(new FaultProxy(node.port));
    // RTT 600 ms: above half the 1 s timeout (a timeout cut to interval/2 would fail this), yet
    // 400 ms of room for scheduling stalls on a loaded 2-core CI machine (800 ms left only 200 ms).
    proxy.latency(Duration.ofMillis(300));
    Heartbeat heartbeat = Heartbeat.every(Duration.ofSeconds(1)).withTimeout(Duration.ofSeconds(1));
    RecordingListener events = new RecordingListener(RecordingListener.REAL_PEER_TIMEOUT_MILLIS);
    SteadySocket socket = open(builder(proxy.url("/echo"), events).heartbeat(heartbeat), events);
    RecordingListener.Event first = events.poll(4_000); // four heartbeat rounds
    assertEquals(null, first, "no event expected on a slow but live link");
    assertEquals(OPEN, socket.state());
    long hbRtt = socket.metrics().lastHeartbeatRttMillis();
    assertTrue(hbRtt >= 600, "the link was not slow: heartbeat RTT " + hbRtt + " ms");
    Report.row(Section.FAULTS,
        "Heartbeat.every(1 s).timeout(1 s) over a link with RTT 600 ms (proxy latency 300 ms each way);"
            + " timeout(2 s) with every(500 ms) is refused",
        "stays OPEN: signs of life arrive within the timeout; a timeout above the interval throws"
            + " IllegalArgumentException (OkHttp's pinger would cut it short)",
        "OPEN through 4 heartbeat rounds, no error; the longer timeout was refused",
        "heartbeat RTT " + hbRtt + " ms");
  }

  static String detectedBy(int heartbeat, int total) {
    return heartbeat == total
        ? "all by the heartbeat: DeadLinkException"
        : heartbeat + " by the heartbeat (DeadLinkException), " + (total - heartbeat)
            + " by OkHttp's pinger (ConnectionLostException: no pong)";
  }

  // ------------------------------------------------------------------ handshake rejections

  @Order(10)
  @Test
  void rejected401AsksForAFreshTokenOnceThenStops() {
    List<Boolean> refreshes = Collections.synchronizedList(new ArrayList<>());
    RecordingListener events = new RecordingListener(RecordingListener.REAL_PEER_TIMEOUT_MILLIS);
    SteadySocket socket =
        track(builder(node.url("/status/401?key=" + UUID.randomUUID()), events)
            .tokenProvider(refresh -> {
              refreshes.add(refresh);
              return "token-" + refreshes.size();
            })
            .build());
    socket.connect();
    RecordingListener.Closed closed = events.awaitClosed();
    AuthenticationException auth = assertInstanceOf(AuthenticationException.class, closed.reason.error());
    assertEquals(401, auth.statusCode());
    assertEquals(List.of(false, true), refreshes);
    assertEquals(2, socket.metrics().connectionAttempts());
    assertEquals(CLOSED, socket.state());
    Report.row(Section.FAULTS, "HTTP 401 on the handshake (with a token provider)",
        "fresh token once, retry at once, then CLOSED with AuthenticationException",
        "provider asked (refresh=false, then true); CLOSED: " + auth.getMessage(),
        "2 attempts");
  }

  @Order(11)
  @Test
  void rejected403WithoutProviderStops() {
    RecordingListener.Closed closed = terminalStatus("/status/403", AuthenticationException.class, 403);
    Report.row(Section.FAULTS, "HTTP 403 on the handshake (no token provider)",
        "CLOSED with AuthenticationException", "CLOSED: " + closed.reason.error().getMessage(), "1 attempt");
  }

  @Order(12)
  @Test
  void rejected404Stops() {
    RecordingListener.Closed closed = terminalStatus("/status/404", HandshakeException.class, 404);
    Report.row(Section.FAULTS, "HTTP 404 on the handshake", "CLOSED with HandshakeException(404)",
        "CLOSED: " + closed.reason.error().getMessage(), "1 attempt");
  }

  @Order(13)
  @Test
  void rejected429WithRetryAfterWaitsThatLong() {
    retryAfter(429);
  }

  @Order(14)
  @Test
  void rejected503WithRetryAfterWaitsThatLong() {
    retryAfter(503);
  }

  private void retryAfter(int status) {
    RecordingListener events = new RecordingListener(RecordingListener.REAL_PEER_TIMEOUT_MILLIS);
    SteadySocket socket =
        track(builder(node.url("/status/" + status + "?retryAfter=1&times=1&key=" + UUID.randomUUID()), events)
            .maxRetryAfter(Duration.ofSeconds(5)) // above the suite's short backoff cap
            .build());
    socket.connect();
    HandshakeException e = events.awaitError(HandshakeException.class);
    assertEquals(status, e.statusCode());
    RecordingListener.Reconnecting r = events.await(RecordingListener.Reconnecting.class, x -> true);
    assertEquals(Duration.ofSeconds(1), r.delay, "Retry-After: 1");
    RecordingListener.State next = events.awaitState(CONNECTING);
    RecordingListener.State open = events.awaitState(OPEN);
    long waited = next.nanos - r.nanos;
    assertTrue(waited >= Duration.ofMillis(900).toNanos(), "retried after " + millis(waited) + " ms");
    echo(socket, events, "after-" + status);
    Report.row(Section.FAULTS, "HTTP " + status + " + Retry-After: 1 on the first handshake",
        "HandshakeException(" + status + "), retry after exactly Retry-After, then OPEN",
        "HandshakeException(" + status + "), next attempt after " + millis(waited) + " ms, OPEN, echo works",
        "retry delay " + Report.ms(waited) + " (Retry-After 1 s); OPEN " + Report.ms(open.nanos - r.nanos) + " after the rejection");
  }

  @Order(15)
  @Test
  void rejected500RetriesWithBackoffUntilAccepted() {
    RecordingListener events = new RecordingListener(RecordingListener.REAL_PEER_TIMEOUT_MILLIS);
    SteadySocket socket =
        track(builder(node.url("/status/500?times=2&key=" + UUID.randomUUID()), events).backoff(SLOW_STEPS).build());
    socket.connect();
    RecordingListener.State open = events.awaitState(OPEN);
    List<RecordingListener.Reconnecting> rs = events.skipped(RecordingListener.Reconnecting.class);
    assertEquals(2, rs.size());
    assertEquals(Duration.ofMillis(50), rs.get(0).delay);
    assertEquals(Duration.ofMillis(100), rs.get(1).delay);
    for (RecordingListener.Reconnecting r : rs) assertEquals(500, ((HandshakeException) r.cause).statusCode());
    Report.row(Section.FAULTS, "HTTP 500 on the first two handshakes",
        "HandshakeException(500), retry with backoff, then OPEN",
        "2 × HandshakeException(500), delays 50 and 100 ms, then OPEN",
        "3 attempts");
    assertTrue(open.nanos > 0);
  }

  @Order(16)
  @Test
  void permanent500WithMaxAttemptsEndsInExhaustion() {
    RecordingListener events = new RecordingListener(RecordingListener.REAL_PEER_TIMEOUT_MILLIS);
    SteadySocket socket =
        track(builder(node.url("/status/500"), events).backoff(SLOW_STEPS).maxReconnectAttempts(3).build());
    long t0 = System.nanoTime();
    socket.connect();
    RecordingListener.Closed closed = events.awaitClosed();
    ReconnectAttemptsExhaustedException ex =
        assertInstanceOf(ReconnectAttemptsExhaustedException.class, closed.reason.error());
    assertInstanceOf(HandshakeException.class, ex.getCause());
    assertEquals(4, socket.metrics().connectionAttempts());
    Report.row(Section.FAULTS, "HTTP 500 on every handshake, maxReconnectAttempts(3)",
        "3 retries with backoff, then CLOSED with ReconnectAttemptsExhaustedException",
        "CLOSED: " + ex.getMessage(), "4 attempts in " + Report.ms(closed.nanos - t0));
  }

  private RecordingListener.Closed terminalStatus(String path, Class<? extends SteadySocketException> type, int status) {
    RecordingListener events = new RecordingListener(RecordingListener.REAL_PEER_TIMEOUT_MILLIS);
    SteadySocket socket = track(builder(node.url(path), events).build());
    socket.connect();
    RecordingListener.Closed closed = events.awaitClosed();
    SteadySocketException e = assertInstanceOf(type, closed.reason.error());
    int code = e instanceof AuthenticationException
        ? ((AuthenticationException) e).statusCode() : ((HandshakeException) e).statusCode();
    assertEquals(status, code);
    assertEquals(1, socket.metrics().connectionAttempts());
    assertFalse(closed.reason.initiatedByApp());
    return closed;
  }

  /** "min / median / max" of nanosecond figures, in ms. */
  static String spread(List<Long> nanos) {
    List<Long> sorted = new ArrayList<>(nanos);
    Collections.sort(sorted);
    return String.format(Locale.ROOT, "min %d / median %d / max %d ms (n=%d)",
        millis(sorted.get(0)), millis(sorted.get(sorted.size() / 2)), millis(sorted.get(sorted.size() - 1)), sorted.size());
  }
}
