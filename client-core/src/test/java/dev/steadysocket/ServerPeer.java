package dev.steadysocket;

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
 * The server side of a MockWebServer WebSocket: records what the client sent and hands the test
 * each server socket so it can script the server (send, close with a code, cancel).
 */
final class ServerPeer extends WebSocketListener {
  final BlockingQueue<WebSocket> opened = new LinkedBlockingQueue<>();
  final BlockingQueue<String> messages = new LinkedBlockingQueue<>();
  private final boolean echo;

  ServerPeer(boolean echo) {
    this.echo = echo;
  }

  MockResponse upgrade() {
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
    webSocket.close(1000, null);
  }

  WebSocket awaitOpen() throws InterruptedException {
    WebSocket ws = opened.poll(10, TimeUnit.SECONDS);
    if (ws == null) fail("server saw no WebSocket open within 10 s");
    return ws;
  }

  String awaitMessage() throws InterruptedException {
    String m = messages.poll(10, TimeUnit.SECONDS);
    if (m == null) fail("server received no message within 10 s");
    return m;
  }

  /** The next message that is not a heartbeat. */
  String awaitAppMessage() throws InterruptedException {
    while (true) {
      String m = awaitMessage();
      if (!m.contains("\"type\":\"heartbeat\"")) return m;
    }
  }
}
