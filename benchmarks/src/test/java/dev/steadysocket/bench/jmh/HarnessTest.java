package dev.steadysocket.bench.jmh;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.steadysocket.ConnectionState;
import dev.steadysocket.Envelope;
import dev.steadysocket.bench.Payloads;
import dev.steadysocket.bench.peers.CountingObserver;
import dev.steadysocket.bench.peers.Instrumentation;
import dev.steadysocket.testing.FakeServer;
import dev.steadysocket.testing.SocketEvents;
import dev.steadysocket.testing.SteadySocketExtension;
import dev.steadysocket.testing.TestClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** DispatchBench measures what it says: each path does its work once per frame and leaves nothing behind. */
@ExtendWith(SteadySocketExtension.class)
class HarnessTest {
  private final List<String> texts = Payloads.texts(Payloads.Size.SMALL);

  @Test
  void steadyDeliversEveryFrameInsideTheClockRunWithoutTimePassing(FakeServer server, TestClock clock) {
    SocketEvents events = new SocketEvents();
    try (Harness h = Harness.steady(server, events)) {
      h.receive(texts);
      h.receive(texts);
      assertEquals(2 * texts.size(), events.messages().size());
      assertEquals(2L * texts.size(), h.socket.metrics().messagesReceived());
      assertEquals(Duration.ZERO, clock.elapsed());
      assertNotEquals(Duration.ZERO, clock.nextTaskIn(), "a task left due after the batch");
    }
  }

  @Test
  void rawOnLinkDecodesEveryFrameOnceAndTheSocketDeliversNothing(FakeServer server) {
    List<Envelope> consumed = new ArrayList<>();
    SocketEvents events = new SocketEvents();
    try (Harness h = Harness.rawOnLink(server, consumed::add)) {
      h.socket.addListener(events);
      h.receive(texts);
      assertEquals(texts.size(), consumed.size());
      assertEquals(Payloads.envelopes(Payloads.Size.SMALL).get(1).id(), consumed.get(1).id());
      assertEquals(List.of(), events.messages());
      assertEquals(0, h.socket.metrics().messagesReceived());
    }
  }

  @Test
  void anObservedSocketHasItsObserverCalledForEveryFrameAndEverySend(FakeServer server) {
    CountingObserver[] observer = new CountingObserver[1];
    SocketEvents events = new SocketEvents();
    try (Harness h = Harness.steady(server, events, socket -> observer[0] = new CountingObserver())) {
      h.receive(texts);
      assertEquals(texts.size(), events.messages().size());
      assertEquals(texts.size(), observer[0].get(CountingObserver.Event.MESSAGE_RECEIVED));
      h.sinkSends();
      h.socket.send(Envelope.of("tick", 1));
      assertEquals(1, observer[0].get(CountingObserver.Event.MESSAGE_QUEUED));
      assertEquals(1, observer[0].get(CountingObserver.Event.MESSAGE_WRITTEN));
      assertEquals(0, h.socket.metrics().observerFailures());
    }
  }

  /** Every instrumentation ObserverBench and the observed peers install works on the kit without failing. */
  @ParameterizedTest
  @EnumSource(Instrumentation.class)
  void everyInstrumentationSeesTheFramesAndTheSendsWithoutFailing(Instrumentation instrumentation, FakeServer server) {
    SocketEvents events = new SocketEvents();
    try (Harness h = Harness.steady(server, events, instrumentation.factory())) {
      h.receive(texts);
      assertEquals(texts.size(), events.messages().size());
      h.sinkSends();
      assertTrue(h.socket.send(Envelope.of("tick", 1)).isDone());
      assertEquals(texts.size(), h.socket.metrics().messagesReceived());
      assertEquals(1, h.socket.metrics().messagesSent());
      assertEquals(0, h.socket.metrics().observerFailures(), instrumentation + " threw");
    }
  }

  @Test
  void sendsEndAtTheLinkAndTheSocketStaysOpen(FakeServer server, TestClock clock) {
    try (Harness h = Harness.steady(server, new SocketEvents()).sinkSends()) {
      for (int i = 0; i < 1_000; i++) {
        CompletableFuture<Void> f = h.socket.send(Envelope.of("tick", i));
        assertTrue(f.isDone() && !f.isCompletedExceptionally());
      }
      assertEquals(1_000, h.socket.metrics().messagesSent());
      assertNotEquals(Duration.ZERO, clock.nextTaskIn(), "a send left a task due");
      clock.runUntilIdle();
      assertEquals(List.of(), server.received());
      assertEquals(ConnectionState.OPEN, h.socket.state());
    }
  }
}
