package dev.steadysocket.contract;

import dev.steadysocket.SteadySocketException;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import dev.steadysocket.Backoff;
import dev.steadysocket.ConnectionState;
import dev.steadysocket.Envelope;
import dev.steadysocket.Heartbeat;
import dev.steadysocket.SteadySocket;
import dev.steadysocket.SteadySocketListener;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import okhttp3.WebSocket;
import okhttp3.WebSocketListener;
import org.junit.jupiter.api.Test;

/**
 * The API contract of the client-core issue, written as a user outside the package writes it.
 * If a name here changes, dependent modules and integrations break: this test is that alarm.
 */
class PublicContractTest {

  @Test
  void contractCompilesAsWrittenAndWorks() throws Exception {
    try (MockWebServer server = new MockWebServer()) {
      server.enqueue(new MockResponse.Builder().webSocketUpgrade(new WebSocketListener() {
        @Override
        public void onMessage(WebSocket webSocket, String text) {
          webSocket.send(text); // echo
        }

        @Override
        public void onClosing(WebSocket webSocket, int code, String reason) {
          webSocket.close(1000, null);
        }
      }).build());
      server.start();
      BlockingQueue<Envelope> received = new LinkedBlockingQueue<>();

      SteadySocket socket = SteadySocket.builder(server.url("/feed").toString().replace("http", "ws"))
          .backoff(Backoff.exponential(Duration.ofSeconds(1), Duration.ofSeconds(30)))
          .heartbeat(Heartbeat.every(Duration.ofSeconds(30)))   // also Heartbeat.disabled()
          .listener(new SteadySocketListener() {
            @Override
            public void onStateChanged(ConnectionState previous, ConnectionState current) {}

            @Override
            public void onMessage(Envelope envelope) {
              received.add(envelope);
            }

            @Override
            public void onError(SteadySocketException error) {}
          })
          .build();
      socket.connect();
      CompletableFuture<?> f = socket.send(Envelope.of("chat", Map.of("text", "hi")));
      ConnectionState s = socket.state();
      assertNotNull(s);
      f.get(10, TimeUnit.SECONDS);

      Envelope e = received.poll(10, TimeUnit.SECONDS);
      assertNotNull(e, "echo");
      assertNotNull(e.id());
      assertEquals("chat", e.type());
      assertEquals(null, e.sender());
      assertEquals(null, e.receiver());
      JsonNode content = e.content();
      assertEquals("hi", content.get("text").asText());
      @SuppressWarnings("unchecked")
      Map<String, Object> asMap = e.contentAs(Map.class);
      assertEquals("hi", asMap.get("text"));
      Map<String, String> typed = e.contentAs(new TypeReference<Map<String, String>>() {});
      assertEquals("hi", typed.get("text"));
      assertTrue(e.timestamp() > 0);
      assertTrue(e.meta().isEmpty());
      Envelope built = Envelope.builder("text").sender("a").receiver("b").content(List.of(1)).meta("k", "v").build();
      assertEquals("v", built.metaText("k"));

      socket.close();                                                      // graceful, terminal
      socket.closeFuture().get(10, TimeUnit.SECONDS);
      assertEquals(ConnectionState.CLOSED, socket.state());
      try (SteadySocket auto = SteadySocket.builder("wss://host/feed").build()) {   // AutoCloseable
        assertEquals(ConnectionState.IDLE, auto.state());
      }
    }
  }
}
