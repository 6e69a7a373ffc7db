package dev.steadysocket.bench.peers;

import dev.steadysocket.Envelope;
import dev.steadysocket.bench.Codec;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/** The JDK's java.net.http.WebSocket. */
public final class JdkPeer implements Peer {
  private static final HttpClient CLIENT = HttpClient.newHttpClient();

  @Override
  public String name() {
    return "jdk";
  }

  @Override
  public Client open(String url, Consumer<Envelope> onMessage) throws Exception {
    CompletableFuture<Void> closed = new CompletableFuture<>();
    WebSocket.Listener listener = new WebSocket.Listener() {
      private StringBuilder partial;

      @Override
      public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
        if (!last) {
          if (partial == null) partial = new StringBuilder();
          partial.append(data);
        } else if (partial != null) {
          partial.append(data);
          String text = partial.toString();
          partial = null;
          onMessage.accept(Codec.CODEC.decode(text));
        } else {
          onMessage.accept(Codec.CODEC.decode(data.toString()));
        }
        ws.request(1);
        return null;
      }

      @Override
      public CompletionStage<?> onClose(WebSocket ws, int code, String reason) {
        closed.complete(null);
        return null;
      }

      @Override
      public void onError(WebSocket ws, Throwable error) {
        closed.complete(null);
      }
    };
    WebSocket ws = CLIENT.newWebSocketBuilder().buildAsync(URI.create(url), listener).get(10, TimeUnit.SECONDS);
    return new Client() {
      /** The JDK allows one outstanding send; each waits for the one before. */
      private CompletableFuture<WebSocket> last = CompletableFuture.completedFuture(ws);

      @Override
      public void send(Envelope envelope) throws Exception {
        String text = Codec.CODEC.encode(envelope);
        last.get();
        last = ws.sendText(text, true);
      }

      @Override
      public void close() {
        try {
          last.get(5, TimeUnit.SECONDS);
          ws.sendClose(WebSocket.NORMAL_CLOSURE, "").get(5, TimeUnit.SECONDS);
          closed.get(5, TimeUnit.SECONDS);
        } catch (Exception e) {
          ws.abort();
        }
      }
    };
  }
}
