package dev.steadysocket.opentelemetry;

import static dev.steadysocket.opentelemetry.Traces.attr;
import static dev.steadysocket.opentelemetry.Traces.eventNames;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.steadysocket.CloseReason;
import dev.steadysocket.Envelope;
import dev.steadysocket.SocketClosedException;
import dev.steadysocket.SteadySocket;
import dev.steadysocket.SocketObserver.Phase;
import dev.steadysocket.opentelemetry.SteadySocketTracing.ReceiveSpans;
import dev.steadysocket.testing.FakeServer;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The observer driven event by event, for what the kit cannot produce in memory: the phases OkHttp
 * reports (TLS among them), failover URLs, and events in the orders the SPI allows across threads.
 */
class ObserverEventsTest {
  private final Traces traces = new Traces();
  private final TracingObserver observer = new TracingObserver(traces.sdk.getTracer("test"),
      traces.sdk.getPropagators().getTextMapPropagator(), "ticker", ReceiveSpans.NONE,
      Endpoint.of("wss://feed.example.com/..."));

  @Test
  void everyPhaseIsAnEventWithItsDurationInSeconds() {
    observer.attemptStarted(0, "wss://example.com/...", 1);
    observer.phaseEnded(Phase.DNS, 2_000_000);
    observer.phaseEnded(Phase.CONNECT, 30_000_000);
    observer.phaseEnded(Phase.TLS, 45_000_000);
    observer.phaseEnded(Phase.UPGRADE, 12_500_000);
    observer.handshakeResponse(101);
    observer.connectionOpened("v2.ticker", "permessage-deflate", 100_000_000);
    observer.phaseEnded(Phase.UPGRADE, 1); // late, from an attempt already over: no span to put it on

    SpanData connect = traces.only("connect ticker");
    assertEquals(List.of("websocket.phase.dns", "websocket.phase.connect", "websocket.phase.tls", "websocket.phase.upgrade"),
        eventNames(connect));
    assertEquals(0.045, connect.getEvents().get(2).getAttributes().get(Names.PHASE_DURATION));
    assertEquals(0.0125, connect.getEvents().get(3).getAttributes().get(Names.PHASE_DURATION));
    assertEquals("v2.ticker", attr(connect, Names.SUBPROTOCOL));
    assertEquals("permessage-deflate", attr(connect, Names.EXTENSIONS));
    assertEquals(443L, attr(connect, Names.SERVER_PORT));
    traces.assertAllEnded();
  }

  @Test
  void anAttemptReplacedByTheNextIsCancelledAndAFailoverAttemptNamesItsOwnServer() {
    observer.attemptStarted(0, "wss://example.com/...", 1);
    observer.attemptStarted(1, "ws://backup.example.com:8080/...", 1); // replaceConnection() while connecting, to the failover URL
    observer.connectionOpened(null, "", 1);
    List<SpanData> attempts = traces.named("connect ticker");
    assertEquals("cancelled", attr(attempts.get(0), Names.CONNECT_OUTCOME));
    assertEquals(StatusCode.UNSET, attempts.get(0).getStatus().getStatusCode());
    assertEquals("open", attr(attempts.get(1), Names.CONNECT_OUTCOME));
    assertEquals(1L, attr(attempts.get(1), Names.URL_INDEX));
    assertEquals("backup.example.com", attr(attempts.get(1), Names.SERVER_ADDRESS), "the failover URL's own host");
    assertEquals(8080L, attr(attempts.get(1), Names.SERVER_PORT));
    assertEquals("ws", attr(attempts.get(1), Names.URL_SCHEME));
    assertNull(attr(attempts.get(1), Names.SUBPROTOCOL));
    assertNull(attr(attempts.get(1), Names.EXTENSIONS));
    assertEquals("websocket", attr(attempts.get(1), Names.NETWORK_PROTOCOL_NAME));
    traces.assertAllEnded();
  }

  @Test
  void endsForRequestsItNeverSawAreIgnoredAndAReusedIdEndsTheEarlierSpan() {
    observer.requestCompleted("unknown", Envelope.of("reply", null), 1);
    observer.requestTimedOut("unknown", 1);
    observer.requestFailed("unknown", new IllegalStateException(), 1);
    assertTrue(traces.spans().isEmpty());

    Envelope request = Envelope.builder("quote").id("q1").build();
    observer.requestStarted(request);
    observer.requestStarted(request); // its end not seen yet (an end racing the reuse): not left open
    assertEquals(1, observer.requestsInFlight());
    observer.requestTimedOut("q1", 1);
    observer.requestTimedOut("q1", 1); // a second end finds nothing
    assertEquals(0, observer.requestsInFlight());
    List<SpanData> spans = traces.named("request ticker");
    assertEquals(2, spans.size());
    assertEquals(StatusCode.ERROR, spans.get(1).getStatus().getStatusCode());
    traces.assertAllEnded();
  }

  @Test
  void theCloseEndsTheRequestsWhoseEndItNeverSawAndThoseStartedAfterIt() {
    CloseReason reason;
    try (FakeServer server = FakeServer.inMemory()) {
      SteadySocket socket = server.newSocket().build();
      socket.close();
      server.clock().runUntilIdle();
      reason = socket.closeFuture().join();
    }
    observer.requestStarted(Envelope.builder("quote").id("before").build()); // its requestFailed raced ahead of requestStarted
    observer.closed(reason);
    observer.requestStarted(Envelope.builder("quote").id("after").build()); // a request() racing the close
    assertEquals(0, observer.requestsInFlight());
    List<SpanData> spans = traces.named("request ticker");
    assertEquals(2, spans.size());
    for (SpanData s : spans) assertEquals(SocketClosedException.class.getName(), attr(s, Names.ERROR_TYPE));
    traces.assertAllEnded();
  }

  @Test
  void aRequestFailureNamesTheCauseOfACompletionException() {
    observer.requestStarted(Envelope.builder("quote").id("q1").build());
    observer.requestFailed("q1", new java.util.concurrent.CompletionException(new java.io.IOException("secret detail")), 1);
    SpanData request = traces.only("request ticker");
    assertEquals("java.io.IOException", attr(request, Names.ERROR_TYPE));
    assertEquals("java.io.IOException", request.getStatus().getDescription());
  }

  @Test
  void anOutageBegunByAResumeIsCausedByTheScheduledRetry() {
    observer.reconnectScheduled(3, 5_000_000_000L, new dev.steadysocket.SteadySocketException("server wait"));
    observer.attemptStarted(0, "wss://example.com/...", 3);
    observer.connectionOpened(null, "", 1);
    SpanData reconnect = traces.only("reconnect ticker");
    assertEquals("dev.steadysocket.SteadySocketException", attr(reconnect, Names.ERROR_TYPE));
    assertEquals(1L, attr(reconnect, Names.RECONNECT_ATTEMPTS));
    assertEquals(5.0, reconnect.getEvents().get(0).getAttributes().get(Names.RECONNECT_DELAY));
    assertEquals(reconnect.getSpanId(), traces.only("connect ticker").getParentSpanId());
    traces.assertAllEnded();
  }

  @Test
  void endpointAttributesComeFromTheRedactedUrlOnly() {
    assertEquals(Attributes.builder().put(Names.NETWORK_PROTOCOL_NAME, "websocket").put(Names.URL_SCHEME, "ws")
        .put(Names.SERVER_ADDRESS, "::1").put(Names.SERVER_PORT, 8080L).build(), Endpoint.of("ws://[::1]:8080/..."));
    assertEquals(80L, Endpoint.of("ws://example.com/...").get(Names.SERVER_PORT));
    assertEquals(Attributes.of(Names.NETWORK_PROTOCOL_NAME, "websocket"), Endpoint.of("not a url"));
  }

  @Test
  void aBlankNameIsRefused() {
    assertThrows(IllegalArgumentException.class, () -> SteadySocketTracing.create(traces.sdk, " "));
    assertThrows(NullPointerException.class, () -> SteadySocketTracing.create(traces.sdk, null));
  }

  @Test
  void aNameThatLooksLikeAUrlIsRefusedWithoutEchoingIt() {
    for (String url : List.of("wss://feed.example.com/v1?token=s3cret", "feed.example.com/v1?token=s3cret", "ws://feed")) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SteadySocketTracing.create(traces.sdk, url));
      assertTrue(e.getMessage().contains("\"://\" or \"?\""), e.getMessage());
      assertFalse(e.getMessage().contains("feed") || e.getMessage().contains("s3cret"), "the name is not echoed: " + e.getMessage());
      assertThrows(IllegalArgumentException.class, () -> SteadySocketTracing.builder(traces.sdk, url));
    }
    org.junit.jupiter.api.Assertions.assertDoesNotThrow(() -> SteadySocketTracing.create(traces.sdk, "feed-eu-1 (v2)"));
  }

  @Test
  void spanNamesNeverCarryTheEnvelopesTypeWhichIsAnAttribute() {
    TracingObserver all = new TracingObserver(traces.sdk.getTracer("test"),
        traces.sdk.getPropagators().getTextMapPropagator(), "ticker", ReceiveSpans.ALL, Endpoint.of("wss://feed.example.com/..."));
    for (int i = 0; i < 20; i++) {
      all.messageReceived(Envelope.builder("server-chosen-" + i).build(), 10, 1); // a server can send any type
      all.requestStarted(Envelope.builder("app-" + i).id("r" + i).build());
      all.requestCompleted("r" + i, Envelope.of("reply", null), 1);
    }
    assertEquals(java.util.Set.of("receive ticker", "request ticker"), new java.util.HashSet<>(traces.names()));
    assertEquals("server-chosen-7", attr(traces.named("receive ticker").get(7), Names.ENVELOPE_TYPE));
    assertEquals("app-7", attr(traces.named("request ticker").get(7), Names.ENVELOPE_TYPE));
    traces.assertAllEnded();
  }
}
