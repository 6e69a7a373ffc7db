package dev.steadysocket;

import static dev.steadysocket.ConnectionState.CLOSED;
import static dev.steadysocket.ConnectionState.OPEN;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.steadysocket.testkit.FakeTransports;
import dev.steadysocket.testkit.RecordingListener;
import dev.steadysocket.testkit.ServerPeer;
import java.lang.reflect.Constructor;
import java.lang.reflect.Modifier;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The 1.0 surface decisions of issue #12, as behaviour: what applications can and cannot create,
 * raw text and binary sends, header verbs, custom backoff strategies, and subprotocols.
 */
class ApiSurfaceTest extends VirtualTimeTest {

  @ParameterizedTest
  @ValueSource(classes = {
      CloseReason.class, Disconnect.class, AuthenticationException.class, HandshakeException.class,
      ProtocolViolationException.class, TlsException.class, ConnectionLostException.class,
      DeadLinkException.class, ReconnectAttemptsExhaustedException.class, MessageTooLargeException.class,
      OutboxOverflowException.class, SocketClosedException.class, RequestTimeoutException.class,
      ListenerException.class})
  void whatSteadySocketReportsOnlySteadySocketCreates(Class<?> type) {
    for (Constructor<?> c : type.getDeclaredConstructors()) {
      assertFalse(Modifier.isPublic(c.getModifiers()) || Modifier.isProtected(c.getModifiers()), c.toString());
    }
  }

  @Test
  void codecsAndPoliciesCanStillCreateTheirErrors() {
    new DecodeException("bad", "{", null);
    new EncodeException("bad", null);
    ReconnectPolicy.Decision.stop(new SteadySocketException("we are done"));
    assertEquals(SteadySocketException.class, (Object) AuthenticationException.class.getSuperclass(),
        "1008 is no handshake: AuthenticationException stands beside HandshakeException");
  }

  @Test
  void rawTextAndBinaryFramesQueueInOrderWithEnvelopes() throws Exception {
    SteadySocket socket = builder().build();
    CompletableFuture<Void> text = socket.send("PING");
    byte[] bytes = {1, 2, 3};
    CompletableFuture<Void> binary = socket.send(bytes);
    bytes[0] = 9; // copied at send
    CompletableFuture<Void> envelope = socket.send(Envelope.of("after", null));
    open(socket);
    FakeTransports.Fake t = transports.last();
    assertEquals("PING", t.sentMessages().get(0));
    assertEquals(2, t.sentMessages().size(), "a text frame and the envelope");
    assertArrayEquals(new byte[] {1, 2, 3}, t.sentBinary.get(0));
    assertTrue(text.isDone() && binary.isDone() && envelope.isDone());
    assertThrows(NullPointerException.class, () -> socket.send((String) null));
    socket.close();
    clock.advanceBy(Duration.ofSeconds(5));
    listener.awaitState(CLOSED);
    listener.assertClosed();
  }

  @Test
  void rawFramesDoNotWaitForAcknowledgements() {
    SteadySocket socket = open(builder().acknowledgedSends(true).build());
    CompletableFuture<Void> raw = socket.send("raw");
    CompletableFuture<Void> tracked = socket.send(Envelope.of("tracked", null));
    assertTrue(raw.isDone(), "no id to acknowledge: done when written");
    assertFalse(tracked.isDone(), "an envelope waits for its ack");
    socket.close();
    clock.advanceBy(Duration.ofSeconds(5));
    listener.awaitState(CLOSED);
    listener.assertClosed();
    assertTrue(tracked.isCompletedExceptionally());
  }

  @Test
  void aTooLargeRawFrameFailsAtOnce() {
    SteadySocket socket = builder().outbox(OutboxPolicy.bounded(10, 4, OutboxPolicy.Overflow.REJECT_NEW)).build();
    assertTrue(failure(socket.send(new byte[5])) instanceof MessageTooLargeException);
    assertTrue(failure(socket.send("12345")) instanceof MessageTooLargeException);
  }

  @Test
  void aCustomBackoffIsFlooredAndAThrowingOneFallsBack() {
    Backoff zero = new Backoff() {
      @Override public Duration delay(int attempt) { return Duration.ZERO; }
      @Override public Duration minimum() { return Duration.ofMillis(250); }
      @Override public Duration max() { return Duration.ofSeconds(1); }
    };
    SteadySocket socket = open(builder().backoff(zero).build());
    dropWith(new java.io.IOException("reset"));
    listener.assertError(ConnectionLostException.class);
    listener.assertState(OPEN, ConnectionState.RECONNECTING);
    assertEquals(Duration.ofMillis(250), listener.assertReconnecting(1).delay, "raised to its own minimum");
    socket.close();
    clock.runUntilIdle();
    listener.awaitState(CLOSED);
    listener.assertClosed();

    Backoff broken = new Backoff() {
      @Override public Duration delay(int attempt) { throw new IllegalStateException("bug"); }
      @Override public Duration minimum() { return Duration.ofMillis(100); }
      @Override public Duration max() { return Duration.ofSeconds(1); }
    };
    assertThrows(IllegalArgumentException.class, () -> builder().backoff(new Backoff() {
      @Override public Duration delay(int attempt) { return Duration.ZERO; }
      @Override public Duration minimum() { return Duration.ZERO; }
      @Override public Duration max() { return Duration.ZERO; }
    }), "a zero minimum would allow retries without delay");
    SteadySocket second = open(builder().backoff(broken).build());
    dropWith(new java.io.IOException("reset"));
    listener.assertError(ConnectionLostException.class);
    listener.assertState(OPEN, ConnectionState.RECONNECTING);
    Duration d = listener.assertReconnecting(1).delay;
    assertTrue(d.compareTo(Duration.ofMillis(100)) >= 0 && d.compareTo(Duration.ofSeconds(1)) <= 0, d.toString());
    second.close();
    clock.runUntilIdle();
    listener.awaitState(CLOSED);
    listener.assertClosed();
  }

  @Test
  void heartbeatAndBackoffCopyMethodsReadAsCopies() {
    Heartbeat h = Heartbeat.every(Duration.ofSeconds(20)).withTimeout(Duration.ofSeconds(5));
    assertEquals(Duration.ofSeconds(5), h.timeout());
    ExponentialBackoff b = Backoff.exponential(Duration.ofMillis(200), Duration.ofSeconds(5)).withMultiplier(3).withoutJitter();
    assertEquals(Duration.ofMillis(600), b.delay(2));
    assertEquals(Duration.ofMillis(100), b.minimum());
  }

  /** End to end: the chosen subprotocol is checked against the offer and exposed after OPEN. */
  @Test
  void subprotocolsAreOfferedCheckedAndExposed() throws Exception {
    clock.runUntilIdle(); // this test runs on real threads; the virtual-time base stays idle
    try (MockWebServer server = new MockWebServer()) {
      server.start();
      server.enqueue(new MockResponse.Builder().addHeader("Sec-WebSocket-Protocol", "chat.v2")
          .webSocketUpgrade(new ServerPeer(false)).build());
      RecordingListener events = new RecordingListener();
      SteadySocket socket = SteadySocket.builder(server.url("/").toString())
          .subprotocols("stale.v0").subprotocols("chat.v2", "chat.v1") // the second list replaces the first
          .heartbeat(Heartbeat.disabled())
          .header("X-Api-Key", "k").addHeader("X-Trace", "a").addHeader("X-Trace", "b")
          .listener(events).build();
      socket.connect();
      events.assertState(ConnectionState.IDLE, ConnectionState.CONNECTING);
      events.assertState(ConnectionState.CONNECTING, OPEN);
      assertEquals("chat.v2", socket.subprotocol());
      okhttp3.Headers sent = server.takeRequest().getHeaders();
      assertEquals("chat.v2, chat.v1", sent.get("Sec-WebSocket-Protocol"));
      assertEquals(List.of("a", "b"), sent.values("X-Trace"));
      assertEquals("k", sent.get("X-Api-Key"));
      socket.close();
      socket.closeFuture().get(10, TimeUnit.SECONDS);

      server.enqueue(new MockResponse.Builder().addHeader("Sec-WebSocket-Protocol", "evil")
          .webSocketUpgrade(new ServerPeer(false)).build());
      RecordingListener refused = new RecordingListener();
      SteadySocket strict = SteadySocket.builder(server.url("/").toString())
          .subprotocols("chat.v2").heartbeat(Heartbeat.disabled()).listener(refused).build();
      strict.connect();
      CloseReason reason = strict.closeFuture().get(10, TimeUnit.SECONDS);
      assertTrue(reason.error() instanceof ProtocolViolationException, String.valueOf(reason));
      assertTrue(reason.error().getMessage().contains("not offered"), reason.error().getMessage());
      assertEquals(1, strict.metrics().connectionAttempts(), "terminal: not retried");
      assertNull(strict.subprotocol());
    }
  }

  /** The token-in-subprotocol pattern: the token joins the offer, and the server may pick it. */
  @Test
  void aTokenOfferedAsASubprotocolIsAcceptedBack() throws Exception {
    clock.runUntilIdle();
    try (MockWebServer server = new MockWebServer()) {
      server.start();
      server.enqueue(new MockResponse.Builder().addHeader("Sec-WebSocket-Protocol", "access_token")
          .webSocketUpgrade(new ServerPeer(false)).build());
      SteadySocket socket = SteadySocket.builder(server.url("/").toString())
          .subprotocols("app.v1")
          .tokenProvider(refresh -> "t0k3n")
          .tokenHeader("Sec-WebSocket-Protocol", "access_token, ")
          .heartbeat(Heartbeat.disabled()).build();
      CompletableFuture<Void> open = new CompletableFuture<>();
      socket.addListener(new SteadySocketListener() {
        @Override public void onStateChanged(ConnectionState p, ConnectionState c) {
          if (c == OPEN) open.complete(null);
        }
      });
      socket.connect();
      open.get(10, TimeUnit.SECONDS);
      assertEquals("app.v1, access_token, t0k3n", server.takeRequest().getHeaders().get("Sec-WebSocket-Protocol"));
      assertEquals("access_token", socket.subprotocol());
      socket.close();
      socket.closeFuture().get(10, TimeUnit.SECONDS);
    }
  }
}
