package dev.steadysocket.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.steadysocket.Backoff;
import dev.steadysocket.ConnectionState;
import dev.steadysocket.Envelope;
import dev.steadysocket.Metrics;
import dev.steadysocket.SteadySocket;
import dev.steadysocket.testing.SocketEvents;
import dev.steadysocket.testing.server.Envelopes;
import dev.steadysocket.testing.server.FeedProtocol;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The proof: 10,000 numbered messages in each direction across 50 forced drops, half of
 * them between the server receiving a message and acknowledging it. The application on each side
 * must see every number exactly once, in order.
 *
 * <p>Client to server: acknowledged sends; the demo server's inbox drops repeats by id. Server to
 * client: the demo server's resumable stream {@code numbers}; the client resumes after each drop
 * and drops repeats by id. Drops are TCP resets from the server ({@link DemoFeedServer#dropAll}):
 * 25 from inside the server's message handler, after the message was recorded and before its ack
 * was sent, and 25 from the publishing thread, mid-stream.
 */
@Timeout(120)
class DeliveryUnderDropsTest {
  private static final int N = 10_000;
  private static final int DROPS_BEFORE_ACK = 25;
  private static final int DROPS_MID_STREAM = 25;
  private static final int SEND_WINDOW = 200;
  /** How far the publisher may run ahead of what the client delivered. */
  private static final int PUBLISH_WINDOW = 400;
  private static final Duration DEADLINE = Duration.ofSeconds(90);

  private final List<Long> serverReceived = Collections.synchronizedList(new ArrayList<>());
  private final SocketEvents events = new SocketEvents();
  private final AtomicInteger dropsBeforeAck = new AtomicInteger();
  private final AtomicInteger dropsMidStream = new AtomicInteger();
  /** Only touched inside the server's inbox lock. */
  private boolean dropBeforeAckPending;
  /** The entry after which each mid-stream drop happened, for failure messages. */
  private final List<Long> dropPoints = Collections.synchronizedList(new ArrayList<>());
  private final ConcurrentLinkedQueue<Throwable> sendFailures = new ConcurrentLinkedQueue<>();
  private DemoFeedServer server;
  private SteadySocket client;

  @AfterEach
  void tearDown() {
    if (client != null) {
      client.close();
    }
    if (server != null) {
      server.close();
    }
  }

  @Test
  void tenThousandEachWayAcrossFiftyDropsNoneLostNoneDuplicatedInOrder() throws Exception {
    server =
        DemoFeedServer.start(
            new DemoFeedServerOptions().tickerMillis(0).stream("numbers").historySize(16_384).onMessage(this::onServerMessage)
                .log(System.out));
    // ?from=0: a stream this client has no position in yet starts at the beginning of the history,
    // so a drop before its first delivery cannot lose entry 1 either.
    client =
        SteadySocket.builder(server.url("/?from=0"))
            .acknowledgedSends(true)
            .resumeStreams(true)
            .deduplicate(4_096)
            .backoff(Backoff.exponential(Duration.ofMillis(10), Duration.ofMillis(100)))
            .listener(events)
            .build();
    client.connect();

    long start = System.nanoTime();
    long deadline = start + DEADLINE.toNanos();
    Thread sender = new Thread(this::sendAll, "numbers-sender");
    sender.setDaemon(true);
    sender.start();
    publishAll(deadline);
    sender.join(Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
    awaitAtLeast(this::clientReceived, N, deadline, "client deliveries");
    awaitAtLeast(() -> serverReceived, N, deadline, "server deliveries");
    long elapsedMillis = (System.nanoTime() - start) / 1_000_000;

    assertTrue(sendFailures.isEmpty(), "send failures: " + sendFailures);
    Metrics metrics = client.metrics();
    FeedProtocol.Stats stats = server.stats();
    System.out.printf(Locale.ROOT,
        "delivery under drops: %d ms, drops %d (%d between a write and its ack, %d mid-stream), connections %d%n"
            + "  client -> server: sent %d, delivered to the server app %d, resent by the client %d, repeats dropped by the server %d%n"
            + "  server -> client: published %d, delivered to the client app %d, replayed on resume %d (%d resumes), repeats dropped by the client %d%n",
        elapsedMillis, dropsBeforeAck.get() + dropsMidStream.get(), dropsBeforeAck.get(), dropsMidStream.get(),
        events.states().stream().filter(s -> s == ConnectionState.OPEN).count(),
        N, serverReceived.size(), metrics.messagesResent(), stats.duplicatesDropped.get(),
        N, clientReceived().size(), stats.replayed.get(), stats.resumes.get(), metrics.duplicatesDropped());

    assertEquals(DROPS_BEFORE_ACK, dropsBeforeAck.get());
    assertEquals(DROPS_MID_STREAM, dropsMidStream.get());
    assertInOrderOnce("server application", serverReceived);
    assertInOrderOnce("client application", clientReceived());
    assertTrue(stats.duplicatesDropped.get() > 0, "drops before acks must have caused resends the server dropped");
    assertTrue(stats.resumes.get() > 0, "the client must have resumed");
    assertEquals(0, stats.incompleteReplays.get(), "every replay was complete");
  }

  @Test
  void requestIsAnsweredWithAQuote() throws Exception {
    server = DemoFeedServer.start(new DemoFeedServerOptions().tickerMillis(0));
    client = SteadySocket.builder(server.url("/")).acknowledgedSends(true).build();
    client.connect();
    Envelope reply =
        client.request(Envelope.of("request", Map.of("symbol", "ACME")), Duration.ofSeconds(10)).get(20, TimeUnit.SECONDS);
    assertEquals("ACME", reply.content().path("symbol").asText());
    assertTrue(reply.content().path("price").isNumber(), reply.content().toString());
  }

  /** Runs on the connection's reader thread, inside the inbox's de-duplication step, before the ack. */
  private void onServerMessage(ObjectNode message) {
    if (!message.path("type").asText().equals("number")) {
      return;
    }
    long n = message.path("content").path("n").asLong();
    serverReceived.add(n);
    int every = N / DROPS_BEFORE_ACK;
    if (n % every == every / 4) {
      dropBeforeAckPending = true;
    }
    // dropAll() finds no session when this connection was already cut (its reader is finishing
    // its buffer): then the next message's turn.
    if (dropBeforeAckPending && dropsBeforeAck.get() < DROPS_BEFORE_ACK && server.dropAll() > 0) {
      dropsBeforeAck.incrementAndGet(); // the ack for n is never sent: the client must send n again
      dropBeforeAckPending = false;
    }
  }

  /** Sends 1..N with at most SEND_WINDOW unacknowledged. */
  private void sendAll() {
    Semaphore window = new Semaphore(SEND_WINDOW);
    try {
      for (long n = 1; n <= N; n++) {
        if (!window.tryAcquire(DEADLINE.toMillis(), TimeUnit.MILLISECONDS)) {
          sendFailures.add(new AssertionError("no ack for " + SEND_WINDOW + " messages within " + DEADLINE));
          return;
        }
        client.send(Envelope.builder("number").content(Map.of("n", n)).build())
            .whenComplete((ok, error) -> {
              if (error != null) {
                sendFailures.add(error);
              }
              window.release();
            });
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Publishes 1..N, at most PUBLISH_WINDOW ahead of the client, dropping the connection now and then. */
  private void publishAll(long deadline) {
    // The first entry goes out once the client is subscribed (it then gets it live or by ?from=0).
    int dropEvery = N / DROPS_MID_STREAM;
    boolean dropPending = false;
    long delivered = 0; // as last counted: counting before every entry would copy the whole record N times
    for (long n = 1; n <= N; n++) {
      if (delivered < n - PUBLISH_WINDOW) {
        long needed = n - PUBLISH_WINDOW;
        try {
          events.await(e -> e.messages("number").size() >= needed, "the client to catch up",
              Duration.ofNanos(deadline - System.nanoTime()));
        } catch (AssertionError e) {
          fail("client stuck at " + clientReceived().size() + " of " + (n - 1) + " published; " + diagnostics(), e);
        }
        delivered = events.messages("number").size();
      }
      server.publish("numbers", "number", Envelopes.JSON.createObjectNode().put("n", n));
      if (n % dropEvery == dropEvery / 2) {
        dropPending = true;
      }
      if (dropPending && dropsMidStream.get() < DROPS_MID_STREAM && server.dropAll() > 0) {
        dropsMidStream.incrementAndGet();
        dropPoints.add(n);
        dropPending = false;
      }
    }
    // A drop that kept finding the client between connections happens now, while entries are
    // still in flight or being replayed.
    while (dropsMidStream.get() < DROPS_MID_STREAM) {
      try {
        // The drop is tried after each client event and at least every 10 ms, until it finds a session.
        events.await(e -> server.dropAll() > 0, "a connection to drop", Duration.ofNanos(deadline - System.nanoTime()));
      } catch (AssertionError e) {
        fail("could not drop the connection " + DROPS_MID_STREAM + " times; " + diagnostics(), e);
      }
      dropsMidStream.incrementAndGet();
      dropPoints.add((long) N);
    }
  }

  /** The numbers the client application received, in order. */
  private List<Long> clientReceived() {
    return events.messages("number").stream().map(e -> e.content().path("n").asLong()).collect(Collectors.toList());
  }

  private void awaitAtLeast(Supplier<List<Long>> list, int count, long deadline, String what) {
    try {
      events.await(e -> list.get().size() >= count, what, Duration.ofNanos(deadline - System.nanoTime()));
    } catch (AssertionError e) {
      fail(what + ": " + list.get().size() + " of " + count + " within " + DEADLINE + "; " + diagnostics(), e);
    }
  }

  private String diagnostics() {
    List<Long> clientReceived = clientReceived();
    List<Long> client = clientReceived.subList(Math.max(0, clientReceived.size() - 5), clientReceived.size());
    List<Long> server;
    synchronized (serverReceived) {
      server = new ArrayList<>(serverReceived.subList(Math.max(0, serverReceived.size() - 5), serverReceived.size()));
    }
    FeedProtocol.Stats stats = this.server.stats();
    return "client " + this.client.state() + " " + this.client.metrics() + ", last delivered " + client
        + "; server last " + server + ", sessions " + this.server.connectionCount()
        + ", subscribers " + this.server.subscriberCount("numbers")
        + ", acks " + stats.acksSent + ", repeats " + stats.duplicatesDropped + ", resumes " + stats.resumes
        + ", replayed " + stats.replayed + "; drops " + dropsBeforeAck + "+" + dropsMidStream
        + "; send failures " + sendFailures + "; client missing " + missing(clientReceived)
        + "; server missing " + missing(serverReceived) + "; mid-stream drops after entries " + dropPoints;
  }

  private static List<Long> missing(List<Long> received) {
    java.util.Set<Long> seen;
    synchronized (received) {
      seen = new java.util.HashSet<>(received);
    }
    List<Long> missing = new ArrayList<>();
    for (long n = 1; n <= N && missing.size() < 60; n++) {
      if (!seen.contains(n)) {
        missing.add(n);
      }
    }
    return missing;
  }

  private static void assertInOrderOnce(String who, List<Long> received) {
    List<Long> copy;
    synchronized (received) {
      copy = new ArrayList<>(received);
    }
    assertEquals(N, copy.size(), who + ": count (duplicates or losses)");
    for (int i = 0; i < N; i++) {
      if (copy.get(i) != i + 1) {
        fail(who + ": position " + i + " holds " + copy.get(i) + ", expected " + (i + 1)
            + "; around it: " + copy.subList(Math.max(0, i - 5), Math.min(N, i + 5)));
      }
    }
  }
}
