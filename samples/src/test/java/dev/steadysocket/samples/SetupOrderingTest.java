package dev.steadysocket.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.steadysocket.Backoff;
import dev.steadysocket.ConnectionState;
import dev.steadysocket.Envelope;
import dev.steadysocket.Heartbeat;
import dev.steadysocket.SetupMessage;
import dev.steadysocket.SetupRegistration;
import dev.steadysocket.SetupRejectedException;
import dev.steadysocket.SetupStatus;
import dev.steadysocket.SteadySocket;
import dev.steadysocket.SteadySocketBuilder;
import dev.steadysocket.SteadySocketException;
import dev.steadysocket.SteadySocketListener;
import dev.steadysocket.testing.SocketEvents;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * #18's proof against real servers, the demo feed server and Node's {@code ws}: across 50 forced
 * drops, with messages queued during each outage, the server sees on every connection the auth
 * message, then the subscriptions in registration order, then the queued messages — never a queued
 * message first. Checked on what each server received, connection by connection.
 */
@Timeout(120)
class SetupOrderingTest {
  private static final int DROPS = 50;
  private static final int QUEUED_PER_OUTAGE = 3;
  private static final List<String> SYMBOLS = List.of("ACME", "GLOBX", "INITECH");
  private static final Duration SOON = Duration.ofSeconds(20);

  private final SocketEvents events = new SocketEvents();
  private final AtomicInteger published = new AtomicInteger();
  private final List<CompletableFuture<Void>> sends = Collections.synchronizedList(new ArrayList<>());
  private SteadySocket client;
  private DemoFeedServer demo;
  private NodeWsServer node;

  @AfterEach
  void tearDown() {
    if (client != null) client.close();
    if (demo != null) demo.close();
    if (node != null) node.close();
  }

  @Test
  void demoServerSeesAuthThenSubscriptionsThenQueuedOnEveryConnection() throws Exception {
    Map<Object, List<String>> seen = Collections.synchronizedMap(new LinkedHashMap<>());
    demo = DemoFeedServer.start(new DemoFeedServerOptions().tickerMillis(0)
        .onConnectionMessage((connection, message) -> seen.computeIfAbsent(connection, c -> new ArrayList<>())
            .add(describe(message.path("type").asText(), message.path("content")))));
    client = connect(SteadySocket.builder(demo.url("/")));
    runDrops(demo::dropAll);
    List<List<String>> connections;
    synchronized (seen) {
      connections = new ArrayList<>(seen.values());
    }
    check(connections, false);
  }

  @Test
  void nodeWsSeesAuthThenSubscriptionsThenQueuedOnEveryConnectionWithAckModeAndResume() throws Exception {
    node = NodeWsServer.start(Map.of("TICKER_INTERVAL_MS", "50"));
    client = connect(SteadySocket.builder(node.url("/feed?frames=1"))
        .acknowledgedSends(true)
        .resumeStreams(true)
        .deduplicate(1000));
    runDrops(() -> {
      try {
        node.dropAll();
      } catch (java.io.IOException e) {
        throw new AssertionError(e);
      }
    });
    client.send(Envelope.of("publish", Map.of("n", "end"))).get(SOON.toSeconds(), TimeUnit.SECONDS);
    Map<String, List<String>> byConnection = new LinkedHashMap<>();
    while (true) {
      Matcher m = node.awaitStdout("^FRAME (\\d+) (\\S+) (\\S+)$", SOON);
      if (m.group(2).equals("publish") && m.group(3).equals("end")) break;
      byConnection.computeIfAbsent(m.group(1), c -> new ArrayList<>()).add(describe(m.group(2), m.group(3)));
    }
    check(new ArrayList<>(byConnection.values()), true);
  }

  @Test
  void aRejectedAuthClosesTheConnectionAndTheNextOneCarriesAFreshToken() throws Exception {
    demo = DemoFeedServer.start(new DemoFeedServerOptions().tickerMillis(0).authToken("token-2"));
    AtomicInteger tokens = new AtomicInteger();
    client = SteadySocket.builder(demo.url("/"))
        .tokenProvider(refresh -> "token-" + tokens.incrementAndGet())
        .tokenHeader("", "")
        .backoff(Backoff.exponential(Duration.ofMillis(10), Duration.ofMillis(100)))
        .listener(events)
        .build();
    SetupRegistration auth = client.setup(SetupMessage.fromToken(t -> Envelope.of("auth", Map.of("token", t)))
        .awaitReplyBeforeSends(Duration.ofSeconds(10))
        .onRejection(SetupMessage.OnRejection.CLOSE_CONNECTION));
    CompletableFuture<Void> queued = client.send(Envelope.of("publish", Map.of("n", 0)));
    client.connect();
    events.await(e -> e.setupsConfirmed().size() >= 1, "confirmed with the fresh token", SOON);
    assertEquals(SetupStatus.CONFIRMED, auth.status());
    assertEquals("authenticated", auth.reply().type());
    queued.get(SOON.toSeconds(), TimeUnit.SECONDS);
    assertEquals(2, tokens.get(), "the provider was asked again after the rejection");
    List<SteadySocketException> errors = events.errors();
    Throwable first = errors.isEmpty() ? null : errors.get(0);
    assertTrue(first instanceof SetupRejectedException, "the rejection was reported: " + first);
    assertEquals("error", ((SetupRejectedException) first).reply().type());
  }

  @Test
  void anUnknownSymbolIsRejectedAndTheConnectionKept() throws Exception {
    demo = DemoFeedServer.start(new DemoFeedServerOptions().tickerMillis(0));
    client = SteadySocket.builder(demo.url("/")).listener(events).build();
    SetupRegistration bad = client.setup(SetupMessage.of(Envelope.of("subscribe", Map.of("symbol", "NOPE")))
        .awaitReply(Duration.ofSeconds(10)));
    SetupRegistration good = client.setup(SetupMessage.of(Envelope.of("subscribe", Map.of("symbol", "ACME")))
        .awaitReply(Duration.ofSeconds(10)));
    client.connect();
    events.await(e -> e.setupsConfirmed().size() >= 1, "a setup confirmed", SOON);
    assertEquals(SetupStatus.CONFIRMED, good.status());
    assertEquals(SetupStatus.REJECTED, bad.status());
    assertEquals("unknown symbol", bad.reply().content().path("reason").asText());
    assertEquals(ConnectionState.OPEN, client.state());
    assertTrue(events.errors().stream().anyMatch(e -> e instanceof SetupRejectedException
        && ((SetupRejectedException) e).registration() == bad));
  }

  // ------------------------------------------------------------------

  /**
   * Not a recorder: queues messages the moment an outage begins, on the callback thread, so they
   * wait in the outbox for the next connection (a test thread would see the transition later).
   */
  private SteadySocketListener queueDuringOutages() {
    return new SteadySocketListener() {
      @Override
      public void onStateChanged(ConnectionState previous, ConnectionState current) {
        if (previous != ConnectionState.OPEN || current != ConnectionState.RECONNECTING) return;
        // The outage has begun: these wait in the outbox for the next connection.
        for (int i = 0; i < QUEUED_PER_OUTAGE; i++) {
          sends.add(client.send(Envelope.of("publish", Map.of("n", published.getAndIncrement()))));
        }
      }
    };
  }

  private SteadySocket connect(SteadySocketBuilder builder) {
    AtomicInteger tokens = new AtomicInteger();
    SteadySocket socket = builder
        .tokenProvider(refresh -> "token-" + tokens.incrementAndGet())
        .tokenHeader("", "")
        .backoff(Backoff.exponential(Duration.ofMillis(20), Duration.ofMillis(100)))
        .minimumUptime(Duration.ZERO)
        .heartbeat(Heartbeat.disabled())
        .listener(events)
        .listener(queueDuringOutages())
        .build();
    client = socket;
    socket.setup(SetupMessage.fromToken(t -> Envelope.of("auth", Map.of("token", t)))
        .awaitReplyBeforeSends(Duration.ofSeconds(10))
        .onRejection(SetupMessage.OnRejection.CLOSE_CONNECTION));
    for (String symbol : SYMBOLS) {
      socket.setup(SetupMessage.of(Envelope.of("subscribe", Map.of("symbol", symbol))).awaitReply(Duration.ofSeconds(10)));
    }
    socket.connect();
    return socket;
  }

  /** Each round: all four confirmed, everything queued so far received (a request behind it answered), then a drop. */
  private void runDrops(Runnable dropAll) throws Exception {
    for (int round = 0; round <= DROPS; round++) {
      int confirmations = (round + 1) * (1 + SYMBOLS.size());
      try {
        events.await(e -> e.setupsConfirmed().size() >= confirmations, confirmations + " setups confirmed", SOON);
      } catch (AssertionError e) {
        fail("round " + round + ": the auth and the subscriptions confirmed; errors: " + events.errors(), e);
      }
      client.request(Envelope.of("request", Map.of("sync", round)), SOON).get(SOON.toSeconds(), TimeUnit.SECONDS);
      if (round < DROPS) dropAll.run();
    }
    for (CompletableFuture<Void> f : new ArrayList<>(sends)) f.get(SOON.toSeconds(), TimeUnit.SECONDS);
    List<SteadySocketException> errors = events.errors();
    assertTrue(errors.stream().allMatch(e -> e instanceof dev.steadysocket.ConnectionLostException),
        "only the drops were errors: " + errors);
  }

  private void check(List<List<String>> connections, boolean resumes) {
    assertEquals(DROPS + 1, connections.size(), "one connection per round: " + connections);
    List<String> setup = new ArrayList<>(List.of("auth"));
    for (String s : SYMBOLS) setup.add("subscribe:" + s);
    int expectedN = 0;
    for (int c = 0; c < connections.size(); c++) {
      List<String> frames = new ArrayList<>(connections.get(c));
      frames.removeIf(f -> f.startsWith("request"));
      if (resumes) {
        assertEquals("resume", frames.isEmpty() ? null : frames.get(0), "connection " + (c + 1) + ": " + frames);
        frames.remove(0);
      }
      if (frames.size() < setup.size() || !frames.subList(0, setup.size()).equals(setup)) {
        fail("connection " + (c + 1) + " did not start with the setup messages in order: " + frames);
      }
      List<String> rest = frames.subList(setup.size(), frames.size());
      List<String> expected = new ArrayList<>();
      if (c > 0) {
        for (int i = 0; i < QUEUED_PER_OUTAGE; i++) expected.add("publish:" + expectedN++);
      }
      assertEquals(expected, rest, "connection " + (c + 1) + ": the messages queued during the outage before it");
    }
  }

  private static String describe(String type, com.fasterxml.jackson.databind.JsonNode content) {
    if (content.has("symbol")) return type + ":" + content.get("symbol").asText();
    if (content.has("n")) return type + ":" + content.get("n").asText();
    return type;
  }

  private static String describe(String type, String key) {
    return key.equals("-") ? type : type + ":" + key;
  }
}
