package dev.steadysocket.opentelemetry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.steadysocket.Envelope;
import dev.steadysocket.SteadySocket;
import dev.steadysocket.testing.FakeServer;
import dev.steadysocket.testing.SteadySocketExtension;
import dev.steadysocket.testing.TestClock;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Hostile tests of issue #21's tracing module. */
@ExtendWith(SteadySocketExtension.class)
class Attack21TracingTest {
  private final Traces traces = new Traces();

  private SteadySocket connected(FakeServer server, TestClock clock) {
    SteadySocket socket = server.newSocket().observer(traces.factory(SteadySocketTracing.create(traces.sdk, "ticker"))).build();
    socket.connect();
    clock.runUntilIdle();
    return socket;
  }

  /**
   * A second request() with the id of one still in flight is refused by the core; the first request
   * is untouched and completes later. Its span must end with that completion, not when the
   * duplicate is refused.
   */
  @Test
  void aRefusedDuplicateIdDoesNotEndTheSpanOfTheRequestInFlight(FakeServer server, TestClock clock) {
    SteadySocket socket = connected(server, clock);
    try {
      CompletableFuture<Envelope> first = socket.request(Envelope.builder("quote").id("r-1").build(), Duration.ofSeconds(30));
      clock.runUntilIdle();
      CompletableFuture<Envelope> dup = socket.request(Envelope.builder("quote").id("r-1").build(), Duration.ofSeconds(30));
      clock.runUntilIdle();
      assertTrue(dup.isCompletedExceptionally(), "the core refuses the duplicate");
      assertTrue(!first.isDone(), "the first waits for its reply");
      List<SpanData> ended = traces.named("request ticker");
      // Before the reply, no span of the first request may have ended.
      for (SpanData s : ended) {
        assertEquals(StatusCode.ERROR, s.getStatus().getStatusCode(),
            "a request span ended before any reply/timeout/failure of the first request: " + s);
      }
      server.connection().sendRaw("{\"type\":\"reply\",\"id\":\"x\",\"meta\":{\"replyTo\":\"r-1\"}}");
      clock.runUntilIdle();
      assertTrue(first.isDone() && !first.isCompletedExceptionally());
      List<SpanData> all = traces.named("request ticker");
      long ok = all.stream().filter(s -> s.getStatus().getStatusCode() == StatusCode.UNSET).count();
      assertEquals(1, ok, "the first request's span ends with its reply, status unset: " + all);
      SpanData okSpan = all.stream().filter(s -> s.getStatus().getStatusCode() == StatusCode.UNSET).findFirst().get();
      assertTrue(okSpan.getEndEpochNanos() >= 0);
    } finally {
      socket.close();
    }
    clock.runUntilIdle();
    traces.assertAllEnded();
  }
}
