package dev.steadysocket;

import static dev.steadysocket.ConnectionState.OPEN;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.steadysocket.testkit.FakeTransports;
import dev.steadysocket.testkit.RecordingListener;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * Setup messages (#18), the second attack round: defects in the first round's fixes (a rejection or
 * a timeout acting after cancel() returned, a reply timing out behind a reader held by back-pressure;
 * each failed first) and the deferred close, heartbeat, replay and pipelined paths that held.
 */
@org.junit.jupiter.api.Timeout(60)
class SetupAttack2Test extends SetupTestBase {






  // cancel() returned, then the server's rejection of it (CLOSE_CONNECTION) is read: the connection must stay
  @Test
  void aRejectionReadAfterCancelReturnedDoesNotFailTheConnection() {
    SteadySocket socket = builder().build();
    SetupRegistration r = socket.setup(SetupMessage.of(subscribe("ACME"))
        .awaitReply(Duration.ofSeconds(5))
        .onRejection(SetupMessage.OnRejection.CLOSE_CONNECTION));
    open(socket);
    String id = sent(0).id();
    r.cancel(); // returns; the loop has not run yet
    assertEquals(SetupStatus.CANCELLED, r.status());
    transports.last().receive(reply("error", id)); // the server's answer to it, read afterwards
    clock.runUntilIdle();
    assertEquals(OPEN, socket.state(), "a cancelled registration's rejection closed the connection");
    closeOpen(socket);
  }

  // cancel() returned just before the loop ran the reply timer: the timeout must not fail the connection
  @Test
  void aTimeoutDueWhenCancelReturnedDoesNotFailTheConnection() {
    SteadySocket socket = builder().build();
    SetupRegistration r = socket.setup(SetupMessage.of(subscribe("ACME")).awaitReply(Duration.ofSeconds(5)));
    socket.connect();
    clock.runUntilIdle();
    transports.last().open();
    // stands in for an application thread that calls cancel() while the loop is about to run the timer:
    // this task is due at the same instant as the reply timer and was queued first
    clock.schedule(r::cancel, Duration.ofSeconds(5).toNanos());
    clock.runUntilIdle();
    listener.assertState(ConnectionState.IDLE, ConnectionState.CONNECTING);
    listener.assertState(ConnectionState.CONNECTING, OPEN);
    assertEquals(SetupStatus.AWAITING_REPLY, r.status());
    clock.advanceBy(Duration.ofSeconds(5));
    assertEquals(SetupStatus.CANCELLED, r.status());
    assertEquals(OPEN, socket.state(), "the timeout of a registration cancelled before it ran failed the connection");
    closeOpen(socket);
  }

  // README: replies to those that await one are consumed, repeats included (not passed to onMessage)
  @Test
  void closeDuringPreparationThenFailure() {
    List<Runnable> pool = new ArrayList<>();
    SteadySocket socket = builder().sharedDispatch(pool::add).build();
    socket.setup(SetupMessage.fromToken(t -> Envelope.of("auth", "x")));
    CompletableFuture<Void> queued = socket.send(Envelope.of("publish", "x"));
    open(socket);
    socket.close();
    clock.runUntilIdle();
    listener.assertState(OPEN, ConnectionState.CLOSING);
    transports.last().fail(new java.io.IOException("reset"));
    clock.runUntilIdle();
    listener.assertState(ConnectionState.CLOSING, ConnectionState.CLOSED);
    listener.assertClosed();
    assertTrue(queued.isDone() && queued.isCompletedExceptionally());
    runPool(pool);
    assertEquals(List.of(), wire());
    assertEquals(-1, transports.last().closeCode);
  }

  // Heartbeat: a dead link is found while an auth holds sends
  @Test
  void deadLinkFoundWhileAuthHolds() {
    SteadySocket socket = builder().heartbeat(Heartbeat.every(Duration.ofSeconds(1))).build();
    socket.setup(SetupMessage.of(Envelope.of("auth", "x")).awaitReplyBeforeSends(Duration.ofSeconds(60)));
    open(socket);
    clock.advanceBy(Duration.ofSeconds(3));
    listener.assertError(SteadySocketException.class);
    listener.assertState(OPEN, ConnectionState.RECONNECTING);
    listener.assertReconnecting(1);
    socket.close();
    clock.runUntilIdle();
    drain();
  }

  // ack mode: unacknowledged sends replayed only after the auth reply on the next connection
  @Test
  void ackReplayWaitsForAuthReply() {
    SteadySocket socket = builder().acknowledgedSends(true).build();
    SetupRegistration auth = socket.setup(SetupMessage.of(Envelope.of("auth", "x")).awaitReplyBeforeSends(Duration.ofSeconds(5)));
    CompletableFuture<Void> m = socket.send(Envelope.of("publish", "x"));
    open(socket);
    transports.last().receive(reply("ok", sent(0).id()));
    clock.runUntilIdle();
    listener.assertSetupConfirmed(auth);
    assertEquals(List.of("auth", "publish"), wire());
    RecordingListener.Reconnecting rc = dropOpenConnection();
    clock.advanceBy(rc.delay);
    listener.assertState(ConnectionState.RECONNECTING, ConnectionState.CONNECTING);
    transports.last().open();
    clock.runUntilIdle();
    listener.assertState(ConnectionState.CONNECTING, OPEN);
    assertEquals(List.of("auth"), wire());
    transports.last().receive(reply("ok", sent(0).id()));
    clock.runUntilIdle();
    listener.assertSetupConfirmed(auth);
    assertEquals(List.of("auth", "publish"), wire());
    assertFalse(m.isDone());
    closeOpen(socket);
    drain();
  }

  // A reply the server sent in time, queued behind a reader held by inbound back-pressure
  @Test
  void aReplyBehindAReaderHeldByBackPressureDoesNotTimeOutTheConnection() throws Exception {
    java.util.concurrent.LinkedBlockingQueue<Runnable> callbacks = new java.util.concurrent.LinkedBlockingQueue<>();
    SteadySocket socket = builder().callbackExecutor(callbacks::add).build();
    SetupRegistration r = socket.setup(SetupMessage.of(subscribe("ACME")).awaitReply(Duration.ofSeconds(10)));
    socket.connect();
    clock.runUntilIdle();
    transports.last().open();
    clock.runUntilIdle();
    String id = sent(0).id();
    FakeTransports.Fake t = transports.last();
    // the server replays 1500 missed ticks (a resume), then confirms the subscription: all sent at once
    Thread reader = new Thread(() -> {
      for (int i = 0; i < 1500; i++) t.receive("{\"type\":\"tick\",\"content\":" + i + "}");
      t.receive(reply("subscribed", id));
    }, "okhttp-reader");
    reader.start();
    awaitState(reader, Thread.State.WAITING); // held: 1000 wait for the listener
    clock.advanceBy(Duration.ofSeconds(10)); // the listener is slow: 10 s pass
    ConnectionState during = socket.state();
    // the listener catches up
    long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(20);
    while ((reader.isAlive() || !callbacks.isEmpty()) && System.nanoTime() < deadline) {
      Runnable x = callbacks.poll();
      if (x != null) x.run();
      else Thread.onSpinWait();
    }
    assertFalse(reader.isAlive(), "the reader finished once the listener caught up");
    clock.runUntilIdle();
    Runnable x;
    while ((x = callbacks.poll()) != null) x.run();
    SetupStatus status = r.status();
    socket.close();
    clock.runUntilIdle();
    transports.last().serverClose(1000, "");
    clock.runUntilIdle();
    while ((x = callbacks.poll()) != null) x.run();
    drain();
    assertEquals(OPEN, during, "the reply was sent in time and only waited behind a busy listener; the connection failed");
    assertEquals(SetupStatus.CONFIRMED, status);
  }

  @Test
  void pipelinedReplies() {
    SteadySocket socket = SteadySocket.builder("wss://example.com/feed")
        .scheduler(clock).transportFactory(transports).sharedDispatch(Runnable::run)
        .heartbeat(Heartbeat.disabled()).listener(listener).build();
    SetupRegistration auth = socket.setup(SetupMessage.of(Envelope.of("auth", "x")).awaitReplyBeforeSends(Duration.ofSeconds(5)));
    SetupRegistration plain = socket.setup(SetupMessage.of(subscribe("A")));
    socket.send(Envelope.of("publish", "x"));
    open(socket);
    assertEquals(List.of("auth"), wire());
    String id = sent(0).id();
    transports.last().receive(reply("ok", id));
    clock.runUntilIdle();
    listener.assertSetupConfirmed(auth);
    assertEquals(List.of("auth", "subscribe:A", "publish"), wire());
    transports.last().receive(reply("ok", id)); // repeat, pipelined (nothing awaited)
    transports.last().receive(reply("error", id)); // another repeat
    transports.last().receive(reply("ok", sent(1).id())); // reply to one awaiting none
    clock.runUntilIdle();
    listener.assertMessage("ok");
    assertEquals(SetupStatus.SENT, plain.status());
    closeOpen(socket);
  }

  @Test
  void closeDuringPreparationThenPauseReplaceAndSecondClose() {
    List<Runnable> pool = new ArrayList<>();
    SteadySocket socket = builder().sharedDispatch(pool::add).build();
    socket.setup(SetupMessage.fromToken(t -> Envelope.of("auth", "x")));
    CompletableFuture<Void> queued = socket.send(Envelope.of("publish", "x"));
    open(socket);
    socket.close();
    socket.pause("x");
    socket.replaceConnection();
    socket.close(4000, "again");
    clock.runUntilIdle();
    listener.assertState(OPEN, ConnectionState.CLOSING);
    runPool(pool);
    assertEquals(List.of("auth", "publish"), wire());
    assertEquals(1000, transports.last().closeCode);
    assertEquals(1, transports.count());
    transports.last().serverClose(1000, "");
    clock.runUntilIdle();
    listener.assertState(ConnectionState.CLOSING, ConnectionState.CLOSED);
    listener.assertClosed();
    assertTrue(queued.isDone() && !queued.isCompletedExceptionally());
  }

  @Test
  void closeDuringPreparationCloseTimeout() {
    List<Runnable> pool = new ArrayList<>();
    SteadySocket socket = builder().sharedDispatch(pool::add).closeTimeout(Duration.ofSeconds(2)).build();
    SetupRegistration r = socket.setup(SetupMessage.fromToken(t -> Envelope.of("auth", "x")));
    CompletableFuture<Void> queued = socket.send(Envelope.of("publish", "x"));
    open(socket);
    socket.close();
    clock.advanceBy(Duration.ofSeconds(2));
    listener.assertState(OPEN, ConnectionState.CLOSING);
    listener.assertState(ConnectionState.CLOSING, ConnectionState.CLOSED);
    listener.assertClosed();
    assertTrue(queued.isCompletedExceptionally());
    assertEquals(SetupStatus.CANCELLED, r.status());
    runPool(pool);
    assertEquals(List.of(), wire());
  }

  @Test
  void resendWaitsForAuthAndCancelClosingMessageOrder() {
    SteadySocket socket = builder().requestRetention(RequestRetention.RESEND).build();
    SetupRegistration auth = socket.setup(SetupMessage.of(Envelope.of("auth", "x")).awaitReplyBeforeSends(Duration.ofSeconds(5)));
    SetupRegistration sub = socket.setup(SetupMessage.of(subscribe("A")).cancelWith(Envelope.of("unsubscribe", Map.of("symbol", "A"))));
    open(socket);
    transports.last().receive(reply("ok", sent(0).id()));
    clock.runUntilIdle();
    listener.assertSetupConfirmed(auth);
    CompletableFuture<Envelope> req = socket.request(Envelope.of("query", "q"), Duration.ofSeconds(60));
    clock.runUntilIdle();
    assertEquals(List.of("auth", "subscribe:A", "query"), wire());
    RecordingListener.Reconnecting rc = dropOpenConnection();
    clock.advanceBy(rc.delay);
    listener.assertState(ConnectionState.RECONNECTING, ConnectionState.CONNECTING);
    transports.last().open();
    clock.runUntilIdle();
    listener.assertState(ConnectionState.CONNECTING, OPEN);
    assertEquals(List.of("auth"), wire());
    sub.cancel(); // not written on this connection yet: no closing message
    socket.send(Envelope.of("publish", "p"));
    clock.runUntilIdle();
    assertEquals(List.of("auth"), wire());
    transports.last().receive(reply("ok", sent(0).id()));
    clock.runUntilIdle();
    listener.assertSetupConfirmed(auth);
    assertEquals(List.of("auth", "query", "publish"), wire());
    assertFalse(req.isDone());
    closeOpen(socket);
    drain();
  }

  // ---- what mutation testing showed the tests did not check --------------------------------

  /** An outage ends once the setup completes after the minimum uptime (not only when the uptime timer fires). */
  @Test
  void aSetupCompletedAfterTheMinimumUptimeEndsTheOutage() {
    SteadySocket socket = builder().build();
    SetupRegistration r = socket.setup(SetupMessage.of(subscribe("ACME")).awaitReply(Duration.ofSeconds(30)));
    socket.connect();
    clock.runUntilIdle();
    transports.last().fail(new java.io.IOException("refused")); // an outage begins
    clock.runUntilIdle();
    listener.assertState(ConnectionState.IDLE, ConnectionState.CONNECTING);
    listener.assertError(ConnectionLostException.class);
    listener.assertState(ConnectionState.CONNECTING, ConnectionState.RECONNECTING);
    clock.advanceBy(listener.assertReconnecting(1).delay);
    listener.assertState(ConnectionState.RECONNECTING, ConnectionState.CONNECTING);
    transports.last().open();
    clock.runUntilIdle();
    listener.assertState(ConnectionState.CONNECTING, OPEN);
    clock.advanceBy(Duration.ofSeconds(6)); // past the 5 s minimum uptime, the reply still awaited
    transports.last().receive(reply("subscribed", sent(0).id()));
    clock.runUntilIdle();
    listener.assertSetupConfirmed(r);
    transports.last().fail(new java.io.IOException("reset"));
    clock.runUntilIdle();
    listener.assertError(ConnectionLostException.class);
    listener.assertState(OPEN, ConnectionState.RECONNECTING);
    listener.assertReconnecting(1); // a new outage: the count started over
    socket.close();
    clock.runUntilIdle();
    drain();
  }

  /** No timer outlives what it timed: a reply, a cancellation and a lost connection each cancel theirs. */
  @Test
  void repliesCancellationsAndLostConnectionsLeaveNoTimerBehind() {
    SteadySocket socket = open(builder().minimumUptime(Duration.ZERO).build());
    clock.advanceBy(Duration.ofSeconds(1)); // the stable timer has fired
    int baseline = clock.pendingTasks();
    SetupRegistration a = socket.setup(SetupMessage.of(subscribe("A")).awaitReply(Duration.ofSeconds(30)));
    SetupRegistration b = socket.setup(SetupMessage.of(subscribe("B")).awaitReply(Duration.ofSeconds(30)));
    SetupRegistration c = socket.setup(SetupMessage.of(subscribe("C")).awaitReply(Duration.ofSeconds(30)));
    clock.runUntilIdle();
    assertEquals(baseline + 3, clock.pendingTasks(), "one reply timer each");
    transports.last().receive(reply("ok", sent(0).id()));
    clock.runUntilIdle();
    listener.assertSetupConfirmed(a);
    assertEquals(baseline + 2, clock.pendingTasks(), "the reply cancelled its timer");
    b.cancel();
    clock.runUntilIdle();
    assertEquals(baseline + 1, clock.pendingTasks(), "the cancellation cancelled its timer");
    transports.last().fail(new java.io.IOException("reset"));
    clock.runUntilIdle();
    listener.assertError(ConnectionLostException.class);
    listener.assertState(OPEN, ConnectionState.RECONNECTING);
    listener.assertReconnecting(1);
    assertEquals(baseline + 1, clock.pendingTasks(), "the lost connection's timer went, the reconnect's came");
    assertEquals(SetupStatus.PENDING, c.status());
    socket.close();
    clock.runUntilIdle();
    drain();
  }

  /** What the setup machinery keeps is exactly what is live, and nothing once closed. */
  @Test
  void retainedStateIsExactlyWhatIsLive() throws Exception {
    SteadySocket socket = open(builder().build());
    socket.setup(SetupMessage.of(subscribe("A")).awaitReply(Duration.ofSeconds(30)));
    socket.setup(SetupMessage.of(subscribe("B")));
    clock.runUntilIdle();
    // two registrations, one reply awaited (in the table and in the connection's list)
    assertEquals(4, retained(socket));
    transports.last().fail(new java.io.IOException("reset"));
    clock.runUntilIdle();
    assertEquals(2, retained(socket), "the lost connection's awaited reply is forgotten");
    socket.close();
    clock.runUntilIdle();
    assertEquals(0, retained(socket), "CLOSED lets go of every registration");
    drain();
  }

  /** With SteadySocket's own pool (frames decoded there), a setup reply is still matched as it is read. */
  @Test
  void aReplyIsMatchedOnTheReaderEvenWhenDeliveriesArePipelined() {
    List<Runnable> pool = new ArrayList<>();
    SteadySocket socket = SteadySocket.builder("wss://example.com/feed")
        .scheduler(clock).transportFactory(transports).sharedDispatch(pool::add)
        .heartbeat(Heartbeat.disabled()).build(); // no callbackExecutor: the pipelined mode
    SetupRegistration r = socket.setup(SetupMessage.of(subscribe("ACME")).awaitReply(Duration.ofSeconds(5)));
    socket.connect();
    clock.runUntilIdle();
    transports.last().open();
    clock.runUntilIdle();
    runPool(pool);
    transports.last().receive(reply("subscribed", sent(0).id()));
    assertEquals(SetupStatus.CONFIRMED, r.status(), "matched on arrival, not after the deliveries queued before it");
    clock.advanceBy(Duration.ofSeconds(10)); // the pool has not run: the timer was cancelled all the same
    assertEquals(OPEN, socket.state());
    socket.close();
    clock.runUntilIdle();
  }

  /** A closing message the codec cannot encode fails the registration at once. */
  @Test
  void anUnencodableClosingMessageFailsAtRegistration() {
    SteadySocket socket = builder().codec(new MessageCodec() {
      @Override
      public String encode(Envelope envelope) {
        if (envelope.type().equals("bad")) throw new IllegalStateException("cannot");
        return CODEC.encode(envelope);
      }

      @Override
      public Envelope decode(String text) {
        return CODEC.decode(text);
      }
    }).build();
    assertThrows(EncodeException.class,
        () -> socket.setup(SetupMessage.of(subscribe("ACME")).cancelWith(Envelope.of("bad", "x"))));
    assertThrows(IllegalArgumentException.class, () -> socket.setup(SetupMessage.of(subscribe("ACME"))
        .onRejection(SetupMessage.OnRejection.CLOSE_CONNECTION)), "CLOSE_CONNECTION without awaitReply");
    socket.close();
    clock.runUntilIdle();
    drain();
  }

  /** A close while a failing setup is still being built still sends the close frame. */
  @Test
  void aCloseWaitingForAFailingPreparationStillClosesCleanly() {
    List<Runnable> pool = new ArrayList<>();
    SteadySocket socket = builder().sharedDispatch(pool::add).build();
    socket.setup(SetupMessage.fromToken(t -> {
      throw new IllegalStateException("no session");
    }));
    socket.connect();
    clock.runUntilIdle();
    transports.last().open();
    clock.runUntilIdle();
    socket.close();
    clock.runUntilIdle();
    assertEquals(-1, transports.last().closeCode);
    runPool(pool);
    assertEquals(1000, transports.last().closeCode, "the close frame, not a failed connection");
    transports.last().serverClose(1000, "");
    clock.runUntilIdle();
    assertEquals(ConnectionState.CLOSED, socket.state());
    drain();
  }

  /** Setup frames held by back-pressure on a lost connection are never written on the next one. */
  @Test
  void setupFramesHeldOnALostConnectionAreNotWrittenOnTheNext() {
    SteadySocket socket = builder().build();
    socket.setup(SetupMessage.of(subscribe("ACME")));
    socket.connect();
    clock.runUntilIdle();
    transports.last().slowLink = true;
    transports.last().queueSize = 5L << 20;
    transports.last().open();
    clock.runUntilIdle();
    assertEquals(List.of(), wire(), "held by back-pressure");
    transports.last().fail(new java.io.IOException("reset"));
    clock.runUntilIdle();
    clock.advanceBy(Duration.ofSeconds(31));
    transports.last().open();
    clock.runUntilIdle();
    assertEquals(List.of("subscribe:ACME"), wire(), "once, with this connection's id");
    socket.close();
    clock.runUntilIdle();
    drain();
  }

  /** A close while a reply holds sends goes out at once: the reply is not waited for. */
  @Test
  void aCloseDuringAReplyThatHoldsSendsIsSentAtOnce() {
    SteadySocket socket = builder().build();
    socket.setup(SetupMessage.of(Envelope.of("auth", "t")).awaitReplyBeforeSends(Duration.ofSeconds(30)));
    CompletableFuture<Void> queued = socket.send(Envelope.of("publish", "x"));
    open(socket);
    assertEquals(List.of("auth"), wire());
    socket.close();
    clock.runUntilIdle();
    assertEquals(1000, transports.last().closeCode, "closed without waiting for the reply");
    assertEquals(List.of("auth"), wire(), "what the reply held is not written");
    transports.last().serverClose(1000, "");
    clock.runUntilIdle();
    assertTrue(queued.isCompletedExceptionally(), "it fails at CLOSED with SocketClosedException");
    drain();
  }

  /** The retained count includes what waits to be written and what is encoded but held. */
  @Test
  void retainedStateCountsWhatWaitsBehindAReply() throws Exception {
    SteadySocket socket = open(builder().build());
    socket.setup(SetupMessage.of(Envelope.of("auth", "t")).awaitReplyBeforeSends(Duration.ofSeconds(30)));
    socket.setup(SetupMessage.of(subscribe("A")));
    clock.runUntilIdle();
    // two registrations; the reply awaited (table and list); "A" to write, encoded and held
    assertEquals(6, retained(socket));
    transports.last().receive(reply("ok", sent(0).id()));
    clock.runUntilIdle();
    listener.next(RecordingListener.SetupConfirmed.class);
    assertEquals(2, retained(socket), "only the registrations are left");
    closeOpen(socket);
  }

  /** A registration racing a terminal failure is cancelled at CLOSED, never left pending. */
  @Test
  void aRegistrationRacingATerminalFailureIsCancelled() {
    SteadySocket socket = open(builder().build());
    transports.last().serverClose(1002, "protocol error"); // the default policy stops
    SetupRegistration late = socket.setup(SetupMessage.of(subscribe("ACME"))); // queued behind it on the loop
    clock.runUntilIdle();
    assertEquals(ConnectionState.CLOSED, socket.state());
    assertEquals(SetupStatus.CANCELLED, late.status());
    drain();
  }
}
