package dev.steadysocket.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.steadysocket.samples.cluster.ClusterFeedNode;
import dev.steadysocket.samples.cluster.ClusterFeedNodeOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.WebSocket;
import okhttp3.WebSocketListener;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.StreamEntryID;

/**
 * The cluster node's protocol against a real Redis, checked with a bare OkHttp client; nodes
 * in-process. Without redis-server each test is skipped with the reason (failed under CI=true).
 */
@Timeout(60)
@ExtendWith(MissingPeerSkipsEachTest.class)
class ClusterFeedNodeTest {
  private static RedisServer redis;
  private static RedisClient direct;

  private final ObjectMapper json = new ObjectMapper();
  private final OkHttpClient client = new OkHttpClient();
  private final List<ClusterFeedNode> nodes = new ArrayList<>();

  @BeforeAll
  static void startRedis() throws Exception {
    redis = RedisServer.start();
    direct = RedisClient.create("127.0.0.1", redis.port);
  }

  @AfterAll
  static void stopRedis() {
    if (direct != null) {
      direct.close();
    }
    if (redis != null) {
      redis.close();
    }
  }

  @AfterEach
  void tearDown() {
    nodes.forEach(ClusterFeedNode::close);
    client.dispatcher().executorService().shutdown();
    client.connectionPool().evictAll();
    direct.flushAll();
  }

  @Test
  void aResumeOlderThanTheNodeIsReplayedFromTheRedisStreamThenLive() throws Exception {
    List<String> ids = new ArrayList<>();
    for (int n = 1; n <= 20; n++) {
      ids.add(xadd("ticker", n));
    }
    // The node joins after all 20: they are in Redis only, not in its memory.
    ClusterFeedNode node = node("B");
    Recorder r = connect(node, "{\"ticker\":\"" + ids.get(14) + "\"}");
    for (int n = 16; n <= 20; n++) {
      JsonNode entry = r.nextOfType("ticker");
      assertEquals(n, entry.get("content").get("n").asLong());
      assertEquals(ids.get(n - 1), entry.get("id").asText());
      assertEquals("ticker", entry.get("meta").get("stream").asText());
    }
    xadd("ticker", 21);
    assertEquals(21, r.nextOfType("ticker").get("content").get("n").asLong());
    assertEquals(5, node.stats().replayed.get());
  }

  @Test
  void aMessageResentToAnotherNodeIsRecordedOnceAndAcknowledgedByBoth() throws Exception {
    ClusterFeedNode a = node("A");
    ClusterFeedNode b = node("B");
    String order = "{\"id\":\"o-1\",\"type\":\"order\",\"sender\":\"t\",\"content\":{\"n\":1},\"meta\":{\"ack\":true}}";
    Recorder toA = connect(a, "{}");
    toA.webSocket.send(order);
    assertEquals("o-1", toA.nextOfType("ack").get("meta").get("replyTo").asText());
    Recorder toB = connect(b, "{}");
    toB.webSocket.send(order);
    assertEquals("o-1", toB.nextOfType("ack").get("meta").get("replyTo").asText());
    var inbox = direct.xrange("inbox", "-", "+");
    assertEquals(1, inbox.size(), "recorded once: " + inbox);
    assertEquals("o-1", inbox.get(0).getFields().get("id"));
    assertEquals("A", inbox.get(0).getFields().get("node"));
    assertEquals(1, b.stats().duplicatesDropped.get());
  }

  @Test
  void requestsAreAnsweredByTheNode() throws Exception {
    ClusterFeedNode a = node("A");
    Recorder r = connect(a, "{}");
    r.webSocket.send("{\"id\":\"q-1\",\"type\":\"request\",\"content\":\"where?\"}");
    JsonNode reply = r.nextOfType("reply");
    assertEquals("q-1", reply.get("meta").get("replyTo").asText());
    assertEquals("A", reply.get("content").get("node").asText());
    assertEquals("where?", reply.get("content").get("request").asText());
  }

  private String xadd(String stream, long n) {
    return direct.xadd(stream, StreamEntryID.NEW_ENTRY,
        Map.of("type", "ticker", "sender", "test", "timestamp", "1", "content", "{\"n\":" + n + "}")).toString();
  }

  private ClusterFeedNode node(String name) throws Exception {
    ClusterFeedNode node = ClusterFeedNode.start(new ClusterFeedNodeOptions().redis(redis.address()).name(name));
    nodes.add(node);
    return node;
  }

  private Recorder connect(ClusterFeedNode node, String resumeHeader) {
    Recorder recorder = new Recorder();
    Request request = new Request.Builder().url(node.url()).header("X-SteadySocket-Resume", resumeHeader).build();
    recorder.webSocket = client.newWebSocket(request, recorder);
    return recorder;
  }

  private final class Recorder extends WebSocketListener {
    final BlockingQueue<String> messages = new LinkedBlockingQueue<>();
    WebSocket webSocket;

    @Override
    public void onMessage(WebSocket webSocket, String text) {
      messages.add(text);
    }

    JsonNode nextOfType(String type) throws Exception {
      while (true) {
        String text = messages.poll(10, TimeUnit.SECONDS);
        assertNotNull(text, "a " + type + " message within 10 s");
        JsonNode message = json.readTree(text);
        if (message.get("type").asText().equals(type)) {
          return message;
        }
      }
    }
  }
}
