package dev.steadysocket.bench.peers;

import dev.steadysocket.Envelope;
import dev.steadysocket.bench.Codec;
import java.net.URI;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import org.java_websocket.WebSocketImpl;
import org.java_websocket.client.WebSocketClient;
import org.java_websocket.handshake.ServerHandshake;

/** Java-WebSocket (org.java-websocket), with its defaults. */
public final class JavaWebSocketPeer implements Peer {
  @Override
  public String name() {
    return "java-websocket";
  }

  @Override
  public Client open(String url, Consumer<Envelope> onMessage) throws Exception {
    WebSocketClient ws = new WebSocketClient(URI.create(url)) {
      @Override
      public void onOpen(ServerHandshake handshake) {}

      @Override
      public void onMessage(String message) {
        onMessage.accept(Codec.CODEC.decode(message));
      }

      @Override
      public void onClose(int code, String reason, boolean remote) {}

      @Override
      public void onError(Exception ex) {}
    };
    if (!ws.connectBlocking(10, TimeUnit.SECONDS)) throw new IllegalStateException("did not connect");
    WebSocketImpl impl = (WebSocketImpl) ws.getConnection();
    return new Client() {
      @Override
      public void send(Envelope envelope) {
        String text = Codec.CODEC.encode(envelope);
        // Its send queue is unbounded; hold the producer at about the same 4 MiB as OkHttp's.
        long limit = Math.max(64, OkHttpPeer.HIGH_WATER / Math.max(1, text.length()));
        while (impl.outQueue.size() > limit) LockSupport.parkNanos(50_000);
        ws.send(text);
      }

      @Override
      public void close() {
        try {
          ws.closeBlocking();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
    };
  }
}
