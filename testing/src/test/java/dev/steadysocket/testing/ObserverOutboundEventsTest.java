package dev.steadysocket.testing;

import static dev.steadysocket.testing.ObserverFixtures.replyLater;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.steadysocket.Backoff;
import dev.steadysocket.Envelope;
import dev.steadysocket.Heartbeat;
import dev.steadysocket.OutboxOverflowException;
import dev.steadysocket.OutboxPolicy;
import dev.steadysocket.SetupMessage;
import dev.steadysocket.SteadySocket;
import dev.steadysocket.SteadySocketBuilder;
import dev.steadysocket.testing.ObserverFixtures.RecordingCodec;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The outbound events — beforeSend, messageQueued, messageWritten, messageAcknowledged,
 * outboxOverflow, messagesFailed, setupMessageSent — in memory on the kit's virtual clock: each
 * once per message, in the order queued → written (again when re-sent) → acknowledged, with the
 * exact size the socket wrote (a recording codec shows it) and latencies from the send.
 */
@ExtendWith(SteadySocketExtension.class)
class ObserverOutboundEventsTest {
  static final String[] OUTBOUND = {
    "beforeSend", "messageQueued", "messageWritten", "messageAcknowledged", "outboxOverflow", "messagesFailed",
    "setupMessageSent"
  };

  private final RecordingCodec codec = new RecordingCodec();

  private SteadySocketBuilder socket(FakeServer server, RecordingObserver rec) {
    return server.newSocket().observer(rec.factory()).codec(codec).heartbeat(Heartbeat.disabled())
        .backoff(Backoff.exponential(Duration.ofSeconds(1), Duration.ofSeconds(30)).withoutJitter());
  }

  private static Envelope order(String id) {
    return Envelope.builder("order").id(id).content(Map.of("item", "crème brûlée")).build();
  }

  private static UnaryOperator<SteadySocketBuilder> same() {
    return b -> b;
  }

  private SteadySocket open(FakeServer server, RecordingObserver rec, UnaryOperator<SteadySocketBuilder> settings) {
    SteadySocket socket = settings.apply(socket(server, rec)).build();
    socket.connect();
    server.clock().runUntilIdle();
    rec.clear();
    return socket;
  }

  @Test
  void aSendWhileOpenIsQueuedThenWrittenAtOnce(FakeServer server, TestClock clock) {
    RecordingObserver rec = new RecordingObserver(clock);
    SteadySocket socket = open(server, rec, same());
    try {
      CompletableFuture<Void> sent = socket.send(order("o-1"));
      long bytes = codec.size("order");
      assertEquals(List.of("beforeSend(order#o-1)", "messageQueued(" + bytes + ")", "messageWritten(" + bytes + ", PT0S, first)"),
          rec.lines(OUTBOUND));
      clock.runUntilIdle();
      assertTrue(sent.isDone() && !sent.isCompletedExceptionally());
      assertEquals(1, socket.metrics().messagesSent());
      assertEquals(bytes, socket.metrics().bytesSent());
      assertEquals(bytes, ObserverFixtures.utf8(codec.last()));
    } finally {
      socket.close();
    }
  }

  @Test
  void aSendWhileDisconnectedWaitsAndIsWrittenWhenTheConnectionOpens(FakeServer server, TestClock clock) {
    RecordingObserver rec = new RecordingObserver(clock);
    SteadySocket socket = socket(server, rec).build();
    try {
      socket.send(order("o-1"));
      long bytes = codec.size("order");
      clock.advanceBy(Duration.ofSeconds(3));
      socket.connect();
      clock.runUntilIdle();
      assertEquals(List.of(
          "PT0S beforeSend(order#o-1)",
          "PT0S messageQueued(" + bytes + ")",
          "PT3S connectionOpened(null, '', PT0S)",
          "PT3S messageWritten(" + bytes + ", PT3S, first)"),
          rec.timeline("beforeSend", "messageQueued", "messageWritten", "connectionOpened"));
      assertEquals(1, server.received("order").size());
    } finally {
      socket.close();
    }
  }

  @Test
  void rawTextAndBinaryFramesAreQueuedAndWrittenWithoutBeforeSend(FakeServer server, TestClock clock) {
    RecordingObserver rec = new RecordingObserver(clock);
    SteadySocket socket = open(server, rec, same());
    try {
      socket.send("héllo");
      socket.send(new byte[] {1, 2, 3});
      clock.runUntilIdle();
      assertEquals(List.of(
          "messageQueued(6)", "messageWritten(6, PT0S, first)",
          "messageQueued(3)", "messageWritten(3, PT0S, first)"), rec.lines(OUTBOUND));
      assertEquals(9, socket.metrics().bytesSent());
    } finally {
      socket.close();
    }
  }

  @Test
  void anAcknowledgedSendIsAcknowledgedWithItsLatencyFromTheSend(FakeServer server, TestClock clock) {
    RecordingObserver rec = new RecordingObserver(clock);
    SteadySocket socket = open(server, rec, b -> b.acknowledgedSends(true));
    try {
      clock.advanceBy(Duration.ofSeconds(6));
      server.delayAcks(Duration.ofMillis(2_500));
      CompletableFuture<Void> sent = socket.send(order("o-1"));
      long bytes = codec.size("order");
      clock.advanceUntil(sent::isDone, Duration.ofSeconds(10));
      assertEquals(List.of(
          "PT6S beforeSend(order#o-1)",
          "PT6S messageQueued(" + bytes + ")",
          "PT6S messageWritten(" + bytes + ", PT0S, first)",
          "PT8.5S messageAcknowledged(o-1, PT2.5S)"), rec.timeline(OUTBOUND));
      assertEquals(0, socket.metrics().unacknowledged());
    } finally {
      socket.close();
    }
  }

  /** A lost ack: the message is written again on the next connection (resent), then acknowledged; latencies from the send. */
  @Test
  void aMessageWhoseAckWasLostIsWrittenAgainAsResentAndThenAcknowledged(FakeServer server, TestClock clock) {
    RecordingObserver rec = new RecordingObserver(clock);
    SteadySocket socket = open(server, rec, b -> b.acknowledgedSends(true));
    try {
      clock.advanceBy(Duration.ofSeconds(6));
      server.loseNextAcks(1);
      CompletableFuture<Void> sent = socket.send(order("o-1"));
      long bytes = codec.size("order");
      clock.advanceBy(Duration.ofSeconds(3));
      server.connection().drop(); // at 9 s; the retry is 1 s later
      clock.advanceUntil(sent::isDone, Duration.ofSeconds(10));
      assertEquals(List.of(
          "PT6S messageQueued(" + bytes + ")",
          "PT6S messageWritten(" + bytes + ", PT0S, first)",
          "PT10S connectionOpened(null, '', PT0S)",
          "PT10S messageWritten(" + bytes + ", PT4S, resent)",
          "PT10S messageAcknowledged(o-1, PT4S)"),
          rec.timeline("messageQueued", "messageWritten", "messageAcknowledged", "connectionOpened"));
      assertEquals(2, socket.metrics().messagesSent());
      assertEquals(1, socket.metrics().messagesResent());
      assertEquals(2, server.received("order").size());
      assertEquals(1, server.delivered().size());
    } finally {
      socket.close();
    }
  }

  @Test
  void aFullOutboxRejectsTheNewMessage(FakeServer server, TestClock clock) {
    RecordingObserver rec = new RecordingObserver(clock);
    SteadySocket socket = socket(server, rec).outbox(OutboxPolicy.bounded(2, 1 << 20, OutboxPolicy.Overflow.REJECT_NEW)).build();
    try {
      socket.send(order("o-1"));
      socket.send(order("o-2"));
      CompletableFuture<Void> third = socket.send(order("o-3"));
      long bytes = codec.size("order");
      assertEquals(List.of(
          "beforeSend(order#o-1)", "messageQueued(" + bytes + ")",
          "beforeSend(order#o-2)", "messageQueued(" + bytes + ")",
          "beforeSend(order#o-3)", "messageQueued(" + bytes + ")", "outboxOverflow(1)"), rec.lines(OUTBOUND));
      assertInstanceOf(OutboxOverflowException.class, failure(third));
      assertEquals(1, socket.metrics().messagesDropped());
      assertEquals(2, socket.metrics().outboxDepth());
      socket.connect();
      clock.runUntilIdle();
      assertEquals(2, rec.count("messageWritten"), "the two that waited");
    } finally {
      socket.close();
    }
  }

  @Test
  void aFullOutboxDropsTheOldestMessage(FakeServer server, TestClock clock) {
    RecordingObserver rec = new RecordingObserver(clock);
    SteadySocket socket = socket(server, rec).outbox(OutboxPolicy.bounded(2, 1 << 20, OutboxPolicy.Overflow.DROP_OLDEST)).build();
    try {
      CompletableFuture<Void> first = socket.send(order("o-1"));
      socket.send(order("o-2"));
      socket.send(order("o-3"));
      assertEquals(List.of("outboxOverflow(1)"), rec.lines("outboxOverflow", "messagesFailed"));
      clock.runUntilIdle();
      assertInstanceOf(OutboxOverflowException.class, failure(first));
      assertEquals(1, socket.metrics().messagesDropped());
      socket.connect();
      clock.runUntilIdle();
      assertEquals(List.of("o-2", "o-3"), server.received("order").stream().map(Envelope::id).collect(java.util.stream.Collectors.toList()));
    } finally {
      socket.close();
    }
  }

  @Test
  void closingWithQueuedMessagesFailsThemInOneEventBeforeClosed(FakeServer server, TestClock clock) {
    RecordingObserver rec = new RecordingObserver(clock);
    SteadySocket socket = socket(server, rec).build();
    server.refuseConnections();
    socket.connect();
    clock.runUntilIdle();
    CompletableFuture<Void> a = socket.send(order("o-1"));
    CompletableFuture<Void> b = socket.send(order("o-2"));
    rec.clear();
    socket.close();
    clock.runUntilIdle();
    assertEquals(List.of(
        "stateChanged(RECONNECTING, CLOSING)",
        "stateChanged(CLOSING, CLOSED)",
        "messagesFailed(2)",
        "closed(1000 app)"), rec.lines());
    assertTrue(a.isCompletedExceptionally() && b.isCompletedExceptionally());
    assertEquals(2, socket.metrics().messagesDropped());
  }

  @Test
  void closingWithUnacknowledgedMessagesFailsThemToo(FakeServer server, TestClock clock) {
    RecordingObserver rec = new RecordingObserver(clock);
    SteadySocket socket = open(server, rec, b -> b.acknowledgedSends(true));
    server.loseNextAcks(1);
    socket.send(order("o-1"));
    clock.runUntilIdle();
    rec.clear();
    socket.close();
    clock.runUntilIdle();
    assertEquals(List.of("messagesFailed(1)", "closed(1000 app)"), rec.lines("messagesFailed", "closed"));
  }

  /**
   * A send after close fails at once: messageQueued then messagesFailed(1) on the sending thread,
   * after closed() (which ends the loop's events, not the sending threads').
   */
  @Test
  void aSendAfterCloseIsFailedAtOnce(FakeServer server, TestClock clock) {
    RecordingObserver rec = new RecordingObserver(clock);
    SteadySocket socket = open(server, rec, same());
    socket.close();
    clock.runUntilIdle();
    rec.clear();
    CompletableFuture<Void> late = socket.send(order("o-1"));
    long bytes = codec.size("order");
    assertEquals(List.of("beforeSend(order#o-1)", "messageQueued(" + bytes + ")", "messagesFailed(1)"), rec.lines());
    assertTrue(late.isCompletedExceptionally());
  }

  @Test
  void setupMessagesAreReportedOncePerConnectionBeforeWhatWaited(FakeServer server, TestClock clock) {
    RecordingObserver rec = new RecordingObserver(clock);
    SteadySocket socket = socket(server, rec).build();
    try {
      socket.setup(SetupMessage.of(Envelope.of("subscribe", Map.of("channel", "prices"))));
      socket.send(order("o-1"));
      socket.connect();
      clock.advanceBy(Duration.ofSeconds(6));
      server.connection().drop();
      clock.advanceBy(Duration.ofSeconds(1));
      assertEquals(List.of(
          "beforeSend(order#o-1)", "messageQueued(" + codec.size("order") + ")",
          "connectionOpened(null, '', PT0S)", "setupMessageSent()", "messageWritten(" + codec.size("order") + ", PT0S, first)",
          "connectionOpened(null, '', PT0S)", "setupMessageSent()"),
          rec.lines("connectionOpened", "beforeSend", "messageQueued", "messageWritten", "setupMessageSent"));
      assertEquals(2, socket.metrics().setupMessagesSent());
      assertEquals(1, socket.metrics().messagesSent(), "a setup message is not counted as a message sent");
      rec.clear();
      socket.setup(SetupMessage.of(Envelope.of("join", Map.of("room", "lobby"))));
      clock.runUntilIdle();
      assertEquals(List.of("setupMessageSent()"), rec.lines(OUTBOUND), "registered while open: written now, no beforeSend");
      assertEquals(2, server.received("subscribe").size());
    } finally {
      socket.close();
    }
  }

  @Test
  void beforeSendAddsToTheEnvelopeBeforeItIsEncoded(FakeServer server, TestClock clock) {
    RecordingObserver rec = new RecordingObserver(clock)
        .beforeSend(e -> e.toBuilder().meta("traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01").build());
    SteadySocket socket = open(server, rec, same());
    try {
      socket.send(order("o-1"));
      clock.runUntilIdle();
      assertEquals("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", server.expectReceived("order").metaText("traceparent"));
      assertTrue(codec.last().contains("traceparent"), "the size reported is the size with it");
      assertEquals("messageQueued(" + codec.size("order") + ")", rec.lines("messageQueued").get(0));
    } finally {
      socket.close();
    }
  }

  @Test
  void aSecondObserverSeesWhatTheFirstAdded(FakeServer server, TestClock clock) {
    RecordingObserver first = new RecordingObserver(clock).beforeSend(e -> e.toBuilder().meta("a", 1).build());
    RecordingObserver second = new RecordingObserver(clock).beforeSend(e -> e.toBuilder().meta("b", 2).build());
    SteadySocket socket = socket(server, first).observer(second.factory()).build();
    try {
      socket.connect();
      socket.send(order("o-1"));
      clock.runUntilIdle();
      Envelope seenBySecond = (Envelope) second.only("beforeSend").arg(0);
      assertEquals("1", seenBySecond.metaText("a"));
      Envelope received = server.expectReceived("order");
      assertEquals("1", received.metaText("a"));
      assertEquals("2", received.metaText("b"));
    } finally {
      socket.close();
    }
  }

  @Test
  void aBeforeSendThatThrowsOrReturnsNullLeavesTheEnvelopeUnchanged(FakeServer server, TestClock clock) {
    RecordingObserver rec = new RecordingObserver(clock).beforeSend(e -> {
      if (e.id().equals("o-1")) throw new IllegalStateException("tracer broken");
      return null;
    });
    SteadySocket socket = open(server, rec, same());
    try {
      CompletableFuture<Void> a = socket.send(order("o-1"));
      CompletableFuture<Void> b = socket.send(order("o-2"));
      clock.runUntilIdle();
      assertTrue(a.isDone() && !a.isCompletedExceptionally());
      assertTrue(b.isDone() && !b.isCompletedExceptionally());
      List<Envelope> got = server.received("order");
      assertEquals(List.of("o-1", "o-2"), got.stream().map(Envelope::id).collect(java.util.stream.Collectors.toList()));
      assertEquals(order("o-1").content(), got.get(0).content());
      assertEquals(1, socket.metrics().observerFailures(), "the throw is counted; a null is no failure");
      assertEquals(2, rec.count("messageWritten"));
    } finally {
      socket.close();
    }
  }

  @Test
  void beforeSendCannotChangeARequestsIdButTheRequestGoesOn(FakeServer server, TestClock clock) {
    RecordingObserver rec = new RecordingObserver(clock)
        .beforeSend(e -> e.toBuilder().id("hijacked").meta("traceparent", "x").build());
    server.replyTo("ask", request -> Map.of("ok", true));
    SteadySocket socket = open(server, rec, same());
    try {
      CompletableFuture<Envelope> reply = socket.request(Envelope.builder("ask").id("r-1").build(), Duration.ofSeconds(5));
      clock.runUntilIdle();
      assertEquals("r-1", server.expectReceived("ask").id());
      assertNull(server.expectReceived("ask").metaText("traceparent"), "the whole change is refused, not only the id");
      assertTrue(reply.isDone() && !reply.isCompletedExceptionally());
      socket.send(order("o-1"));
      clock.runUntilIdle();
      assertEquals("hijacked", server.expectReceived("order").id(), "a plain send may change its id");
    } finally {
      socket.close();
    }
  }

  @Test
  void heartbeatsAndSetupMessagesDoNotPassBeforeSend(FakeServer server, TestClock clock) {
    RecordingObserver rec = new RecordingObserver(clock);
    SteadySocket socket = socket(server, rec).heartbeat(Heartbeat.every(Duration.ofSeconds(5))).build();
    try {
      socket.setup(SetupMessage.of(Envelope.of("subscribe", "x")));
      socket.connect();
      clock.advanceBy(Duration.ofSeconds(11));
      assertEquals(2, rec.count("heartbeatSent"));
      assertEquals(1, rec.count("setupMessageSent"));
      assertEquals(0, rec.count("beforeSend"));
      assertEquals(0, rec.count("messageQueued"));
      assertEquals(0, rec.count("messageWritten"), "heartbeats and setup messages are not messages sent");
    } finally {
      socket.close();
    }
  }

  static Throwable failure(CompletableFuture<?> f) {
    assertTrue(f.isCompletedExceptionally(), "failed: " + f);
    try {
      f.join();
      throw new AssertionError("not failed");
    } catch (CompletionException e) {
      return e.getCause();
    } catch (java.util.concurrent.CancellationException e) {
      return e;
    }
  }

  @Test
  void nothingElseIsReportedForAMessageThatCannotBeEncoded(FakeServer server, TestClock clock) {
    RecordingObserver rec = new RecordingObserver(clock);
    SteadySocket socket = open(server, rec, b -> b.outbox(OutboxPolicy.bounded(10, 64, OutboxPolicy.Overflow.REJECT_NEW)));
    try {
      CompletableFuture<Void> big = socket.send(Envelope.of("order", "x".repeat(100)));
      assertEquals(List.of("beforeSend"), rec.events().stream().map(e -> e.name).collect(java.util.stream.Collectors.toList()),
          "too large: refused before it was queued");
      assertTrue(big.isCompletedExceptionally());
    } finally {
      socket.close();
    }
  }
}
