package dev.steadysocket.opentelemetry;

import dev.steadysocket.CloseReason;
import dev.steadysocket.Disconnect;
import dev.steadysocket.Envelope;
import dev.steadysocket.SocketObserver;
import dev.steadysocket.SteadySocketException;
import dev.steadysocket.opentelemetry.SteadySocketTracing.ReceiveSpans;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapPropagator;
import org.jspecify.annotations.Nullable;

/**
 * One socket's spans, from its {@link SocketObserver} events.
 *
 * <p><b>The connection's spans.</b> A {@code connect} span per attempt, ended by the attempt's
 * outcome: {@link #connectionOpened}, {@link #disconnected} before OPEN, or cancelled (a new attempt
 * replaced it, a pause or the close). A {@code reconnect} span per outage, begun by the first
 * failure ({@link #disconnected}, or {@link #deadLink} just before it; {@link #reconnectScheduled}
 * for a retry a resume brings) and ended by the next OPEN, a pause or the close; the attempts made
 * during an outage are its children, and each reconnect scheduled is an event on it. No span lives
 * while the connection is healthy: a healthy connection may stay open for days, and a span is
 * exported only when it ends.
 *
 * <p><b>The request spans</b> are {@link RequestSpans}'s: the request events go there, and {@link
 * #closed} ends what it still holds.
 *
 * <p><b>Threading.</b> The connection events come on the socket's loop thread, one at a time:
 * {@link #outage} and its counters are confined to it. {@link #phaseEnded} comes on OkHttp's
 * threads running the call (the TCP connect may run on an OkHttp TaskRunner thread, and addresses
 * raced by fast fallback report concurrently): it reads {@link #attempt} (volatile) once and adds an
 * event, which a span allows from any thread. The request and message events come on any thread,
 * concurrently: {@link RequestSpans} is thread-safe, and a receive span is confined to the call that
 * starts and ends it. Nothing here takes a lock; every method catches what it throws, or calls one
 * that does (see {@link Failures}).
 */
final class TracingObserver extends SocketObserver {
  private final Tracer tracer;
  private final TextMapPropagator propagator;
  private final String[] propagatorFields;
  private final ReceiveSpans receiveSpans;
  private final String connectName;
  private final String reconnectName;
  /** {@code receive <name>}: fixed per socket, never the envelope's type (a server could make names unbounded). */
  private final String receiveName;
  /** On every span: protocol, name, server (the primary URL's, for attempts at it). */
  private final Attributes socketAttributes;
  /** The same without the server: an attempt at a failover URL adds that URL's (attemptStarted names it). */
  private final Attributes failoverAttributes;
  /** On receive spans. */
  private final Attributes receiveAttributes;

  /** The attempt in progress, or null. Written by the loop thread, read by the phases (OkHttp's threads). */
  private volatile @Nullable Span attempt;
  /** The outage in progress, or null. Loop thread. */
  private @Nullable Span outage;
  /** Loop thread: attempts started in {@link #outage}. */
  private int outageAttempts;
  /** Loop thread: whether {@link #outage} has its cause's attributes yet. */
  private boolean outageCaused;

  /** The request spans, in flight. */
  private final RequestSpans requests;

  TracingObserver(Tracer tracer, TextMapPropagator propagator, String name, ReceiveSpans receiveSpans, Attributes endpoint) {
    this.tracer = tracer;
    this.propagator = propagator;
    this.propagatorFields = propagator.fields().toArray(new String[0]);
    this.receiveSpans = receiveSpans;
    this.connectName = "connect " + name;
    this.reconnectName = "reconnect " + name;
    this.receiveName = "receive " + name;
    this.socketAttributes = endpoint.toBuilder().put(Names.NAME, name).build();
    this.failoverAttributes = socketAttributes.toBuilder()
        .remove(Names.SERVER_ADDRESS).remove(Names.SERVER_PORT).remove(Names.URL_SCHEME).build();
    Attributes messaging = socketAttributes.toBuilder().put(Names.MESSAGING_SYSTEM, "websocket").build();
    this.requests = new RequestSpans(tracer, propagator, name, messaging.toBuilder()
        .put(Names.MESSAGING_OPERATION_TYPE, "send").put(Names.MESSAGING_OPERATION_NAME, "request").build());
    this.receiveAttributes = messaging.toBuilder()
        .put(Names.MESSAGING_OPERATION_TYPE, "receive").put(Names.MESSAGING_OPERATION_NAME, "receive").build();
  }

  // ---------------------------------------------------------------- attempts and outages (loop thread)

  @Override
  public void attemptStarted(int urlIndex, String url, int attemptNumber) {
    try {
      cancelAttempt();
      Context parent = Context.root();
      Span o = outage;
      if (o != null) {
        parent = parent.with(o);
        outageAttempts++;
      }
      attempt = tracer.spanBuilder(connectName)
          .setSpanKind(SpanKind.CLIENT)
          .setParent(parent)
          .setAllAttributes(urlIndex == 0 ? socketAttributes : failoverAttributes.toBuilder().putAll(Endpoint.of(url)).build())
          .setAttribute(Names.URL_INDEX, urlIndex)
          .setAttribute(Names.ATTEMPT, attemptNumber)
          .startSpan();
    } catch (RuntimeException e) {
      Failures.log(e);
    }
  }

  @Override
  public void phaseEnded(Phase phase, long durationNanos) {
    try {
      Span a = attempt; // an abandoned attempt's late phase lands on its successor: the SPI does not say whose it is
      if (a != null) a.addEvent(Names.phaseEvent(phase), Attributes.of(Names.PHASE_DURATION, Names.seconds(durationNanos)));
    } catch (RuntimeException e) {
      Failures.log(e);
    }
  }

  @Override
  public void handshakeResponse(int httpStatus) {
    try {
      Span a = attempt;
      if (a != null) a.setAttribute(Names.HTTP_RESPONSE_STATUS_CODE, httpStatus);
    } catch (RuntimeException e) {
      Failures.log(e);
    }
  }

  @Override
  public void connectionOpened(@Nullable String subprotocol, String extensions, long attemptNanos) {
    try {
      Span a = attempt;
      attempt = null;
      if (a != null) {
        if (subprotocol != null) a.setAttribute(Names.SUBPROTOCOL, subprotocol);
        if (!extensions.isEmpty()) a.setAttribute(Names.EXTENSIONS, extensions);
        a.setAttribute(Names.CONNECT_OUTCOME, "open");
        a.end();
      }
      endOutage("recovered", null);
    } catch (RuntimeException e) {
      Failures.log(e);
    }
  }

  @Override
  public void disconnected(Disconnect disconnect, long openNanos) {
    try {
      if (openNanos < 0) {
        Span a = attempt;
        attempt = null;
        if (a != null) {
          describe(a, disconnect);
          a.setAttribute(Names.CONNECT_OUTCOME, "failed");
          a.setStatus(StatusCode.ERROR, summary(disconnect));
          a.end();
        }
      }
      Span o = startOutage();
      if (!outageCaused) {
        outageCaused = true;
        describe(o, disconnect);
        if (openNanos >= 0) o.setAttribute(Names.CONNECTION_DURATION, Names.seconds(openNanos));
      }
    } catch (RuntimeException e) {
      Failures.log(e);
    }
  }

  @Override
  public void deadLink(long silenceNanos) {
    try {
      startOutage().addEvent(Names.DEAD_LINK, Attributes.of(Names.DEAD_LINK_SILENCE, Names.seconds(silenceNanos)));
    } catch (RuntimeException e) {
      Failures.log(e);
    }
  }

  @Override
  public void reconnectScheduled(int attemptNumber, long delayNanos, SteadySocketException cause) {
    try {
      Span o = startOutage();
      String errorType = Names.errorType(cause);
      if (!outageCaused) { // a retry planned before a pause, brought back by resume
        outageCaused = true;
        o.setAttribute(Names.ERROR_TYPE, errorType);
      }
      o.addEvent(Names.RECONNECT_SCHEDULED, Attributes.of(
          Names.ATTEMPT, (long) attemptNumber,
          Names.RECONNECT_DELAY, Names.seconds(delayNanos),
          Names.ERROR_TYPE, errorType));
    } catch (RuntimeException e) {
      Failures.log(e);
    }
  }

  @Override
  public void paused(String reason) {
    try {
      cancelAttempt();
      endOutage("paused", null);
    } catch (RuntimeException e) {
      Failures.log(e);
    }
  }

  /** The socket's last event: ends the attempt, the outage and every request still open. */
  @Override
  public void closed(CloseReason reason) {
    try {
      cancelAttempt();
      endOutage("closed", reason.error());
    } catch (RuntimeException e) {
      Failures.log(e);
    } finally {
      // The core failed every waiting request just before (requestFailed): this ends any whose end
      // this observer did not see, and those started from now on end at once.
      requests.close();
    }
  }

  /** Loop thread: the outage in progress, or a new one. */
  private Span startOutage() {
    Span o = outage;
    if (o == null) {
      o = tracer.spanBuilder(reconnectName).setSpanKind(SpanKind.INTERNAL).setNoParent()
          .setAllAttributes(socketAttributes).startSpan();
      outage = o;
      outageAttempts = 0;
      outageCaused = false;
    }
    return o;
  }

  /** Loop thread: ends the outage in progress, if any, with ERROR if {@code error} ended the socket. */
  private void endOutage(String outcome, @Nullable SteadySocketException error) {
    Span o = outage;
    if (o == null) return;
    outage = null;
    o.setAttribute(Names.RECONNECT_ATTEMPTS, outageAttempts);
    o.setAttribute(Names.RECONNECT_OUTCOME, outcome);
    if (error != null) {
      o.setAttribute(Names.ERROR_TYPE, Names.errorType(error));
      o.setStatus(StatusCode.ERROR, "gave up");
    }
    o.end();
  }

  /** Loop thread: an attempt that will have no outcome (replaced, paused, closed) ends as cancelled. */
  private void cancelAttempt() {
    Span a = attempt;
    if (a == null) return;
    attempt = null;
    a.setAttribute(Names.CONNECT_OUTCOME, "cancelled");
    a.end();
  }

  private static void describe(Span span, Disconnect d) {
    span.setAttribute(Names.ERROR_TYPE, Names.errorType(d.error()));
    span.setAttribute(Names.DISCONNECT_KIND, Names.kind(d.kind()));
    if (d.closeCode() != -1) span.setAttribute(Names.CLOSE_CODE, d.closeCode());
  }

  /** The status description: the kind and its code, never the error's message. */
  private static String summary(Disconnect d) {
    String kind = Names.kind(d.kind());
    if (d.httpStatus() != -1) return kind + " " + d.httpStatus();
    if (d.closeCode() != -1) return kind + " " + d.closeCode();
    return kind;
  }

  // ---------------------------------------------------------------- requests (any thread): RequestSpans

  @Override
  public void requestStarted(Envelope request) {
    requests.started(request);
  }

  @Override
  public void requestCompleted(String id, Envelope reply, long latencyNanos) {
    requests.completed(id, reply);
  }

  @Override
  public void requestTimedOut(String id, long latencyNanos) {
    requests.timedOut(id);
  }

  @Override
  public void requestFailed(String id, Throwable error, long latencyNanos) {
    requests.failed(id, error);
  }

  // ---------------------------------------------------------------- messages (any thread)

  /**
   * The sending thread: the request's span, or the sender's current context, into {@code meta}
   * ({@link Meta#inject} keeps what the application set). Requests pass here right after {@link
   * #requestStarted}, on the same thread.
   */
  @Override
  public Envelope beforeSend(Envelope envelope) {
    try {
      return Meta.inject(propagator, requests.context(Context.current(), envelope.id()), envelope);
    } catch (RuntimeException e) {
      Failures.log(e);
      return envelope;
    }
  }

  @Override
  public void messageReceived(Envelope envelope, long bytes, long decodeNanos) {
    if (receiveSpans == ReceiveSpans.NONE) return;
    try {
      boolean carries = Meta.carries(envelope, propagatorFields);
      if (!carries && receiveSpans == ReceiveSpans.TRACED) return;
      Context parent = carries ? Meta.extract(propagator, Context.root(), envelope) : Context.root();
      if (receiveSpans == ReceiveSpans.TRACED && !Span.fromContext(parent).getSpanContext().isValid()) return;
      io.opentelemetry.api.trace.SpanBuilder b = tracer.spanBuilder(receiveName)
          .setSpanKind(SpanKind.CONSUMER)
          .setParent(parent)
          .setAllAttributes(receiveAttributes)
          .setAttribute(Names.ENVELOPE_TYPE, envelope.type())
          .setAttribute(Names.MESSAGING_MESSAGE_BODY_SIZE, bytes);
      String id = envelope.id();
      if (id != null) b.setAttribute(Names.MESSAGING_MESSAGE_ID, id);
      b.startSpan().end();
    } catch (RuntimeException e) {
      Failures.log(e);
    }
  }

  /** Requests whose span is open: for tests (the table must stay bounded by the requests in flight). */
  int requestsInFlight() {
    return requests.inFlight();
  }

  @Override
  public String toString() {
    return "TracingObserver{" + connectName.substring("connect ".length()) + ", requests in flight=" + requests.inFlight() + "}";
  }
}
