package dev.steadysocket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

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
        if (e instanceof CloseReason) break;
      }
      socket.closeFuture().get(5, TimeUnit.SECONDS);
      assertFalse(seen.toString().contains(SECRET), seen.toString());
      assertEquals("Bearer " + SECRET, server.takeRequest().getHeaders().get("Authorization"));
    }
  }
}
