package dev.steadysocket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

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

  // README "Handshake statuses" / Limits: an application's authenticator is asked at most twice per
  // status. Reviewer's finding: OkHttp's tunnel loop asks the proxy authenticator again for every 407
  // on a CONNECT, without limit while the proxy keeps the connection open, and a CONNECT carries no
  // handshake budget.
  /**
   * A proxy that answers every CONNECT with 407 on a kept-alive connection, and a proxy
   * authenticator that always answers: the application's authenticator is asked at most twice in
   * the attempt, which then fails and is retried with backoff.
   */
  @Test
  void aProxyThatKeepsAnswering407GetsAtMostTwoAnswersPerAttempt() throws Exception {
    AtomicInteger connects = new AtomicInteger();
    AtomicInteger asked = new AtomicInteger();
    try (java.net.ServerSocket proxy = new java.net.ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
      proxy.setSoTimeout(20_000);
      Thread server = new Thread(() -> {
        // Bounded: at most 100 CONNECTs in all, then the proxy stops.
        try (java.net.Socket c = proxy.accept()) {
          c.setSoTimeout(20_000);
          java.io.BufferedReader in = new java.io.BufferedReader(
              new java.io.InputStreamReader(c.getInputStream(), java.nio.charset.StandardCharsets.ISO_8859_1));
          java.io.OutputStream out = c.getOutputStream();
          while (connects.get() < 100) {
            String line = in.readLine();
            if (line == null) return;
            if (line.startsWith("CONNECT ")) connects.incrementAndGet();
            if (!line.isEmpty()) continue;
            out.write(("HTTP/1.1 407 Proxy Authentication Required\r\n"
                + "Proxy-Authenticate: Basic realm=\"proxy\"\r\nContent-Length: 0\r\n\r\n")
                .getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
            out.flush();
          }
        } catch (java.io.IOException ignored) {
          // the client went away or the bound was reached
        }
      }, "proxy-407");
      server.setDaemon(true);
      server.start();
      OkHttpClient client = new OkHttpClient.Builder()
          .proxy(new java.net.Proxy(java.net.Proxy.Type.HTTP, proxy.getLocalSocketAddress()))
          .proxyAuthenticator((route, response) -> {
            asked.incrementAndGet();
            return response.request().newBuilder().header("Proxy-Authorization", "Basic c3RhbGU=").build();
          })
          .build();
      java.util.concurrent.CompletableFuture<Throwable> firstError = new java.util.concurrent.CompletableFuture<>();
      SteadySocket socket = SteadySocket.builder("wss://feed.example.test/feed")
          .okHttpClient(client)
          .backoff(Backoff.exponential(Duration.ofSeconds(10), Duration.ofSeconds(10)))
          .heartbeat(Heartbeat.disabled())
          .listener(new SteadySocketListener() {
            @Override public void onError(SteadySocketException error) {
              firstError.complete(error);
            }
          })
          .build();
      try {
        socket.connect();
        Throwable error = firstError.get(20, TimeUnit.SECONDS);
        assertEquals(1, socket.metrics().connectionAttempts(), "one attempt so far: " + error);
        assertTrue(asked.get() <= 2, "the authenticator was asked " + asked.get() + " times in one attempt ("
            + connects.get() + " CONNECTs); at most 2");
      } finally {
        socket.close();
        socket.closeFuture().get(10, TimeUnit.SECONDS);
        client.dispatcher().executorService().shutdown();
        client.connectionPool().evictAll();
      }
    }
  }
}
