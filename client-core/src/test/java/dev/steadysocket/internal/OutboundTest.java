package dev.steadysocket.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.steadysocket.EncodeException;
import dev.steadysocket.Envelope;
import dev.steadysocket.MessageCodec;
import dev.steadysocket.MessageTooLargeException;
import dev.steadysocket.OutboxOverflowException;
import dev.steadysocket.OutboxPolicy;
import dev.steadysocket.OutboxPolicy.Overflow;
import dev.steadysocket.SocketClosedException;
import dev.steadysocket.testkit.FakeScheduler;
import dev.steadysocket.testkit.FakeTransports;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class OutboundTest {
  /** Encodes an envelope as its type, so a message's text and size are what the test names. */
  static final class TypeCodec implements MessageCodec {
    final List<Envelope> encoded = new ArrayList<>();
    RuntimeException fail;
    Error error;

    @Override
    public String encode(Envelope envelope) {
      if (fail != null) throw fail;
      if (error != null) throw error;
      encoded.add(envelope);
      return envelope.type();
    }

    @Override
    public Envelope decode(String text) {
      throw new UnsupportedOperationException();
    }
  }

  final FakeScheduler scheduler = new FakeScheduler();
  final LoopTasks tasks = new LoopTasks(scheduler);
  final ListenerBus bus = new ListenerBus(Runnable::run, true, Runnable::run, n -> {});
  final MetricsRecorder metrics = new MetricsRecorder(tasks);
  final Events events = new Events(metrics, tasks, true);
  final TypeCodec codec = new TypeCodec();

  Outbound outbound(OutboxPolicy policy, boolean ackMode) {
    return new Outbound(policy, codec, ackMode, bus, events, tasks);
  }

  Outbound outbound() {
    return outbound(OutboxPolicy.defaults(), false);
  }

  static CompletableFuture<Void> send(Outbound o, String text) {
    return o.send(Envelope.builder(text).id(text).build(), null);
  }

  static Throwable failure(CompletableFuture<?> f) {
    assertTrue(f.isDone(), "expected the future to be done");
    try {
      f.get();
      throw new AssertionError("expected the future to fail");
    } catch (ExecutionException e) {
      return e.getCause();
    } catch (InterruptedException e) {
      throw new AssertionError(e);
    }
  }

  static void assertSucceeded(CompletableFuture<?> f) {
    assertTrue(f.isDone() && !f.isCompletedExceptionally(), "expected success");
  }

  @Test
  void whileDetachedSendsWaitAndGoOutInOrderOnAttach() {
    Outbound o = outbound();
    CompletableFuture<Void> a = send(o, "a"), b = send(o, "bb");
    assertFalse(a.isDone());
    assertEquals(2, o.depth);
    assertEquals(0, scheduler.pendingTasks(), "no drain timer while nothing is writable");
    FakeTransports.Fake t = new FakeTransports.Fake();
    o.attach(t, null, List.of(), false);
    assertEquals(List.of("a", "bb"), t.sent);
    assertSucceeded(a);
    assertSucceeded(b);
    assertEquals(0, o.depth);
    assertEquals(2, metrics.messagesSent.get());
    assertEquals(3, metrics.bytesSent.get());
    CompletableFuture<Void> c = send(o, "c");
    assertSucceeded(c);
    assertEquals(List.of("a", "bb", "c"), t.sent);
  }

  @Test
  void aWaitingMessageKeepsTheLaneClosedToNewerOnes() {
    Outbound o = outbound();
    FakeTransports.Fake t = new FakeTransports.Fake();
    o.attach(t, null, List.of(), false);
    t.acceptSends = false; // closing: send() says no
    CompletableFuture<Void> a = send(o, "a");
    assertFalse(a.isDone());
    t.acceptSends = true;
    CompletableFuture<Void> b = send(o, "b");
    assertFalse(b.isDone(), "b may not overtake a");
    assertEquals(List.of(), t.sent);
    o.flush();
    assertEquals(List.of("a", "b"), t.sent);
    assertSucceeded(a);
    assertSucceeded(b);
  }

  @Test
  void aFullSendBufferHoldsMessagesBackAndAPollWritesThemLater() {
    Outbound o = outbound();
    FakeTransports.Fake t = new FakeTransports.Fake();
    o.attach(t, null, List.of(), false);
    t.queueSize = Outbound.SEND_BUFFER_HIGH_WATER - 10;
    CompletableFuture<Void> fits = send(o, "x".repeat(10));
    assertSucceeded(fits);
    CompletableFuture<Void> over = send(o, "y".repeat(11));
    assertFalse(over.isDone());
    assertEquals(1, scheduler.pendingTasks(), "a drain poll is scheduled");
    assertEquals(Outbound.DRAIN_POLL_NANOS, scheduler.lastDelay());
    send(o, "z");
    assertEquals(1, scheduler.pendingTasks(), "one poll at a time");
    scheduler.advanceByNanos(Outbound.DRAIN_POLL_NANOS);
    assertEquals(2, scheduler.pendingTasks() + 1, "still full: polled again");
    t.queueSize = 0;
    scheduler.advanceByNanos(Outbound.DRAIN_POLL_NANOS);
    assertEquals(List.of("x".repeat(10), "y".repeat(11), "z"), t.sent);
    assertSucceeded(over);
    assertEquals(0, scheduler.pendingTasks(), "no more polls once the outbox is empty");
  }

  @Test
  void attachingToAFullBufferSchedulesAPoll() {
    Outbound o = outbound();
    CompletableFuture<Void> a = send(o, "a");
    FakeTransports.Fake t = new FakeTransports.Fake();
    t.queueSize = Outbound.SEND_BUFFER_HIGH_WATER;
    o.attach(t, null, List.of(), false);
    assertEquals(List.of(), t.sent);
    assertEquals(1, scheduler.pendingTasks());
    t.queueSize = 0;
    scheduler.advanceByNanos(Outbound.DRAIN_POLL_NANOS);
    assertEquals(List.of("a"), t.sent);
    assertSucceeded(a);
  }

  @Test
  void aMessageLargerThanTheHighWaterGoesToAnEmptyBuffer() {
    Outbound o = outbound(OutboxPolicy.bounded(10, Outbound.SEND_BUFFER_HIGH_WATER * 2, Overflow.REJECT_NEW), false);
    FakeTransports.Fake t = new FakeTransports.Fake();
    o.attach(t, null, List.of(), false);
    String big = "b".repeat((int) Outbound.SEND_BUFFER_HIGH_WATER + 1);
    assertSucceeded(send(o, big));
    t.queueSize = 1;
    assertFalse(send(o, big).isDone(), "behind anything queued, it waits");
  }

  @Test
  void theDrainPollStopsWhenTheTransportIsDetached() {
    Outbound o = outbound();
    FakeTransports.Fake t = new FakeTransports.Fake();
    o.attach(t, null, List.of(), false);
    t.queueSize = Outbound.SEND_BUFFER_HIGH_WATER;
    CompletableFuture<Void> a = send(o, "a");
    o.detach(new FakeTransports.Fake()); // another transport: no effect
    o.detach(null);
    scheduler.advanceByNanos(Outbound.DRAIN_POLL_NANOS);
    assertEquals(1, scheduler.pendingTasks(), "still attached, still polling");
    o.detach(t);
    t.queueSize = 0;
    scheduler.advanceByNanos(Outbound.DRAIN_POLL_NANOS);
    assertEquals(0, scheduler.pendingTasks());
    assertEquals(List.of(), t.sent);
    assertFalse(a.isDone());
    assertFalse(send(o, "b").isDone(), "detached: new sends wait");
  }

  @Test
  void attachWritesTheResumeFrameAndResentRequestsBeforeTheOutbox() {
    Outbound o = outbound();
    CompletableFuture<Void> queued = send(o, "queued");
    Requests.Request kept = new Requests.Request("r1", new CompletableFuture<>(), 0);
    kept.message = new Outbox.Pending("request-r1", 10, new CompletableFuture<>(), "r1", kept);
    Requests.Request unsent = new Requests.Request("r2", new CompletableFuture<>(), 0);
    FakeTransports.Fake t = new FakeTransports.Fake();
    o.attach(t, "resume", List.of(kept, unsent), false);
    assertEquals(List.of("resume", "request-r1", "queued"), t.sent);
    assertSame(t, kept.sentOn);
    assertNull(unsent.sentOn);
    assertEquals(1, metrics.resent.get());
    assertSucceeded(queued);

    FakeTransports.Fake refusing = new FakeTransports.Fake();
    refusing.acceptSends = false;
    kept.sentOn = null;
    o.attach(refusing, null, List.of(kept), false);
    assertNull(kept.sentOn, "not written, not marked");
    assertEquals(1, metrics.resent.get(), "counted only when written");
  }

  @Test
  void aWrittenRequestRemembersItsTransport() {
    Outbound o = outbound();
    FakeTransports.Fake t = new FakeTransports.Fake();
    o.attach(t, null, List.of(), false);
    Requests.Request r = new Requests.Request("r", new CompletableFuture<>(), 0);
    CompletableFuture<Void> f = o.send(Envelope.builder("req").id("r").build(), r);
    assertSucceeded(f);
    assertNotNull(r.message);
    assertEquals("req", r.message.text);
    assertSame(t, r.sentOn);
  }

  @Test
  void afterRefuseNewSendsEverySendFailsAtOnce() {
    Outbound o = outbound();
    o.refuseNewSends();
    assertInstanceOf(SocketClosedException.class, failure(send(o, "a")));
    assertEquals(1, metrics.dropped.get());
    FakeTransports.Fake t = new FakeTransports.Fake();
    o.attach(t, null, List.of(), false);
    assertEquals(List.of(), t.sent, "attach after close does nothing");
    assertInstanceOf(SocketClosedException.class, failure(send(o, "b")));
  }

  @Test
  void failAllFailsWhatWaitsAndStopsPolling() {
    Outbound o = outbound();
    FakeTransports.Fake t = new FakeTransports.Fake();
    o.attach(t, null, List.of(), false);
    t.queueSize = Outbound.SEND_BUFFER_HIGH_WATER;
    CompletableFuture<Void> a = send(o, "a"), b = send(o, "b");
    assertEquals(1, scheduler.pendingTasks());
    o.failAll();
    assertEquals(0, scheduler.pendingTasks(), "the drain poll is cancelled");
    assertEquals("socket closed before the message was sent", failure(a).getMessage());
    assertInstanceOf(SocketClosedException.class, failure(b));
    assertEquals(2, metrics.dropped.get());
    assertEquals(0, o.depth);
    t.queueSize = 0;
    o.flush();
    assertEquals(List.of(), t.sent, "nothing is writable after CLOSED");
    assertInstanceOf(SocketClosedException.class, failure(send(o, "c")));
    o.failAll(); // twice is harmless
    assertEquals(3, metrics.dropped.get());
  }

  @Test
  void overflowFailsTheNewMessageOrTheOldest() {
    Outbound reject = outbound(OutboxPolicy.bounded(1, 100, Overflow.REJECT_NEW), false);
    CompletableFuture<Void> first = send(reject, "a");
    Throwable e = failure(send(reject, "b"));
    assertInstanceOf(OutboxOverflowException.class, e);
    assertTrue(e.getMessage().startsWith("outbox full, message rejected ("), e.getMessage());
    assertFalse(first.isDone());
    assertEquals(1, metrics.dropped.get());

    Outbound drop = outbound(OutboxPolicy.bounded(1, 100, Overflow.DROP_OLDEST), false);
    CompletableFuture<Void> old = send(drop, "a");
    CompletableFuture<Void> young = send(drop, "b");
    assertFalse(young.isDone());
    Throwable evicted = failure(old);
    assertTrue(evicted.getMessage().startsWith("outbox full, oldest message dropped ("), evicted.getMessage());
    assertEquals(2, metrics.dropped.get());
    assertEquals(1, drop.depth);
  }

  @Test
  void encodingFailuresFailTheSendAtOnce() {
    Outbound o = outbound();
    EncodeException mine = new EncodeException("no", null);
    codec.fail = mine;
    assertSame(mine, failure(send(o, "a")));
    codec.fail = new IllegalStateException("bug");
    Throwable wrapped = failure(send(o, "a"));
    assertInstanceOf(EncodeException.class, wrapped);
    assertInstanceOf(IllegalStateException.class, wrapped.getCause());
    codec.fail = null;
    codec.error = new StackOverflowError();
    assertInstanceOf(StackOverflowError.class, failure(send(o, "a")).getCause());
    assertEquals(0, o.depth);
  }

  @Test
  void messagesLargerThanTheOutboxByteLimitAreTooLarge() {
    Outbound o = outbound(OutboxPolicy.bounded(10, 5, Overflow.REJECT_NEW), false);
    assertFalse(send(o, "12345").isDone(), "exactly the limit waits");
    Throwable e = failure(send(o, "123456"));
    assertInstanceOf(MessageTooLargeException.class, e);
    assertEquals("message is 6 bytes; the limit is 5 (raise OutboxPolicy maxBytes for larger messages)", e.getMessage());
  }

  // ------------------------------------------------------------------ acknowledgement mode

  @Test
  void ackModeMarksTheEnvelopeAndCompletesOnTheAck() {
    Outbound o = outbound(OutboxPolicy.defaults(), true);
    FakeTransports.Fake t = new FakeTransports.Fake();
    o.attach(t, null, List.of(), false);
    CompletableFuture<Void> f = o.send(Envelope.builder("a").id(null).build(), null);
    Envelope sent = codec.encoded.get(0);
    assertNotNull(sent.id(), "ack mode needs an id");
    assertEquals("true", sent.metaText(InboundLedger.META_ACK));
    assertFalse(f.isDone(), "written is not acknowledged");
    assertEquals(1, o.unacknowledged);
    o.acked("someone else's");
    assertFalse(f.isDone());
    o.acked(sent.id());
    assertSucceeded(f);
    assertEquals(0, o.unacknowledged);
    o.acked(sent.id()); // a duplicate ack changes nothing
    CompletableFuture<Void> keepsId = send(o, "b");
    assertEquals("b", codec.encoded.get(1).id());
    assertFalse(keepsId.isDone());
  }

  @Test
  void theAckWindowHoldsBackMessagesUntilAnAckOpensIt() {
    Outbound o = outbound(OutboxPolicy.bounded(2, 1000, Overflow.REJECT_NEW), true);
    FakeTransports.Fake t = new FakeTransports.Fake();
    o.attach(t, null, List.of(), false);
    CompletableFuture<Void> a = send(o, "a"), b = send(o, "b"), c = send(o, "c");
    assertEquals(List.of("a", "b"), t.sent);
    scheduler.advanceByNanos(Outbound.DRAIN_POLL_NANOS);
    assertEquals(0, scheduler.pendingTasks(), "a full window is not polled again: the next ack opens it");
    assertEquals(2, o.unacknowledged);
    assertEquals(1, o.depth);
    o.acked("b");
    assertSucceeded(b);
    assertFalse(a.isDone());
    assertEquals(List.of("a", "b", "c"), t.sent);
    assertFalse(c.isDone());
    assertEquals(2, o.unacknowledged);
    assertEquals(0, o.depth);
  }

  @Test
  void anAckThatOpensTheWindowIntoAFullBufferSchedulesAPoll() {
    Outbound o = outbound(OutboxPolicy.bounded(1, 1000, Overflow.REJECT_NEW), true);
    FakeTransports.Fake t = new FakeTransports.Fake();
    o.attach(t, null, List.of(), false);
    send(o, "a");
    send(o, "b");
    scheduler.advanceByNanos(Outbound.DRAIN_POLL_NANOS); // the poll the full window caused finds it still full
    assertEquals(0, scheduler.pendingTasks());
    t.queueSize = Outbound.SEND_BUFFER_HIGH_WATER;
    o.acked("a");
    assertEquals(1, scheduler.pendingTasks(), "the window opened onto a full buffer");
    t.queueSize = 0;
    scheduler.advanceByNanos(Outbound.DRAIN_POLL_NANOS);
    assertEquals(List.of("a", "b"), t.sent);
  }

  @Test
  void aZeroMessageOutboxStillAllowsOneMessageInFlight() {
    Outbound o = outbound(OutboxPolicy.bounded(0, 1000, Overflow.REJECT_NEW), true);
    FakeTransports.Fake t = new FakeTransports.Fake();
    o.attach(t, null, List.of(), false);
    CompletableFuture<Void> a = send(o, "a");
    assertEquals(List.of("a"), t.sent);
    assertFalse(a.isDone());
    assertInstanceOf(OutboxOverflowException.class, failure(send(o, "b")), "the window is full and nothing may wait");
  }

  @Test
  void unacknowledgedMessagesAreReplayedOnTheNextConnectionBeforeNewOnes() {
    Outbound o = outbound(OutboxPolicy.defaults(), true);
    FakeTransports.Fake first = new FakeTransports.Fake();
    o.attach(first, null, List.of(), false);
    CompletableFuture<Void> a = send(o, "a"), b = send(o, "b");
    o.detach(first);
    CompletableFuture<Void> c = send(o, "c");
    FakeTransports.Fake second = new FakeTransports.Fake();
    second.acceptSends = false;
    o.attach(second, null, List.of(), false);
    assertEquals(2, o.unacknowledged + 0 * o.depth);
    CompletableFuture<Void> d = send(o, "d");
    assertEquals(List.of(), second.sent);
    assertFalse(d.isDone(), "the lane stays closed while replays wait");
    o.acked("a"); // the server had it before the connection was lost
    assertSucceeded(a);
    assertEquals(1, o.unacknowledged);
    second.acceptSends = true;
    o.flush();
    assertEquals(List.of("b", "c", "d"), second.sent, "replays first, then the outbox");
    assertEquals(1, metrics.resent.get());
    assertEquals(3, o.unacknowledged);
    assertFalse(b.isDone() || c.isDone());
    o.failAll();
    assertEquals("socket closed before the server acknowledged the message", failure(b).getMessage());
    assertInstanceOf(SocketClosedException.class, failure(c));
    assertEquals(0, o.unacknowledged);
    assertEquals(3, metrics.dropped.get());
  }

  @Test
  void failAllForgetsTheAckWindow() {
    Outbound o = outbound(OutboxPolicy.defaults(), true);
    FakeTransports.Fake t = new FakeTransports.Fake();
    o.attach(t, null, List.of(), false);
    send(o, "a");
    send(o, "b");
    o.failAll();
    o.acked("a");
    assertEquals(0, o.unacknowledged);
  }

  @Test
  void theUnacknowledgedCountIsExactWhileAReplayIsCutShort() {
    Outbound o = outbound(OutboxPolicy.defaults(), true);
    FakeTransports.Fake first = new FakeTransports.Fake();
    o.attach(first, null, List.of(), false);
    send(o, "a");
    send(o, "b");
    o.detach(first);
    assertEquals(2, o.unacknowledged);
    FakeTransports.Fake second = new FakeTransports.Fake();
    second.sendsLeft = 1; // it starts closing after one frame
    o.attach(second, null, List.of(), false);
    assertEquals(List.of("a"), second.sent);
    assertEquals(2, o.unacknowledged, "a written again, b still waiting: two, not three");
    o.acked("a");
    assertEquals(1, o.unacknowledged);
  }

  @Test
  void failAllAlsoFailsWhatWaitsToBeReplayed() {
    Outbound o = outbound(OutboxPolicy.defaults(), true);
    FakeTransports.Fake first = new FakeTransports.Fake();
    o.attach(first, null, List.of(), false);
    CompletableFuture<Void> a = send(o, "a"), c = send(o, "c");
    FakeTransports.Fake second = new FakeTransports.Fake();
    second.acceptSends = false;
    o.attach(second, null, List.of(), false); // a and c wait to be replayed
    CompletableFuture<Void> b = send(o, "b"); // queued behind the replay
    o.failAll();
    assertInstanceOf(SocketClosedException.class, failure(a));
    assertInstanceOf(SocketClosedException.class, failure(b));
    assertInstanceOf(SocketClosedException.class, failure(c));
    o.acked("a"); // nothing is tracked any more: the metric stays at zero
    assertEquals(0, o.unacknowledged);
    assertEquals(3, metrics.dropped.get());
  }

  // ------------------------------------------------------------------ withdraw

  @Test
  void withdrawTakesAMessageOutOfTheOutbox() {
    Outbound o = outbound();
    Requests.Request r = new Requests.Request("r", new CompletableFuture<>(), 0);
    CompletableFuture<Void> f = o.send(Envelope.builder("req").id("r").build(), r);
    CompletableFuture<Void> other = send(o, "other");
    assertEquals(2, o.depth);
    o.withdraw(r.message);
    assertEquals("withdrawn: the request was settled", failure(f).getMessage());
    assertEquals(1, o.depth);
    o.withdraw(r.message); // again: nothing
    FakeTransports.Fake t = new FakeTransports.Fake();
    o.attach(t, null, List.of(), false);
    assertEquals(List.of("other"), t.sent);
    assertSucceeded(other);
  }

  @Test
  void withdrawTakesAMessageOutOfTheAckWindowAndTheReplay() {
    Outbound o = outbound(OutboxPolicy.bounded(1, 1000, Overflow.REJECT_NEW), true);
    FakeTransports.Fake t = new FakeTransports.Fake();
    o.attach(t, null, List.of(), false);
    Requests.Request r = new Requests.Request("r", new CompletableFuture<>(), 0);
    CompletableFuture<Void> f = o.send(Envelope.builder("req").id("r").build(), r);
    CompletableFuture<Void> next = send(o, "next");
    assertEquals(List.of("req"), t.sent);
    o.withdraw(r.message);
    assertInstanceOf(SocketClosedException.class, failure(f));
    assertEquals(0, o.unacknowledged, "the window does not count it any more");
    o.flush();
    assertEquals(List.of("req", "next"), t.sent, "the window opened");
    assertFalse(next.isDone());

    Requests.Request r2 = new Requests.Request("r2", new CompletableFuture<>(), 0);
    Outbound o2 = outbound(OutboxPolicy.defaults(), true);
    FakeTransports.Fake first = new FakeTransports.Fake();
    o2.attach(first, null, List.of(), false);
    CompletableFuture<Void> f2 = o2.send(Envelope.builder("req2").id("r2").build(), r2);
    CompletableFuture<Void> other = send(o2, "other");
    FakeTransports.Fake second = new FakeTransports.Fake();
    second.acceptSends = false;
    o2.attach(second, null, List.of(), false); // both wait to be replayed
    o2.withdraw(r2.message);
    assertInstanceOf(SocketClosedException.class, failure(f2));
    assertEquals(1, o.unacknowledged);
    second.acceptSends = true;
    o2.flush();
    assertEquals(List.of("other"), second.sent, "a withdrawn request is not replayed");
    assertFalse(other.isDone());
  }
}
