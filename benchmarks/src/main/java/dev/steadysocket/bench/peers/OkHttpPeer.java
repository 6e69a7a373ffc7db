package dev.steadysocket.bench.peers;

import dev.steadysocket.Envelope;
import dev.steadysocket.bench.Codec;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.WebSocket;
import okhttp3.WebSocketListener;

/** Raw OkHttp: the transport SteadySocket wraps, so the floor for SteadySocket's overhead. */
public final class OkHttpPeer implements Peer {
  /** The same high water SteadySocket uses in front of OkHttp's 16 MiB send limit. */
  static final long HIGH_WATER = 4L << 20;
  private static final OkHttpClient CLIENT = new OkHttpClient();

  @Override
  public String name() {
    return "okhttp";
  }

  @Override
  public Client open(String url, Consumer<dev.steadysocket.Envelope> onMessage) throws Exception {
    CompletableFuture<Void> opened = new CompletableFuture<>();
    CompletableFuture<Void> closed = new CompletableFuture<>();
    WebSocket ws = CLIENT.newWebSocket(new Request.Builder().url(url).build(), new WebSocketListener() {
      @Override
      public void onOpen(WebSocket webSocket, Response response) {
        opened.complete(null);
      }

      @Override
      public void onMessage(WebSocket webSocket, String text) {
        onMessage.accept(Codec.CODEC.decode(text));
      }

      @Override
      public void onClosing(WebSocket webSocket, int code, String reason) {
        webSocket.close(1000, null);
      }

      @Override
      public void onClosed(WebSocket webSocket, int code, String reason) {
        closed.complete(null);
      }

      @Override
      public void onFailure(WebSocket webSocket, Throwable t, Response response) {
        opened.completeExceptionally(t);
        closed.complete(null);
      }
    });
    opened.get(10, TimeUnit.SECONDS);
    return new Client() {
      @Override
      public void send(Envelope envelope) {
        String text = Codec.CODEC.encode(envelope);
        while (ws.queueSize() > HIGH_WATER) LockSupport.parkNanos(50_000);
        if (!ws.send(text)) throw new IllegalStateException("okhttp refused a send");
      }

      @Override
      public void close() {
        ws.close(1000, null);
        try {
          closed.get(5, TimeUnit.SECONDS);
        } catch (Exception e) {
          ws.cancel();
        }
      }
    };
  }
}
