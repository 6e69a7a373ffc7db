package dev.steadysocket;

import static dev.steadysocket.ConnectionState.CONNECTING;
import static dev.steadysocket.ConnectionState.OPEN;
import static dev.steadysocket.ConnectionState.RECONNECTING;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.steadysocket.testkit.RecordingListener;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Setup messages (#18) in virtual time: order, replies, rejections, timeouts, cancellation, tokens. */
class SetupMessagesTest extends SetupTestBase {





  private void reconnectAfterDrop() {
    clock.advanceBy(dropOpenConnection().delay);
    listener.assertState(RECONNECTING, CONNECTING);
    transports.last().open();
    clock.runUntilIdle();
    listener.assertState(CONNECTING, OPEN);
  }

  @Test
  void setupGoesFirstOnEveryConnectionInRegistrationOrderBeforeWhatWasQueued() {
    SteadySocket socket = builder().resumeStreams(true).build();
    SetupRegistration auth = socket.setup(SetupMessage.of(Envelope.of("auth", Map.of("user", "ann"))));
    socket.setup(SetupMessage.of(subscribe("ACME")));
    socket.setup(SetupMessage.of(subscribe("GLOBX")));
    socket.send(Envelope.of("publish", "queued before the first connection"));
    open(socket);
    assertEquals(List.of("resume", "auth", "subscribe:ACME", "subscribe:GLOBX", "publish"), wire());
    assertEquals(SetupStatus.SENT, auth.status());
    String firstId = sent(1).id();

    Duration delay = dropOpenConnection().delay;
    assertEquals(SetupStatus.PENDING, auth.status(), "pending again once its connection is gone");
    socket.send(Envelope.of("publish", "queued during the outage"));
    clock.advanceBy(delay);
    listener.assertState(RECONNECTING, CONNECTING);
    transports.last().open();
    clock.runUntilIdle();
    listener.assertState(CONNECTING, OPEN);
    assertEquals(List.of("resume", "auth", "subscribe:ACME", "subscribe:GLOBX", "publish"), wire());
    assertNotEquals(firstId, sent(1).id(), "a fresh id on every connection: never de-duplicated away");
    assertEquals(6, socket.metrics().setupMessagesSent(), "counted apart");
    assertEquals(2, socket.metrics().messagesSent(), "setup messages are not application messages");
    closeOpen(socket);
    assertEquals(SetupStatus.CANCELLED, auth.status(), "CLOSED cancels every registration");
  }

  @Test
  void addedWhileOpenIsSentAtOnceAndBeforeWhatIsSentAfterIt() {
    SteadySocket socket = open(builder().build());
    socket.send(Envelope.of("publish", "before"));
    SetupRegistration r = socket.setup(SetupMessage.of(subscribe("ACME")));
    socket.send(Envelope.of("publish", "after"));
    clock.runUntilIdle();
    assertEquals(List.of("publish", "subscribe:ACME", "publish"), wire());
    assertEquals("after", sent(2).content().asText());
    assertEquals(SetupStatus.SENT, r.status());
    closeOpen(socket);
  }

  @Test
  void aConfirmationIsDeliveredInOrderAndSetsTheStatus() {
    SteadySocket socket = builder().build();
    SetupRegistration r = socket.setup(SetupMessage.of(subscribe("ACME")).awaitReply(Duration.ofSeconds(5)));
    open(socket);
    assertEquals(SetupStatus.AWAITING_REPLY, r.status());
    transports.last().receive(reply("subscribed", sent(0).id()));
    transports.last().receive("{\"type\":\"ticker\"}");
    clock.runUntilIdle();
    RecordingListener.SetupConfirmed c = listener.assertSetupConfirmed(r);
    assertEquals("subscribed", c.reply.type());
    listener.assertMessage("ticker");
    assertEquals(SetupStatus.CONFIRMED, r.status());
    assertSame(c.reply, r.reply());
    clock.advanceBy(Duration.ofSeconds(10)); // the timeout was cancelled: nothing fails
    assertEquals(OPEN, socket.state());
    closeOpen(socket);
  }

  @Test
  void aRejectionKeepsTheConnectionByDefaultAndIsATypedError() {
    SteadySocket socket = builder().build();
    SetupRegistration bad = socket.setup(SetupMessage.of(subscribe("NOPE")).awaitReply(Duration.ofSeconds(5)));
    open(socket);
    transports.last().receive(reply("error", sent(0).id()));
    clock.runUntilIdle();
    SetupRejectedException e = listener.assertError(SetupRejectedException.class);
    assertSame(bad, e.registration());
    assertEquals("error", e.reply().type());
    assertEquals(SetupStatus.REJECTED, bad.status());
    assertEquals(OPEN, socket.state());
    socket.send(Envelope.of("publish", "x"));
    clock.runUntilIdle();
    assertEquals(List.of("subscribe:NOPE", "publish"), wire());
    closeOpen(socket);
  }

  @Test
  void aRejectionCanCloseTheConnectionAndTheSocketRetries() {
    SteadySocket socket = builder().build();
    socket.setup(SetupMessage.of(subscribe("ACME")).awaitReply(Duration.ofSeconds(5))
        .onRejection(SetupMessage.OnRejection.CLOSE_CONNECTION));
    open(socket);
    transports.last().receive(reply("error", sent(0).id()));
    clock.runUntilIdle();
    listener.assertError(SetupRejectedException.class);
    listener.assertState(OPEN, RECONNECTING);
    RecordingListener.Reconnecting r = listener.assertReconnecting(1);
    assertTrue(r.cause instanceof SetupRejectedException);
    assertEquals(1000, transports.last().closeCode, "closed politely");
    clock.advanceBy(r.delay);
    listener.assertState(RECONNECTING, CONNECTING);
    transports.last().open();
    clock.runUntilIdle();
    listener.assertState(CONNECTING, OPEN);
    assertEquals(List.of("subscribe:ACME"), wire(), "sent again on the next connection");
    transports.last().receive(reply("ok", sent(0).id()));
    clock.runUntilIdle();
    listener.next(RecordingListener.SetupConfirmed.class);
    closeOpen(socket);
  }

  @Test
  void aConfirmationThatTimesOutFailsTheConnectionNotASilentGap() {
    SteadySocket socket = builder().build();
    SetupRegistration r = socket.setup(SetupMessage.of(subscribe("ACME")).awaitReply(Duration.ofSeconds(5)));
    open(socket);
    clock.advanceBy(Duration.ofMillis(4_999));
    assertEquals(OPEN, socket.state());
    clock.advanceBy(Duration.ofMillis(1));
    SetupTimeoutException e = listener.assertError(SetupTimeoutException.class);
    assertSame(r, e.registration());
    assertEquals(Duration.ofSeconds(5), e.timeout());
    listener.assertState(OPEN, RECONNECTING);
    listener.assertReconnecting(1);
    assertEquals(SetupStatus.PENDING, r.status());
    closeWhileReconnecting(socket);
  }

  @Test
  void awaitReplyBeforeSendsHoldsLaterSetupAndTheOutboxUntilTheReply() {
    SteadySocket socket = builder().build();
    socket.setup(SetupMessage.of(Envelope.of("auth", "t")).awaitReplyBeforeSends(Duration.ofSeconds(5)));
    socket.setup(SetupMessage.of(subscribe("ACME")));
    CompletableFuture<Void> queued = socket.send(Envelope.of("publish", "x"));
    open(socket);
    assertEquals(List.of("auth"), wire(), "nothing after it before its reply");
    socket.send(Envelope.of("publish", "y"));
    clock.runUntilIdle();
    assertEquals(List.of("auth"), wire());
    assertFalse(queued.isDone());
    transports.last().receive(reply("authenticated", sent(0).id()));
    clock.runUntilIdle();
    listener.next(RecordingListener.SetupConfirmed.class);
    assertEquals(List.of("auth", "subscribe:ACME", "publish", "publish"), wire());
    assertTrue(queued.isDone());
    closeOpen(socket);
  }

  @Test
  void cancelledWhileOpenSendsItsClosingMessageBeforeLaterSends() {
    SteadySocket socket = builder().build();
    SetupRegistration r = socket.setup(SetupMessage.of(subscribe("ACME")).cancelWith(Envelope.of("unsubscribe", Map.of("symbol", "ACME"))));
    open(socket);
    r.cancel();
    socket.send(Envelope.of("publish", "x"));
    clock.runUntilIdle();
    assertEquals(List.of("subscribe:ACME", "unsubscribe:ACME", "publish"), wire());
    assertEquals(SetupStatus.CANCELLED, r.status());
    r.cancel(); // idempotent
    reconnectAfterDrop();
    assertEquals(List.of(), wire(), "never sent again");
    closeOpen(socket);
  }

  @Test
  void cancelledWhileAReconnectIsInFlightIsNotSentAndSendsNoClosingMessage() {
    SteadySocket socket = builder().build();
    SetupRegistration keep = socket.setup(SetupMessage.of(subscribe("ACME")));
    SetupRegistration gone = socket.setup(SetupMessage.of(subscribe("GLOBX"))
        .awaitReply(Duration.ofSeconds(5)).cancelWith(Envelope.of("unsubscribe", "GLOBX")));
    open(socket);
    Duration delay = dropOpenConnection().delay;
    gone.cancel();
    assertEquals(SetupStatus.CANCELLED, gone.status());
    clock.advanceBy(delay);
    listener.assertState(RECONNECTING, CONNECTING);
    transports.last().open();
    clock.runUntilIdle();
    listener.assertState(CONNECTING, OPEN);
    assertEquals(List.of("subscribe:ACME"), wire());
    assertEquals(SetupStatus.SENT, keep.status());
    clock.advanceBy(Duration.ofSeconds(10)); // no timeout for the cancelled one
    assertEquals(OPEN, socket.state());
    closeOpen(socket);
  }

  @Test
  void cancellingAnAwaitedBarrierReleasesWhatItHeldAndSwallowsItsReply() {
    SteadySocket socket = builder().build();
    SetupRegistration auth = socket.setup(SetupMessage.of(Envelope.of("auth", "t")).awaitReplyBeforeSends(Duration.ofSeconds(5)));
    open(socket);
    socket.send(Envelope.of("publish", "x"));
    clock.runUntilIdle();
    assertEquals(List.of("auth"), wire());
    String id = sent(0).id();
    auth.cancel();
    clock.runUntilIdle();
    assertEquals(List.of("auth", "publish"), wire());
    transports.last().receive(reply("authenticated", id));
    clock.advanceBy(Duration.ofSeconds(10));
    assertEquals(OPEN, socket.state(), "no timeout, and the late reply is not a message");
    closeOpen(socket);
  }

  @Test
  void theTokenFormGetsEachAttemptsTokenAndTheTokenCanStayOutOfTheHandshake() {
    AtomicInteger n = new AtomicInteger();
    SteadySocket socket = builder()
        .tokenProvider(refresh -> "tok-" + n.incrementAndGet())
        .tokenHeader("", "")
        .build();
    SetupRegistration auth = socket.setup(SetupMessage.fromToken(token -> Envelope.of("auth", Map.of("token", token))));
    assertEquals("SetupMessage{from token}", auth.message().toString());
    open(socket);
    assertTrue(transports.last().headers.isEmpty(), "no token in the handshake: " + transports.last().headers.keySet());
    assertEquals("tok-1", sent(0).content().path("token").asText());
    reconnectAfterDrop();
    assertEquals("tok-2", sent(0).content().path("token").asText(), "a fresh token on every connection");
    closeOpen(socket);
  }

  @Test
  void aTokenFunctionThatThrowsFailsTheConnectionWithATypedErrorAndNothingQueuedLeaves() {
    SteadySocket socket = builder().build();
    socket.setup(SetupMessage.fromToken(token -> {
      throw new IllegalStateException("no session");
    }));
    CompletableFuture<Void> queued = socket.send(Envelope.of("publish", "x"));
    open(socket);
    ListenerException e = listener.assertError(ListenerException.class);
    assertTrue(e.getCause() instanceof IllegalStateException);
    listener.assertState(OPEN, RECONNECTING);
    listener.assertReconnecting(1);
    assertEquals(List.of(), wire());
    assertFalse(queued.isDone(), "still queued for the next connection");
    closeWhileReconnecting(socket);
  }

  @Test
  void anUnencodableSetupFailsAtRegistration() {
    SteadySocket socket = builder().codec(new MessageCodec() {
      @Override
      public String encode(Envelope envelope) {
        throw new IllegalStateException("cannot");
      }

      @Override
      public Envelope decode(String text) {
        return CODEC.decode(text);
      }
    }).build();
    assertThrows(EncodeException.class, () -> socket.setup(SetupMessage.of(subscribe("ACME"))));
    socket.close();
    clock.runUntilIdle();
    listener.assertState(ConnectionState.IDLE, ConnectionState.CLOSING);
    listener.assertState(ConnectionState.CLOSING, ConnectionState.CLOSED);
    listener.assertClosed();
  }

  @Test
  void inAcknowledgementModeSetupMessagesAreNotAcknowledgedOrResent() {
    SteadySocket socket = builder().acknowledgedSends(true).build();
    socket.setup(SetupMessage.of(subscribe("ACME")));
    CompletableFuture<Void> publish = socket.send(Envelope.of("publish", "x"));
    open(socket);
    assertEquals(List.of("subscribe:ACME", "publish"), wire());
    assertNull(sent(0).meta().get("ack"), "a setup message asks for no ack");
    assertEquals(1, socket.metrics().unacknowledged());
    reconnectAfterDrop();
    assertEquals(List.of("subscribe:ACME", "publish"), wire(), "setup first, then the unacknowledged");
    assertFalse(publish.isDone());
    closeOpen(socket);
  }

  @Test
  void everyUrlsConnectionGetsTheSetupMessagesWhenFailingOver() {
    SteadySocket socket = builder().failoverUrls("wss://b.example.com/feed").build();
    socket.setup(SetupMessage.of(subscribe("ACME")));
    open(socket);
    assertEquals(List.of("subscribe:ACME"), wire());
    reconnectAfterDrop(); // the next attempt goes to the failover URL
    assertEquals(List.of("subscribe:ACME"), wire());
    closeOpen(socket);
  }

  @Test
  void aRepliedSetupMessageThatAwaitsNoReplyLetsTheReplyThrough() {
    SteadySocket socket = builder().build();
    socket.setup(SetupMessage.of(subscribe("ACME")));
    open(socket);
    transports.last().receive(reply("subscribed", sent(0).id()));
    clock.runUntilIdle();
    listener.assertMessage("subscribed"); // nobody awaited it: an ordinary message
    closeOpen(socket);
  }

  @Test
  void afterCloseARegistrationIsBornCancelled() {
    SteadySocket socket = builder().build();
    socket.close();
    clock.runUntilIdle();
    listener.assertState(ConnectionState.IDLE, ConnectionState.CLOSING);
    listener.assertState(ConnectionState.CLOSING, ConnectionState.CLOSED);
    listener.assertClosed();
    assertEquals(SetupStatus.CANCELLED, socket.setup(SetupMessage.of(subscribe("ACME"))).status());
  }
}
