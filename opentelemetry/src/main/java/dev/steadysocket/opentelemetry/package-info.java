/**
 * OpenTelemetry tracing for SteadySocket: {@link dev.steadysocket.opentelemetry.SteadySocketTracing}
 * is a {@link dev.steadysocket.SocketObserver.Factory} that records a span per connection attempt,
 * per outage and per {@code request()}, and carries W3C trace context in the envelope's {@code
 * meta}. The span names, attributes and events are listed in the module's README.
 *
 * <p>Depends on {@code opentelemetry-api} only; the application brings the SDK (or the Java agent)
 * and its exporters. Released with client-core, at its version.
 *
 * <p>Null-marked: parameters, results and fields are non-null unless marked {@code @Nullable}.
 * Each type states which threads may call it.
 */
@NullMarked
package dev.steadysocket.opentelemetry;

import org.jspecify.annotations.NullMarked;
