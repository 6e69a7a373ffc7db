package dev.steadysocket.opentelemetry.example;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.steadysocket.SteadySocket;
import dev.steadysocket.testing.FakeServer;
import dev.steadysocket.testing.SteadySocketExtension;
import dev.steadysocket.testing.TestClock;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Scope;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(SteadySocketExtension.class)
class PriceDeskTest {
  private final InMemorySpanExporter spans = InMemorySpanExporter.create();
  private final OpenTelemetrySdk openTelemetry = OpenTelemetrySdk.builder()
      .setTracerProvider(SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(spans)).build())
      .setPropagators(ContextPropagators.create(W3CTraceContextPropagator.getInstance()))
      .build();

  @Test
  void aQuoteJoinsTheCallersTraceAndAFillContinuesTheServers(FakeServer server, TestClock clock) {
    server.replyTo("quote", request -> Map.of("price", 101.25));
    try (PriceDesk desk = new PriceDesk(server.wire(SteadySocket.builder("wss://prices.example.com/v1?token=secret")), openTelemetry)) {
      desk.start();
      clock.runUntilIdle();

      Span checkout = openTelemetry.getTracer("test").spanBuilder("checkout").startSpan();
      CompletableFuture<Double> price;
      try (Scope ignored = checkout.makeCurrent()) {
        price = desk.quote("ACME");
      } finally {
        checkout.end();
      }
      clock.runUntilIdle();
      assertEquals(101.25, price.join());
      SpanData request = only("request prices");
      assertEquals(checkout.getSpanContext().getSpanId(), request.getParentSpanId());
      assertEquals("00-" + request.getTraceId() + "-" + request.getSpanId() + "-" + request.getSpanContext().getTraceFlags().asHex(),
          server.expectReceived("quote").metaText("traceparent"), "the server received the request's span");

      server.connection().sendRaw("{\"type\":\"fill\",\"content\":{\"order\":\"o-7\"},"
          + "\"meta\":{\"traceparent\":\"00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01\"}}");
      clock.runUntilIdle();
      assertEquals(List.of("o-7"), desk.fills());
      SpanData booked = only("book fill");
      assertEquals("4bf92f3577b34da6a3ce929d0e0e4736", booked.getTraceId());
      assertEquals("00f067aa0ba902b7", booked.getParentSpanId());
    }
    clock.runUntilIdle();
    assertEquals(List.of("connect prices", "checkout", "request prices", "book fill"),
        spans.getFinishedSpanItems().stream().map(SpanData::getName).collect(Collectors.toList()));
    assertEquals("prices.example.com", only("connect prices").getAttributes().get(
        io.opentelemetry.api.common.AttributeKey.stringKey("server.address")));
  }

  private SpanData only(String name) {
    List<SpanData> found = spans.getFinishedSpanItems().stream().filter(s -> s.getName().equals(name)).collect(Collectors.toList());
    assertEquals(1, found.size(), name);
    return found.get(0);
  }
}
