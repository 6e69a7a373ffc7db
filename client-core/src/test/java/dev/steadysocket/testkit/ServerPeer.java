package dev.steadysocket.testkit;

import static org.junit.jupiter.api.Assertions.fail;

import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockResponse;
import okhttp3.Response;
import okhttp3.WebSocket;
import okhttp3.WebSocketListener;
import okio.ByteString;

/**
 * The one well-behaved server peer of client-core's tests: the server side of a MockWebServer
 * WebSocket. It records what the client sent and how its close handshake arrived, optionally
 * echoes, answers a close with 1000, and hands the test each server socket so it can script the
 * server (send, close with a code, cancel). Hostile and faulty servers are {@code
 * reliability.HostileServer} and {@link FaultProxy}. Callbacks run on OkHttp's threads; the queues
 * are the test's.
 */
public final class ServerPeer extends WebSocketListener {
  public final BlockingQueue<WebSocket> opened = new LinkedBlockingQueue<>();
  public final BlockingQueue<String> messages = new LinkedBlockingQueue<>();
  /** "closing CODE REASON" when the client's close frame arrives, "closed CODE" when the handshake ends. */
  public final BlockingQueue<String> closes = new LinkedBlockingQueue<>();
  private final boolean echo;

  public ServerPeer(boolean echo) {
    this.echo = echo;
  }

  public MockResponse upgrade() {
    return new MockResponse.Builder().webSocketUpgrade(this).build();
  }

  @Override
  public void onOpen(WebSocket webSocket, Response response) {
    opened.add(webSocket);
  }

  @Override
  public void onMessage(WebSocket webSocket, String text) {
    messages.add(text);
    if (echo) webSocket.send(text);
  }

  @Override
  public void onMessage(WebSocket webSocket, ByteString bytes) {
    if (echo) webSocket.send(bytes);
  }

  @Override
  public void onClosing(WebSocket webSocket, int code, String reason) {
    closes.add("closing " + code + " " + reason);
    webSocket.close(1000, null);
  }

  @Override
  public void onClosed(WebSocket webSocket, int code, String reason) {
    closes.add("closed " + code);
  }

  public WebSocket awaitOpen() throws InterruptedException {
    WebSocket ws = opened.poll(10, TimeUnit.SECONDS);
    if (ws == null) fail("server saw no WebSocket open within 10 s");
    return ws;
  }

  public String awaitMessage() throws InterruptedException {
    String m = messages.poll(10, TimeUnit.SECONDS);
    if (m == null) fail("server received no message within 10 s");
    return m;
  }

  /** The next step of the client's close handshake, as {@link #closes} words it. */
  public String awaitClose() throws InterruptedException {
    String c = closes.poll(10, TimeUnit.SECONDS);
    if (c == null) fail("server saw no close within 10 s");
    return c;
  }

  /** The next message that is not a heartbeat. */
  public String awaitAppMessage() throws InterruptedException {
    while (true) {
      String m = awaitMessage();
      if (!m.contains("\"type\":\"heartbeat\"")) return m;
    }
  }
}
