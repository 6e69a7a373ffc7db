package dev.steadysocket.testing;

import static dev.steadysocket.testing.ObserverFixtures.replyLater;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.steadysocket.Backoff;
import dev.steadysocket.ConnectionLostException;
import dev.steadysocket.Envelope;
import dev.steadysocket.Heartbeat;
import dev.steadysocket.OutboxPolicy;
import dev.steadysocket.RequestRetention;
import dev.steadysocket.RequestTimeoutException;
import dev.steadysocket.SocketClosedException;
import dev.steadysocket.SteadySocket;
import dev.steadysocket.SteadySocketBuilder;
import dev.steadysocket.SteadySocketListener;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The request events — requestStarted then exactly one of requestCompleted, requestTimedOut,
 * requestFailed, with the latency from the request — and callbacksRejected, in memory on the
 * kit's virtual clock.
 */
@ExtendWith(SteadySocketExtension.class)
class ObserverRequestEventsTest {
  private static final String[] REQUEST = {"requestStarted", "requestCompleted", "requestTimedOut", "requestFailed"};

  private static SteadySocketBuilder socket(FakeServer server, RecordingObserver rec) {
    return server.newSocket().observer(rec.factory()).heartbeat(Heartbeat.disabled())
        .backoff(Backoff.exponential(Duration.ofSeconds(1), Duration.ofSeconds(30)).withoutJitter());
  }

  private static Envelope ask(String id) {
    return Envelope.builder("ask").id(id).content("?").build();
  }

  private static SteadySocket open(FakeServer server, SteadySocketBuilder b) {
    SteadySocket socket = b.build();
    socket.connect();
    server.clock().advanceBy(Duration.ofSeconds(6)); // stable
    return socket;
  }

  @Test
  void aRequestIsCompletedByItsReplyWithTheLatencyFromTheRequest(FakeServer server, TestClock clock) {
    RecordingObserver rec = new RecordingObserver(clock);
    replyLater(server, clock, "ask", Duration.ofMillis(1_500));
    SteadySocket socket = open(server, socket(server, rec));
    try {
      rec.clear();
      CompletableFuture<Envelope> reply = socket.request(ask("r-1"), Duration.ofSeconds(5));
      clock.advanceUntil(reply::isDone, Duration.ofSeconds(10));
      assertEquals(List.of(
          "PT6S requestStarted(ask#r-1)",
          "PT6S beforeSend(ask#r-1)",
          "PT6S messageQueued(" + rec.named("messageQueued").get(0).arg(0) + ")",
          "PT6S messageWritten(" + rec.named("messageQueued").get(0).arg(0) + ", PT0S, first)",
          "PT7.5S requestCompleted(r-1, reply, PT1.5S)"), rec.timeline());
      assertEquals("reply", reply.join().type());
      clock.advanceBy(Duration.ofSeconds(10));
      assertEquals(1, rec.count("requestCompleted"), "its timeout was cancelled: nothing more");
      assertEquals(0, rec.count("requestTimedOut") + rec.count("requestFailed"));
    } finally {
      socket.close();
    }
  }

  @Test
  void anUnansweredRequestTimesOutOnceAndALateReplyIsNoCompletion(FakeServer server, TestClock clock) {
    RecordingObserver rec = new RecordingObserver(clock);
    replyLater(server, clock, "ask", Duration.ofSeconds(7));
    SteadySocket socket = open(server, socket(server, rec));
    try {
      CompletableFuture<Envelope> reply = socket.request(ask("r-1"), Duration.ofSeconds(5));
      clock.advanceBy(Duration.ofSeconds(10));
      assertEquals(List.of("PT6S requestStarted(ask#r-1)", "PT11S requestTimedOut(r-1, PT5S)"), rec.timeline(REQUEST));
      assertInstanceOf(RequestTimeoutException.class, ObserverOutboundEventsTest.failure(reply));
    } finally {
      socket.close();
    }
  }

  @Test
  void aRequestWaitingInTheOutboxTimesOutAndIsNeverWritten(FakeServer server, TestClock clock) {
    RecordingObserver rec = new RecordingObserver(clock);
    SteadySocket socket = socket(server, rec).build();
    try {
      socket.request(ask("r-1"), Duration.ofSeconds(2));
      clock.advanceBy(Duration.ofSeconds(3));
      socket.connect();
      clock.runUntilIdle();
      assertEquals(List.of("PT0S requestStarted(ask#r-1)", "PT2S requestTimedOut(r-1, PT2S)"), rec.timeline(REQUEST));
      assertEquals(0, rec.count("messageWritten"), "withdrawn");
      assertEquals(0, server.received("ask").size());
    } finally {
      socket.close();
    }
  }

  @Test
  void aRequestWrittenOnALostConnectionFailsWithTheLoss(FakeServer server, TestClock clock) {
    RecordingObserver rec = new RecordingObserver(clock);
    SteadySocket socket = open(server, socket(server, rec)); // RequestRetention.FAIL, the default
    try {
      rec.clear();
      CompletableFuture<Envelope> reply = socket.request(ask("r-1"), Duration.ofSeconds(30));
      clock.advanceBy(Duration.ofSeconds(2));
      server.connection().drop();
      clock.advanceBy(Duration.ofSeconds(30));
      assertEquals(List.of(
          "PT6S requestStarted(ask#r-1)",
          "PT8S disconnected(TRANSPORT_FAILURE/ConnectionLostException, PT8S)",
          "PT8S requestFailed(r-1, ConnectionLostException, PT2S)"), rec.timeline("requestStarted", "requestCompleted",
          "requestTimedOut", "requestFailed", "disconnected"));
      assertInstanceOf(ConnectionLostException.class, ObserverOutboundEventsTest.failure(reply));
    } finally {
      socket.close();
    }
  }

  @Test
  void withResendARequestIsWrittenAgainAndCompletedOnTheNextConnection(FakeServer server, TestClock clock) {
    RecordingObserver rec = new RecordingObserver(clock);
    SteadySocket socket = open(server, socket(server, rec).requestRetention(RequestRetention.RESEND));
    try {
      rec.clear();
      replyLater(server, clock, "ask", Duration.ZERO, c -> c.index() == 1); // only the second connection answers
      CompletableFuture<Envelope> reply = socket.request(ask("r-1"), Duration.ofSeconds(30));
      clock.advanceBy(Duration.ofSeconds(2));
      server.connection().drop();
      clock.advanceUntil(reply::isDone, Duration.ofSeconds(30));
      List<String> lines = rec.timeline(
          "requestStarted", "requestCompleted", "requestTimedOut", "requestFailed", "messageWritten", "connectionOpened");
      assertEquals(5, lines.size(), lines.toString());
      assertEquals("PT6S requestStarted(ask#r-1)", lines.get(0));
      assertTrue(lines.get(1).startsWith("PT6S messageWritten(") && lines.get(1).endsWith(", PT0S, first)"), lines.toString());
      assertEquals("PT9S connectionOpened(null, '', PT0S)", lines.get(2));
      assertTrue(lines.get(3).startsWith("PT9S messageWritten(") && lines.get(3).endsWith(", PT3S, resent)"), lines.toString());
      assertEquals("PT9S requestCompleted(r-1, reply, PT3S)", lines.get(4));
    } finally {
      socket.close();
    }
  }

  @Test
  void aRequestThatCannotBeSentFailsAtOnce(FakeServer server, TestClock clock) {
    RecordingObserver rec = new RecordingObserver(clock);
    SteadySocket socket = open(server, socket(server, rec).outbox(OutboxPolicy.bounded(10, 200, OutboxPolicy.Overflow.REJECT_NEW)));
    try {
      rec.clear();
      socket.request(Envelope.builder("ask").id("too-big").content("x".repeat(500)).build(), Duration.ofSeconds(5));
      assertEquals(List.of(
          "requestStarted(ask#too-big)", "beforeSend(ask#too-big)", "requestFailed(too-big, MessageTooLargeException, PT0S)"),
          rec.lines());
    } finally {
      socket.close();
    }
  }

  @Test
  void aRequestAfterCloseFailsAtOnce(FakeServer server, TestClock clock) {
    RecordingObserver rec = new RecordingObserver(clock);
    SteadySocket socket = open(server, socket(server, rec));
    socket.close();
    clock.runUntilIdle();
    rec.clear();
    CompletableFuture<Envelope> reply = socket.request(ask("r-1"), Duration.ofSeconds(5));
    clock.runUntilIdle();
    assertEquals(List.of("requestStarted(ask#r-1)", "requestFailed(r-1, SocketClosedException, PT0S)"), rec.lines(REQUEST));
    assertInstanceOf(SocketClosedException.class, ObserverOutboundEventsTest.failure(reply));
  }

  @Test
  void aRequestPendingAtCloseFailsBeforeClosed(FakeServer server, TestClock clock) {
    RecordingObserver rec = new RecordingObserver(clock);
    SteadySocket socket = open(server, socket(server, rec));
    socket.request(ask("r-1"), Duration.ofSeconds(30));
    clock.advanceBy(Duration.ofSeconds(3));
    socket.close();
    clock.runUntilIdle();
    assertEquals(List.of(
        "PT6S requestStarted(ask#r-1)",
        "PT9S stateChanged(CLOSING, CLOSED)",
        "PT9S requestFailed(r-1, SocketClosedException, PT3S)",
        "PT9S closed(1000 app)"),
        rec.timeline("requestStarted", "requestFailed", "requestCompleted", "requestTimedOut", "closed", "stateChanged")
            .stream().filter(l -> !l.contains("stateChanged") || l.contains("CLOSED)")).collect(java.util.stream.Collectors.toList()));
  }

  /** Every request started ends in exactly one outcome, whatever happened to it. */
  @Test
  void everyRequestHasExactlyOneOutcome(FakeServer server, TestClock clock) {
    RecordingObserver rec = new RecordingObserver(clock);
    replyLater(server, clock, "ask", Duration.ofSeconds(1));
    SteadySocket socket = open(server, socket(server, rec));
    for (int i = 0; i < 20; i++) {
      socket.request(ask("r-" + i), Duration.ofMillis(500 + 100L * i));
      clock.advanceBy(Duration.ofMillis(300));
      if (i % 7 == 3) server.connection().drop();
    }
    clock.advanceBy(Duration.ofSeconds(1));
    socket.close();
    clock.runUntilIdle();
    for (int i = 0; i < 20; i++) {
      String id = "r-" + i;
      long outcomes = rec.events().stream().filter(e -> List.of("requestCompleted", "requestTimedOut", "requestFailed")
          .contains(e.name) && id.equals(e.arg(0))).count();
      assertEquals(1, outcomes, id + ": " + rec.lines(REQUEST));
    }
    assertEquals(20, rec.count("requestStarted"));
    assertTrue(rec.count("requestCompleted") > 0 && rec.count("requestTimedOut") > 0 && rec.count("requestFailed") > 0,
        "all three outcomes were exercised: " + rec.lines(REQUEST));
  }

  /** An executor that refuses everything, counting its refusals. */
  private static final class RefusingExecutor implements Executor {
    final AtomicInteger refused = new AtomicInteger();

    @Override
    public void execute(Runnable command) {
      refused.incrementAndGet();
      throw new RejectedExecutionException("shut down");
    }
  }

  @Test
  void callbacksTheExecutorRefusesAreReportedAndCounted(FakeServer server, TestClock clock) {
    RecordingObserver rec = new RecordingObserver(clock);
    RefusingExecutor executor = new RefusingExecutor();
    SteadySocket socket = socket(server, rec).callbackExecutor(executor).listener(new SteadySocketListener() {}).build();
    try {
      socket.connect();
      clock.runUntilIdle();
      server.connection().send("tick", 1);
      server.connection().send("tick", 2);
      clock.runUntilIdle();
      int dropped = rec.named("callbacksRejected").stream().mapToInt(e -> (Integer) e.arg(0)).sum();
      assertTrue(dropped >= 3, "the OPEN transition and two messages at least: " + rec.lines("callbacksRejected"));
      assertTrue(rec.named("callbacksRejected").stream().allMatch(e -> (Integer) e.arg(0) > 0),
          "fired only when callbacks were dropped: " + rec.lines("callbacksRejected"));
      assertEquals(dropped, socket.metrics().callbacksRejected());
      CompletableFuture<Void> sent = socket.send(Envelope.of("order", 1));
      clock.runUntilIdle();
      assertTrue(sent.isDone(), "futures still complete");
    } finally {
      socket.close();
    }
  }

  /**
   * Only a future to complete (an acknowledged send's: an essential task, run anyway): nothing was
   * dropped, so nothing is reported.
   */
  @Test
  void aRefusalThatDropsNothingIsNotReported(FakeServer server, TestClock clock) {
    RecordingObserver rec = new RecordingObserver(clock);
    RefusingExecutor executor = new RefusingExecutor();
    SteadySocket socket = socket(server, rec).callbackExecutor(executor).acknowledgedSends(true).build();
    try {
      socket.connect();
      clock.runUntilIdle();
      rec.clear();
      int before = executor.refused.get();
      CompletableFuture<Void> sent = socket.send(Envelope.of("order", 1));
      clock.runUntilIdle();
      assertTrue(sent.isDone());
      assertTrue(executor.refused.get() > before, "the executor was asked and refused");
      assertEquals(List.of(), rec.lines("callbacksRejected"));
    } finally {
      socket.close();
    }
  }
}
