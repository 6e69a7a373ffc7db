package dev.steadysocket.opentelemetry;

import dev.steadysocket.Envelope;
import dev.steadysocket.SocketClosedException;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapPropagator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * One socket's request spans, by request id: a {@code request <name>} span from {@link #started} to
 * the one end ({@link #completed}, {@link #timedOut}, {@link #failed}) that removes it; {@link
 * #close} ends whatever is left, and a request started after it is ended at once, so the table holds
 * only requests in flight and nothing outlives the socket.
 *
 * <p><b>Threading.</b> Any thread, concurrently: {@link #started} and {@link #context} on the thread
 * calling {@code request}, {@link #completed} on the thread that decodes frames, {@link #timedOut}
 * and {@link #close} on the loop thread, {@link #failed} on any of them. The table is concurrent and
 * each span leaves it once ({@code remove}), so only one thread ends it; {@link #closed} is
 * volatile. No lock. No method throws: a failure is logged ({@link Failures}) and the event skipped.
 */
final class RequestSpans {
  private final Tracer tracer;
  private final TextMapPropagator propagator;
  private final String[] propagatorFields;
  /** {@code request <socket name>}: fixed per socket, so span names stay low-cardinality. */
  private final String spanName;
  private final Attributes attributes;

  /** Requests in flight: id to span. */
  private final ConcurrentHashMap<String, Span> requests = new ConcurrentHashMap<>();
  /** Set by {@link #close} before it sweeps; read by {@link #started} after it publishes. */
  private volatile boolean closed;

  RequestSpans(Tracer tracer, TextMapPropagator propagator, String name, Attributes attributes) {
    this.tracer = tracer;
    this.propagator = propagator;
    this.propagatorFields = propagator.fields().toArray(new String[0]);
    this.spanName = "request " + name;
    this.attributes = attributes;
  }

  /** The calling thread of {@code request}: a CLIENT span, a child of its current context. */
  void started(Envelope request) {
    try {
      String id = request.id();
      if (id == null) return; // the core gives every request an id first
      Span span = tracer.spanBuilder(spanName)
          .setSpanKind(SpanKind.CLIENT)
          .setParent(Context.current())
          .setAllAttributes(attributes)
          .setAttribute(Names.MESSAGING_MESSAGE_ID, id)
          .setAttribute(Names.ENVELOPE_TYPE, request.type())
          .startSpan();
      Span earlier = requests.put(id, span);
      // The core refuses an id while a request with it waits, so an earlier span here is one whose
      // end is still being reported on another thread (the id reused at once): ended, outcome unknown.
      if (earlier != null) earlier.end();
      // Published, then checked: either close() sees this span or this sees closed (both volatile).
      if (closed && requests.remove(id, span)) end(span, null, SocketClosedException.class.getName());
    } catch (RuntimeException e) {
      Failures.log(e);
    }
  }

  /** The reply ends the span, linked to the server's span when the reply's {@code meta} carries one. */
  void completed(String id, Envelope reply) {
    end(id, reply, null);
  }

  void timedOut(String id) {
    end(id, null, "timeout");
  }

  void failed(String id, Throwable error) {
    end(id, null, Names.errorType(error));
  }

  /** Loop thread, at the socket's close: ends every span still open, as failed by the close. */
  void close() {
    closed = true;
    for (Map.Entry<String, Span> r : requests.entrySet()) {
      if (requests.remove(r.getKey(), r.getValue())) end(r.getValue(), null, SocketClosedException.class.getName());
    }
  }

  /** The sending thread: {@code context} with the span of request {@code id}, if one is open. */
  Context context(Context context, @Nullable String id) {
    Span request = id != null ? requests.get(id) : null;
    return request != null ? context.with(request) : context;
  }

  /** Requests whose span is open: for tests (the table must stay bounded by the requests in flight). */
  int inFlight() {
    return requests.size();
  }

  /** Removes request {@code id}'s span, if this observer still has it, and ends it. */
  private void end(String id, @Nullable Envelope reply, @Nullable String errorType) {
    try {
      Span span = requests.remove(id);
      if (span != null) end(span, reply, errorType);
    } catch (RuntimeException e) {
      Failures.log(e);
    }
  }

  /** Ends {@code span}, whatever fails before: ERROR with {@code errorType} if it has one, else linked to {@code reply}'s server span. */
  private void end(Span span, @Nullable Envelope reply, @Nullable String errorType) {
    try {
      if (errorType != null) {
        span.setAttribute(Names.ERROR_TYPE, errorType);
        span.setStatus(StatusCode.ERROR, errorType);
      } else if (reply != null && Meta.carries(reply, propagatorFields)) {
        SpanContext server = Span.fromContext(Meta.extract(propagator, Context.root(), reply)).getSpanContext();
        if (server.isValid()) span.addLink(server);
      }
    } catch (RuntimeException e) {
      Failures.log(e); // ended all the same, without what failed
    } finally {
      span.end();
    }
  }
}
