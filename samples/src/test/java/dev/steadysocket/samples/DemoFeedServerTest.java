package dev.steadysocket.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.WebSocket;
import okhttp3.WebSocketListener;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The demo server's protocol, checked with a bare OkHttp client. */
@Timeout(30)
class DemoFeedServerTest {
  private final ObjectMapper json = new ObjectMapper();
  private final OkHttpClient client = new OkHttpClient();
  private DemoFeedServer server;

  @AfterEach
  void tearDown() {
    if (server != null) {
      server.close();
    }
    client.dispatcher().executorService().shutdown();
    client.connectionPool().evictAll();
  }

  @Test
  void bindsLoopbackOnly() throws Exception {
    server = DemoFeedServer.start(new DemoFeedServerOptions());
    assertTrue(server.url("/").startsWith("ws://127.0.0.1:"));
  }

  @Test
  void welcomeTickerAndHeartbeatEchoInTheWireFormat() throws Exception {
    server = DemoFeedServer.start(new DemoFeedServerOptions().tickerMillis(20));
    Recorder feed = connect("/");
    JsonNode welcome = feed.next();
    assertEquals("system", welcome.get("type").asText());
    assertEquals("welcome", welcome.get("content").get("event").asText());

    JsonNode ticker = feed.nextOfType("ticker");
    for (String field : new String[] {"id", "type", "sender", "receiver", "content", "timestamp", "meta"}) {
      assertTrue(ticker.has(field), field + " in " + ticker);
    }
    assertTrue(ticker.get("content").get("symbol").isTextual());
    assertTrue(ticker.get("content").get("price").isNumber());
    assertTrue(ticker.get("content").get("change").isNumber());

    feed.webSocket.send("{\"id\":\"hb-1\",\"type\":\"heartbeat\",\"timestamp\":1}");
    JsonNode echo = feed.nextOfType("heartbeat");
    assertEquals("hb-1", echo.get("id").asText());
  }

  @Test
  void chatIsBroadcastToOthersOnly() throws Exception {
    server = DemoFeedServer.start(new DemoFeedServerOptions());
    Recorder a = connect("/chat");
    Recorder b = connect("/chat");
    a.nextOfType("system");
    b.nextOfType("system");
    a.webSocket.send("{\"type\":\"text\",\"sender\":\"a\",\"content\":\"hi\"}");
    a.webSocket.send("{\"id\":\"x\",\"type\":\"heartbeat\"}");
    assertEquals("hi", b.nextOfType("text").get("content").asText());
    // a's next frame is its heartbeat echo, not its own chat line.
    assertEquals("heartbeat", a.next().get("type").asText());
  }

  @Test
  void dropAllCutsConnectionsWithoutACloseFrame() throws Exception {
    server = DemoFeedServer.start(new DemoFeedServerOptions());
    Recorder feed = connect("/");
    feed.nextOfType("system");
    assertEquals(1, server.dropAll());
    assertNotNull(feed.failure.poll(10, TimeUnit.SECONDS), "onFailure, not onClosing");
  }

  @Test
  void wrongTokenIsRefusedWith401() throws Exception {
    server = DemoFeedServer.start(new DemoFeedServerOptions().requiredToken("secret"));
    Recorder refused = connect("/");
    Throwable failure = refused.failure.poll(10, TimeUnit.SECONDS);
    assertNotNull(failure);
    assertEquals(401, refused.failedStatus);
  }

  @Test
  void acknowledgesEveryCopyButHandsTheApplicationEachIdOnce() throws Exception {
    List<String> handled = new CopyOnWriteArrayList<>();
    server = DemoFeedServer.start(new DemoFeedServerOptions().onMessage(m -> handled.add(m.get("id").asText())));
    Recorder a = connect("/chat");
    a.nextOfType("system");
    String order = "{\"id\":\"m-1\",\"type\":\"order\",\"content\":1,\"meta\":{\"ack\":true}}";
    a.webSocket.send(order);
    assertEquals("m-1", a.nextOfType("ack").get("meta").get("replyTo").asText());
    // The same id again, as a client re-sends after a lost ack, on another connection.
    Recorder b = connect("/chat");
    b.nextOfType("system");
    b.webSocket.send(order);
    JsonNode ack = b.nextOfType("ack");
    assertEquals("m-1", ack.get("meta").get("replyTo").asText());
    assertFalse(ack.has("id"), "acks carry no id a de-duplicating client could confuse");
    assertEquals(List.of("m-1"), handled);
    assertEquals(1, server.stats().duplicatesDropped.get());
  }

  @Test
  void requestsGetARepliesWithReplyTo() throws Exception {
    server = DemoFeedServer.start(new DemoFeedServerOptions().tickerMillis(0));
    Recorder a = connect("/chat");
    a.nextOfType("system");
    a.webSocket.send("{\"id\":\"q-1\",\"type\":\"request\",\"content\":{\"symbol\":\"ACME\"}}");
    JsonNode quote = a.nextOfType("reply");
    assertEquals("q-1", quote.get("meta").get("replyTo").asText());
    assertEquals("ACME", quote.get("content").get("symbol").asText());
    assertTrue(quote.get("content").get("price").isNumber());
    a.webSocket.send("{\"id\":\"q-2\",\"type\":\"request\",\"content\":\"ping\"}");
    JsonNode echo = a.nextOfType("reply");
    assertEquals("q-2", echo.get("meta").get("replyTo").asText());
    assertEquals("ping", echo.get("content").asText());
    assertEquals("reply-q-2", echo.get("id").asText(), "a stable id: the answers to a re-sent request are one message");
  }

  @Test
  void resumeFromTheHandshakeHeaderReplaysTheGapThenGoesLive() throws Exception {
    server = DemoFeedServer.start(new DemoFeedServerOptions().tickerMillis(0).stream("numbers"));
    List<String> ids = new ArrayList<>();
    for (int n = 1; n <= 10; n++) {
      ids.add(server.publish("numbers", "number", json.createObjectNode().put("n", n)));
    }
    Recorder r = connect("/", "{\"numbers\":\"" + ids.get(6) + "\"}");
    assertNumbers(r, 8, 9, 10);
    server.publish("numbers", "number", json.createObjectNode().put("n", 11));
    assertNumbers(r, 11);
  }

  @Test
  void resumeFrameWithoutHeaderIsHonouredBeforeAnyLiveEntry() throws Exception {
    server = DemoFeedServer.start(new DemoFeedServerOptions().tickerMillis(0).stream("numbers"));
    List<String> ids = new ArrayList<>();
    for (int n = 1; n <= 5; n++) {
      ids.add(server.publish("numbers", "number", json.createObjectNode().put("n", n)));
    }
    Recorder r = connect("/", null);
    r.nextOfType("system");
    server.publish("numbers", "number", json.createObjectNode().put("n", 6)); // held back: no first frame yet
    r.webSocket.send("{\"type\":\"resume\",\"id\":\"r\",\"content\":{\"numbers\":\"" + ids.get(2) + "\"}}");
    assertNumbers(r, 4, 5, 6);
    assertEquals(1, server.stats().resumes.get());
  }

  @Test
  void aClientThatDoesNotResumeGetsTheStreamLiveAfterTheGracePeriod() throws Exception {
    server = DemoFeedServer.start(new DemoFeedServerOptions().tickerMillis(0).stream("numbers")
        .resumeGrace(java.time.Duration.ofMillis(50)));
    server.publish("numbers", "number", json.createObjectNode().put("n", 1));
    Recorder r = connect("/", null);
    r.nextOfType("system");
    server.publish("numbers", "number", json.createObjectNode().put("n", 2));
    assertNumbers(r, 2); // from the moment it connected, nothing older
  }

  @Test
  void fromZeroStartsAStreamWithoutPositionAtTheOldestKeptEntry() throws Exception {
    server = DemoFeedServer.start(new DemoFeedServerOptions().tickerMillis(0).stream("numbers").historySize(3));
    for (int n = 1; n <= 5; n++) {
      server.publish("numbers", "number", json.createObjectNode().put("n", n));
    }
    Recorder r = connect("/?from=0", "{}");
    assertNumbers(r, 3, 4, 5); // the last 3 kept; the replay says it was incomplete
    assertEquals(0, server.stats().resumes.get(), "no position: not a resume");
  }

  private void assertNumbers(Recorder r, long... expected) throws Exception {
    for (long n : expected) {
      JsonNode entry = r.nextOfType("number");
      assertEquals(n, entry.get("content").get("n").asLong());
      assertEquals("numbers", entry.get("meta").get("stream").asText());
    }
  }

  private Recorder connect(String path) {
    return connect(path, null);
  }

  /** With {@code resumeHeader}, sends it as the SDK does ({@code X-SteadySocket-Resume}). */
  private Recorder connect(String path, String resumeHeader) {
    Recorder recorder = new Recorder();
    Request.Builder request = new Request.Builder().url(server.url(path));
    if (resumeHeader != null) {
      request.header("X-SteadySocket-Resume", resumeHeader);
    }
    recorder.webSocket = client.newWebSocket(request.build(), recorder);
    return recorder;
  }

  private final class Recorder extends WebSocketListener {
    final BlockingQueue<String> messages = new LinkedBlockingQueue<>();
    final BlockingQueue<Throwable> failure = new LinkedBlockingQueue<>();
    volatile int failedStatus = -1;
    WebSocket webSocket;

    @Override
    public void onMessage(WebSocket webSocket, String text) {
      messages.add(text);
    }

    @Override
    public void onFailure(WebSocket webSocket, Throwable t, Response response) {
      if (response != null) {
        failedStatus = response.code();
      }
      failure.add(t);
    }

    JsonNode next() throws Exception {
      String text = messages.poll(10, TimeUnit.SECONDS);
      assertNotNull(text, "a message within 10 s");
      return json.readTree(text);
    }

    JsonNode nextOfType(String type) throws Exception {
      while (true) {
        JsonNode message = next();
        if (message.get("type").asText().equals(type)) {
          return message;
        }
      }
    }
  }
}
