package dev.steadysocket.internal;

import okhttp3.Response;
import okhttp3.WebSocket;
import okhttp3.WebSocketListener;
import okio.ByteString;
import org.jspecify.annotations.Nullable;

/** A {@link Transport} on an OkHttp {@link WebSocket}. */
final class OkHttpTransport extends WebSocketListener implements Transport {
  private final Transport.Listener listener;
  /** Null only until {@link Factory#connect} assigns it, before any callback can matter. */
  @Nullable WebSocket webSocket;

  OkHttpTransport(Transport.Listener listener) {
    this.listener = listener;
  }

  @Override
  public boolean send(String text) {
    return webSocket().send(text);
  }

  @Override
  public long queueSize() {
    return webSocket().queueSize();
  }

  @Override
  public long pongCount() {
    return OkHttpInternals.receivedPongCount(webSocket());
  }

  @Override
  public void close(int code, String reason) {
    webSocket().close(code, reason);
  }

  @Override
  public void cancel() {
    webSocket().cancel();
  }

  private WebSocket webSocket() {
    WebSocket ws = webSocket;
    if (ws == null) throw new IllegalStateException("not connected");
    return ws;
  }

  @Override
  public void onOpen(WebSocket webSocket, Response response) {
    listener.onOpen();
  }

  @Override
  public void onMessage(WebSocket webSocket, String text) {
    listener.onText(text);
  }

  @Override
  public void onMessage(WebSocket webSocket, ByteString bytes) {
    listener.onBinary(bytes.toByteArray());
  }

  @Override
  public void onClosing(WebSocket webSocket, int code, String reason) {
    // OkHttp leaves answering the close frame to us; without it the connection lingers until
    // OkHttp's own close timeout. 1005/1006 mean "no code" and may not be sent back.
    webSocket.close(Closes.isSendable(code) ? code : 1000, null);
    listener.onClosing(code, reason);
  }

  @Override
  public void onClosed(WebSocket webSocket, int code, String reason) {
    listener.onClosed(code, reason);
  }

  @Override
  public void onFailure(WebSocket webSocket, Throwable t, @Nullable Response response) {
    int status = response != null ? response.code() : -1;
    String retryAfter = response != null ? response.header("Retry-After") : null;
    listener.onFailure(t, status, retryAfter);
  }
}
