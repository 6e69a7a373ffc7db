package dev.steadysocket;

import static dev.steadysocket.ConnectionState.CLOSED;
import static dev.steadysocket.ConnectionState.CLOSING;
import static dev.steadysocket.ConnectionState.CONNECTING;
import static dev.steadysocket.ConnectionState.IDLE;
import static dev.steadysocket.ConnectionState.OPEN;
import static dev.steadysocket.ConnectionState.RECONNECTING;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.steadysocket.testkit.FaultProxy;
import dev.steadysocket.testkit.RecordingListener;
import dev.steadysocket.testkit.ServerPeer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import okhttp3.WebSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** End to end against a real (scripted) WebSocket server, with the real loop and OkHttp. */
class MockWebServerTest {
  private final MockWebServer server = new MockWebServer();
  private final RecordingListener listener = new RecordingListener();
  private final List<SteadySocket> sockets = new ArrayList<>();

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
  }

  private SteadySocketBuilder builder() {
    return SteadySocket.builder(server.url("/feed").toString())
        .backoff(Backoff.exponential(Duration.ofMillis(5), Duration.ofMillis(20)))
        .heartbeat(Heartbeat.disabled())
        .listener(listener);
  }

  private SteadySocket connect(SteadySocket socket) {
    sockets.add(socket);
    socket.connect();
    listener.assertState(IDLE, CONNECTING);
    return socket;
  }

  @Test
  void echoRoundTripWithHeartbeats() throws Exception {
    ServerPeer peer = new ServerPeer(true);
    server.enqueue(peer.upgrade());
    SteadySocket socket =
        connect(builder().heartbeat(Heartbeat.every(Duration.ofMillis(200))).build());
    listener.assertState(CONNECTING, OPEN);
    CompletableFuture<Void> sent = socket.send(Envelope.of("chat", Map.of("text", "hi")));
    sent.get(5, TimeUnit.SECONDS);
    Envelope echoed = listener.assertMessage("chat");
    assertEquals("hi", echoed.content().get("text").asText());
    assertTrue(listener.lastThread().getName().startsWith("SteadySocket dispatch"), listener.lastThread().getName());
    // Heartbeats go out and their echoes are swallowed; wait for a measured round trip.
    String hb;
    do {
      hb = peer.awaitMessage();
    } while (!hb.contains("\"type\":\"heartbeat\""));
    while (socket.metrics().lastHeartbeatRttMillis() < 0) {
      assertTrue(peer.messages.poll(5, TimeUnit.SECONDS) != null, "no further heartbeat");
    }
    assertEquals(1, socket.metrics().messagesReceived());
    RecordedRequest request = server.takeRequest();
    assertEquals("websocket", request.getHeaders().get("Upgrade"));
  }

  @ParameterizedTest
  @ValueSource(ints = {1000, 1001, 1011, 1012, 4000})
  void serverCloseWithRetryableCodeReconnects(int code) throws Exception {
    ServerPeer peer = new ServerPeer(false);
    server.enqueue(peer.upgrade());
    server.enqueue(peer.upgrade());
    connect(builder().build());
    listener.assertState(CONNECTING, OPEN);
    peer.awaitOpen().close(code, "bye");
    assertTrue(listener.assertError(ConnectionLostException.class).getMessage().contains(String.valueOf(code)));
    listener.assertState(OPEN, RECONNECTING);
    listener.assertReconnecting(1);
    listener.assertState(RECONNECTING, CONNECTING);
    listener.assertState(CONNECTING, OPEN);
    assertEquals(2, server.getRequestCount());
  }

  @ParameterizedTest
  @ValueSource(ints = {1002, 1003, 1007, 1009, 1010})
  void serverCloseWithProtocolCodeStops(int code) throws Exception {
    ServerPeer peer = new ServerPeer(false);
    server.enqueue(peer.upgrade());
    SteadySocket socket = connect(builder().build());
    listener.assertState(CONNECTING, OPEN);
    peer.awaitOpen().close(code, "nope");
    assertEquals(code, listener.assertError(ProtocolViolationException.class).closeCode());
    listener.assertState(OPEN, CLOSED);
    assertEquals(code, listener.assertClosed().code());
    assertEquals(CLOSED, socket.state());
  }

  @Test
  void policyViolationCloseIsAnAuthFailure() throws Exception {
    ServerPeer peer = new ServerPeer(false);
    server.enqueue(peer.upgrade());
    connect(builder().build());
    listener.assertState(CONNECTING, OPEN);
    peer.awaitOpen().close(1008, "token expired");
    assertEquals(1008, listener.assertError(AuthenticationException.class).closeCode());
    listener.assertState(OPEN, CLOSED);
    listener.assertClosed();
  }

  @Test
  void unauthorizedRefreshesTheTokenAndRetries() throws Exception {
    ServerPeer peer = new ServerPeer(false);
    server.enqueue(new MockResponse.Builder().code(401).build());
    server.enqueue(peer.upgrade());
    AtomicInteger calls = new AtomicInteger();
    connect(builder().tokenProvider(refresh -> (refresh ? "fresh-" : "stale-") + calls.incrementAndGet()).build());
    listener.assertError(AuthenticationException.class);
    listener.assertState(CONNECTING, RECONNECTING);
    listener.assertReconnecting(1);
    listener.assertState(RECONNECTING, CONNECTING);
    listener.assertState(CONNECTING, OPEN);
    assertEquals("Bearer stale-1", server.takeRequest().getHeaders().get("Authorization"));
    assertEquals("Bearer fresh-2", server.takeRequest().getHeaders().get("Authorization"));
  }

  @Test
  void forbiddenWithoutTokenProviderStops() throws Exception {
    server.enqueue(new MockResponse.Builder().code(403).build());
    connect(builder().build());
    assertEquals(403, listener.assertError(AuthenticationException.class).statusCode());
    listener.assertState(CONNECTING, CLOSED);
    listener.assertClosed();
  }

  @Test
  void notFoundStops() throws Exception {
    server.enqueue(new MockResponse.Builder().code(404).build());
    connect(builder().build());
    assertEquals(404, listener.assertError(HandshakeException.class).statusCode());
    listener.assertState(CONNECTING, CLOSED);
    listener.assertClosed();
    assertEquals(1, server.getRequestCount());
  }

  @ParameterizedTest
  @ValueSource(ints = {429, 500, 503})
  void transientStatusesRetry(int status) throws Exception {
    ServerPeer peer = new ServerPeer(false);
    // Retry-After 1 to see it honoured; Retry-After 0 is HandshakeAttemptsTest's.
    server.enqueue(new MockResponse.Builder().code(status).addHeader("Retry-After", "1").build());
    server.enqueue(peer.upgrade());
    connect(builder().maxRetryAfter(Duration.ofSeconds(5)).build());
    assertEquals(status, listener.assertError(HandshakeException.class).statusCode());
    listener.assertState(CONNECTING, RECONNECTING);
    RecordingListener.Reconnecting r = listener.assertReconnecting(1);
    if (status != 500) assertEquals(Duration.ofSeconds(1), r.delay, "Retry-After honoured");
    listener.assertState(RECONNECTING, CONNECTING);
    listener.assertState(CONNECTING, OPEN);
  }

  @Test
  void serverDisappearingMidStreamReconnectsAndFlushesTheOutboxInOrder() throws Exception {
    ServerPeer first = new ServerPeer(false);
    ServerPeer second = new ServerPeer(false);
    server.enqueue(first.upgrade());
    server.enqueue(second.upgrade());
    FaultProxy proxy = new FaultProxy(server.getSocketAddress());
    SteadySocket socket =
        connect(SteadySocket.builder("ws://127.0.0.1:" + proxy.port() + "/feed")
            .backoff(Backoff.exponential(Duration.ofMillis(5), Duration.ofMillis(20)))
            .heartbeat(Heartbeat.disabled())
            .listener(listener)
            .build());
    try {
      listener.assertState(CONNECTING, OPEN);
      first.awaitOpen().send("{\"type\":\"tick\",\"content\":1}");
      listener.assertMessage("tick");
      proxy.resetAll(); // abrupt: a reset, no close frame
      listener.assertError(ConnectionLostException.class);
      listener.assertState(OPEN, RECONNECTING);
      List<CompletableFuture<Void>> futures = new ArrayList<>();
      for (int i = 0; i < 100; i++) futures.add(socket.send(Envelope.of("n", Map.of("n", i))));
      listener.assertReconnecting(1);
      listener.assertState(RECONNECTING, CONNECTING);
      listener.assertState(CONNECTING, OPEN);
      for (int i = 0; i < 100; i++) {
        Envelope e = MessageCodec.jackson().decode(second.awaitAppMessage());
        assertEquals(i, e.content().get("n").asInt(), "order across the reconnect");
      }
      for (CompletableFuture<Void> f : futures) f.get(5, TimeUnit.SECONDS);
      assertTrue(first.messages.isEmpty(), "nothing went to the dead connection");
    } finally {
      proxy.close();
    }
  }

  @Test
  void malformedFramesAreReportedAndTheNextValidOneDelivered() throws Exception {
    ServerPeer peer = new ServerPeer(false);
    server.enqueue(peer.upgrade());
    SteadySocket socket = connect(builder().build());
    listener.assertState(CONNECTING, OPEN);
    WebSocket ws = peer.awaitOpen();
    ws.send("{\"type\":");
    ws.send("[]");
    ws.send("{\"type\":\"ok\"}");
    assertEquals("{\"type\":", listener.assertError(DecodeException.class).rawText());
    listener.assertError(DecodeException.class);
    listener.assertMessage("ok");
    assertEquals(OPEN, socket.state());
  }

  @Test
  void throwingListenerDoesNotBreakTheSocket() throws Exception {
    ServerPeer peer = new ServerPeer(false);
    server.enqueue(peer.upgrade());
    SteadySocket socket =
        connect(
            builder()
                .listener(new SteadySocketListener() {
                  @Override
                  public void onMessage(Envelope envelope) {
                    throw new RuntimeException("listener bug");
                  }
                })
                .build());
    listener.assertState(CONNECTING, OPEN);
    WebSocket ws = peer.awaitOpen();
    ws.send("{\"type\":\"a\"}");
    ws.send("{\"type\":\"b\"}");
    listener.assertMessage("a");
    listener.assertError(ListenerException.class);
    listener.assertMessage("b");
    listener.assertError(ListenerException.class);
    socket.send(Envelope.of("still", 1)).get(5, TimeUnit.SECONDS);
    assertTrue(peer.awaitAppMessage().contains("still"));
  }

  @Test
  void appCloseSendsACloseFrameAndReleasesTheSharedClient() throws Exception {
    ServerPeer peer = new ServerPeer(false);
    server.enqueue(peer.upgrade());
    SteadySocket socket = connect(builder().build());
    listener.assertState(CONNECTING, OPEN);
    peer.awaitOpen();
    socket.close(4001, "done");
    listener.assertState(OPEN, CLOSING);
    listener.assertState(CLOSING, CLOSED);
    CloseReason reason = listener.assertClosed();
    assertEquals(4001, reason.code());
    assertTrue(reason.initiatedByApp());
    assertSame(reason, socket.closeFuture().get(5, TimeUnit.SECONDS));
    sockets.remove(socket);
    assertFalse(socket.toString().contains("?"));
  }

  @Test
  void hundredSocketsToOneHostFromDefaultsAllOpen() throws Exception {
    ServerPeer peer = new ServerPeer(false);
    server.setDispatcher(new mockwebserver3.Dispatcher() {
      @Override
      public MockResponse dispatch(RecordedRequest request) {
        return peer.upgrade();
      }
    });
    List<CompletableFuture<Void>> open = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      CompletableFuture<Void> opened = new CompletableFuture<>();
      open.add(opened);
      SteadySocket s =
          SteadySocket.builder(server.url("/feed").toString())
              .listener(new SteadySocketListener() {
                @Override
                public void onStateChanged(ConnectionState previous, ConnectionState current) {
                  if (current == OPEN) opened.complete(null);
                }
              })
              .build();
      sockets.add(s);
      s.connect();
    }
    CompletableFuture.allOf(open.toArray(new CompletableFuture<?>[0])).get(30, TimeUnit.SECONDS);
    for (SteadySocket s : sockets) assertEquals(OPEN, s.state());
    assertEquals(100, server.getRequestCount());
  }
}
