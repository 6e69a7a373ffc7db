package dev.steadysocket.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.steadysocket.Backoff;
import dev.steadysocket.Envelope;
import dev.steadysocket.SteadySocket;
import dev.steadysocket.testing.SocketEvents;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The delivery guarantees against the second, independent server: Node's {@code ws}
 * (test-servers/node-ws/server.js) with its resumable {@code /feed}, acks with de-duplication,
 * drops before acks ({@code ?dropBeforeAck}) and replies.
 */
@Timeout(90)
class NodeWsDeliveryTest {
  private static final int SENDS = 1_000;
  private static final int FEED = 1_000;
  private static final int DROP_BEFORE_ACK_EVERY = 100;
  private static final int MID_STREAM_DROPS = 5;
  private static final Duration SOON = Duration.ofSeconds(20);

  private final SocketEvents events = new SocketEvents();
  private final ConcurrentLinkedQueue<Throwable> sendFailures = new ConcurrentLinkedQueue<>();
  private NodeWsServer node;
  private SteadySocket client;

  @AfterEach
  void tearDown() {
    if (client != null) {
      client.close();
    }
    if (node != null) {
      node.close();
    }
  }

  // #16 part 2: every RECEIVED line up to an end marker is checked, not only the first 1,000
  @Test
  void acknowledgedSendsAndTheResumedFeedSurviveDrops() throws Exception {
    node = NodeWsServer.start(Map.of("TICKER_INTERVAL_MS", "2"));
    client =
        SteadySocket.builder(node.url("/feed?from=0&log=1&dropBeforeAck=" + DROP_BEFORE_ACK_EVERY))
            .acknowledgedSends(true)
            .resumeStreams(true)
            .deduplicate(4_096)
            .backoff(Backoff.exponential(Duration.ofMillis(10), Duration.ofMillis(100)))
            .listener(events)
            .build();
    client.connect();

    Semaphore window = new Semaphore(100);
    for (int k = 1; k <= SENDS; k++) {
      assertTrue(window.tryAcquire(SOON.toMillis(), TimeUnit.MILLISECONDS), "acks keep coming");
      client.send(Envelope.builder("number").id("n-" + k).content(Map.of("n", k)).build())
          .whenComplete((ok, error) -> {
            if (error != null) {
              sendFailures.add(error);
            }
            window.release();
          });
    }
    for (int drop = 1; drop <= MID_STREAM_DROPS; drop++) {
      awaitFeed(drop * FEED / (MID_STREAM_DROPS + 1));
      node.dropAll();
    }
    awaitFeed(FEED);
    assertTrue(window.tryAcquire(100, SOON.toMillis(), TimeUnit.MILLISECONDS), "every send acknowledged");
    // The server prints each first copy it receives. Everything the client sent before the end
    // marker is printed before it: reading up to the marker, not just SENDS lines, also catches a
    // copy of the last message (or any extra one) sent after it under another id.
    Envelope end = Envelope.builder("end").id("end-of-test").build();
    client.send(end).get(SOON.toMillis(), TimeUnit.MILLISECONDS);
    List<String> received = new ArrayList<>();
    while (true) {
      Matcher line = node.awaitStdout("^RECEIVED (\\S+) (\\S+)$", SOON);
      if (line.group(2).equals(end.id())) {
        break;
      }
      received.add(line.group(1).equals("number") ? line.group(2) : line.group(1) + " " + line.group(2));
    }

    System.out.printf(Locale.ROOT,
        "node ws: %d acknowledged sends (%d resent, %d connections cut before an ack), feed of %d across %d"
            + " more drops (%d repeats dropped by the client)%n",
        SENDS, client.metrics().messagesResent(), SENDS / DROP_BEFORE_ACK_EVERY, feed().size(), MID_STREAM_DROPS,
        client.metrics().duplicatesDropped());
    assertTrue(sendFailures.isEmpty(), "send failures: " + sendFailures);
    List<String> expected = new ArrayList<>();
    for (int k = 1; k <= SENDS; k++) {
      expected.add("n-" + k);
    }
    int same = 0;
    while (same < Math.min(expected.size(), received.size()) && expected.get(same).equals(received.get(same))) {
      same++;
    }
    assertTrue(expected.equals(received), "the server saw each message once, in order, and nothing else: "
        + received.size() + " lines, the first " + same + " as expected, then "
        + received.subList(same, Math.min(received.size(), same + 5)) + " where "
        + expected.subList(same, Math.min(expected.size(), same + 5)) + " was expected");
    List<Long> copy = feed();
    for (int i = 0; i < copy.size(); i++) {
      assertEquals(i + 1, copy.get(i), "feed entry " + i + " of " + copy.subList(Math.max(0, i - 3), Math.min(copy.size(), i + 3)));
    }
  }

  @Test
  void requestsGetTheirReply() throws Exception {
    node = NodeWsServer.start();
    client = SteadySocket.builder(node.url("/echo")).build();
    client.connect();
    Envelope reply = client.request(Envelope.of("request", Map.of("q", "hi")), SOON).get(30, TimeUnit.SECONDS);
    assertEquals("reply", reply.type());
    assertEquals("hi", reply.content().path("q").asText());
  }

  /** The feed's numbers as the application received them, in order. */
  private List<Long> feed() {
    return events.messages("ticker").stream().map(e -> e.content().path("n").asLong()).collect(Collectors.toList());
  }

  private void awaitFeed(int count) {
    try {
      events.awaitMessages("ticker", count, SOON);
    } catch (AssertionError e) {
      fail("feed at " + feed().size() + " of " + count + "; client " + client.metrics(), e);
    }
  }
}
