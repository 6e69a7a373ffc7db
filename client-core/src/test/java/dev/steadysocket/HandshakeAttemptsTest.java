package dev.steadysocket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.steadysocket.testkit.RecordingListener;
import dev.steadysocket.testkit.ServerPeer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import mockwebserver3.SocketEffect;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Every WebSocket handshake the server sees is one of SteadySocket's attempts, spaced by its
 * backoff: OkHttp repeats a 503 with {@code Retry-After: 0} and a 408 at once by itself, and
 * retries I/O failures on a new connection, unless the transport stops it. Counted on the server,
 * against the socket's own attempt count.
 */
class HandshakeAttemptsTest {
  /** The backoff's floor: no retry after a failed attempt waits less. */
  private static final Duration FLOOR = Duration.ofMillis(50);

  private final MockWebServer server = new MockWebServer();
  /** When each handshake reached the server, System.nanoTime(). */
  private final List<Long> handshakes = new CopyOnWriteArrayList<>();
  private final BlockingQueue<Disconnect> decided = new LinkedBlockingQueue<>();
  private final List<SteadySocket> sockets = new ArrayList<>();
  private OkHttpClient client;

  @BeforeEach
  void start() throws Exception {
    server.start();
  }

  @AfterEach
  void stop() throws Exception {
    for (SteadySocket s : sockets) {
      s.close();
      s.closeFuture().get(10, TimeUnit.SECONDS);
    }
    server.close();
    if (client != null) {
      client.dispatcher().executorService().shutdown();
      client.connectionPool().evictAll();
    }
  }

  /** Answers every handshake with {@code response}, recording when it came. */
  private void answerAlways(MockResponse response) {
    server.setDispatcher(new Dispatcher() {
      @Override
      public MockResponse dispatch(RecordedRequest request) {
        handshakes.add(System.nanoTime());
        return response;
      }
    });
  }

  /** Three attempts (two retries), each decision recorded, the defaults deciding. */
  private SteadySocket threeAttempts() {
    SteadySocket socket = SteadySocket.builder(server.url("/feed").toString())
        .backoff(Backoff.exponential(FLOOR, Duration.ofMillis(100)).withoutJitter())
        .maxReconnectAttempts(2)
        .heartbeat(Heartbeat.disabled())
        .reconnectPolicy(d -> {
          decided.add(d);
          return ReconnectPolicy.defaults().decide(d);
        })
        .build();
    sockets.add(socket);
    socket.connect();
    return socket;
  }

  private CloseReason awaitClosed(SteadySocket socket) throws Exception {
    return socket.closeFuture().get(20, TimeUnit.SECONDS);
  }

  private void assertOneHandshakePerAttemptAtLeastTheFloorApart(SteadySocket socket) {
    assertEquals(socket.metrics().connectionAttempts(), handshakes.size(),
        "handshakes the server saw, against the socket's attempts");
    for (int i = 1; i < handshakes.size(); i++) {
      long gap = handshakes.get(i) - handshakes.get(i - 1);
      assertTrue(gap >= FLOOR.toNanos(),
          "handshake " + (i + 1) + " came " + TimeUnit.NANOSECONDS.toMillis(gap) + " ms after the one before");
    }
  }

  // #16 item 6
  @Test
  void every503WithRetryAfterZeroHandshakeIsOneOfOurAttemptsAfterTheFloor() throws Exception {
    answerAlways(new MockResponse.Builder().code(503).addHeader("Retry-After", "0").build());
    SteadySocket socket = threeAttempts();
    CloseReason closed = awaitClosed(socket);
    ReconnectAttemptsExhaustedException e =
        assertInstanceOf(ReconnectAttemptsExhaustedException.class, closed.error());
    assertEquals(503, assertInstanceOf(HandshakeException.class, e.getCause()).statusCode());
    assertEquals(3, socket.metrics().connectionAttempts());
    assertOneHandshakePerAttemptAtLeastTheFloorApart(socket);
    for (int i = 0; i < 3; i++) {
      Disconnect d = decided.poll(5, TimeUnit.SECONDS);
      assertEquals(503, d.httpStatus(), "the policy sees the 503");
      assertEquals(Duration.ZERO, d.retryAfter(), "and its Retry-After");
    }
  }

  // #16 item 6
  @Test
  void every408HandshakeIsOneOfOurAttemptsAfterTheFloor() throws Exception {
    answerAlways(new MockResponse.Builder().code(408).build());
    SteadySocket socket = threeAttempts();
    CloseReason closed = awaitClosed(socket);
    ReconnectAttemptsExhaustedException e =
        assertInstanceOf(ReconnectAttemptsExhaustedException.class, closed.error());
    assertEquals(408, assertInstanceOf(HandshakeException.class, e.getCause()).statusCode());
    assertEquals(3, socket.metrics().connectionAttempts());
    assertOneHandshakePerAttemptAtLeastTheFloorApart(socket);
    assertEquals(408, decided.poll(5, TimeUnit.SECONDS).httpStatus());
  }

  // #16 item 6: OkHttp's recovery is off, so a stale pooled connection would fail the next attempt
  @Test
  void aConnectionTheServerDroppedAfterA503IsNotReusedForTheNextAttempt() throws Exception {
    RecordingListener listener = new RecordingListener();
    ServerPeer peer = new ServerPeer(false);
    // The server answers with keep-alive, then drops the connection: the client sees nothing until
    // it writes the next request on it, as with a server whose keep-alive timeout ends first.
    server.enqueue(new MockResponse.Builder().code(503).addHeader("Retry-After", "1")
        .onResponseEnd(SocketEffect.ShutdownConnection.INSTANCE).build());
    server.enqueue(peer.upgrade());
    // The application's client, which keeps idle connections (OkHttp's default pool).
    client = new OkHttpClient();
    SteadySocket socket = SteadySocket.builder(server.url("/feed").toString())
        .okHttpClient(client)
        .backoff(Backoff.exponential(FLOOR, Duration.ofMillis(100)))
        .maxRetryAfter(Duration.ofMillis(200))
        .heartbeat(Heartbeat.disabled())
        .listener(listener)
        .build();
    sockets.add(socket);
    socket.connect();
    listener.assertState(ConnectionState.IDLE, ConnectionState.CONNECTING);
    assertEquals(503, listener.assertError(HandshakeException.class).statusCode());
    listener.assertState(ConnectionState.CONNECTING, ConnectionState.RECONNECTING);
    listener.assertReconnecting(1);
    listener.assertState(ConnectionState.RECONNECTING, ConnectionState.CONNECTING);
    listener.assertState(ConnectionState.CONNECTING, ConnectionState.OPEN);
    assertEquals(2, socket.metrics().connectionAttempts(), "no attempt failed on the dropped connection");
    RecordedRequest first = server.takeRequest(5, TimeUnit.SECONDS);
    RecordedRequest second = server.takeRequest(5, TimeUnit.SECONDS);
    assertNotEquals(first.getConnectionIndex(), second.getConnectionIndex(), "a new connection");
  }
}
