package dev.steadysocket.opentelemetry;

import static dev.steadysocket.opentelemetry.Traces.attr;
import static dev.steadysocket.opentelemetry.Traces.traceparent;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.steadysocket.Envelope;
import dev.steadysocket.SteadySocket;
import dev.steadysocket.testing.FakeServer;
import dev.steadysocket.testing.SteadySocketExtension;
import dev.steadysocket.testing.TestClock;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** A CLIENT span per request, a child of the caller's span, ended once by its reply, timeout or failure. */
@ExtendWith(SteadySocketExtension.class)
class RequestSpansTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(5);
  private static final String SERVER_TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
  private static final String SERVER_SPAN = "00f067aa0ba902b7";

  private final Traces traces = new Traces();

  private SteadySocket connected(FakeServer server, TestClock clock) {
    SteadySocket socket = server.newSocket().observer(traces.factory(SteadySocketTracing.create(traces.sdk, "ticker"))).build();
    socket.connect();
    clock.runUntilIdle();
    return socket;
  }

  /** {@code request} sent inside an application span named "checkout". */
  private CompletableFuture<Envelope> requestInsideCheckout(SteadySocket socket, Span[] checkout) {
    checkout[0] = traces.sdk.getTracer("app").spanBuilder("checkout").startSpan();
    try (Scope ignored = checkout[0].makeCurrent()) {
      return socket.request(Envelope.of("quote", Map.of("symbol", "ACME")), TIMEOUT);
    } finally {
      checkout[0].end();
    }
  }

  @Test
  void theReplyEndsTheRequestSpanAChildOfTheCallersSpanWhoseContextTheServerReceived(FakeServer server, TestClock clock) {
    server.replyTo("quote", request -> Map.of("price", 101.25));
    SteadySocket socket = connected(server, clock);
    try {
      Span[] checkout = new Span[1];
      CompletableFuture<Envelope> reply = requestInsideCheckout(socket, checkout);
      clock.runUntilIdle();
      assertTrue(reply.isDone());

      SpanData request = traces.only("request ticker");
      assertEquals(SpanKind.CLIENT, request.getKind());
      assertEquals(StatusCode.UNSET, request.getStatus().getStatusCode());
      assertEquals(checkout[0].getSpanContext().getSpanId(), request.getParentSpanId(), "a child of the caller's span");
      assertEquals(checkout[0].getSpanContext().getTraceId(), request.getTraceId());
      Envelope received = server.expectReceived("quote");
      assertEquals(traceparent(request), received.metaText("traceparent"), "the request's span, not the caller's, went out");
      assertEquals(received.id(), attr(request, Names.MESSAGING_MESSAGE_ID));
      assertEquals("websocket", attr(request, Names.MESSAGING_SYSTEM));
      assertEquals("send", attr(request, Names.MESSAGING_OPERATION_TYPE));
      assertEquals("request", attr(request, Names.MESSAGING_OPERATION_NAME));
      assertEquals("quote", attr(request, Names.ENVELOPE_TYPE));
      assertEquals("fake-server.steadysocket.test", attr(request, Names.SERVER_ADDRESS));
      assertTrue(request.getLinks().isEmpty(), "the reply carried no context");
      assertEquals(0, traces.observer.get().requestsInFlight());
    } finally {
      socket.close();
    }
    clock.runUntilIdle();
    traces.assertAllEnded();
  }

  @Test
  void aReplyThatCarriesTheServersContextIsLinked(FakeServer server, TestClock clock) {
    server.onMessage("quote", (connection, request) -> connection.sendRaw(
        "{\"type\":\"reply\",\"content\":1,\"meta\":{\"replyTo\":\"" + request.id() + "\","
            + "\"traceparent\":\"00-" + SERVER_TRACE + "-" + SERVER_SPAN + "-01\"}}"));
    SteadySocket socket = connected(server, clock);
    try {
      CompletableFuture<Envelope> reply = socket.request(Envelope.of("quote", null), TIMEOUT);
      clock.runUntilIdle();
      assertTrue(reply.isDone());
      SpanData request = traces.only("request ticker");
      assertEquals(1, request.getLinks().size());
      assertEquals(SERVER_TRACE, request.getLinks().get(0).getSpanContext().getTraceId());
      assertEquals(SERVER_SPAN, request.getLinks().get(0).getSpanContext().getSpanId());
      assertTrue(request.getLinks().get(0).getSpanContext().isRemote());
    } finally {
      socket.close();
    }
    clock.runUntilIdle();
    traces.assertAllEnded();
  }

  @Test
  void aTimeoutEndsTheSpanAsAnError(FakeServer server, TestClock clock) {
    SteadySocket socket = connected(server, clock); // no rule for "quote": no reply
    try {
      CompletableFuture<Envelope> reply = socket.request(Envelope.of("quote", null), TIMEOUT);
      clock.advanceBy(TIMEOUT.minusMillis(1));
      assertTrue(traces.named("request ticker").isEmpty(), "open until the timeout");
      assertEquals(1, traces.observer.get().requestsInFlight());
      clock.advanceBy(Duration.ofMillis(1));
      assertTrue(reply.isCompletedExceptionally());

      SpanData request = traces.only("request ticker");
      assertEquals(StatusCode.ERROR, request.getStatus().getStatusCode());
      assertEquals("timeout", attr(request, Names.ERROR_TYPE));
      assertEquals(0, traces.observer.get().requestsInFlight());

      server.replyTo("quote", r -> "late"); // a later request is answered: its own span, not the old one
      socket.request(Envelope.of("quote", null), TIMEOUT);
      clock.runUntilIdle();
      List<SpanData> requests = traces.named("request ticker");
      assertEquals(2, requests.size());
      assertEquals(StatusCode.UNSET, requests.get(1).getStatus().getStatusCode());
    } finally {
      socket.close();
    }
    clock.runUntilIdle();
    traces.assertAllEnded();
  }

  @Test
  void aLostConnectionFailsTheSpanWithItsError(FakeServer server, TestClock clock) {
    SteadySocket socket = connected(server, clock);
    try {
      CompletableFuture<Envelope> reply = socket.request(Envelope.of("quote", null), TIMEOUT);
      clock.runUntilIdle();
      server.connection().close(4001, "bye");
      clock.runUntilIdle();
      assertTrue(reply.isCompletedExceptionally());

      SpanData request = traces.only("request ticker");
      assertEquals(StatusCode.ERROR, request.getStatus().getStatusCode());
      assertEquals("dev.steadysocket.ConnectionLostException", attr(request, Names.ERROR_TYPE));
      clock.advanceBy(TIMEOUT); // its timeout, cancelled, ends nothing twice
      assertEquals(1, traces.named("request ticker").size());
    } finally {
      socket.close();
    }
    clock.runUntilIdle();
    traces.assertAllEnded();
  }

  @Test
  void closingFailsTheRequestsInFlightAndThoseStartedAfter(FakeServer server, TestClock clock) {
    SteadySocket socket = connected(server, clock);
    CompletableFuture<Envelope> first = socket.request(Envelope.of("quote", null), TIMEOUT);
    CompletableFuture<Envelope> second = socket.request(Envelope.of("quote", null), TIMEOUT);
    clock.runUntilIdle();
    assertEquals(2, traces.observer.get().requestsInFlight());
    socket.close();
    clock.runUntilIdle();
    assertTrue(first.isCompletedExceptionally() && second.isCompletedExceptionally());
    CompletableFuture<Envelope> late = socket.request(Envelope.of("quote", null), TIMEOUT);
    clock.runUntilIdle();
    assertTrue(late.isCompletedExceptionally());

    List<SpanData> requests = traces.named("request ticker");
    assertEquals(3, requests.size());
    for (SpanData r : requests) {
      assertEquals(StatusCode.ERROR, r.getStatus().getStatusCode());
      assertEquals("dev.steadysocket.SocketClosedException", attr(r, Names.ERROR_TYPE));
    }
    assertEquals(0, traces.observer.get().requestsInFlight());
    traces.assertAllEnded();
  }

  @Test
  void aRequestWithoutAnAmbientSpanIsARoot(FakeServer server, TestClock clock) {
    server.replyTo("quote", request -> 1);
    SteadySocket socket = connected(server, clock);
    try {
      socket.request(Envelope.of("quote", null), TIMEOUT);
      clock.runUntilIdle();
      SpanData request = traces.only("request ticker");
      assertFalse(request.getParentSpanContext().isValid());
      assertEquals(traceparent(request), server.expectReceived("quote").metaText("traceparent"));
    } finally {
      socket.close();
    }
    clock.runUntilIdle();
    traces.assertAllEnded();
  }
}
