package dev.steadysocket.opentelemetry;

import static dev.steadysocket.opentelemetry.Traces.attr;
import static dev.steadysocket.opentelemetry.Traces.event;
import static dev.steadysocket.opentelemetry.Traces.eventNames;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.steadysocket.Backoff;
import dev.steadysocket.ConnectionState;
import dev.steadysocket.Heartbeat;
import dev.steadysocket.SteadySocket;
import dev.steadysocket.testing.FakeServer;
import dev.steadysocket.testing.SteadySocketExtension;
import dev.steadysocket.testing.TestClock;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The connection's spans: one per attempt, one per outage, on the kit's virtual clock. */
@ExtendWith(SteadySocketExtension.class)
class AttemptSpansTest {
  private static final Backoff ONE_TWO_FOUR = Backoff.exponential(Duration.ofSeconds(1), Duration.ofSeconds(30)).withoutJitter();

  private final Traces traces = new Traces();

  private SteadySocket socket(FakeServer server) {
    return server.wire(SteadySocket.builder("wss://feed.example.com:8443/v1/feed"))
        .backoff(ONE_TWO_FOUR)
        .observer(SteadySocketTracing.create(traces.sdk, "ticker"))
        .build();
  }

  @Test
  void anAttemptThatOpensIsOneClientSpanNamingTheServer(FakeServer server, TestClock clock) {
    SteadySocket socket = socket(server);
    try {
      socket.connect();
      clock.runUntilIdle();
      SpanData connect = traces.only("connect ticker");
      assertEquals(SpanKind.CLIENT, connect.getKind());
      assertEquals(StatusCode.UNSET, connect.getStatus().getStatusCode(), "success is left UNSET, as the spec asks");
      assertFalse(connect.getParentSpanContext().isValid(), "a root span");
      assertEquals("websocket", attr(connect, Names.NETWORK_PROTOCOL_NAME));
      assertEquals("feed.example.com", attr(connect, Names.SERVER_ADDRESS));
      assertEquals(8443L, attr(connect, Names.SERVER_PORT));
      assertEquals("wss", attr(connect, Names.URL_SCHEME));
      assertEquals("ticker", attr(connect, Names.NAME));
      assertEquals(0L, attr(connect, Names.URL_INDEX));
      assertEquals(1L, attr(connect, Names.ATTEMPT));
      assertEquals(101L, attr(connect, Names.HTTP_RESPONSE_STATUS_CODE));
      assertEquals("open", attr(connect, Names.CONNECT_OUTCOME));
      assertNull(attr(connect, Names.ERROR_TYPE));
      assertEquals(List.of("connect ticker"), traces.names(), "no outage span while healthy");
    } finally {
      socket.close();
    }
    clock.runUntilIdle();
    traces.assertAllEnded();
  }

  @Test
  void rejectedAttemptsAreErrorSpansInsideOneOutageSpan(FakeServer server, TestClock clock) {
    server.rejectNextHandshakes(2, 503, null);
    SteadySocket socket = socket(server);
    try {
      socket.connect();
      clock.advanceUntil(() -> socket.state() == ConnectionState.OPEN, Duration.ofMinutes(1));

      List<SpanData> attempts = traces.named("connect ticker");
      assertEquals(3, attempts.size(), traces.names()::toString);
      SpanData reconnect = traces.only("reconnect ticker");
      for (int i = 0; i < 2; i++) {
        SpanData failed = attempts.get(i);
        assertEquals(StatusCode.ERROR, failed.getStatus().getStatusCode());
        assertEquals("handshake_rejected 503", failed.getStatus().getDescription());
        assertEquals(503L, attr(failed, Names.HTTP_RESPONSE_STATUS_CODE));
        assertEquals("handshake_rejected", attr(failed, Names.DISCONNECT_KIND));
        assertEquals("dev.steadysocket.HandshakeException", attr(failed, Names.ERROR_TYPE));
        assertEquals("failed", attr(failed, Names.CONNECT_OUTCOME));
      }
      assertEquals("open", attr(attempts.get(2), Names.CONNECT_OUTCOME));
      assertEquals(1L, attr(attempts.get(0), Names.ATTEMPT));

      // The outage began with the first failure: the first attempt is a root, the retries its children.
      assertFalse(attempts.get(0).getParentSpanContext().isValid());
      assertEquals(reconnect.getSpanId(), attempts.get(1).getParentSpanId());
      assertEquals(reconnect.getSpanId(), attempts.get(2).getParentSpanId());
      assertEquals(reconnect.getTraceId(), attempts.get(2).getTraceId());

      assertEquals(SpanKind.INTERNAL, reconnect.getKind());
      assertEquals(StatusCode.UNSET, reconnect.getStatus().getStatusCode());
      assertEquals("recovered", attr(reconnect, Names.RECONNECT_OUTCOME));
      assertEquals(2L, attr(reconnect, Names.RECONNECT_ATTEMPTS));
      assertEquals("handshake_rejected", attr(reconnect, Names.DISCONNECT_KIND));
      assertEquals("dev.steadysocket.HandshakeException", attr(reconnect, Names.ERROR_TYPE));
      assertEquals(List.of(Names.RECONNECT_SCHEDULED, Names.RECONNECT_SCHEDULED), eventNames(reconnect));
      for (int i = 0; i < 2; i++) { // each retry is numbered as its reconnect_scheduled event said
        assertEquals(reconnect.getEvents().get(i).getAttributes().get(Names.ATTEMPT), attr(attempts.get(i + 1), Names.ATTEMPT));
      }
      assertEquals(1.0, reconnect.getEvents().get(0).getAttributes().get(Names.RECONNECT_DELAY));
      assertEquals(2.0, reconnect.getEvents().get(1).getAttributes().get(Names.RECONNECT_DELAY));
      assertEquals("dev.steadysocket.HandshakeException",
          reconnect.getEvents().get(1).getAttributes().get(Names.ERROR_TYPE));
    } finally {
      socket.close();
    }
    clock.runUntilIdle();
    traces.assertAllEnded();
  }

  @Test
  void aConnectionTheServerClosesBeginsAnOutageThatSaysHowLongItWasUp(FakeServer server, TestClock clock) {
    SteadySocket socket = socket(server);
    try {
      socket.connect();
      clock.runUntilIdle();
      clock.advanceBy(Duration.ofSeconds(90));
      server.connection().close(4001, "going away for a bit");
      clock.advanceUntil(() -> traces.named("connect ticker").size() == 2, Duration.ofMinutes(1));

      SpanData reconnect = traces.only("reconnect ticker");
      assertEquals("closed_by_server", attr(reconnect, Names.DISCONNECT_KIND));
      assertEquals(4001L, attr(reconnect, Names.CLOSE_CODE));
      assertEquals(90.0, attr(reconnect, Names.CONNECTION_DURATION));
      assertEquals("recovered", attr(reconnect, Names.RECONNECT_OUTCOME));
      assertEquals(1L, attr(reconnect, Names.RECONNECT_ATTEMPTS));
      assertEquals(List.of(Names.RECONNECT_SCHEDULED), eventNames(reconnect));
      SpanData second = traces.named("connect ticker").get(1);
      assertEquals(reconnect.getSpanId(), second.getParentSpanId());
      assertEquals(1L, attr(second, Names.ATTEMPT), "the first attempt after a drop is attempt 1 again");
    } finally {
      socket.close();
    }
    clock.runUntilIdle();
    traces.assertAllEnded();
  }

  @Test
  void aDeadLinkIsAnEventOnTheOutageItBegins(FakeServer server, TestClock clock) {
    SteadySocket socket = server.wire(SteadySocket.builder("wss://feed.example.com/v1/feed"))
        .heartbeat(Heartbeat.every(Duration.ofSeconds(30)).withTimeout(Duration.ofSeconds(10)))
        .observer(SteadySocketTracing.create(traces.sdk, "ticker"))
        .build();
    try {
      socket.connect();
      clock.runUntilIdle();
      server.connection().goHalfOpen();
      clock.advanceUntil(() -> !traces.named("reconnect ticker").isEmpty() || socket.state() == ConnectionState.RECONNECTING,
          Duration.ofMinutes(2));
      server.restore();
      clock.advanceUntil(() -> socket.state() == ConnectionState.OPEN, Duration.ofMinutes(1));

      SpanData reconnect = traces.only("reconnect ticker");
      assertEquals(List.of(Names.DEAD_LINK, Names.RECONNECT_SCHEDULED), eventNames(reconnect));
      assertEquals(10.0, event(reconnect, Names.DEAD_LINK).getAttributes().get(Names.DEAD_LINK_SILENCE));
      assertEquals("dead_link", attr(reconnect, Names.DISCONNECT_KIND));
      assertEquals("dev.steadysocket.DeadLinkException", attr(reconnect, Names.ERROR_TYPE));
      assertEquals(443L, attr(reconnect, Names.SERVER_PORT), "wss's default port");
    } finally {
      socket.close();
    }
    clock.runUntilIdle();
    traces.assertAllEnded();
  }

  @Test
  void closingEndsTheAttemptInProgressAsCancelled(FakeServer server, TestClock clock) {
    SteadySocket socket = socket(server);
    socket.connect();
    socket.close(); // both run in the same turn of the loop: the attempt starts, then the close ends it
    clock.runUntilIdle();
    SpanData connect = traces.only("connect ticker");
    assertEquals("cancelled", attr(connect, Names.CONNECT_OUTCOME));
    assertEquals(StatusCode.UNSET, connect.getStatus().getStatusCode());
    traces.assertAllEnded();
  }

  @Test
  void closingDuringAnOutageEndsIt(FakeServer server, TestClock clock) {
    SteadySocket socket = socket(server);
    socket.connect();
    clock.runUntilIdle();
    server.refuseConnections();
    clock.advanceBy(Duration.ofSeconds(4)); // attempts at 1 and 3 s, refused
    socket.close();
    clock.runUntilIdle();
    SpanData reconnect = traces.only("reconnect ticker");
    assertEquals("closed", attr(reconnect, Names.RECONNECT_OUTCOME));
    assertEquals(2L, attr(reconnect, Names.RECONNECT_ATTEMPTS));
    assertEquals(StatusCode.UNSET, reconnect.getStatus().getStatusCode(), "the application closed it");
    assertEquals(3, traces.named("connect ticker").size());
    traces.assertAllEnded();
  }

  @Test
  void aSocketThatGivesUpEndsItsOutageWithTheErrorThatEndedIt(FakeServer server, TestClock clock) {
    server.rejectNextHandshakes(1, 401, null); // no token provider: the socket stops
    SteadySocket socket = socket(server);
    socket.connect();
    clock.runUntilIdle();
    assertEquals(ConnectionState.CLOSED, socket.state());
    SpanData connect = traces.only("connect ticker");
    assertEquals(401L, attr(connect, Names.HTTP_RESPONSE_STATUS_CODE));
    assertEquals("dev.steadysocket.AuthenticationException", attr(connect, Names.ERROR_TYPE));
    SpanData reconnect = traces.only("reconnect ticker");
    assertEquals(StatusCode.ERROR, reconnect.getStatus().getStatusCode());
    assertEquals("closed", attr(reconnect, Names.RECONNECT_OUTCOME));
    assertEquals(0L, attr(reconnect, Names.RECONNECT_ATTEMPTS));
    assertEquals("dev.steadysocket.AuthenticationException", attr(reconnect, Names.ERROR_TYPE));
    traces.assertAllEnded();
  }

  @Test
  void aPauseEndsTheOutageAndTheResumeStartsAfresh(FakeServer server, TestClock clock) {
    SteadySocket socket = socket(server);
    try {
      socket.connect();
      clock.runUntilIdle();
      server.refuseConnections();
      clock.advanceBy(Duration.ofSeconds(2));
      socket.pause("background");
      clock.runUntilIdle();
      SpanData outage = traces.only("reconnect ticker");
      assertEquals("paused", attr(outage, Names.RECONNECT_OUTCOME));
      traces.assertAllEnded();

      server.restore();
      socket.resume("background");
      clock.runUntilIdle();
      assertEquals(ConnectionState.OPEN, socket.state());
      SpanData last = traces.named("connect ticker").get(traces.named("connect ticker").size() - 1);
      assertFalse(last.getParentSpanContext().isValid(), "no outage: the pause ended it");
      assertEquals("open", attr(last, Names.CONNECT_OUTCOME));
    } finally {
      socket.close();
    }
    clock.runUntilIdle();
    traces.assertAllEnded();
  }

  @Test
  void replaceConnectionIsANewAttemptWithoutAnOutage(FakeServer server, TestClock clock) {
    SteadySocket socket = socket(server);
    try {
      socket.connect();
      clock.runUntilIdle();
      socket.replaceConnection();
      clock.runUntilIdle();
      assertEquals(2, traces.named("connect ticker").size());
      assertTrue(traces.named("reconnect ticker").isEmpty());
    } finally {
      socket.close();
    }
    clock.runUntilIdle();
    traces.assertAllEnded();
  }
}
