package dev.steadysocket.opentelemetry;

import static dev.steadysocket.opentelemetry.Traces.eventNames;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.steadysocket.ConnectionState;
import dev.steadysocket.Envelope;
import dev.steadysocket.SteadySocket;
import dev.steadysocket.testing.FakeServer;
import dev.steadysocket.testing.SocketEvents;
import dev.steadysocket.testing.SteadySocketExtension;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.trace.data.EventData;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Real OkHttp, real threads: the phases SteadySocket times, and spans from many threads at once. */
@ExtendWith(SteadySocketExtension.class)
class LoopbackTracingTest {
  private static final Duration WAIT = Duration.ofSeconds(10);

  @Test
  void theAttemptSpanHasAnEventPerPhaseAndTheServerSeesTheRequestsContext(
      @SteadySocketExtension.Loopback FakeServer server) throws Exception {
    Traces traces = new Traces();
    server.replyTo("quote", request -> 1);
    SocketEvents events = new SocketEvents();
    // localhost, not 127.0.0.1: OkHttp resolves only names, so only a name has a DNS phase.
    SteadySocket socket = SteadySocket.builder(server.url().replace("127.0.0.1", "localhost"))
        .observer(SteadySocketTracing.create(traces.sdk, "ticker"))
        .listener(events)
        .build();
    try {
      socket.connect();
      events.awaitState(ConnectionState.OPEN, WAIT);
      SpanData connect = traces.only("connect ticker");
      assertEquals(List.of("websocket.phase.dns", "websocket.phase.connect", "websocket.phase.upgrade"), eventNames(connect));
      for (EventData phase : connect.getEvents()) {
        Double seconds = phase.getAttributes().get(Names.PHASE_DURATION);
        assertTrue(seconds >= 0 && seconds < WAIT.getSeconds(), () -> phase.toString());
      }
      assertEquals("localhost", Traces.attr(connect, Names.SERVER_ADDRESS));
      assertEquals(101L, Traces.attr(connect, Names.HTTP_RESPONSE_STATUS_CODE));

      Span caller = traces.sdk.getTracer("app").spanBuilder("caller").startSpan();
      CompletableFuture<Envelope> reply;
      try (Scope ignored = caller.makeCurrent()) {
        reply = socket.request(Envelope.of("quote", null), WAIT);
      } finally {
        caller.end();
      }
      reply.get(WAIT.getSeconds(), TimeUnit.SECONDS);
      SpanData request = traces.only("request ticker");
      assertEquals(caller.getSpanContext().getSpanId(), request.getParentSpanId());
      assertEquals(Traces.traceparent(request), server.expectReceived("quote").metaText("traceparent"));
    } finally {
      socket.close();
    }
    socket.closeFuture().get(WAIT.getSeconds(), TimeUnit.SECONDS);
    traces.assertAllEnded();
  }

  /**
   * Requests from eight threads while the socket closes under them: whatever wins each race (the
   * reply, the close, a request started after it), every span ends, once, and the table empties.
   */
  @Test
  void requestsRacingTheCloseAllEnd(@SteadySocketExtension.Loopback FakeServer server) throws Exception {
    server.replyTo("quote", request -> 1);
    for (int round = 0; round < 5; round++) {
      Traces traces = new Traces();
      SocketEvents events = new SocketEvents();
      SteadySocket socket = SteadySocket.builder(server.url())
          .observer(traces.factory(SteadySocketTracing.create(traces.sdk, "ticker")))
          .listener(events)
          .build();
      socket.connect();
      events.awaitState(ConnectionState.OPEN, WAIT);
      ExecutorService threads = Executors.newFixedThreadPool(8);
      CountDownLatch go = new CountDownLatch(1);
      List<Future<Integer>> sent = new ArrayList<>();
      try {
        for (int t = 0; t < 8; t++) {
          sent.add(threads.submit(() -> {
            go.await();
            int n = 0;
            for (; n < 200; n++) socket.request(Envelope.of("quote", Map.of("n", n)), WAIT);
            return n;
          }));
        }
        go.countDown();
        Thread.yield();
        socket.close();
        int requests = 0;
        for (Future<Integer> f : sent) requests += f.get(WAIT.getSeconds(), TimeUnit.SECONDS);
        socket.closeFuture().get(WAIT.getSeconds(), TimeUnit.SECONDS);
        assertEquals(requests, traces.named("request ticker").size(), "one span per request");
        assertEquals(0, traces.observer.get().requestsInFlight());
        traces.assertAllEnded();
      } finally {
        threads.shutdownNow();
        socket.close();
      }
    }
  }
}
