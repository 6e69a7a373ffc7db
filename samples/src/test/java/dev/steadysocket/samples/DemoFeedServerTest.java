package dev.steadysocket.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.concurrent.BlockingQueue;
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
    server = DemoFeedServer.start(new DemoFeedServer.Options());
    assertTrue(server.url("/").startsWith("ws://127.0.0.1:"));
  }

  @Test
  void welcomeTickerAndHeartbeatEchoInTheWireFormat() throws Exception {
    server = DemoFeedServer.start(new DemoFeedServer.Options().tickerMillis(20));
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
    server = DemoFeedServer.start(new DemoFeedServer.Options());
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
    server = DemoFeedServer.start(new DemoFeedServer.Options());
    Recorder feed = connect("/");
    feed.nextOfType("system");
    assertEquals(1, server.dropAll());
    assertNotNull(feed.failure.poll(10, TimeUnit.SECONDS), "onFailure, not onClosing");
  }

  @Test
  void wrongTokenIsRefusedWith401() throws Exception {
    server = DemoFeedServer.start(new DemoFeedServer.Options().requiredToken("secret"));
    Recorder refused = connect("/");
    Throwable failure = refused.failure.poll(10, TimeUnit.SECONDS);
    assertNotNull(failure);
    assertEquals(401, refused.failedStatus);
  }

  private Recorder connect(String path) {
    Recorder recorder = new Recorder();
    recorder.webSocket = client.newWebSocket(new Request.Builder().url(server.url(path)).build(), recorder);
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
