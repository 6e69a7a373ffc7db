package dev.steadysocket.bench.peers;

import dev.steadysocket.SocketObserver;
import dev.steadysocket.micrometer.SteadySocketMeters;
import dev.steadysocket.opentelemetry.SteadySocketTracing;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.util.Collection;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The observability modules as an application would install them, one registry and one SDK for
 * the whole benchmark JVM (as an application has one), created on first use.
 *
 * <ul>
 *   <li>micrometer: {@code SteadySocketMeters.bindTo(registry, "bench")} on a {@link
 *       SimpleMeterRegistry} (cumulative counters and timers, no histogram);
 *   <li>opentelemetry: {@code SteadySocketTracing.create(sdk, "bench")} on the SDK with the W3C
 *       propagator, the default sampler (every root sampled) and a {@link BatchSpanProcessor}
 *       (what the SDK's autoconfiguration installs) whose exporter drops the spans after counting
 *       them: the spans are built and handed off, nothing leaves the process. Sends happen outside
 *       any span, so no {@code traceparent} is added (an untraced send); receive spans are off by
 *       default, and on for every envelope in {@code +otel-receive} ({@code ReceiveSpans.ALL}).
 * </ul>
 */
final class ModuleObservers {
  private ModuleObservers() {}

  /** Spans the exporter was handed (read by nothing: it keeps the export from being optimised away). */
  static final AtomicLong EXPORTED = new AtomicLong();

  private static final class Lazy {
    static final SimpleMeterRegistry REGISTRY = new SimpleMeterRegistry();
    static final SteadySocketMeters METERS = SteadySocketMeters.bindTo(REGISTRY, "bench");
    static final OpenTelemetrySdk SDK = OpenTelemetrySdk.builder()
        .setTracerProvider(SdkTracerProvider.builder()
            .addSpanProcessor(BatchSpanProcessor.builder(new DroppingExporter()).build())
            .build())
        .setPropagators(ContextPropagators.create(W3CTraceContextPropagator.getInstance()))
        .build();
    static final SteadySocketTracing TRACING = SteadySocketTracing.create(SDK, "bench");
    static final SteadySocketTracing TRACING_RECEIVE =
        SteadySocketTracing.builder(SDK, "bench").receiveSpans(SteadySocketTracing.ReceiveSpans.ALL).build();
  }

  static SocketObserver.Factory micrometer() {
    return Lazy.METERS;
  }

  static SocketObserver.Factory otel() {
    return Lazy.TRACING;
  }

  static SocketObserver.Factory otelReceiveSpans() {
    return Lazy.TRACING_RECEIVE;
  }

  /** Counts what it is given and drops it. */
  private static final class DroppingExporter implements SpanExporter {
    @Override
    public CompletableResultCode export(Collection<SpanData> spans) {
      EXPORTED.addAndGet(spans.size());
      return CompletableResultCode.ofSuccess();
    }

    @Override
    public CompletableResultCode flush() {
      return CompletableResultCode.ofSuccess();
    }

    @Override
    public CompletableResultCode shutdown() {
      return CompletableResultCode.ofSuccess();
    }
  }
}
