package dev.steadysocket;

import static dev.steadysocket.ConnectionState.CLOSED;
import static dev.steadysocket.ConnectionState.CLOSING;
import static dev.steadysocket.ConnectionState.CONNECTING;
import static dev.steadysocket.ConnectionState.IDLE;
import static dev.steadysocket.ConnectionState.OPEN;
import static dev.steadysocket.ConnectionState.PAUSED;
import static dev.steadysocket.ConnectionState.RECONNECTING;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.steadysocket.testkit.FakeTransports;
import dev.steadysocket.testkit.RecordingListener;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** Outbox, ordering, decoding and listener isolation, in virtual time. */
class DeliveryTest extends VirtualTimeTest {

  static final class Tick {
    public String symbol;
    public double price;
  }


  private static String seq(String frame) {
    return MessageCodec.jackson().decode(frame).content().get("n").asText();
  }

  @Test
  void outboxFlushesInOrderAcrossAReconnect() {
    SteadySocket socket = open(builder().build());
    socket.send(Envelope.of("m", Map.of("n", 0)));
    clock.runUntilIdle();
    dropWith(new IOException("reset"));
    listener.assertError(ConnectionLostException.class);
    listener.assertState(OPEN, RECONNECTING);
    List<CompletableFuture<Void>> futures = new ArrayList<>();
    for (int i = 1; i <= 50; i++) futures.add(socket.send(Envelope.of("m", Map.of("n", i))));
    clock.runUntilIdle();
    assertEquals(50, socket.metrics().outboxDepth());
    assertFalse(futures.get(0).isDone(), "queued messages are not done until sent");
    clock.advanceBy(listener.assertReconnecting(1).delay);
    listener.assertState(RECONNECTING, CONNECTING);
    transports.last().open();
    clock.runUntilIdle();
    listener.assertState(CONNECTING, OPEN);
    List<String> sent = transports.last().sentMessages();
    assertEquals(50, sent.size());
    for (int i = 1; i <= 50; i++) assertEquals(String.valueOf(i), seq(sent.get(i - 1)));
    for (CompletableFuture<Void> f : futures) assertTrue(f.isDone() && !f.isCompletedExceptionally());
    assertEquals(51, socket.metrics().messagesSent());
  }

  @Test
  void rejectNewOverflowFailsTheNewMessage() {
    SteadySocket socket =
        builder().outbox(OutboxPolicy.bounded(3, 1 << 20, OutboxPolicy.Overflow.REJECT_NEW)).build();
    List<CompletableFuture<Void>> f = new ArrayList<>();
    for (int i = 0; i < 5; i++) f.add(socket.send(Envelope.of("m", Map.of("n", i))));
    clock.runUntilIdle();
    assertInstanceOf(OutboxOverflowException.class, failure(f.get(3)));
    assertInstanceOf(OutboxOverflowException.class, failure(f.get(4)));
    assertEquals(2, socket.metrics().messagesDropped());
    assertEquals(List.of("0", "1", "2"), firstThreeSentAfterOpening(socket));
  }

  @Test
  void dropOldestOverflowFailsTheOldestMessage() {
    SteadySocket socket =
        builder().outbox(OutboxPolicy.bounded(3, 1 << 20, OutboxPolicy.Overflow.DROP_OLDEST)).build();
    List<CompletableFuture<Void>> f = new ArrayList<>();
    for (int i = 0; i < 5; i++) f.add(socket.send(Envelope.of("m", Map.of("n", i))));
    clock.runUntilIdle();
    assertInstanceOf(OutboxOverflowException.class, failure(f.get(0)));
    assertInstanceOf(OutboxOverflowException.class, failure(f.get(1)));
    assertEquals(List.of("2", "3", "4"), firstThreeSentAfterOpening(socket));
  }

  /** Connects and opens {@code socket}; the sequence numbers of the first three messages it sent. */
  private List<String> firstThreeSentAfterOpening(SteadySocket socket) {
    socket.connect();
    clock.runUntilIdle();
    transports.last().open();
    clock.runUntilIdle();
    listener.assertState(IDLE, CONNECTING);
    listener.assertState(CONNECTING, OPEN);
    List<String> sent = transports.last().sentMessages();
    return List.of(seq(sent.get(0)), seq(sent.get(1)), seq(sent.get(2)));
  }

  @Test
  void outboxByteLimitAndOversizedMessages() {
    SteadySocket socket =
        builder().outbox(OutboxPolicy.bounded(100, 200, OutboxPolicy.Overflow.REJECT_NEW)).build();
    CompletableFuture<Void> big = socket.send(Envelope.of("m", "x".repeat(500)));
    assertInstanceOf(MessageTooLargeException.class, failure(big));
    CompletableFuture<Void> a = socket.send(Envelope.of("m", "x".repeat(100)));
    CompletableFuture<Void> b = socket.send(Envelope.of("m", "x".repeat(100)));
    clock.runUntilIdle();
    assertFalse(a.isDone());
    assertInstanceOf(OutboxOverflowException.class, failure(b));
  }

  @Test
  void closeFailsQueuedMessagesAndLaterSends() {
    SteadySocket socket = builder().build();
    CompletableFuture<Void> queued = socket.send(Envelope.of("m", 1));
    clock.runUntilIdle();
    socket.close();
    clock.runUntilIdle();
    listener.assertState(IDLE, CLOSING);
    listener.assertState(CLOSING, CLOSED);
    listener.assertClosed();
    assertInstanceOf(SocketClosedException.class, failure(queued));
    assertInstanceOf(SocketClosedException.class, failure(socket.send(Envelope.of("m", 2))));
  }

  @Test
  void unserializableContentFailsAtOnce() {
    SteadySocket socket = builder().build();
    Object selfReferencing = new Object() {
      public Object getSelf() {
        return this;
      }
    };
    assertInstanceOf(EncodeException.class, failure(socket.send(Envelope.of("m", selfReferencing))));
  }

  @Test
  void fullTransportBufferHoldsMessagesInTheOutboxUntilItDrains() {
    SteadySocket socket = open(builder().build());
    FakeTransports.Fake t = transports.last();
    t.queueSize = 8L << 20; // OkHttp's buffer is backed up (slow link)
    CompletableFuture<Void> f = socket.send(Envelope.of("m", Map.of("n", 1)));
    clock.runUntilIdle();
    assertFalse(f.isDone());
    assertEquals(1, socket.metrics().outboxDepth());
    t.queueSize = 0;
    clock.advanceByMillis(10);
    assertTrue(f.isDone() && !f.isCompletedExceptionally());
    assertEquals(1, t.sentMessages().size());
  }

  @Test
  void framesArrivingBeforeOpenIsPublishedAreDeliveredAfterIt() {
    SteadySocket socket = builder().build();
    socket.connect();
    clock.runUntilIdle();
    listener.assertState(IDLE, CONNECTING);
    FakeTransports.Fake t = transports.last();
    t.open(); // posted to the loop, not yet processed
    t.receive("{\"type\":\"first\"}");
    t.receive("{\"type\":\"second\"}");
    listener.assertExhausted();
    clock.runUntilIdle();
    listener.assertState(CONNECTING, OPEN);
    listener.assertMessage("first");
    listener.assertMessage("second");
  }

  @Test
  void framesFromARetiredConnectionAreDropped() {
    SteadySocket socket = open(builder().build());
    FakeTransports.Fake old = transports.last();
    socket.replaceConnection();
    clock.runUntilIdle();
    listener.assertState(OPEN, CONNECTING);
    assertEquals(1001, old.closeCode);
    old.receive("{\"type\":\"stale\"}");
    old.open();
    old.fail(new IOException("late"));
    clock.runUntilIdle();
    transports.last().open();
    clock.runUntilIdle();
    listener.assertState(CONNECTING, OPEN);
    assertEquals(2, transports.count());
  }

  @Test
  void onTheSharedPoolFramesAreDecodedThereInOrderWithStateChanges() {
    List<Runnable> pool = new ArrayList<>();
    SteadySocket socket =
        SteadySocket.builder("ws://example.com/")
            .scheduler(clock)
            .transportFactory(transports)
            .sharedDispatch(pool::add)
            .heartbeat(Heartbeat.disabled())
            .listener(listener)
            .build();
    socket.connect();
    clock.runUntilIdle();
    FakeTransports.Fake t = transports.last();
    t.open();
    t.receive("{\"type\":\"early\"}"); // before the loop published OPEN: held back
    clock.runUntilIdle();
    t.receive("{\"type\":\"a\"}");
    t.receive("{not json");
    t.receive("{\"type\":\"b\"}");
    assertEquals(0, socket.metrics().messagesReceived(), "the reader thread only queued the frames");
    socket.replaceConnection();
    clock.runUntilIdle(); // retires t, then OPEN -> CONNECTING
    t.receive("{\"type\":\"stale\"}");
    while (!pool.isEmpty()) pool.remove(0).run();
    listener.assertState(IDLE, CONNECTING);
    listener.assertState(CONNECTING, OPEN);
    listener.assertMessage("early");
    listener.assertMessage("a");
    assertEquals("{not json", listener.assertError(DecodeException.class).rawText());
    listener.assertMessage("b");
    listener.assertState(OPEN, CONNECTING);
    assertEquals(3, socket.metrics().messagesReceived());
    assertEquals(1, socket.metrics().decodeErrors());
  }

  @Test
  void undecodableFramesAreReportedAndTheConnectionStaysUp() {
    SteadySocket socket = open(builder().build());
    transports.last().receive("{not json");
    transports.last().receive("[1,2,3]");
    transports.last().receive("{\"type\":\"ok\"}");
    DecodeException e = listener.assertError(DecodeException.class);
    assertEquals("{not json", e.rawText());
    listener.assertError(DecodeException.class);
    listener.assertMessage("ok");
    assertEquals(OPEN, socket.state());
    assertEquals(2, socket.metrics().decodeErrors());
  }

  @Test
  void throwingListenerIsReportedOnceAndOthersStillReceive() {
    RecordingListener second = new RecordingListener(0);
    SteadySocket socket =
        open(
            builder()
                .listener(new SteadySocketListener() {
                  @Override
                  public void onMessage(Envelope envelope) {
                    throw new IllegalStateException("boom");
                  }
                })
                .listener(second)
                .build());
    second.assertState(IDLE, CONNECTING);
    second.assertState(CONNECTING, OPEN);
    transports.last().receive("{\"type\":\"a\"}");
    listener.assertMessage("a");
    ListenerException e = listener.assertError(ListenerException.class);
    assertEquals("boom", e.getCause().getMessage());
    second.assertMessage("a");
    second.assertError(ListenerException.class);
    second.assertExhausted();
    transports.last().receive("{\"type\":\"b\"}");
    listener.assertMessage("b");
    listener.assertError(ListenerException.class);
    assertEquals(OPEN, socket.state());
  }

  @Test
  void typedHandlersReceiveConvertedContent() {
    List<Tick> ticks = new ArrayList<>();
    List<List<Tick>> batches = new ArrayList<>();
    SteadySocket socket = open(builder().on("tick", Tick.class, ticks::add).build());
    Subscription sub = socket.on("batch", new TypeReference<List<Tick>>() {}, batches::add);
    transports.last().receive("{\"type\":\"tick\",\"content\":{\"symbol\":\"ACME\",\"price\":12.5}}");
    transports.last().receive("{\"type\":\"batch\",\"content\":[{\"symbol\":\"A\",\"price\":1}]}");
    transports.last().receive("{\"type\":\"tick\",\"content\":\"not a tick\"}");
    listener.assertMessage("tick");
    listener.assertMessage("batch");
    listener.assertMessage("tick");
    listener.assertError(DecodeException.class);
    assertEquals(1, ticks.size());
    assertEquals("ACME", ticks.get(0).symbol);
    assertEquals(12.5, ticks.get(0).price);
    assertEquals("A", batches.get(0).get(0).symbol, "generic type kept");
    sub.cancel();
    transports.last().receive("{\"type\":\"batch\",\"content\":[]}");
    listener.assertMessage("batch");
    assertEquals(1, batches.size());
  }

  @Test
  void binaryFramesHaveTheirOwnCallback() {
    open(builder().build());
    transports.last().receiveBinary(new byte[] {1, 2, 3});
    assertEquals(3, listener.next(RecordingListener.Binary.class).bytes.length);
  }

  @Test
  void pauseDisconnectsAndResumeReconnectsAtOnce() {
    SteadySocket socket = open(builder().build());
    FakeTransports.Fake first = transports.last();
    socket.pause("offline");
    socket.pause("background");
    clock.runUntilIdle();
    listener.assertState(OPEN, PAUSED);
    assertEquals(1001, first.closeCode);
    CompletableFuture<Void> queued = socket.send(Envelope.of("m", 1));
    clock.advanceBy(java.time.Duration.ofHours(1));
    assertEquals(1, transports.count(), "no attempts while paused");
    socket.resume("offline");
    clock.runUntilIdle();
    assertEquals(PAUSED, socket.state(), "still held by 'background'");
    socket.resume("background");
    clock.runUntilIdle();
    listener.assertState(PAUSED, CONNECTING);
    transports.last().open();
    clock.runUntilIdle();
    listener.assertState(CONNECTING, OPEN);
    assertTrue(queued.isDone() && !queued.isCompletedExceptionally());
  }

  @Test
  void failuresWhilePausedCannotHappenAndPauseBeforeConnectWaits() {
    SteadySocket socket = builder().maxReconnectAttempts(0).build();
    socket.pause("offline");
    socket.connect();
    clock.runUntilIdle();
    listener.assertState(IDLE, PAUSED);
    assertEquals(0, transports.count());
    socket.resume("offline");
    clock.runUntilIdle();
    listener.assertState(PAUSED, CONNECTING);
  }

  @Test
  void replaceConnectionWhileReconnectingConnectsNow() {
    SteadySocket socket = open(builder().build());
    dropOpenConnection();
    socket.replaceConnection();
    clock.runUntilIdle();
    listener.assertState(RECONNECTING, CONNECTING);
  }

  @Test
  void sendFuturesCompleteOnTheSendingThreadOrTheCallbackExecutorNeverTheLoop() {
    List<Runnable> callbackQueue = new ArrayList<>();
    SteadySocket socket =
        SteadySocket.builder("ws://example.com/")
            .scheduler(clock)
            .transportFactory(transports)
            .callbackExecutor(callbackQueue::add)
            .heartbeat(Heartbeat.disabled())
            .build();
    socket.connect();
    clock.runUntilIdle();
    CompletableFuture<Void> queued = socket.send(Envelope.of("m", 1)); // not OPEN: waits
    clock.runUntilIdle();
    transports.last().open();
    clock.runUntilIdle(); // the loop flushes the outbox
    assertEquals(1, transports.last().sentMessages().size());
    assertFalse(queued.isDone(), "completed on the loop thread instead of the callback executor");
    while (!callbackQueue.isEmpty()) callbackQueue.remove(0).run();
    assertTrue(queued.isDone());

    // OPEN with nothing queued: written on this thread, complete before send returns.
    CompletableFuture<Void> immediate = socket.send(Envelope.of("m", 2));
    assertTrue(immediate.isDone(), "a send written at once is complete when send returns");
    assertEquals(2, transports.last().sentMessages().size());
    assertTrue(callbackQueue.isEmpty(), "no callback hop for it");
    assertEquals(CLOSED, closeAndRun(socket, callbackQueue));
  }

  private ConnectionState closeAndRun(SteadySocket socket, List<Runnable> callbackQueue) {
    socket.close();
    clock.runUntilIdle();
    transports.last().serverClose(1000, "");
    clock.runUntilIdle();
    while (!callbackQueue.isEmpty()) callbackQueue.remove(0).run();
    return socket.state();
  }

  @Test
  void stateChangesAreReportedInOrderThroughAFullLife() {
    SteadySocket socket = open(builder().build());
    dropWith(new IOException("x"));
    listener.assertError(ConnectionLostException.class);
    listener.assertState(OPEN, RECONNECTING);
    clock.advanceBy(listener.assertReconnecting(1).delay);
    listener.assertState(RECONNECTING, CONNECTING);
    transports.last().open();
    clock.runUntilIdle();
    listener.assertState(CONNECTING, OPEN);
    socket.close();
    clock.runUntilIdle();
    listener.assertState(OPEN, CLOSING);
    transports.last().serverClose(1000, "");
    clock.runUntilIdle();
    listener.assertState(CLOSING, CLOSED);
    listener.assertClosed();
    assertEquals(2, socket.metrics().connectionAttempts());
    assertEquals(1, socket.metrics().reconnects());
  }
}
