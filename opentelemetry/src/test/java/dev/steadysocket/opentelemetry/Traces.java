package dev.steadysocket.opentelemetry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import dev.steadysocket.SocketObserver;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.ReadWriteSpan;
import io.opentelemetry.sdk.trace.ReadableSpan;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.SpanProcessor;
import io.opentelemetry.sdk.trace.data.EventData;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;

/**
 * The OpenTelemetry SDK for one test: spans exported in memory as they end, W3C trace context, and a
 * record of every span started and not yet ended, for {@link #assertAllEnded()}.
 */
final class Traces {
  final InMemorySpanExporter exporter = InMemorySpanExporter.create();
  final OpenTelemetrySdk sdk;
  private final Map<String, ReadableSpan> open = new ConcurrentHashMap<>();
  /** The last observer a {@link #factory} made, to look inside it. */
  final AtomicReference<TracingObserver> observer = new AtomicReference<>();

  Traces() {
    SpanProcessor openSpans = new SpanProcessor() {
      @Override
      public void onStart(Context parent, ReadWriteSpan span) {
        open.put(span.getSpanContext().getSpanId(), span);
      }

      @Override
      public boolean isStartRequired() {
        return true;
      }

      @Override
      public void onEnd(ReadableSpan span) {
        open.remove(span.getSpanContext().getSpanId());
      }

      @Override
      public boolean isEndRequired() {
        return true;
      }
    };
    sdk = OpenTelemetrySdk.builder()
        .setTracerProvider(SdkTracerProvider.builder()
            .addSpanProcessor(openSpans)
            .addSpanProcessor(SimpleSpanProcessor.create(exporter))
            .build())
        .setPropagators(ContextPropagators.create(W3CTraceContextPropagator.getInstance()))
        .build();
  }

  /** {@code tracing} as a factory that keeps the observer it makes in {@link #observer}. */
  SocketObserver.Factory factory(SteadySocketTracing tracing) {
    return socket -> {
      TracingObserver o = (TracingObserver) tracing.create(socket);
      observer.set(o);
      return o;
    };
  }

  List<SpanData> spans() {
    return exporter.getFinishedSpanItems();
  }

  List<SpanData> named(String name) {
    return spans().stream().filter(s -> s.getName().equals(name)).collect(Collectors.toList());
  }

  SpanData only(String name) {
    List<SpanData> found = named(name);
    assertEquals(1, found.size(), () -> "spans named " + name + " in " + names());
    return found.get(0);
  }

  List<String> names() {
    return spans().stream().map(SpanData::getName).collect(Collectors.toList());
  }

  /** Fails, naming them, if spans were started and not ended. */
  void assertAllEnded() {
    if (!open.isEmpty()) {
      List<String> names = new ArrayList<>();
      for (ReadableSpan s : open.values()) names.add(s.getName());
      fail("spans started and never ended: " + names);
    }
  }

  static <T> T attr(SpanData span, AttributeKey<T> key) {
    return span.getAttributes().get(key);
  }

  static List<String> eventNames(SpanData span) {
    return span.getEvents().stream().map(EventData::getName).collect(Collectors.toList());
  }

  static EventData event(SpanData span, String name) {
    return span.getEvents().stream().filter(e -> e.getName().equals(name)).findFirst()
        .orElseThrow(() -> new AssertionError("no event " + name + " on " + span.getName() + ": " + eventNames(span)));
  }

  /** The W3C traceparent of {@code span}: its trace, its id, its flags (sampled, and random since the SDK's 1.6x). */
  static String traceparent(SpanData span) {
    return "00-" + span.getTraceId() + "-" + span.getSpanId() + "-" + span.getSpanContext().getTraceFlags().asHex();
  }
}
