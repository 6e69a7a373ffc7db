package dev.steadysocket.opentelemetry.example;

import dev.steadysocket.Envelope;
import dev.steadysocket.SteadySocket;
import dev.steadysocket.SteadySocketBuilder;
import dev.steadysocket.SteadySocketListener;
import dev.steadysocket.opentelemetry.SteadySocketTracing;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Scope;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The app's price desk, traced: a quote is a request inside the caller's trace, and a fill the
 * server pushes is booked in a span that continues the server's trace.
 */
public final class PriceDesk implements AutoCloseable {
  private final SteadySocketTracing tracing;
  private final Tracer tracer;
  private final SteadySocket socket;
  private final List<String> fills = new CopyOnWriteArrayList<>();

  /**
   * @param builder the app's socket settings, {@code SteadySocket.builder(url)…}
   * @param openTelemetry the app's OpenTelemetry (the SDK it configured, or the agent's)
   */
  public PriceDesk(SteadySocketBuilder builder, OpenTelemetry openTelemetry) {
    this.tracing = SteadySocketTracing.create(openTelemetry, "prices");
    this.tracer = openTelemetry.getTracer("com.example.prices");
    this.socket = builder.observer(tracing).listener(new SteadySocketListener() {
      @Override
      public void onMessage(Envelope envelope) {
        if (envelope.type().equals("fill")) book(envelope);
      }
    }).build();
  }

  public void start() {
    socket.connect();
  }

  /** The price of {@code symbol}; its request span is a child of the caller's current span. */
  public CompletableFuture<Double> quote(String symbol) {
    return socket.request(Envelope.of("quote", Map.of("symbol", symbol)), Duration.ofSeconds(5))
        .thenApply(reply -> reply.content().path("price").asDouble());
  }

  /** The orders filled so far. */
  public List<String> fills() {
    return fills;
  }

  /** Books a fill in a span whose parent is the server's span, carried in the fill's meta. */
  private void book(Envelope fill) {
    Span span = tracer.spanBuilder("book fill").setParent(tracing.extract(fill)).startSpan();
    try (Scope ignored = span.makeCurrent()) {
      fills.add(fill.content().path("order").asText());
    } finally {
      span.end();
    }
  }

  @Override
  public void close() {
    socket.close();
  }
}
