package dev.steadysocket;

import static dev.steadysocket.ConnectionState.OPEN;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.steadysocket.testkit.RecordingListener;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Setup messages (#18) under attack: the defects a hostile tester and a reviewer found, each a test
 * that failed on the first version (reproductions of the review's C, E, F, G included).
 */
@org.junit.jupiter.api.Timeout(60)
class SetupAttackTest extends SetupTestBase {








  // ---- A: setup() after close() returned, before CLOSED is reached -------------------------

  @Test
  void registeredAfterCloseReturnedIsCancelledNotPendingForever() {
    SteadySocket socket = builder().build(); // IDLE: close() terminates on the loop at once
    socket.close();
    SetupRegistration r = socket.setup(SetupMessage.of(subscribe("ACME")));
    clock.runUntilIdle();
    listener.assertState(ConnectionState.IDLE, ConnectionState.CLOSING);
    listener.assertState(ConnectionState.CLOSING, ConnectionState.CLOSED);
    listener.assertClosed();
    assertEquals(ConnectionState.CLOSED, socket.state());
    assertEquals(SetupStatus.CANCELLED, r.status(), "close() cancels every registration");
  }

  // ---- B: unbounded growth on one long-lived connection -----------------------------------

  @Test
  void registerAndCancelManyTimesOnOneConnectionKeepsNothing() throws Exception {
    SteadySocket socket = open(builder().build());
    for (int i = 0; i < 1000; i++) {
      SetupRegistration r = socket.setup(SetupMessage.of(subscribe("S" + i))
          .awaitReply(Duration.ofSeconds(5))
          .cancelWith(Envelope.of("unsubscribe", Map.of("symbol", "S" + i))));
      clock.runUntilIdle();
      transports.last().receive(reply("subscribed", sent(transports.last().sentMessages().size() - 1).id()));
      clock.runUntilIdle();
      listener.assertSetupConfirmed(r);
      r.cancel();
      clock.runUntilIdle();
    }
    assertEquals(OPEN, socket.state());
    assertEquals(2000, transports.last().sentMessages().size());
    assertEquals(0, retained(socket), "1000 registrations made and cancelled: nothing kept for them");
    closeOpen(socket);
  }

  @Test
  void cancelledAwaitedRegistrationsWhoseReplyNeverComesStayInTheAwaitingTable() throws Exception {
    SteadySocket socket = open(builder().build());
    for (int i = 0; i < 100; i++) {
      SetupRegistration r = socket.setup(SetupMessage.of(subscribe("S" + i)).awaitReply(Duration.ofSeconds(5)));
      clock.runUntilIdle();
      r.cancel(); // the server never answers a subscription cancelled before it replied
      clock.runUntilIdle();
    }
    clock.advanceBy(Duration.ofMinutes(1));
    assertEquals(OPEN, socket.state());
    assertEquals(0, retained(socket), "replies awaited for cancelled registrations are kept for the connection's life");
    closeOpen(socket);
  }

  // ---- C: acknowledgement mode swallows a confirmation of type "ack" ------------------------

  @Test
  void inAckModeAConfirmationOfTypeAckConfirms() {
    SteadySocket socket = builder().acknowledgedSends(true).build();
    SetupRegistration r = socket.setup(SetupMessage.of(subscribe("ACME")).awaitReply(Duration.ofSeconds(5)));
    open(socket);
    transports.last().receive(reply("ack", sent(0).id())); // "any other type confirms it"
    clock.runUntilIdle();
    SetupStatus afterReply = r.status();
    clock.advanceBy(Duration.ofSeconds(5));
    assertEquals(SetupStatus.CONFIRMED, afterReply);
    assertEquals(OPEN, socket.state(), "the connection did not fail");
    listener.assertSetupConfirmed(r);
    closeOpen(socket);
  }

  // ---- D: a duplicated reply reaches onMessage ----------------------------------------------

  @Test
  void aDuplicatedReplyIsConsumedNotDeliveredAsAMessage() {
    SteadySocket socket = builder().build();
    SetupRegistration r = socket.setup(SetupMessage.of(subscribe("ACME")).awaitReply(Duration.ofSeconds(5)));
    open(socket);
    String id = sent(0).id();
    transports.last().receive(reply("subscribed", id));
    transports.last().receive(reply("subscribed", id)); // the server repeats itself
    clock.runUntilIdle();
    listener.assertSetupConfirmed(r);
    closeOpen(socket); // the next event is CLOSING: the repeated reply reached nobody
  }

  // ---- E: a concurrent cancel() returns before the closing message holds later sends --------

  @Test
  void aSendAfterCancelReturnedNeverPrecedesTheClosingMessage() throws Exception {
    SteadySocket socket = builder().build();
    SetupRegistration r = socket.setup(SetupMessage.of(subscribe("ACME"))
        .cancelWith(Envelope.of("unsubscribe", Map.of("symbol", "ACME"))));
    open(socket);
    assertEquals(List.of("subscribe:ACME"), wire());
    Object outboundLock = field(field(field(field(socket, "core"), "parts"), "outbound"), "lock");
    Thread first;
    Thread second;
    synchronized (outboundLock) { // stands in for the scheduler pausing the first canceller there
      first = new Thread(r::cancel, "first-canceller");
      first.start();
      awaitState(first, Thread.State.BLOCKED);
      // A second canceller, then a send after its cancel() returned: the send must wait for the hold.
      second = new Thread(() -> {
        r.cancel();
        socket.send(Envelope.of("publish", "after cancel() returned"));
      }, "second-canceller");
      second.start();
      awaitState(second, Thread.State.BLOCKED);
    }
    first.join();
    second.join();
    clock.runUntilIdle();
    assertEquals(List.of("subscribe:ACME", "unsubscribe:ACME", "publish"), wire(),
        "the closing message must precede a send made after cancel() returned");
    closeOpen(socket);
  }

  // ---- F: fromToken + CLOSE_CONNECTION without a token provider: a rejection closes for good ----

  @Test
  void aRejectedTokenFormWithoutATokenProviderIsRetriedNotTheEndOfTheSocket() {
    SteadySocket socket = builder().build(); // no tokenProvider: the function gets null
    socket.setup(SetupMessage.fromToken(token -> Envelope.of("hello", Map.of("token", String.valueOf(token))))
        .awaitReply(Duration.ofSeconds(5))
        .onRejection(SetupMessage.OnRejection.CLOSE_CONNECTION));
    open(socket);
    transports.last().receive(reply("error", sent(0).id()));
    clock.runUntilIdle();
    listener.assertError(SetupRejectedException.class);
    Object next = listener.next();
    assertTrue(next instanceof RecordingListener.State
            && ((RecordingListener.State) next).current == ConnectionState.RECONNECTING,
        "README: CLOSE_CONNECTION fails the connection and the default policy retries with backoff; got "
            + next + ", socket " + socket.state());
    socket.close();
    clock.runUntilIdle();
    drain();
  }

  // ---- G: a callback executor that refuses every task ------------------------------------

  @Test
  void aRefusingCallbackExecutorDoesNotWedgeTheBarrier() {
    SteadySocket socket = builder().callbackExecutor(r -> {
      throw new java.util.concurrent.RejectedExecutionException("no");
    }).build();
    SetupRegistration auth = socket.setup(SetupMessage.of(Envelope.of("auth", "t")).awaitReplyBeforeSends(Duration.ofSeconds(5)));
    java.util.concurrent.CompletableFuture<Void> queued = socket.send(Envelope.of("publish", "x"));
    socket.connect();
    clock.runUntilIdle();
    transports.last().open();
    clock.runUntilIdle();
    assertEquals(List.of("auth"), wire());
    transports.last().receive(reply("authenticated", sent(0).id()));
    clock.runUntilIdle();
    assertEquals(SetupStatus.CONFIRMED, auth.status());
    assertEquals(List.of("auth", "publish"), wire());
    assertTrue(queued.isDone());
    socket.close();
    clock.runUntilIdle();
    transports.last().serverClose(1000, "");
    clock.runUntilIdle();
    assertEquals(ConnectionState.CLOSED, socket.state());
    drain();
  }

  @Test
  void onASlowLinkASetupRegisteredLaterStillGoesBeforeLaterSends() {
    SteadySocket socket = open(builder().build());
    transports.last().slowLink = true;
    transports.last().queueSize = 5L << 20; // OkHttp holds 5 MiB not yet on the wire
    socket.send(Envelope.of("publish", "before"));
    SetupRegistration r = socket.setup(SetupMessage.of(subscribe("ACME")));
    socket.send(Envelope.of("after", "y"));
    clock.runUntilIdle();
    assertEquals(List.of(), wire());
    transports.last().queueSize = 0; // the link drained
    clock.advanceBy(Duration.ofMillis(20));
    assertEquals(List.of("subscribe:ACME", "publish", "after"), wire()); // ordering holds
    assertEquals(SetupStatus.SENT, r.status());
    closeOpen(socket);
  }

  // ---- the review's reproductions ------------------------------------------------------------

  /** Review C: a close() right after OPEN, while the setup messages are still being built, still writes them and the queue. */
  @Test
  void closeRightAfterOpenWritesTheSetupAndTheQueueBeforeTheCloseFrame() {
    List<Runnable> pool = new ArrayList<>();
    SteadySocket socket = builder().sharedDispatch(pool::add).build();
    socket.setup(SetupMessage.of(subscribe("ACME")));
    socket.setup(SetupMessage.fromToken(t -> Envelope.of("auth", "x")));
    java.util.concurrent.CompletableFuture<Void> queued = socket.send(Envelope.of("publish", "x"));
    open(socket);
    socket.close(); // as from onStateChanged(OPEN), before the dispatch pool built the setup messages
    clock.runUntilIdle();
    listener.assertState(OPEN, ConnectionState.CLOSING);
    assertEquals(-1, transports.last().closeCode, "no close frame before the setup messages are written");
    runPool(pool);
    assertEquals(List.of("subscribe:ACME", "auth", "publish"), wire());
    assertEquals(1000, transports.last().closeCode, "then the close frame");
    assertTrue(queued.isDone() && !queued.isCompletedExceptionally(), "the queued message was written");
    transports.last().serverClose(1000, "");
    clock.runUntilIdle();
    listener.assertState(ConnectionState.CLOSING, ConnectionState.CLOSED);
    listener.assertClosed();
  }

  /** Review E: a setup reply timeout longer than the minimum uptime must not renew the outage's budget. */
  @Test
  void aSetupThatNeverCompletesExhaustsTheAttemptsLikeAnyFailingConnection() {
    SteadySocket socket = builder().maxReconnectAttempts(2).build();
    socket.setup(SetupMessage.of(subscribe("ACME")).awaitReply(Duration.ofSeconds(10)));
    socket.connect();
    clock.runUntilIdle();
    for (int i = 0; i < 6 && socket.state() != ConnectionState.CLOSED; i++) {
      transports.last().open();
      clock.runUntilIdle();
      clock.advanceBy(Duration.ofSeconds(10)); // the reply timeout (past the 5 s minimum uptime)
      clock.advanceBy(Duration.ofSeconds(31)); // the backoff
    }
    assertEquals(ConnectionState.CLOSED, socket.state(), "2 attempts allowed, then the socket gives up");
    assertEquals(3, transports.count());
    drain();
  }

  /** Review F: the heartbeat envelope waits behind a reply that holds sends (the ping does not). */
  @Test
  void theHeartbeatEnvelopeWaitsBehindAReplyThatHoldsSends() {
    SteadySocket socket = builder().heartbeat(Heartbeat.every(Duration.ofSeconds(1))).build();
    SetupRegistration auth = socket.setup(SetupMessage.of(Envelope.of("auth", "x")).awaitReplyBeforeSends(Duration.ofSeconds(5)));
    open(socket);
    clock.advanceBy(Duration.ofMillis(1200));
    List<String> all = new ArrayList<>();
    for (String f : transports.last().sent) all.add(CODEC.decode(f).type());
    assertEquals(List.of("auth"), all, "nothing but the auth message before its reply");
    assertTrue(transports.last().pings > 0, "the ping still checks the link");
    transports.last().receive(reply("ok", sent(0).id()));
    clock.runUntilIdle();
    listener.assertSetupConfirmed(auth);
    socket.close();
    clock.runUntilIdle();
    drain();
  }

  /** Review G: a dispatch pool that refuses the setup's preparation fails the connection after OPEN, cleanly. */
  @Test
  void aRefusedPreparationFailsTheConnectionAfterItsOpenWasPublished() {
    java.util.concurrent.atomic.AtomicBoolean refuseNext = new java.util.concurrent.atomic.AtomicBoolean();
    SteadySocket socket = builder().sharedDispatch(r -> {
      if (refuseNext.getAndSet(false)) throw new java.util.concurrent.RejectedExecutionException("full");
      r.run();
    }).build();
    socket.setup(SetupMessage.of(subscribe("ACME")));
    socket.connect();
    clock.runUntilIdle();
    refuseNext.set(true);
    transports.last().open();
    clock.runUntilIdle();
    listener.assertState(ConnectionState.IDLE, ConnectionState.CONNECTING);
    listener.assertState(ConnectionState.CONNECTING, OPEN);
    listener.assertError(ListenerException.class);
    listener.assertState(OPEN, ConnectionState.RECONNECTING);
    RecordingListener.Reconnecting r = listener.assertReconnecting(1);
    clock.advanceBy(r.delay);
    listener.assertState(ConnectionState.RECONNECTING, ConnectionState.CONNECTING);
    transports.last().open();
    clock.runUntilIdle();
    listener.assertState(ConnectionState.CONNECTING, OPEN);
    assertEquals(List.of("subscribe:ACME"), wire());
    clock.advanceBy(Duration.ofSeconds(60));
    assertEquals(OPEN, socket.state(), "nothing from the failed connection reaches the new one");
    closeOpen(socket);
  }

}
