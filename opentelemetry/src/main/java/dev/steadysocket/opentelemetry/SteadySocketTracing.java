package dev.steadysocket.opentelemetry;

import dev.steadysocket.Envelope;
import dev.steadysocket.SocketObserver;
import dev.steadysocket.SteadySocket;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.TracerBuilder;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapPropagator;
import java.util.Objects;

/**
 * Traces SteadySocket sockets with OpenTelemetry. Install it on a socket's builder:
 *
 * <pre>{@code
 * SteadySocket socket = SteadySocket.builder(url)
 *     .observer(SteadySocketTracing.create(openTelemetry, "ticker"))
 *     .build();
 * }</pre>
 *
 * <p>What it records, per socket (names, attributes and events: the module's README):
 *
 * <ul>
 *   <li>a {@code connect <name>} span (CLIENT) per connection attempt, with an event per phase
 *       SteadySocket timed (DNS, TCP connect, TLS, upgrade), the handshake's HTTP status, and the
 *       failure's kind and error type;
 *   <li>a {@code reconnect <name>} span (INTERNAL) per outage, from the failure that began it to the
 *       connection that ended it (or the pause or close), parent of the outage's attempts, with an
 *       event per reconnect scheduled and for the dead link that began it;
 *   <li>a {@code request <name>} span (CLIENT) per {@link SteadySocket#request}, a child of the
 *       caller's current span, ended by the reply, the timeout or the failure, and linked to the
 *       server's span when the reply carries one; the envelope's type is its {@code
 *       websocket.envelope.type} attribute, never part of the name;
 *   <li>W3C trace context ({@code traceparent}, {@code tracestate}) in the {@code meta} of every
 *       envelope sent with {@code send} or {@code request}: the request's span, or the sending
 *       thread's current span; an envelope that already has a {@code traceparent} keeps it;
 *   <li>optionally, a {@code receive <name>} span (CONSUMER) per received envelope: see {@link
 *       ReceiveSpans}. By default none; {@link #extract(Envelope)} gives a handler the context a
 *       received envelope carries.
 * </ul>
 *
 * <p>Span names are fixed per socket ({@code <operation> <name>}, as OpenTelemetry's messaging
 * conventions name spans {@code <operation> <destination>}): never an envelope's type, which the
 * server chooses for what it sends, so span names stay few whatever it sends.
 *
 * <p>Attributes name the server by host and port only ({@code server.address}, {@code
 * server.port}), from {@link SteadySocket#redactedUrl()}: never a URL's path, query or user info,
 * which often carry tokens, and never an exception's message.
 *
 * <p><b>Threading.</b> Immutable and thread-safe; one instance may serve any number of sockets
 * (each gets its own observer from {@link #create(SteadySocket)}). The observers run synchronously
 * on SteadySocket's threads; they never block, hold no lock while calling OpenTelemetry, and never
 * throw (a failure, such as a propagator that throws, is logged once and the event skipped). Their
 * cost is that of the spans they start: give the tracer provider a batching span processor, as the
 * SDK's autoconfiguration does, not one that exports on the calling thread.
 */
public final class SteadySocketTracing implements SocketObserver.Factory {
  /** The instrumentation scope: this module's name. */
  static final String SCOPE = "dev.steadysocket.opentelemetry";

  /**
   * Which received envelopes get a {@code receive <name>} span. A span per message costs a
   * microsecond or two on the thread that decodes frames, plus its export; on a feed of 100,000
   * messages a second that is a tenth to a fifth of a core and 100,000 spans a second for the trace
   * backend, so the default is {@link #NONE}.
   */
  public enum ReceiveSpans {
    /** None: received envelopes cost nothing. {@link #extract(Envelope)} is there for handlers. */
    NONE,
    /**
     * Only envelopes whose {@code meta} carries a trace context (the server traced them): a
     * CONSUMER span whose parent is the server's span, sampled as the tracer provider's sampler
     * decides for that parent. Other envelopes cost a look-up in their {@code meta}.
     */
    TRACED,
    /**
     * Every envelope: a CONSUMER span, a child of the server's span when the envelope carries one,
     * else the root of a new trace. Budget for its cost before using it on a busy feed.
     */
    ALL
  }

  private final Tracer tracer;
  private final TextMapPropagator propagator;
  private final String name;
  private final ReceiveSpans receiveSpans;

  private SteadySocketTracing(Builder b) {
    TracerBuilder tracers = b.openTelemetry.tracerBuilder(SCOPE);
    String version = SteadySocketTracing.class.getPackage().getImplementationVersion();
    if (version != null) tracers.setInstrumentationVersion(version);
    this.tracer = tracers.build();
    this.propagator = b.openTelemetry.getPropagators().getTextMapPropagator();
    this.name = b.name;
    this.receiveSpans = b.receiveSpans;
  }

  /**
   * Tracing with the defaults: no receive spans ({@link ReceiveSpans#NONE}).
   *
   * @param openTelemetry where spans go, and whose {@code getPropagators().getTextMapPropagator()}
   *     writes and reads the context in {@code meta}
   * @param name the socket's name in span names and in the {@code websocket.name} attribute, such
   *     as {@code "ticker"}: a short constant chosen by the application (low cardinality), never a
   *     URL (a name containing {@code ://} or {@code ?} is refused)
   * @return a factory to pass to {@link dev.steadysocket.SteadySocketBuilder#observer}
   * @throws IllegalArgumentException if {@code name} is empty or blank, or contains {@code ://} or
   *     {@code ?} (a URL, whose query may hold a token)
   */
  public static SteadySocketTracing create(OpenTelemetry openTelemetry, String name) {
    return builder(openTelemetry, name).build();
  }

  /**
   * A builder, for settings other than the defaults.
   *
   * @param openTelemetry where spans go, and whose text-map propagator carries the context
   * @param name the socket's name in span names and attributes; see {@link #create(OpenTelemetry,
   *     String)}
   * @return a new builder, not thread-safe
   * @throws IllegalArgumentException as {@link #create(OpenTelemetry, String)}
   */
  public static Builder builder(OpenTelemetry openTelemetry, String name) {
    return new Builder(openTelemetry, name);
  }

  /**
   * The observer of one socket. Called by {@link dev.steadysocket.SteadySocketBuilder#build()}.
   *
   * @param socket the socket being built; only its {@link SteadySocket#redactedUrl()} is read, for
   *     {@code server.address} and {@code server.port}
   * @return a new observer for {@code socket}
   */
  @Override
  public SocketObserver create(SteadySocket socket) {
    return new TracingObserver(tracer, propagator, name, receiveSpans, Endpoint.of(socket.redactedUrl()));
  }

  /**
   * The trace context a received envelope carries in its {@code meta}, read with the configured
   * propagator, on top of the calling thread's current context. For a handler that wants its own
   * work to continue the server's trace:
   *
   * <pre>{@code
   * try (Scope scope = tracing.extract(envelope).makeCurrent()) {
   *   Span span = tracer.spanBuilder("apply fill").startSpan();   // a child of the server's span
   *   …
   * }
   * }</pre>
   *
   * Any thread.
   *
   * @param envelope a received envelope (or any envelope)
   * @return the current context with the envelope's remote span (and what else the propagator reads)
   *     added; the current context unchanged if it carries none or the propagator fails
   */
  public Context extract(Envelope envelope) {
    return Meta.extract(propagator, Context.current(), envelope);
  }

  @Override
  public String toString() {
    return "SteadySocketTracing{" + name + ", receiveSpans=" + receiveSpans + "}";
  }

  /** Settings for {@link SteadySocketTracing}. Not thread-safe; every setter returns this builder. */
  public static final class Builder {
    private final OpenTelemetry openTelemetry;
    private final String name;
    private ReceiveSpans receiveSpans = ReceiveSpans.NONE;

    private Builder(OpenTelemetry openTelemetry, String name) {
      this.openTelemetry = Objects.requireNonNull(openTelemetry, "openTelemetry == null");
      Objects.requireNonNull(name, "name == null");
      if (name.trim().isEmpty()) throw new IllegalArgumentException("name is blank");
      if (name.contains("://") || name.indexOf('?') >= 0) {
        // The name is not echoed: it may be a URL with a token in it.
        throw new IllegalArgumentException("name contains \"://\" or \"?\": it looks like a URL (name the socket, do not trace it under its URL)");
      }
      this.name = name;
    }

    /**
     * Which received envelopes get a span. Default {@link ReceiveSpans#NONE}.
     *
     * @param receiveSpans none, the traced ones, or all of them
     * @return this builder
     */
    public Builder receiveSpans(ReceiveSpans receiveSpans) {
      this.receiveSpans = Objects.requireNonNull(receiveSpans, "receiveSpans == null");
      return this;
    }

    /**
     * Builds the factory.
     *
     * @return a new immutable factory; the builder may be reused
     */
    public SteadySocketTracing build() {
      return new SteadySocketTracing(this);
    }
  }
}
