package dev.steadysocket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.Test;

/**
 * An application's OkHttp {@code Authenticator} that answers every 401 (a stale credential it keeps
 * re-sending), against a server that rejects every handshake with 401. OkHttp gives up after 20
 * follow-ups with a {@code ProtocolException("Too many follow-up requests: 21")}.
 */
class AuthenticatorLoopTest {
  // #16 item 6 (README "Handshake statuses": 401 ends in AuthenticationException; Limits: "handshakes
  // per attempt ... the attempt's own failure, retried by the planner")
  @Test
  void aServerThatKeepsAnswering401EndsInAnAuthenticationExceptionNotAProtocolViolation() throws Exception {
    AtomicInteger handshakes = new AtomicInteger();
    try (MockWebServer server = new MockWebServer()) {
      server.setDispatcher(new Dispatcher() {
        @Override public MockResponse dispatch(RecordedRequest request) {
          handshakes.incrementAndGet();
          return new MockResponse.Builder().code(401).build();
        }
      });
      server.start();
      OkHttpClient client = new OkHttpClient.Builder()
          .authenticator((route, response) -> response.request().newBuilder().header("Authorization", "Basic c3RhbGU=").build())
          .build();
      SteadySocket socket = SteadySocket.builder(server.url("/feed").toString())
          .okHttpClient(client)
          .backoff(Backoff.exponential(Duration.ofMillis(50), Duration.ofMillis(100)))
          .heartbeat(Heartbeat.disabled())
          .build();
      try {
        socket.connect();
        CloseReason closed = socket.closeFuture().get(20, TimeUnit.SECONDS);
        AuthenticationException e = assertInstanceOf(AuthenticationException.class, closed.error(),
            "after " + handshakes.get() + " handshakes in " + socket.metrics().connectionAttempts() + " attempts: "
                + closed.error());
        assertEquals(401, e.statusCode());
      } finally {
        socket.close();
        socket.closeFuture().get(10, TimeUnit.SECONDS);
        client.dispatcher().executorService().shutdown();
        client.connectionPool().evictAll();
      }
    }
  }

  // README "Handshake statuses": other 4xx stop with HandshakeException (statusCode())
  /** A server (no proxy in between) that answers the handshake with 407 ends the socket with HandshakeException(407). */
  @Test
  void a407WithoutAProxyIsAHandshakeException() throws Exception {
    try (MockWebServer server = new MockWebServer()) {
      server.setDispatcher(new Dispatcher() {
        @Override public MockResponse dispatch(RecordedRequest request) {
          return new MockResponse.Builder().code(407).build();
        }
      });
      server.start();
      SteadySocket socket = SteadySocket.builder(server.url("/feed").toString())
          .backoff(Backoff.exponential(Duration.ofMillis(50), Duration.ofMillis(100)))
          .heartbeat(Heartbeat.disabled())
          .build();
      try {
        socket.connect();
        CloseReason closed = socket.closeFuture().get(20, TimeUnit.SECONDS);
        HandshakeException e = assertInstanceOf(HandshakeException.class, closed.error(), String.valueOf(closed.error()));
        assertEquals(407, e.statusCode());
      } finally {
        socket.close();
        socket.closeFuture().get(10, TimeUnit.SECONDS);
      }
    }
  }
}
