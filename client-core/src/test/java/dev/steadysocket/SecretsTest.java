package dev.steadysocket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.steadysocket.testkit.RecordingListener;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import org.junit.jupiter.api.Test;

/** Tokens, header values and query strings stay out of toString(), errors and close reasons. */
class SecretsTest {
  private static final String SECRET = "s3cr3t-token-value";

  @Test
  void secretsNeverAppearInToStringOrErrors() throws Exception {
    try (MockWebServer server = new MockWebServer()) {
      server.enqueue(new MockResponse.Builder().code(401).body("bad token " + "x").build());
      server.enqueue(new MockResponse.Builder().code(401).build());
      server.start();
      RecordingListener listener = new RecordingListener();
      SteadySocketBuilder builder =
          SteadySocket.builder(server.url("/feed").newBuilder().addQueryParameter("token", SECRET).build().toString())
              .header("X-Api-Key", SECRET)
              .tokenProvider(refresh -> SECRET)
              .listener(listener);
      SteadySocket socket = builder.build();
      assertFalse(builder.toString().contains(SECRET), builder.toString());
      assertFalse(socket.toString().contains(SECRET), socket.toString());
      assertFalse(socket.redactedUrl().contains(SECRET));
      socket.connect();
      StringBuilder seen = new StringBuilder();
      while (true) {
        Object e = listener.next();
        seen.append(e).append('\n');
        if (e instanceof RecordingListener.Error) {
          Throwable t = ((RecordingListener.Error) e).error;
          for (Throwable c = t; c != null; c = c.getCause()) seen.append(c).append('\n');
        }
        if (e instanceof RecordingListener.Closed) break;
      }
      socket.closeFuture().get(5, TimeUnit.SECONDS);
      assertFalse(seen.toString().contains(SECRET), seen.toString());
      assertEquals("Bearer " + SECRET, server.takeRequest().getHeaders().get("Authorization"));
    }
  }

  // Found attacking the #16 fixes: a token offered as a subprotocol came back from subprotocol()
  /**
   * A token offered in Sec-WebSocket-Protocol is not a subprotocol the server may choose: a server
   * that echoes it fails the handshake, and subprotocol() never returns the secret.
   */
  @Test
  void aServerThatChoosesTheOfferedTokenAsItsSubprotocolIsRefused() throws Exception {
    try (MockWebServer server = new MockWebServer()) {
      server.setDispatcher(new mockwebserver3.Dispatcher() {
        @Override public MockResponse dispatch(mockwebserver3.RecordedRequest request) {
          return new MockResponse.Builder()
              .webSocketUpgrade(new okhttp3.WebSocketListener() {})
              .setHeader("Sec-WebSocket-Protocol", SECRET)
              .build();
        }
      });
      server.start();
      RecordingListener listener = new RecordingListener();
      SteadySocket socket = SteadySocket.builder(server.url("/feed").toString())
          .subprotocols("app.v1")
          .tokenProvider(refresh -> SECRET)
          .tokenHeader("Sec-WebSocket-Protocol", "access_token, ")
          .heartbeat(Heartbeat.disabled())
          .listener(listener)
          .build();
      socket.connect();
      try {
        Object first;
        do {
          first = listener.next();
        } while (!(first instanceof RecordingListener.Error || first instanceof RecordingListener.Closed
            || first.toString().contains("-> OPEN")));
        assertFalse(SECRET.equals(socket.subprotocol()), "subprotocol() returned the token");
        CloseReason closed = socket.closeFuture().get(10, TimeUnit.SECONDS);
        assertEquals(ProtocolViolationException.class, closed.error().getClass(), String.valueOf(closed.error()));
      } finally {
        socket.close();
        socket.closeFuture().get(10, TimeUnit.SECONDS);
      }
      assertEquals("app.v1, access_token, " + SECRET,
          server.takeRequest().getHeaders().get("Sec-WebSocket-Protocol"), "the token was offered");
    }
  }
}
