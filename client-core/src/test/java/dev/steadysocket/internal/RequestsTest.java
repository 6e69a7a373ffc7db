package dev.steadysocket.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.steadysocket.ConnectionLostException;
import dev.steadysocket.Envelope;
import dev.steadysocket.MessageCodec;
import dev.steadysocket.OutboxPolicy;
import dev.steadysocket.RequestRetention;
import dev.steadysocket.RequestTimeoutException;
import dev.steadysocket.SocketClosedException;
import dev.steadysocket.testkit.FakeScheduler;
import dev.steadysocket.testkit.FakeTransports;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class RequestsTest {
  static final Duration TIMEOUT = Duration.ofSeconds(5);

  final FakeScheduler scheduler = new FakeScheduler();
  final LoopTasks tasks = new LoopTasks(scheduler);
  final ListenerBus bus = new ListenerBus(Runnable::run, true, Runnable::run, n -> {});
  final MetricsRecorder metrics = new MetricsRecorder(tasks);
  final Events events = new Events(metrics, tasks, true);
  final Outbound outbound = new Outbound(OutboxPolicy.defaults(), MessageCodec.jackson(), false, bus, events, tasks);

  Requests requests(RequestRetention retention) {
    return new Requests(retention, bus, outbound, tasks, events);
  }

  static Envelope req(String id) {
    return Envelope.builder("question").id(id).build();
  }

  static Envelope answer(String to) {
    return Envelope.builder("answer").meta(InboundLedger.META_REPLY_TO, to).build();
  }

  @Test
  void aReplyCompletesTheRequestAndCancelsItsTimeout() {
    Requests r = requests(RequestRetention.FAIL);
    assertTrue(r.isEmpty());
    CompletableFuture<Envelope> f = r.request(req("q1"), TIMEOUT);
    assertFalse(r.isEmpty());
    scheduler.runUntilIdle();
    assertEquals(1, scheduler.pendingTasks(), "the timeout");
    assertEquals(TIMEOUT.toNanos(), scheduler.lastDelay());
    Envelope reply = answer("q1");
    assertTrue(r.reply("q1", reply));
    assertSame(reply, f.getNow(null));
    assertTrue(r.isEmpty());
    assertFalse(r.reply("q1", reply), "only once");
    scheduler.runUntilIdle();
    assertEquals(0, scheduler.pendingTasks(), "the timeout was cancelled");
    scheduler.advanceByNanos(TIMEOUT.toNanos());
    assertSame(reply, f.getNow(null));
  }

  @Test
  void aRequestWithoutAnIdGetsOne() {
    Requests r = requests(RequestRetention.FAIL);
    FakeTransports.Fake t = new FakeTransports.Fake();
    outbound.attach(t, null, List.of(), false);
    CompletableFuture<Envelope> f = r.request(Envelope.builder("question").id(null).build(), TIMEOUT);
    Envelope sent = MessageCodec.jackson().decode(t.sent.get(0));
    assertNotNull(sent.id());
    assertTrue(r.reply(sent.id(), answer(sent.id())));
    assertTrue(f.isDone());
  }

  @Test
  void aSecondRequestWithTheSameIdFailsAndTheFirstKeepsWaiting() {
    Requests r = requests(RequestRetention.FAIL);
    CompletableFuture<Envelope> first = r.request(req("dup"), TIMEOUT);
    CompletableFuture<Envelope> second = r.request(req("dup"), TIMEOUT);
    assertTrue(second.isCompletedExceptionally());
    assertEquals(1, outbound.depth, "the duplicate is not sent");
    assertFalse(first.isDone());
    assertTrue(r.reply("dup", answer("dup")));
    assertTrue(first.isDone() && !first.isCompletedExceptionally());
  }

  @Test
  void aTimedOutRequestFailsAndIsNeverSent() {
    Requests r = requests(RequestRetention.RESEND);
    CompletableFuture<Envelope> f = r.request(req("slow"), TIMEOUT);
    scheduler.advanceByNanos(TIMEOUT.toNanos() - 1);
    assertFalse(f.isDone());
    scheduler.advanceByNanos(1);
    RequestTimeoutException e = assertInstanceOf(RequestTimeoutException.class, VirtualTime.failure(f));
    assertEquals("slow", e.requestId());
    assertTrue(r.isEmpty());
    assertEquals(0, outbound.depth, "withdrawn from the outbox");
    FakeTransports.Fake t = new FakeTransports.Fake();
    outbound.attach(t, null, List.of(), false);
    assertEquals(List.of(), t.sent);
    assertFalse(r.reply("slow", answer("slow")), "a late reply finds nothing");
  }

  @Test
  void aRefusedSendFailsTheRequestAtOnceWithoutATimeout() {
    Requests r = requests(RequestRetention.FAIL);
    outbound.refuseNewSends();
    CompletableFuture<Envelope> f = r.request(req("late"), TIMEOUT);
    assertInstanceOf(SocketClosedException.class, VirtualTime.failure(f));
    assertTrue(r.isEmpty());
    scheduler.runUntilIdle();
    assertEquals(0, scheduler.pendingTasks(), "no timeout for a request that already failed");
  }

  @Test
  void aRequestWhoseSendFailsLaterIsFailedAndItsTimeoutCancelled() {
    Requests r = requests(RequestRetention.FAIL);
    CompletableFuture<Envelope> f = r.request(req("queued"), TIMEOUT);
    scheduler.runUntilIdle();
    assertEquals(1, scheduler.pendingTasks());
    outbound.failAll(); // CLOSED fails the queued message's send future
    assertInstanceOf(SocketClosedException.class, VirtualTime.failure(f));
    scheduler.runUntilIdle();
    assertEquals(0, scheduler.pendingTasks(), "the timeout was cancelled");
  }

  @Test
  void withFailALostConnectionFailsTheRequestsWrittenOnIt() {
    Requests r = requests(RequestRetention.FAIL);
    FakeTransports.Fake t = new FakeTransports.Fake();
    outbound.attach(t, null, List.of(), false);
    CompletableFuture<Envelope> written = r.request(req("w"), TIMEOUT);
    outbound.detach(t);
    CompletableFuture<Envelope> waiting = r.request(req("q"), TIMEOUT);
    scheduler.runUntilIdle();
    ConnectionLostException lost = Api.get().connectionLost("reset", null);
    r.connectionLost(null, lost);
    r.connectionLost(new FakeTransports.Fake(), lost);
    assertFalse(written.isDone());
    r.connectionLost(t, lost);
    assertSame(lost, VirtualTime.failure(written));
    assertFalse(waiting.isDone(), "never written: it waits to be sent");
    scheduler.runUntilIdle();
    assertEquals(1, scheduler.pendingTasks(), "only the waiting request's timeout is left");
    assertTrue(r.toResend(new FakeTransports.Fake()).isEmpty(), "FAIL resends nothing");
  }

  @Test
  void withResendTheRequestsWrittenEarlierAreResentOnTheNextConnection() {
    Requests r = requests(RequestRetention.RESEND);
    FakeTransports.Fake first = new FakeTransports.Fake();
    outbound.attach(first, null, List.of(), false);
    CompletableFuture<Envelope> written = r.request(req("w"), TIMEOUT);
    outbound.detach(first);
    r.request(req("q"), TIMEOUT); // not written yet
    r.connectionLost(first, Api.get().connectionLost("reset", null));
    assertFalse(written.isDone(), "RESEND keeps it");
    assertTrue(r.toResend(first).isEmpty(), "not on the connection it was written on");
    FakeTransports.Fake second = new FakeTransports.Fake();
    List<Requests.Request> resend = r.toResend(second);
    assertEquals(1, resend.size());
    assertEquals("w", resend.get(0).id);
    outbound.attach(second, null, resend, false);
    assertEquals(2, second.sent.size(), "the resent request, then the queued one");
    assertTrue(second.sent.get(0).contains("\"w\""));
    assertTrue(r.toResend(second).isEmpty(), "both are now written on it");
  }

  @Test
  void failAllFailsEveryWaitingRequestWithdrawsItAndCancelsTheTimeouts() {
    Requests r = requests(RequestRetention.RESEND);
    CompletableFuture<Envelope> a = r.request(req("a"), TIMEOUT);
    CompletableFuture<Envelope> b = r.request(req("b"), TIMEOUT);
    scheduler.runUntilIdle();
    assertEquals(2, scheduler.pendingTasks());
    SocketClosedException closed = Api.get().socketClosed("closed");
    r.failAll(closed);
    assertSame(closed, VirtualTime.failure(a));
    assertSame(closed, VirtualTime.failure(b));
    assertTrue(r.isEmpty());
    assertEquals(0, scheduler.pendingTasks());
    assertEquals(0, outbound.depth);
    r.failAll(closed); // nothing left
  }
}
