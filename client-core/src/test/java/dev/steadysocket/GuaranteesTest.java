package dev.steadysocket;

import static dev.steadysocket.ConnectionState.CONNECTING;
import static dev.steadysocket.ConnectionState.OPEN;
import static dev.steadysocket.ConnectionState.RECONNECTING;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** Acknowledged sends, request/reply, de-duplication and resume, in virtual time. */
class GuaranteesTest extends VirtualTimeTest {
  private static final MessageCodec CODEC = MessageCodec.jackson();

  private static Envelope decode(String frame) {
    return CODEC.decode(frame);
  }


  private void reconnect() {
    listener.assertError(ConnectionLostException.class);
    listener.assertState(OPEN, RECONNECTING);
    clock.advanceBy(listener.assertReconnecting(1).delay);
    listener.assertState(RECONNECTING, CONNECTING);
    transports.last().open();
    clock.runUntilIdle();
    listener.assertState(CONNECTING, OPEN);
  }

  private static String ack(String id) {
    return "{\"type\":\"ack\",\"meta\":{\"replyTo\":\"" + id + "\"}}";
  }

  // ------------------------------------------------------------------ acknowledged sends

  @Test
  void ackModeCompletesOnAckAndResendsTheUnacknowledgedInOrder() {
    SteadySocket socket = open(builder().acknowledgedSends(true).build());
    List<CompletableFuture<Void>> f = new ArrayList<>();
    for (int i = 0; i < 3; i++) f.add(socket.send(Envelope.of("m", Map.of("n", i))));
    clock.runUntilIdle();
    List<String> sent = transports.last().sentMessages();
    assertEquals(3, sent.size());
    assertTrue(decode(sent.get(0)).meta().get("ack").asBoolean(), "marked for acknowledgement");
    assertFalse(f.get(0).isDone(), "not done before the ack");

    transports.last().receive(ack(decode(sent.get(1)).id()));
    clock.runUntilIdle();
    assertTrue(f.get(1).isDone());
    assertFalse(f.get(0).isDone());
    assertEquals(2, socket.metrics().unacknowledged());

    CompletableFuture<Void> later = socket.send(Envelope.of("m", Map.of("n", 3)));
    dropWith(new IOException("reset"));
    reconnect();
    List<String> resent = transports.last().sentMessages();
    assertEquals(3, resent.size(), "the two unacknowledged, then the new one");
    assertEquals(decode(sent.get(0)).id(), decode(resent.get(0)).id(), "same id, so the server can drop it");
    assertEquals(decode(sent.get(2)).id(), decode(resent.get(1)).id());
    assertEquals(3, decode(resent.get(2)).content().get("n").asInt());
    for (String frame : resent) transports.last().receive(ack(decode(frame).id()));
    clock.runUntilIdle();
    for (CompletableFuture<Void> x : f) assertTrue(x.isDone() && !x.isCompletedExceptionally());
    assertTrue(later.isDone());
    assertEquals(0, socket.metrics().unacknowledged());
    assertEquals(3, socket.metrics().messagesResent());
    listener.assertExhausted(); // acks never reach onMessage
  }

  @Test
  void ackWindowHoldsMessagesInTheOutboxUntilAcksArrive() {
    SteadySocket socket =
        open(builder().acknowledgedSends(true)
            .outbox(OutboxPolicy.bounded(2, 1 << 20, OutboxPolicy.Overflow.REJECT_NEW)).build());
    socket.send(Envelope.of("m", 1));
    socket.send(Envelope.of("m", 2));
    CompletableFuture<Void> third = socket.send(Envelope.of("m", 3));
    clock.runUntilIdle();
    assertEquals(2, transports.last().sentMessages().size(), "window of 2 in flight");
    assertEquals(1, socket.metrics().outboxDepth());
    transports.last().receive(ack(decode(transports.last().sentMessages().get(0)).id()));
    clock.runUntilIdle();
    assertEquals(3, transports.last().sentMessages().size());
    assertFalse(third.isDone());
  }

  @Test
  void closeFailsUnacknowledgedMessages() {
    SteadySocket socket = open(builder().acknowledgedSends(true).build());
    CompletableFuture<Void> f = socket.send(Envelope.of("m", 1));
    clock.runUntilIdle();
    socket.close();
    clock.runUntilIdle();
    transports.last().serverClose(1000, "");
    clock.runUntilIdle();
    listener.awaitState(ConnectionState.CLOSED);
    listener.assertClosed();
    assertInstanceOf(SocketClosedException.class, failure(f));
  }

  // ------------------------------------------------------------------ request / reply

  @Test
  void replyCompletesTheRequestAndSkipsOnMessage() throws Exception {
    SteadySocket socket = open(builder().build());
    CompletableFuture<Envelope> reply = socket.request(Envelope.of("quote?", "ACME"), Duration.ofSeconds(5));
    clock.runUntilIdle();
    String id = decode(transports.last().sentMessages().get(0)).id();
    transports.last().receive("{\"type\":\"quote\",\"content\":12.5,\"meta\":{\"replyTo\":\"" + id + "\"}}");
    assertEquals(12.5, reply.get().content().asDouble());
    clock.advanceBy(Duration.ofSeconds(10)); // the cancelled timeout must not fire
    listener.assertExhausted();
  }

  @Test
  void requestTimesOutExactlyAtItsDeadline() {
    SteadySocket socket = open(builder().build());
    CompletableFuture<Envelope> reply = socket.request(Envelope.of("q", null), Duration.ofSeconds(5));
    clock.advanceBy(Duration.ofSeconds(5).minusMillis(1));
    assertFalse(reply.isDone());
    clock.advanceByMillis(1);
    RequestTimeoutException e = assertInstanceOf(RequestTimeoutException.class, failure(reply));
    String id = decode(transports.last().sentMessages().get(0)).id();
    assertEquals(id, e.requestId());
    // A late reply is an ordinary message.
    transports.last().receive("{\"type\":\"late\",\"meta\":{\"replyTo\":\"" + id + "\"}}");
    listener.assertMessage("late");
  }

  @Test
  void requestsFailWhenTheirConnectionDropsByDefault() {
    SteadySocket socket = open(builder().build());
    CompletableFuture<Envelope> reply = socket.request(Envelope.of("q", null), Duration.ofSeconds(30));
    clock.runUntilIdle();
    dropWith(new IOException("reset"));
    assertInstanceOf(ConnectionLostException.class, failure(reply));
    reconnect();
    assertTrue(transports.last().sentMessages().isEmpty(), "FAIL does not resend");
  }

  @Test
  void retainedRequestsAreResentAndStillAnswered() throws Exception {
    SteadySocket socket = open(builder().requestRetention(RequestRetention.RESEND).build());
    CompletableFuture<Envelope> reply = socket.request(Envelope.of("q", null), Duration.ofSeconds(30));
    clock.runUntilIdle();
    String id = decode(transports.last().sentMessages().get(0)).id();
    dropWith(new IOException("reset"));
    assertFalse(reply.isDone());
    reconnect();
    assertEquals(id, decode(transports.last().sentMessages().get(0)).id());
    transports.last().receive("{\"type\":\"a\",\"meta\":{\"replyTo\":\"" + id + "\"}}");
    assertEquals("a", reply.get().type());
  }

  // ------------------------------------------------------------------ de-duplication

  @Test
  void duplicateIdsWithinTheWindowAreDroppedAndCounted() {
    SteadySocket socket = open(builder().deduplicate(3).build());
    for (String id : new String[] {"1", "2", "1", "3", "4", "2", "1"}) {
      transports.last().receive("{\"type\":\"m\",\"id\":\"" + id + "\"}");
    }
    // "1" twice: the second is in the window; "2" after 3 and 4 is still in a window of 3; the
    // last "1" comes after 2, 3, 4 pushed it out.
    List<String> delivered = new ArrayList<>();
    for (int i = 0; i < 5; i++) delivered.add(listener.assertMessage("m").id());
    assertEquals(List.of("1", "2", "3", "4", "1"), delivered);
    assertEquals(2, socket.metrics().duplicatesDropped());
  }

  @Test
  void withoutDeduplicationRepeatedIdsAreDelivered() {
    open(builder().build());
    transports.last().receive("{\"type\":\"m\",\"id\":\"1\"}");
    transports.last().receive("{\"type\":\"m\",\"id\":\"1\"}");
    listener.assertMessage("m");
    listener.assertMessage("m");
  }

  // ------------------------------------------------------------------ resume

  @Test
  void resumePositionsTravelInTheHandshakeAndTheFirstFrame() {
    open(builder().resumeStreams(true).build());
    assertEquals("{}", transports.last().headers.get("X-SteadySocket-Resume"));
    Envelope first = decode(transports.last().sent.get(0));
    assertEquals("resume", first.type());
    assertEquals(0, first.content().size());

    transports.last().receive("{\"type\":\"tick\",\"id\":\"a-1\",\"meta\":{\"stream\":\"a\"}}");
    transports.last().receive("{\"type\":\"tick\",\"id\":\"b-1\",\"meta\":{\"stream\":\"b\"}}");
    transports.last().receive("{\"type\":\"tick\",\"id\":\"a-2\",\"meta\":{\"stream\":\"a\"}}");
    transports.last().receive("{\"type\":\"chat\",\"id\":\"x\"}"); // no stream: not resumable
    for (int i = 0; i < 3; i++) listener.assertMessage("tick");
    listener.assertMessage("chat");
    dropWith(new IOException("reset"));
    reconnect();

    String header = transports.last().headers.get("X-SteadySocket-Resume");
    Envelope resume = decode(transports.last().sent.get(0));
    assertEquals("resume", resume.type());
    assertEquals("a-2", resume.content().get("a").asText());
    assertEquals("b-1", resume.content().get("b").asText());
    assertEquals(resume.content(), CODEC.decode("{\"type\":\"x\",\"content\":" + header + "}").content());
  }
}
