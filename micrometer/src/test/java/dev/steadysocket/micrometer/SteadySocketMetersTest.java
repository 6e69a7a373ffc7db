package dev.steadysocket.micrometer;

import static java.util.concurrent.TimeUnit.MILLISECONDS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.steadysocket.Backoff;
import dev.steadysocket.ConnectionState;
import dev.steadysocket.Envelope;
import dev.steadysocket.Heartbeat;
import dev.steadysocket.Metrics;
import dev.steadysocket.OutboxPolicy;
import dev.steadysocket.SteadySocket;
import dev.steadysocket.SteadySocketBuilder;
import dev.steadysocket.testing.FakeServer;
import dev.steadysocket.testing.SteadySocketExtension;
import dev.steadysocket.testing.TestClock;
import dev.steadysocket.testing.server.Envelopes;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.lang.ref.WeakReference;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Every meter moves as the events say, with exact figures: the sockets run on the test kit's
 * in-memory server and virtual clock, so a reply sent 250 ms later is recorded as exactly 250 ms.
 * Where {@link SteadySocket#metrics()} has the same figure, the meter must agree with it (both are
 * computed from the same events).
 */
@ExtendWith(SteadySocketExtension.class)
class SteadySocketMetersTest {
  /** 1, 2, 4, 8 s…: exact reconnect times. */
  private static final Backoff BACKOFF = Backoff.exponential(Duration.ofSeconds(1), Duration.ofSeconds(30)).withoutJitter();

  private final MeterRegistry registry = new SimpleMeterRegistry();

  private SteadySocket socket(FakeServer server, String name) {
    return server.newSocket().backoff(BACKOFF).observer(SteadySocketMeters.bindTo(registry, name)).build();
  }

  // ---------------------------------------------------------------- tags and lifetime

  @Test
  void theMetersAreTaggedWithTheNameAndExtraTagsAndNeverTheUrlOrItsQuery(FakeServer server, TestClock clock) {
    SteadySocketBuilder builder = server.wire(SteadySocket.builder("wss://feed.example.com/v1/ticker?token=secret"));
    SteadySocket socket = builder.backoff(BACKOFF)
        .observer(SteadySocketMeters.bindTo(registry, "ticker", Tag.of("region", "eu"))).build();
    try {
      socket.connect();
      clock.runUntilIdle();
      server.connection().send("tick", Map.of("price", 1));
      server.connection().drop();
      clock.advanceBy(Duration.ofSeconds(2));
      socket.send("hello");
      clock.runUntilIdle();
      assertEquals(1, counter("steadysocket.reconnects", "ticker"), "the run reconnected");

      Set<String> keys = new TreeSet<>();
      for (Meter m : registry.getMeters()) {
        Meter.Id id = m.getId();
        String all = (id.getName() + " " + id.getTags() + " " + id.getDescription() + " " + id.getBaseUnit()).toLowerCase(Locale.ROOT);
        for (String secret : List.of("secret", "token", "example.com", "wss:", "/v1")) {
          assertFalse(all.contains(secret), () -> id + " contains " + secret);
        }
        assertTrue(id.getName().startsWith("steadysocket."), id::toString);
        assertEquals("ticker", id.getTag("socket"), id::toString);
        assertEquals("eu", id.getTag("region"), id::toString);
        id.getTags().forEach(t -> keys.add(t.getKey()));
      }
      assertEquals(new TreeSet<>(List.of("direction", "opened", "outcome", "phase", "reason", "region", "socket", "stage",
          "state")), keys);
      assertEquals(MeterNames.ALL, registry.getMeters().stream().map(m -> m.getId().getName())
          .collect(Collectors.toCollection(TreeSet::new)));
      assertAgreesWithMetrics(socket, "ticker");
    } finally {
      socket.close();
    }
  }

  @Test
  void aNameOrTagThatLooksLikeAUrlOrTakesAMeterTagIsRefused() {
    assertThrows(IllegalArgumentException.class, () -> SteadySocketMeters.named("wss://feed.example.com/v1"));
    assertThrows(IllegalArgumentException.class, () -> SteadySocketMeters.named("feed?token=secret"));
    assertThrows(IllegalArgumentException.class, () -> SteadySocketMeters.named(""));
    assertThrows(IllegalArgumentException.class, () -> SteadySocketMeters.named("ticker", Tag.of("url", "https://x/")));
    assertThrows(IllegalArgumentException.class, () -> SteadySocketMeters.named("ticker", Tag.of("state", "x")));
    assertThrows(IllegalArgumentException.class, () -> SteadySocketMeters.named("ticker", Tag.of("socket", "other")));
    assertThrows(NullPointerException.class, () -> SteadySocketMeters.bindTo(registry, null));
    SteadySocketMeters ok = SteadySocketMeters.named("ticker", List.of(Tag.of("region", "eu")));
    assertEquals("ticker", ok.socketName());
    assertEquals(List.of(Tag.of("region", "eu"), Tag.of("socket", "ticker")), ok.tags().stream().collect(Collectors.toList()));
  }

  @Test
  void closingTheSocketRemovesItsMetersSoAChurnOfSocketsLeavesNone(FakeServer server, TestClock clock) {
    for (int i = 0; i < 50; i++) {
      SteadySocket socket = socket(server, "churn");
      socket.connect();
      clock.runUntilIdle();
      socket.send("x");
      clock.runUntilIdle();
      assertEquals(1, gauge("steadysocket.connection.state", "churn", "state", "open"));
      socket.close();
      clock.runUntilIdle();
      assertEquals(ConnectionState.CLOSED, socket.state());
      assertEquals(List.of(), names(), "meters left after socket " + i + " closed");
    }
  }

  /**
   * A socket that is never closed must not be kept alive by the registry: the gauges read it through
   * a weak reference. (Without the extension: the socket is deliberately left unclosed. Wired to an
   * in-memory server it holds no thread and no shared client; the server keeps only its core.)
   */
  @Test
  void theRegistryDoesNotKeepASocketAlive() throws InterruptedException {
    try (FakeServer server = FakeServer.inMemory()) {
      WeakReference<SteadySocket> socket = buildAndForget(server);
      for (int i = 0; i < 100 && socket.get() != null; i++) {
        System.gc();
        Thread.sleep(10);
      }
      assertNull(socket.get(), "the gauges hold the socket weakly");
      assertEquals(0, gauge("steadysocket.connection.state", "forgotten", "state", "idle"), "a collected socket is in no state");
    }
  }

  private WeakReference<SteadySocket> buildAndForget(FakeServer server) {
    SteadySocket socket = server.newSocket().observer(SteadySocketMeters.bindTo(registry, "forgotten")).build();
    assertEquals(1, gauge("steadysocket.connection.state", "forgotten", "state", "idle"));
    return new WeakReference<>(socket);
  }

  @Test
  void twoSocketsWithDifferentNamesAreApart(FakeServer a, FakeServer b, TestClock clock) {
    SteadySocket ticker = socket(a, "ticker");
    SteadySocket chat = socket(b, "chat");
    try {
      ticker.connect();
      chat.connect();
      clock.runUntilIdle();
      a.connection().send("tick", Map.of("price", 1));
      a.connection().send("tick", Map.of("price", 2));
      b.connection().send("line", Map.of("text", "hi"));
      chat.send("hello");
      clock.runUntilIdle();
      assertEquals(2, counter("steadysocket.messages", "ticker", "direction", "in"));
      assertEquals(1, counter("steadysocket.messages", "chat", "direction", "in"));
      assertEquals(0, counter("steadysocket.messages", "ticker", "direction", "out"));
      assertEquals(1, counter("steadysocket.messages", "chat", "direction", "out"));

      chat.close();
      clock.runUntilIdle();
      assertTrue(registry.find("steadysocket.messages").tag("socket", "chat").meters().isEmpty(), "chat's meters removed");
      assertEquals(2, counter("steadysocket.messages", "ticker", "direction", "in"), "ticker's kept");
      assertEquals(1, gauge("steadysocket.connection.state", "ticker", "state", "open"));
      assertAgreesWithMetrics(ticker, "ticker");
    } finally {
      ticker.close();
      chat.close();
    }
  }

  @Test
  void socketsWithOneNameShareTheMetersUntilTheLastCloses(FakeServer a, FakeServer b, TestClock clock) {
    SteadySocketMeters meters = SteadySocketMeters.bindTo(registry, "feed");
    SteadySocket first = a.newSocket().observer(meters).build();
    SteadySocket second = b.newSocket().observer(SteadySocketMeters.bindTo(registry, "feed")).build(); // another instance, same name
    try {
      first.connect();
      clock.runUntilIdle();
      assertEquals(1, gauge("steadysocket.connection.state", "feed", "state", "open"));
      assertEquals(1, gauge("steadysocket.connection.state", "feed", "state", "idle"));
      second.connect();
      clock.runUntilIdle();
      assertEquals(2, gauge("steadysocket.connection.state", "feed", "state", "open"));
      a.connection().send("tick", null);
      b.connection().send("tick", null);
      clock.runUntilIdle();
      assertEquals(2, counter("steadysocket.messages", "feed", "direction", "in"), "the two sockets add up");

      first.close();
      clock.runUntilIdle();
      assertEquals(1, gauge("steadysocket.connection.state", "feed", "state", "open"), "the meters stay for the second");
      assertEquals(0, gauge("steadysocket.connection.state", "feed", "state", "closed"));
      assertEquals(2, counter("steadysocket.messages", "feed", "direction", "in"));
      second.close();
      clock.runUntilIdle();
      assertEquals(List.of(), names());
    } finally {
      first.close();
      second.close();
    }
  }

  @Test
  void unboundMetersCountFromTheBindingOnLikeASpringMeterBinder(FakeServer server, TestClock clock) {
    SteadySocketMeters meters = SteadySocketMeters.named("ticker");
    SteadySocket socket = server.newSocket().observer(meters).build();
    try {
      socket.connect();
      clock.runUntilIdle();
      server.connection().send("tick", null);
      clock.runUntilIdle();
      assertEquals(List.of(), names(), "nothing before the binding");

      meters.bindTo(registry); // what Spring Boot does with a MeterBinder bean
      assertEquals(1, gauge("steadysocket.connection.state", "ticker", "state", "open"), "gauges right at once");
      assertEquals(0, counter("steadysocket.messages", "ticker", "direction", "in"), "counters from the binding on");
      server.connection().send("tick", null);
      server.connection().drop();
      clock.advanceBy(Duration.ofSeconds(1));
      assertEquals(1, counter("steadysocket.messages", "ticker", "direction", "in"));
      assertEquals(1, counter("steadysocket.reconnects", "ticker"), "the first connection opened before the binding counts as the first");

      meters.bindTo(registry); // again: nothing
      assertEquals(1, counter("steadysocket.messages", "ticker", "direction", "in"));
      assertEquals(1, registry.find("steadysocket.messages").tag("direction", "in").meters().size());
    } finally {
      socket.close();
    }
    clock.runUntilIdle();
    assertEquals(List.of(), names());
  }

  /** Spring Boot without a composite registry binds a MeterBinder bean to each registry: the meters go in each. */
  @Test
  void metersBoundToTwoRegistriesAreInEachAndLeaveBoth(FakeServer a, FakeServer b, TestClock clock) {
    MeterRegistry other = new SimpleMeterRegistry();
    SteadySocketMeters meters = SteadySocketMeters.named("ticker");
    SteadySocket first = a.newSocket().observer(meters).build();
    try {
      meters.bindTo(registry);
      first.connect();
      clock.runUntilIdle();
      a.connection().send("tick", null);
      clock.runUntilIdle();
      meters.bindTo(other); // the second registry: counts from now, gauges right at once
      meters.bindTo(other);
      assertEquals(1, other.get("steadysocket.connection.state").tag("state", "open").gauge().value());
      a.connection().send("tick", null);
      clock.runUntilIdle();
      assertEquals(2, counter("steadysocket.messages", "ticker", "direction", "in"));
      assertEquals(1, other.get("steadysocket.messages").tag("direction", "in").counter().count());
      assertEquals(MeterNames.ALL, other.getMeters().stream().map(m -> m.getId().getName()).collect(Collectors.toCollection(TreeSet::new)));

      SteadySocket second = b.newSocket().observer(meters).build(); // built after both bindings: in both at once
      try {
        second.connect();
        clock.runUntilIdle();
        b.connection().send("tick", null);
        clock.runUntilIdle();
        assertEquals(3, counter("steadysocket.messages", "ticker", "direction", "in"));
        assertEquals(2, other.get("steadysocket.messages").tag("direction", "in").counter().count());
        assertEquals(2, other.get("steadysocket.connection.state").tag("state", "open").gauge().value());
        assertEquals(0, second.metrics().observerFailures());
      } finally {
        second.close();
      }
      clock.runUntilIdle();
      assertEquals(1, other.get("steadysocket.connection.state").tag("state", "open").gauge().value());
    } finally {
      first.close();
    }
    clock.runUntilIdle();
    assertEquals(List.of(), names());
    assertEquals(List.of(), other.getMeters());
  }

  @Test
  void aSocketClosedBeforeTheBindingRegistersNothing(FakeServer server, TestClock clock) {
    SteadySocketMeters meters = SteadySocketMeters.named("ticker");
    SteadySocket socket = server.newSocket().observer(meters).build();
    socket.connect();
    clock.runUntilIdle();
    socket.close();
    clock.runUntilIdle();
    meters.bindTo(registry);
    assertEquals(List.of(), names());
  }

  // ---------------------------------------------------------------- connection

  @Test
  void theStateGaugeHasOneSeriesPerStateAndFollowsTheSocket(FakeServer server, TestClock clock) {
    SteadySocket socket = socket(server, "ticker");
    try {
      assertStates("idle");
      socket.connect();
      clock.runUntilIdle();
      assertStates("open");
      server.refuseConnections();
      clock.runUntilIdle();
      assertStates("reconnecting");
      socket.pause("offline");
      clock.runUntilIdle();
      assertStates("paused");
      server.restore();
      socket.resume("offline");
      clock.runUntilIdle();
      assertStates("open");
      socket.close();
      assertStates("open", "closing"); // the close is a loop task: OPEN until it runs
    } finally {
      socket.close();
    }
    clock.runUntilIdle();
    assertNull(registry.find("steadysocket.connection.state").gauge());
  }

  @Test
  void attemptsReconnectsDisconnectsAndBackoffDelaysAreExact(FakeServer server, TestClock clock) {
    SteadySocket socket = socket(server, "ticker");
    try {
      socket.connect();
      clock.runUntilIdle();
      server.refuseConnections(); // at 0 s: the connection is reset, then attempts at 1, 3 and 7 s are refused
      clock.advanceBy(Duration.ofSeconds(8));
      server.restore(); // the attempt at 15 s opens
      clock.advanceBy(Duration.ofMillis(6_999));
      assertEquals(1, counter("steadysocket.connection.attempts", "ticker", "outcome", "opened"), "1 ms before 15 s");
      clock.advanceBy(Duration.ofMillis(1));

      assertEquals(2, counter("steadysocket.connection.attempts", "ticker", "outcome", "opened"));
      assertEquals(3, counter("steadysocket.connection.attempts", "ticker", "outcome", "failed"));
      assertEquals(0, counter("steadysocket.connection.attempts", "ticker", "outcome", "abandoned"));
      assertEquals(1, counter("steadysocket.reconnects", "ticker"));
      assertEquals(1, counter("steadysocket.disconnects", "ticker", "reason", "transport_failure", "opened", "true"));
      assertEquals(3, counter("steadysocket.disconnects", "ticker", "reason", "transport_failure", "opened", "false"));
      assertEquals(4, registry.get("steadysocket.disconnects").counters().stream().mapToDouble(Counter::count).sum());
      Timer delays = timer("steadysocket.reconnect.delay", "ticker");
      assertEquals(4, delays.count());
      assertEquals(15_000, delays.totalTime(MILLISECONDS), "1 + 2 + 4 + 8 s");
      assertEquals(8_000, delays.max(MILLISECONDS));
      assertEquals(2, timer("steadysocket.connection.attempt.duration", "ticker").count());
      assertEquals(0, timer("steadysocket.connection.attempt.duration", "ticker").totalTime(MILLISECONDS),
          "in memory a handshake takes no virtual time");
      assertAgreesWithMetrics(socket, "ticker");
    } finally {
      socket.close();
    }
  }

  @Test
  void anAttemptGivenUpByPauseOrCloseCountsAsAbandonedSoTheOutcomesAddUpToTheAttempts(FakeServer server, TestClock clock) {
    SteadySocket socket = socket(server, "ticker");
    try {
      socket.connect();
      socket.pause("offline"); // runs before the server answers the handshake
      clock.runUntilIdle();
      assertEquals(ConnectionState.PAUSED, socket.state());
      assertEquals(1, counter("steadysocket.connection.attempts", "ticker", "outcome", "abandoned"));
      socket.resume("offline"); // an attempt starts...
      socket.replaceConnection(); // ...and is replaced by another before the server answers
      clock.runUntilIdle();
      assertEquals(2, counter("steadysocket.connection.attempts", "ticker", "outcome", "abandoned"));
      assertEquals(1, counter("steadysocket.connection.attempts", "ticker", "outcome", "opened"));
      assertEquals(0, counter("steadysocket.reconnects", "ticker"), "the first connection that opened");
      server.refuseConnections();
      clock.advanceBy(Duration.ofSeconds(1)); // the attempt at 1 s is refused; the next is due at 3 s
      clock.advanceBy(Duration.ofSeconds(2));
      assertEquals(2, counter("steadysocket.connection.attempts", "ticker", "outcome", "failed"));
      assertAgreesWithMetrics(socket, "ticker");
      Counter opened = registry.get("steadysocket.connection.attempts").tag("outcome", "opened").counter();
      Counter failed = registry.get("steadysocket.connection.attempts").tag("outcome", "failed").counter();
      Counter abandoned = registry.get("steadysocket.connection.attempts").tag("outcome", "abandoned").counter();
      socket.reconnectNow(); // an attempt starts now...
      socket.close(); // ...and the close gives it up before the server answers
      clock.runUntilIdle();
      assertEquals(3, abandoned.count(), "the attempt the close gave up");
      assertEquals(socket.metrics().connectionAttempts(), opened.count() + failed.count() + abandoned.count());
      assertEquals(6, socket.metrics().connectionAttempts());
    } finally {
      socket.close();
    }
  }

  // ---------------------------------------------------------------- liveness

  @Test
  void heartbeatEchoesAreTimedAndADeadLinkIsCounted(FakeServer server, TestClock clock) {
    SteadySocket socket = server.newSocket().backoff(BACKOFF).heartbeat(Heartbeat.every(Duration.ofSeconds(5)))
        .observer(SteadySocketMeters.bindTo(registry, "ticker")).build();
    try {
      socket.connect();
      clock.runUntilIdle();
      clock.advanceBy(Duration.ofSeconds(20));
      Timer rtt = timer("steadysocket.heartbeat.rtt", "ticker");
      assertEquals(4, rtt.count(), "at 5, 10, 15 and 20 s");
      assertEquals(0, rtt.totalTime(MILLISECONDS), "in memory a frame takes no virtual time");
      Timer ping = timer("steadysocket.ping.rtt", "ticker");
      assertEquals(4, ping.count(), "the kit's in-memory link answers each ping with a pong, timed");
      assertEquals(0, ping.totalTime(MILLISECONDS), "in no virtual time");

      server.connection().goHalfOpen();
      clock.advanceUntil(() -> socket.state() == ConnectionState.RECONNECTING, Duration.ofMinutes(1));
      assertEquals(1, counter("steadysocket.dead.links", "ticker"));
      assertEquals(1, counter("steadysocket.disconnects", "ticker", "reason", "dead_link", "opened", "true"));
      assertAgreesWithMetrics(socket, "ticker");
    } finally {
      socket.close();
    }
  }

  // ---------------------------------------------------------------- messages

  @Test
  void messagesAndBytesAreCountedByDirection(FakeServer server, TestClock clock) {
    SteadySocket socket = socket(server, "ticker");
    try {
      socket.connect();
      clock.runUntilIdle();
      String frame = Envelopes.envelope("tick", null, "t-1", "fake-server", null, 0).toString();
      server.connection().sendRaw(frame);
      server.connection().sendRaw(frame.replace("t-1", "t-2"));
      server.connection().sendRaw(frame.replace("t-1", "t-3"));
      socket.send("héllo"); // 6 UTF-8 bytes
      socket.send(new byte[10]);
      clock.runUntilIdle();

      assertEquals(3, counter("steadysocket.messages", "ticker", "direction", "in"));
      assertEquals(3 * frame.length(), counter("steadysocket.bytes", "ticker", "direction", "in"));
      assertEquals(2, counter("steadysocket.messages", "ticker", "direction", "out"));
      assertEquals(16, counter("steadysocket.bytes", "ticker", "direction", "out"));
      assertEquals("bytes", registry.get("steadysocket.bytes").tag("direction", "in").counter().getId().getBaseUnit());
      assertAgreesWithMetrics(socket, "ticker");
    } finally {
      socket.close();
    }
  }

  @Test
  void aQueuedMessageRecordsHowLongItWaitedAndTheOutboxGaugeShowsIt(FakeServer server, TestClock clock) {
    SteadySocket socket = socket(server, "ticker");
    try {
      socket.connect();
      clock.runUntilIdle();
      socket.send("now");
      clock.runUntilIdle();
      server.connection().drop(); // at 0 s; the reconnect comes at 1 s
      clock.advanceBy(Duration.ofMillis(200));
      socket.send("queued at 200 ms");
      clock.advanceBy(Duration.ofMillis(300));
      socket.send("queued at 500 ms");
      clock.runUntilIdle();
      assertEquals(2, gauge("steadysocket.outbox.depth", "ticker"));
      clock.advanceBy(Duration.ofMillis(500));

      assertEquals(0, gauge("steadysocket.outbox.depth", "ticker"));
      Timer written = registry.get("steadysocket.send.latency").tag("stage", "written").timer();
      assertEquals(3, written.count());
      assertEquals(800 + 500, written.totalTime(MILLISECONDS), "0, 800 and 500 ms");
      assertEquals(800, written.max(MILLISECONDS));
      assertAgreesWithMetrics(socket, "ticker");
    } finally {
      socket.close();
    }
  }

  @Test
  void acknowledgedSendsRecordTheirAckLatencyUnacknowledgedAndResent(FakeServer server, TestClock clock) {
    SteadySocket socket = server.newSocket().backoff(BACKOFF).acknowledgedSends(true)
        .observer(SteadySocketMeters.bindTo(registry, "orders")).build();
    try {
      socket.connect();
      clock.runUntilIdle();
      server.delayAcks(Duration.ofMillis(40));
      CompletableFuture<Void> first = socket.send(Envelope.of("order", Map.of("qty", 1)));
      clock.advanceBy(Duration.ofMillis(40));
      assertTrue(first.isDone());
      Timer acked = registry.get("steadysocket.send.latency").tag("stage", "acknowledged").timer();
      assertEquals(1, acked.count());
      assertEquals(40, acked.totalTime(MILLISECONDS));

      server.delayAcks(Duration.ZERO);
      server.loseNextAcks(2);
      socket.send(Envelope.of("order", Map.of("qty", 2)));
      socket.send(Envelope.of("order", Map.of("qty", 3)));
      clock.advanceBy(Duration.ofMillis(100));
      assertEquals(2, gauge("steadysocket.outbox.unacknowledged", "orders"));
      server.connection().drop(); // at 140 ms; both are sent again on the connection at 1.14 s
      clock.advanceBy(Duration.ofSeconds(1));

      assertEquals(0, gauge("steadysocket.outbox.unacknowledged", "orders"));
      assertEquals(2, counter("steadysocket.messages.resent", "orders"));
      assertEquals(5, counter("steadysocket.messages", "orders", "direction", "out"), "3 first writes, 2 again");
      assertEquals(3, registry.get("steadysocket.send.latency").tag("stage", "written").timer().count(),
          "written latency: each message's first write only");
      assertEquals(3, acked.count());
      assertEquals(40 + 1_100 + 1_100, acked.totalTime(MILLISECONDS), "acknowledged after the resend, 1.1 s after send()");
      assertAgreesWithMetrics(socket, "orders");
    } finally {
      socket.close();
    }
  }

  @Test
  void sendsRefusedByAFullOutboxOrFailedByTheCloseAreDropped(FakeServer server, TestClock clock) {
    SteadySocket socket = server.newSocket().outbox(OutboxPolicy.bounded(2, 1 << 20, OutboxPolicy.Overflow.REJECT_NEW))
        .observer(SteadySocketMeters.bindTo(registry, "ticker")).build();
    Counter closed = registry.get("steadysocket.messages.dropped").tag("reason", "closed").counter();
    try {
      socket.send("1");
      socket.send("2");
      socket.send("3"); // refused: the outbox holds 2
      assertEquals(1, counter("steadysocket.messages.dropped", "ticker", "reason", "overflow"));
      assertEquals(2, gauge("steadysocket.outbox.depth", "ticker"));
      assertAgreesWithMetrics(socket, "ticker");
    } finally {
      socket.close();
    }
    clock.runUntilIdle();
    assertEquals(2, closed.count(), "the two queued ones failed at close, before the meters were removed");
  }

  @Test
  void requestLatencyIsExactForARepliedATimedOutAndAFailedRequest(FakeServer server, TestClock clock) {
    List<Envelope> quotes = new ArrayList<>();
    server.onMessage("quote", (connection, request) -> quotes.add(request));
    SteadySocket socket = socket(server, "ticker");
    try {
      socket.connect();
      clock.runUntilIdle();
      CompletableFuture<Envelope> replied = socket.request(Envelope.of("quote", Map.of("symbol", "ACME")), Duration.ofSeconds(5));
      clock.advanceBy(Duration.ofMillis(250));
      server.connection().sendRaw(Envelopes.reply(quotes.get(0).id(), null, "fake-server", null));
      clock.runUntilIdle();
      assertTrue(replied.isDone());
      Timer completed = registry.get("steadysocket.request.latency").tag("outcome", "completed").timer();
      assertEquals(1, completed.count());
      assertEquals(250, completed.totalTime(MILLISECONDS));
      assertEquals(250, completed.max(MILLISECONDS));

      CompletableFuture<Envelope> unanswered = socket.request(Envelope.of("quote", null), Duration.ofSeconds(2));
      clock.advanceBy(Duration.ofSeconds(2));
      assertTrue(unanswered.isCompletedExceptionally());
      Timer timeout = registry.get("steadysocket.request.latency").tag("outcome", "timeout").timer();
      assertEquals(1, timeout.count());
      assertEquals(2_000, timeout.totalTime(MILLISECONDS));

      CompletableFuture<Envelope> lost = socket.request(Envelope.of("quote", null), Duration.ofSeconds(5));
      clock.advanceBy(Duration.ofMillis(300));
      server.connection().drop(); // RequestRetention.FAIL: a request written on a lost connection fails
      clock.runUntilIdle();
      assertTrue(lost.isCompletedExceptionally());
      Timer failed = registry.get("steadysocket.request.latency").tag("outcome", "failed").timer();
      assertEquals(1, failed.count());
      assertEquals(300, failed.totalTime(MILLISECONDS));
      assertEquals(3, registry.get("steadysocket.request.latency").timers().stream().mapToLong(Timer::count).sum());
    } finally {
      socket.close();
    }
  }

  @Test
  void undecodableFramesAndDuplicatesAreCounted(FakeServer server, TestClock clock) {
    SteadySocket socket = server.newSocket().deduplicate(100).observer(SteadySocketMeters.bindTo(registry, "ticker")).build();
    try {
      socket.connect();
      clock.runUntilIdle();
      server.connection().sendRaw("not json");
      for (int i = 0; i < 3; i++) server.publish("feed", "tick", Map.of("n", i));
      clock.advanceBy(Duration.ofSeconds(1));
      server.connection().replay("feed", 2);
      clock.runUntilIdle();
      assertEquals(1, counter("steadysocket.decode.errors", "ticker"));
      assertEquals(2, counter("steadysocket.duplicates", "ticker"));
      assertEquals(3, counter("steadysocket.messages", "ticker", "direction", "in"));
      assertAgreesWithMetrics(socket, "ticker");
    } finally {
      socket.close();
    }
  }

  // ---------------------------------------------------------------- helpers

  /** Exactly {@code expected} (and closing, if given) is 1; every other state 0. */
  private void assertStates(String... oneOf) {
    double sum = 0;
    for (ConnectionState state : ConnectionState.values()) {
      String s = state.name().toLowerCase(Locale.ROOT);
      double v = gauge("steadysocket.connection.state", "ticker", "state", s);
      if (!List.of(oneOf).contains(s)) assertEquals(0, v, s);
      sum += v;
    }
    assertEquals(1, sum, () -> "one state at a time, one of " + List.of(oneOf));
  }

  /** The meters and {@code metrics()} are computed from the same events: where both count, they agree. */
  private void assertAgreesWithMetrics(SteadySocket socket, String name) {
    Metrics m = socket.metrics();
    assertEquals(0, m.observerFailures(), "the observer never throws");
    assertEquals(m.connectionAttempts(), counter("steadysocket.connection.attempts", name, "outcome", "opened")
        + counter("steadysocket.connection.attempts", name, "outcome", "failed")
        + counter("steadysocket.connection.attempts", name, "outcome", "abandoned")
        + (socket.state() == ConnectionState.CONNECTING ? 1 : 0), "attempts");
    assertEquals(m.reconnects(), counter("steadysocket.reconnects", name), "reconnects");
    assertEquals(m.messagesReceived(), counter("steadysocket.messages", name, "direction", "in"), "messages in");
    assertEquals(m.messagesSent(), counter("steadysocket.messages", name, "direction", "out"), "messages out");
    assertEquals(m.bytesReceived(), counter("steadysocket.bytes", name, "direction", "in"), "bytes in");
    assertEquals(m.bytesSent(), counter("steadysocket.bytes", name, "direction", "out"), "bytes out");
    assertEquals(m.messagesResent(), counter("steadysocket.messages.resent", name), "resent");
    assertEquals(m.messagesDropped(), counter("steadysocket.messages.dropped", name, "reason", "overflow")
        + counter("steadysocket.messages.dropped", name, "reason", "closed"), "dropped");
    assertEquals(m.decodeErrors(), counter("steadysocket.decode.errors", name), "decode errors");
    assertEquals(m.duplicatesDropped(), counter("steadysocket.duplicates", name), "duplicates");
    assertEquals(m.callbacksRejected(), counter("steadysocket.callbacks.rejected", name), "callbacks rejected");
    assertEquals(m.outboxDepth(), gauge("steadysocket.outbox.depth", name), "outbox depth");
    assertEquals(m.unacknowledged(), gauge("steadysocket.outbox.unacknowledged", name), "unacknowledged");
  }

  /** The registry's meters, by name and tags (for readable failures). */
  private List<String> names() {
    return registry.getMeters().stream().map(m -> m.getId().getName() + m.getId().getTags()).sorted().collect(Collectors.toList());
  }

  private double counter(String name, String socket, String... tags) {
    return registry.get(name).tag("socket", socket).tags(tags).counter().count();
  }

  private double gauge(String name, String socket, String... tags) {
    return registry.get(name).tag("socket", socket).tags(tags).gauge().value();
  }

  private Timer timer(String name, String socket) {
    return registry.get(name).tag("socket", socket).timer();
  }
}
