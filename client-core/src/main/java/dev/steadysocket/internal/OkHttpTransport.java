package dev.steadysocket.internal;

import dev.steadysocket.TokenProvider;
import java.io.IOException;
import okhttp3.Interceptor;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.WebSocket;
import okhttp3.WebSocketListener;
import okhttp3.internal.ws.RealWebSocket;
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
    WebSocket ws = webSocket();
    if (!(ws instanceof RealWebSocket)) return -1;
    try {
      return ((RealWebSocket) ws).receivedPongCount();
    } catch (LinkageError e) {
      return -1; // an OkHttp without this method: heartbeat falls back to envelope echoes
    }
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

  /** Tag on a handshake request whose token must be fresh. */
  enum TokenRefresh {
    YES
  }

  /**
   * Adds the token on OkHttp's dispatcher thread, so a provider that blocks (fetching a token)
   * never blocks the loop thread that all sockets share.
   */
  static final class TokenInterceptor implements Interceptor {
    private final TokenProvider tokens;
    private final String header;
    private final String prefix;

    TokenInterceptor(TokenProvider tokens, String header, String prefix) {
      this.tokens = tokens;
      this.header = header;
      this.prefix = prefix;
    }

    @Override
    public Response intercept(Chain chain) throws IOException {
      Request request = chain.request();
      boolean refresh = request.tag(TokenRefresh.class) != null;
      String token;
      try {
        token = tokens.token(refresh);
      } catch (IOException e) {
        throw e;
      } catch (RuntimeException e) {
        // OkHttp rethrows unchecked exceptions on its dispatcher thread; keep it an I/O failure.
        throw new IOException("token provider failed: " + e.getClass().getName(), e);
      }
      if (token == null) return chain.proceed(request);
      return chain.proceed(request.newBuilder().header(header, prefix + token).build());
    }

    @Override
    public String toString() {
      return "TokenInterceptor(" + header + ": <redacted>)";
    }
  }
}
