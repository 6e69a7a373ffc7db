package dev.steadysocket.opentelemetry;

import static dev.steadysocket.opentelemetry.Traces.attr;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.steadysocket.Envelope;
import dev.steadysocket.SteadySocket;
import dev.steadysocket.opentelemetry.SteadySocketTracing.ReceiveSpans;
import dev.steadysocket.testing.FakeServer;
import dev.steadysocket.testing.SteadySocketExtension;
import dev.steadysocket.testing.TestClock;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** W3C trace context in {@code meta}: written on what is sent, read from what is received. */
@ExtendWith(SteadySocketExtension.class)
class PropagationTest {
  private static final String SERVER_TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
  private static final String SERVER_SPAN = "00f067aa0ba902b7";
  private static final String SERVER_TRACEPARENT = "00-" + SERVER_TRACE + "-" + SERVER_SPAN + "-01";

  private final Traces traces = new Traces();

  private SteadySocket connected(FakeServer server, TestClock clock, SteadySocketTracing tracing) {
    SteadySocket socket = server.newSocket().observer(tracing).build();
    socket.connect();
    clock.runUntilIdle();
    return socket;
  }

  @Test
  void aSendCarriesTheSendersCurrentSpanAndItsTraceState(FakeServer server, TestClock clock) {
    SteadySocket socket = connected(server, clock, SteadySocketTracing.create(traces.sdk, "chat"));
    try {
      SpanContext remote = SpanContext.createFromRemoteParent(SERVER_TRACE, SERVER_SPAN, TraceFlags.getSampled(),
          TraceState.builder().put("vendor", "blue").build());
      Span post = traces.sdk.getTracer("app").spanBuilder("post")
          .setParent(Context.root().with(Span.wrap(remote))).startSpan();
      try (Scope ignored = post.makeCurrent()) {
        socket.send(Envelope.of("chat", "hello"));
      } finally {
        post.end();
      }
      socket.send(Envelope.of("chat", "outside any span"));
      clock.runUntilIdle();

      List<Envelope> chats = server.received("chat");
      SpanData sent = traces.only("post");
      assertEquals("00-" + SERVER_TRACE + "-" + sent.getSpanId() + "-01", chats.get(0).metaText("traceparent"));
      assertEquals("vendor=blue", chats.get(0).metaText("tracestate"));
      assertFalse(chats.get(1).meta().containsKey("traceparent"), "no current span: nothing written");
      assertFalse(chats.get(1).meta().containsKey("tracestate"));
      assertEquals(List.of("connect chat", "post"), traces.names(), "a send is no span of its own");
    } finally {
      socket.close();
    }
    clock.runUntilIdle();
    traces.assertAllEnded();
  }

  @Test
  void aTraceparentTheApplicationSetIsKeptAndSoIsItsOtherMeta(FakeServer server, TestClock clock) {
    SteadySocket socket = connected(server, clock, SteadySocketTracing.create(traces.sdk, "chat"));
    try {
      SpanContext remote = SpanContext.createFromRemoteParent("0af7651916cd43dd8448eb211c80319c", "b7ad6b7169203331",
          TraceFlags.getSampled(), TraceState.builder().put("vendor", "blue").build());
      Span span = traces.sdk.getTracer("app").spanBuilder("post").setParent(Context.root().with(Span.wrap(remote))).startSpan();
      try (Scope ignored = span.makeCurrent()) {
        socket.send(Envelope.builder("chat").content("mine").meta("traceparent", SERVER_TRACEPARENT).build());
        socket.send(Envelope.builder("chat").content("tagged").meta("room", "lobby").build());
      } finally {
        span.end();
      }
      clock.runUntilIdle();
      List<Envelope> chats = server.received("chat");
      assertEquals(SERVER_TRACEPARENT, chats.get(0).metaText("traceparent"));
      assertFalse(chats.get(0).meta().containsKey("tracestate"), "no tracestate of another trace beside the app's traceparent");
      assertEquals("lobby", chats.get(1).metaText("room"));
      assertEquals(Traces.traceparent(traces.only("post")), chats.get(1).metaText("traceparent"));
      assertEquals("vendor=blue", chats.get(1).metaText("tracestate"));
    } finally {
      socket.close();
    }
    clock.runUntilIdle();
    traces.assertAllEnded();
  }

  @Test
  void whatElseThePropagatorWritesIsAddedButNeverReplacesTheApplicationsEntry(FakeServer server, TestClock clock) {
    io.opentelemetry.api.OpenTelemetry withBaggage = io.opentelemetry.api.OpenTelemetry.propagating(
        io.opentelemetry.context.propagation.ContextPropagators.create(io.opentelemetry.context.propagation.TextMapPropagator.composite(
            io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator.getInstance(),
            io.opentelemetry.api.baggage.propagation.W3CBaggagePropagator.getInstance())));
    SteadySocket socket = connected(server, clock, SteadySocketTracing.create(withBaggage, "chat"));
    try {
      SpanContext remote = SpanContext.createFromRemoteParent(SERVER_TRACE, SERVER_SPAN, TraceFlags.getSampled(), TraceState.getDefault());
      Context context = Context.root().with(Span.wrap(remote))
          .with(io.opentelemetry.api.baggage.Baggage.builder().put("tenant", "acme").build());
      try (Scope ignored = context.makeCurrent()) {
        socket.send(Envelope.builder("chat").content("mine").meta("baggage", "tenant=mine").build());
        socket.send(Envelope.of("chat", "theirs"));
      }
      clock.runUntilIdle();
      List<Envelope> chats = server.received("chat");
      assertEquals(SERVER_TRACEPARENT, chats.get(0).metaText("traceparent"), "added beside the application's own entry");
      assertEquals("tenant=mine", chats.get(0).metaText("baggage"), "the application's entry wins");
      assertEquals("tenant=acme", chats.get(1).metaText("baggage"));
    } finally {
      socket.close();
    }
    clock.runUntilIdle();
  }

  @Test
  void byDefaultReceivedEnvelopesMakeNoSpanButHandlersCanContinueTheServersTrace(FakeServer server, TestClock clock) {
    SteadySocketTracing tracing = SteadySocketTracing.create(traces.sdk, "fills");
    List<Context> contexts = new CopyOnWriteArrayList<>();
    SteadySocket socket = server.newSocket().observer(tracing).listener(new dev.steadysocket.SteadySocketListener() {
      @Override
      public void onMessage(Envelope envelope) {
        contexts.add(tracing.extract(envelope));
      }
    }).build();
    try {
      socket.connect();
      clock.runUntilIdle();
      server.connection().sendRaw("{\"type\":\"fill\",\"id\":\"f1\",\"meta\":{\"traceparent\":\"" + SERVER_TRACEPARENT + "\"}}");
      server.connection().send("fill", "untraced");
      clock.runUntilIdle();

      assertEquals(List.of("connect fills"), traces.names());
      SpanContext first = Span.fromContext(contexts.get(0)).getSpanContext();
      assertEquals(SERVER_TRACE, first.getTraceId());
      assertEquals(SERVER_SPAN, first.getSpanId());
      assertTrue(first.isRemote());
      assertFalse(Span.fromContext(contexts.get(1)).getSpanContext().isValid());
    } finally {
      socket.close();
    }
    clock.runUntilIdle();
    traces.assertAllEnded();
  }

  @Test
  void tracedReceiveSpansContinueTheServersTraceForTracedEnvelopesOnly(FakeServer server, TestClock clock) {
    SteadySocketTracing tracing = SteadySocketTracing.builder(traces.sdk, "fills").receiveSpans(ReceiveSpans.TRACED).build();
    SteadySocket socket = connected(server, clock, tracing);
    try {
      server.connection().sendRaw("{\"type\":\"fill\",\"id\":\"f1\",\"meta\":{\"traceparent\":\"" + SERVER_TRACEPARENT + "\"}}");
      server.connection().send("fill", "untraced");
      server.connection().sendRaw("{\"type\":\"fill\",\"id\":\"f3\",\"meta\":{\"traceparent\":\"not a traceparent\"}}");
      clock.runUntilIdle();

      SpanData receive = traces.only("receive fills");
      assertEquals(SpanKind.CONSUMER, receive.getKind());
      assertEquals(SERVER_TRACE, receive.getTraceId());
      assertEquals(SERVER_SPAN, receive.getParentSpanId(), "a child of the server's span");
      assertTrue(receive.getParentSpanContext().isRemote());
      assertEquals("f1", attr(receive, Names.MESSAGING_MESSAGE_ID));
      assertEquals("receive", attr(receive, Names.MESSAGING_OPERATION_TYPE));
      assertEquals("websocket", attr(receive, Names.MESSAGING_SYSTEM));
      assertEquals("fill", attr(receive, Names.ENVELOPE_TYPE));
      assertTrue(attr(receive, Names.MESSAGING_MESSAGE_BODY_SIZE) > 0);
    } finally {
      socket.close();
    }
    clock.runUntilIdle();
    traces.assertAllEnded();
  }

  @Test
  void allReceiveSpansMakeOneForEveryEnvelope(FakeServer server, TestClock clock) {
    SteadySocketTracing tracing = SteadySocketTracing.builder(traces.sdk, "fills").receiveSpans(ReceiveSpans.ALL).build();
    SteadySocket socket = connected(server, clock, tracing);
    try {
      server.connection().sendRaw("{\"type\":\"fill\",\"meta\":{\"traceparent\":\"" + SERVER_TRACEPARENT + "\"}}");
      server.connection().send("fill", "untraced");
      clock.runUntilIdle();
      List<SpanData> receives = traces.named("receive fills");
      assertEquals(2, receives.size());
      assertEquals(SERVER_SPAN, receives.get(0).getParentSpanId());
      assertNull(attr(receives.get(0), Names.MESSAGING_MESSAGE_ID), "it had no id");
      assertFalse(receives.get(1).getParentSpanContext().isValid(), "untraced: a root");
    } finally {
      socket.close();
    }
    clock.runUntilIdle();
    traces.assertAllEnded();
  }

  @Test
  void aPropagatorThatThrowsNeverReachesTheSocket(FakeServer server, TestClock clock) {
    io.opentelemetry.api.OpenTelemetry broken = io.opentelemetry.api.OpenTelemetry.propagating(
        io.opentelemetry.context.propagation.ContextPropagators.create(new io.opentelemetry.context.propagation.TextMapPropagator() {
          @Override
          public java.util.Collection<String> fields() {
            return List.of("traceparent");
          }

          @Override
          public <C> void inject(Context context, C carrier, io.opentelemetry.context.propagation.TextMapSetter<C> setter) {
            throw new IllegalStateException("broken propagator");
          }

          @Override
          public <C> Context extract(Context context, C carrier, io.opentelemetry.context.propagation.TextMapGetter<C> getter) {
            throw new IllegalStateException("broken propagator");
          }
        }));
    SteadySocketTracing tracing = SteadySocketTracing.builder(broken, "fills").receiveSpans(ReceiveSpans.ALL).build();
    SteadySocket socket = connected(server, clock, tracing);
    try {
      socket.send(Envelope.of("chat", "still sent"));
      server.connection().sendRaw("{\"type\":\"fill\",\"meta\":{\"traceparent\":\"" + SERVER_TRACEPARENT + "\"}}");
      clock.runUntilIdle();
      assertEquals(1, server.received("chat").size());
      assertEquals(0, socket.metrics().observerFailures(), "caught inside the observer");
      assertEquals(Context.current(), tracing.extract(Envelope.builder("fill").meta("traceparent", SERVER_TRACEPARENT).build()));
    } finally {
      socket.close();
    }
    clock.runUntilIdle();
  }
}
