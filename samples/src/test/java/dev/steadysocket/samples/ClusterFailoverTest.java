package dev.steadysocket.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.steadysocket.Backoff;
import dev.steadysocket.ConnectionState;
import dev.steadysocket.Envelope;
import dev.steadysocket.SteadySocket;
import dev.steadysocket.SteadySocketListener;
import dev.steadysocket.samples.cluster.ClusterFeedNode;
import dev.steadysocket.samples.cluster.FeedProducer;
import dev.steadysocket.testing.SocketEvents;
import dev.steadysocket.testing.server.Envelopes;
import dev.steadysocket.testsupport.ChildProcess;
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
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.resps.StreamEntry;

/**
 * The cluster sample's proof: two {@link ClusterFeedNode} processes share a feed through Redis; a
 * client given both URLs is on node A when A is killed (SIGKILL) mid-feed. It must fail over to B,
 * resume, and hand the application every produced number exactly once, in order. Its own
 * acknowledged messages, sent throughout, must land in the Redis inbox once each, in order. (On a
 * machine so loaded that the first handshake to A times out, the client starts on B: then B is
 * the one killed.)
 */
@Timeout(150)
class ClusterFailoverTest {
  private static final int N = 3_000;
  private static final int RATE = 500; // per second: a 6 s feed
  private static final int KILL_AFTER = 1_000;
  private static final int ORDERS = 150;
  private static final Duration SOON = Duration.ofSeconds(20);
  private static final Duration DEADLINE = Duration.ofSeconds(60);

  private final SocketEvents events = new SocketEvents();
  private final ConcurrentLinkedQueue<Throwable> sendFailures = new ConcurrentLinkedQueue<>();
  private volatile long reopenedNanos;
  private volatile long lostNanos;

  private RedisServer redis;
  private ChildProcess nodeA;
  private ChildProcess nodeB;
  private FeedProducer producer;
  private SteadySocket client;
  private Thread orders;

  @AfterEach
  void tearDown() throws Exception {
    if (orders != null) {
      orders.interrupt();
    }
    if (client != null) {
      client.close();
    }
    if (producer != null) {
      producer.close();
    }
    for (ChildProcess node : new ChildProcess[] {nodeA, nodeB}) {
      if (node != null) {
        node.kill();
        node.close();
      }
    }
    if (redis != null) {
      redis.close();
    }
  }

  @Test
  void killingTheNodeMidFeedLosesAndRepeatsNothing() throws Exception {
    redis = RedisServer.start();
    nodeA = startNode("A");
    int portA = listeningPort(nodeA);
    nodeB = startNode("B");
    int portB = listeningPort(nodeB);
    // ?from=0: this client wants the feed from its start, whenever it joins.
    client =
        SteadySocket.builder("ws://127.0.0.1:" + portA + "/?from=0")
            .failoverUrls("ws://127.0.0.1:" + portB + "/?from=0")
            .resumeStreams(true)
            .deduplicate(4_096)
            .acknowledgedSends(true)
            .backoff(Backoff.exponential(Duration.ofMillis(50), Duration.ofMillis(500)))
            .listener(events)
            .listener(new FailoverClock())
            .build();
    client.connect();
    producer = FeedProducer.start(redis.address(), "ticker", RATE, N, null);
    orders = new Thread(this::sendOrders, "orders");
    orders.setDaemon(true);
    orders.start();

    long deadline = System.nanoTime() + DEADLINE.toNanos();
    awaitDelivered(KILL_AFTER, deadline);
    // The node the client is on: A, unless a slow first handshake already sent it to B.
    List<String> openedBeforeKill = openedOn();
    String victim = openedBeforeKill.get(openedBeforeKill.size() - 1);
    String survivor = victim.equals("A") ? "B" : "A";
    int opensBeforeKill = openedBeforeKill.size();
    long killed = System.nanoTime();
    int deliveredAtKill = delivered().size();
    (victim.equals("A") ? nodeA : nodeB).kill();
    long dead = System.nanoTime();
    awaitDelivered(N, deadline);
    assertTrue(producer.awaitDone(SOON), "producer finished");
    orders.join(SOON.toMillis());
    Matcher resume = (victim.equals("A") ? nodeB : nodeA)
        .awaitStdout("resume ticker after=(\\S+) replayed=(\\d+) complete=(\\w+)", SOON);
    List<Long> inbox = inboxNumbers();
    List<String> openedOn = openedOn();
    List<Long> delivered = delivered();

    long failoverMillis = TimeUnit.NANOSECONDS.toMillis(reopenedNanos - killed);
    System.out.printf(Locale.ROOT, "cluster failover timing: SIGKILL took %d ms; the client saw the loss %d ms and was open"
            + " again %d ms after the kill began%n",
        TimeUnit.NANOSECONDS.toMillis(dead - killed), TimeUnit.NANOSECONDS.toMillis(lostNanos - killed), failoverMillis);
    System.out.printf(Locale.ROOT,
        "cluster failover: %d entries produced at %d/s; node %s killed after %d delivered; opened on %s, the last %d ms"
            + " after the kill; node %s replayed %s entries after %s (complete=%s); client dropped %d repeats; delivered %d;"
            + " %d acknowledged client messages in the Redis inbox (%d resent by the client)%n",
        N, RATE, victim, deliveredAtKill, openedOn, failoverMillis, survivor, resume.group(2), resume.group(1), resume.group(3),
        client.metrics().duplicatesDropped(), delivered.size(), inbox.size(), client.metrics().messagesResent());

    assertTrue(sendFailures.isEmpty(), "send failures: " + sendFailures);
    assertEquals(List.of(survivor), openedOn.subList(opensBeforeKill, openedOn.size()), "after the kill: only " + survivor);
    assertEquals("true", resume.group(3), "the survivor replayed the whole gap");
    assertOnceInOrder("client application", delivered, N);
    assertOnceInOrder("Redis inbox", inbox, ORDERS);
  }

  private ChildProcess startNode(String name) throws Exception {
    return ChildProcess.java(ClusterFeedNode.class, "--redis", redis.address(), "--name", name);
  }

  private static int listeningPort(ChildProcess node) throws InterruptedException {
    return Integer.parseInt(node.awaitStdout("^LISTENING (\\d+)$", SOON).group(1));
  }

  /** Sends order k once the feed reached k * N / ORDERS, so the orders span the failover. */
  private void sendOrders() {
    Semaphore window = new Semaphore(50);
    try {
      for (long k = 1; k <= ORDERS; k++) {
        awaitDelivered(k * N / ORDERS - N / ORDERS, System.nanoTime() + DEADLINE.toNanos());
        window.acquire();
        client.send(Envelope.builder("order").sender("cluster-test").content(Map.of("n", k)).build())
            .whenComplete((ok, error) -> {
              if (error != null) {
                sendFailures.add(error);
              }
              window.release();
            });
      }
      // Every order acknowledged (the permits come back as acks arrive).
      if (!window.tryAcquire(50, DEADLINE.toMillis(), TimeUnit.MILLISECONDS)) {
        sendFailures.add(new AssertionError("orders not all acknowledged within " + DEADLINE));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (AssertionError e) {
      sendFailures.add(e);
    }
  }

  private void awaitDelivered(long count, long deadline) {
    try {
      events.await(e -> e.messages("ticker").size() >= count, count + " tickers", Duration.ofNanos(deadline - System.nanoTime()));
    } catch (AssertionError e) {
      fail("delivered " + delivered().size() + " of " + count + " within " + DEADLINE + "; opened on " + openedOn()
          + "; client " + client.state() + " " + client.metrics() + "\nnode A:\n" + nodeA.transcript()
          + "\nnode B:\n" + nodeB.transcript(), e);
    }
  }

  /** The feed's numbers as the application received them, in order. */
  private List<Long> delivered() {
    return events.messages("ticker").stream().map(e -> e.content().path("n").asLong()).collect(Collectors.toList());
  }

  /** The node of each connection, in order: each node's welcome names it. */
  private List<String> openedOn() {
    return events.messages("system").stream().filter(e -> e.content().has("node"))
        .map(e -> e.content().get("node").asText()).collect(Collectors.toList());
  }

  /** The numbers of the {@code order} messages in the Redis inbox stream, in stream order. */
  private List<Long> inboxNumbers() throws Exception {
    List<Long> numbers = new ArrayList<>();
    try (RedisClient check = RedisClient.create("127.0.0.1", redis.port)) {
      for (StreamEntry entry : check.xrange("inbox", "-", "+")) {
        if ("order".equals(entry.getFields().get("type"))) {
          numbers.add(Envelopes.JSON.readTree(entry.getFields().get("content")).path("n").asLong());
        }
      }
    }
    return numbers;
  }

  private static void assertOnceInOrder(String who, List<Long> received, int count) {
    List<Long> copy;
    synchronized (received) {
      copy = new ArrayList<>(received);
    }
    List<Long> expected = new ArrayList<>();
    for (long n = 1; n <= count; n++) {
      expected.add(n);
    }
    if (!copy.equals(expected)) {
      List<Long> missing = new ArrayList<>(expected);
      missing.removeAll(copy);
      fail(who + ": " + copy.size() + " of " + count + ", missing " + missing.subList(0, Math.min(50, missing.size()))
          + ", first out of place at " + firstMismatch(copy, expected));
    }
  }

  private static int firstMismatch(List<Long> actual, List<Long> expected) {
    for (int i = 0; i < Math.min(actual.size(), expected.size()); i++) {
      if (!actual.get(i).equals(expected.get(i))) {
        return i;
      }
    }
    return Math.min(actual.size(), expected.size());
  }

  /**
   * Kept beside {@link SocketEvents}, which records no times: takes the time of the loss and of the
   * reopening as their callbacks run, for the printed failover timing. Runs on the SDK's callback
   * executor, one call at a time.
   */
  private final class FailoverClock implements SteadySocketListener {
    private int opens;

    @Override
    public void onStateChanged(ConnectionState previous, ConnectionState current) {
      if (current == ConnectionState.OPEN && opens++ > 0) {
        reopenedNanos = System.nanoTime();
      } else if (previous == ConnectionState.OPEN) {
        lostNanos = System.nanoTime();
      }
    }
  }
}
