package dev.steadysocket.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.steadysocket.ConnectionState;
import dev.steadysocket.Envelope;
import dev.steadysocket.SteadySocket;
import dev.steadysocket.testing.server.Envelopes;
import dev.steadysocket.testing.server.MemoryInbox;
import dev.steadysocket.testing.server.StreamId;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * FakeServer's own reports and commands in memory: the leak lines of its sockets, what it recorded
 * and delivered, its sender, closing it, its real-time await, and the small server pieces it is
 * built from (the de-duplicating inbox's window, the stream envelope's number).
 */
@ExtendWith(SteadySocketExtension.class)
class FakeServerMutationTest {
  @Test
  void openSocketsDescribesEachSocketNotClosedWithItsPendingWork(FakeServer server, TestClock clock) {
    SteadySocket idle = server.newSocket().build();
    SteadySocket socket = server.newSocket().acknowledgedSends(true).build();
    try {
      socket.connect();
      clock.runUntilIdle();
      assertEquals(List.of("IDLE socket with 0 queued, 0 unacknowledged", "OPEN socket with 0 queued, 0 unacknowledged"),
          server.openSockets());
      server.loseNextAcks(1);
      socket.send(Envelope.of("order", 1));
      clock.runUntilIdle();
      assertEquals("OPEN socket with 0 queued, 1 unacknowledged", server.openSockets().get(1));
      assertEquals(0, server.closingSockets());
      server.connection().goHalfOpen();
      socket.close();
      clock.runUntilIdle();
      assertEquals(1, server.closingSockets(), "closing: the half-open server never answers");
      idle.close();
      clock.runUntilIdle();
      assertEquals(List.of("CLOSING socket with 0 queued, 1 unacknowledged"), server.openSockets());
    } finally {
      idle.close();
      socket.close();
    }
  }

  @Test
  void acknowledgedSendsAreDeliveredAndAcknowledgedButNotRepliedTo(FakeServer server, TestClock clock) {
    SteadySocket socket = server.newSocket().acknowledgedSends(true).build();
    try {
      socket.connect();
      clock.runUntilIdle();
      CompletableFuture<Void> sent = socket.send(Envelope.of("order", 3));
      clock.runUntilIdle();
      assertTrue(sent.isDone(), "acknowledged at once by default");
      assertEquals(List.of("order"), server.delivered().stream().map(Envelope::type).toList());
      assertEquals(3, server.delivered().get(0).content().asInt());
    } finally {
      socket.close();
    }
  }

  @Test
  void onlyRequestsAndTypesWithAReplyRuleAreAnswered(FakeServer server, TestClock clock) {
    server.replyTo("quote", e -> "q:" + e.content().asText());
    SteadySocket socket = server.newSocket().build();
    try {
      socket.connect();
      clock.runUntilIdle();
      CompletableFuture<Envelope> quote = socket.request(Envelope.of("quote", "A"), Duration.ofSeconds(5));
      CompletableFuture<Envelope> echo = socket.request(Envelope.of("request", "B"), Duration.ofSeconds(5));
      CompletableFuture<Envelope> none = socket.request(Envelope.of("order", "C"), Duration.ofSeconds(5));
      clock.runUntilIdle();
      assertEquals("q:A", quote.join().content().asText());
      assertEquals("B", echo.join().content().asText(), "type request is echoed without a rule");
      assertFalse(none.isDone(), "an order is no request: unanswered");
      clock.advanceBy(Duration.ofSeconds(5));
      assertTrue(none.isCompletedExceptionally());
    } finally {
      socket.close();
    }
  }

  @Test
  void receivedFiltersByTypeAndExpectReceivedTakesTheLatest(FakeServer server, TestClock clock) {
    SteadySocket socket = server.newSocket().build();
    try {
      socket.connect();
      clock.runUntilIdle();
      socket.send(Envelope.of("chat", 1));
      socket.send(Envelope.of("note", 2));
      socket.send(Envelope.of("chat", 3));
      clock.runUntilIdle();
      assertEquals(List.of(1, 3), server.received("chat").stream().map(e -> e.content().asInt()).toList());
      assertEquals(3, server.expectReceived("chat").content().asInt());
      AssertionError none = assertThrows(AssertionError.class, () -> server.expectReceived("Chat"));
      assertEquals("no 'Chat' envelope received; got types [chat, note, chat]", none.getMessage());
      assertEquals("FakeServer{in memory, 1 open}", server.toString());
    } finally {
      socket.close();
    }
  }

  @Test
  void whatTheServerSendsCarriesItsSender(TestClock clock) {
    SocketEvents events = new SocketEvents();
    try (FakeServer server = FakeServer.builder().clock(clock).sender("feed-node-3").build()) {
      SteadySocket socket = server.newSocket().listener(events).build();
      try {
        socket.connect();
        clock.runUntilIdle();
        server.connection().send("tick", 1);
        clock.runUntilIdle();
        assertEquals("feed-node-3", events.messages("tick").get(0).sender());
      } finally {
        socket.close();
        clock.runUntilIdle();
      }
    }
  }

  @Test
  void closingTheServerClosesItsConnectionsWith1001AndRefusesNewOnes(FakeServer server, TestClock clock) {
    SocketEvents events = new SocketEvents();
    SteadySocket socket = server.newSocket().listener(events).maxReconnectAttempts(0).build();
    SteadySocket late = server.newSocket().maxReconnectAttempts(0).build();
    try {
      socket.connect();
      clock.runUntilIdle();
      ServerConnection c = server.connection();
      server.close();
      server.close();
      clock.runUntilIdle();
      assertEquals(1001, c.closeCode(), "the client answered the server's 1001");
      assertTrue(events.log().contains("state OPEN -> RECONNECTING") || events.log().contains("state OPEN -> CLOSED"),
          events.log().toString());
      assertTrue(server.connections().isEmpty());
      int before = server.handshakes();
      late.connect();
      clock.runUntilIdle();
      assertEquals(before + 1, server.handshakes(), "the handshake reached the server");
      assertTrue(late.state() != ConnectionState.OPEN, "and was refused: " + late.state());
    } finally {
      socket.close();
      late.close();
    }
  }

  @Test
  void aTokenOfferedAsASubprotocolGoesBesideTheConfiguredOnes(FakeServer server, TestClock clock) {
    SteadySocket socket = server.newSocket().subprotocols("feed.v1").tokenProvider(refresh -> "t0k3n")
        .tokenHeader("Sec-WebSocket-Protocol", "").build();
    try {
      socket.connect();
      clock.runUntilIdle();
      assertEquals("feed.v1, t0k3n", server.connection().header("Sec-WebSocket-Protocol"));
      assertEquals("feed.v1", socket.subprotocol(), "the server chose the first offered");
    } finally {
      socket.close();
    }
  }

  @Test
  void awaitReturnsWhenTheConditionHoldsAndOtherwiseFailsNamingIt(FakeServer server) throws Exception {
    assertSame(server, server.await(s -> s.handshakes() == 0, "nothing", Duration.ZERO));
    // On a thread of its own, so that a wait that never gives up fails this test instead of hanging it.
    CompletableFuture<AssertionError> failed = new CompletableFuture<>();
    long start = System.nanoTime();
    Thread waiter = new Thread(() -> {
      try {
        server.await(s -> s.handshakes() > 0, "a handshake", Duration.ofMillis(30));
        failed.complete(null);
      } catch (AssertionError e) {
        failed.complete(e);
      }
    });
    waiter.setDaemon(true);
    waiter.start();
    AssertionError e = failed.get(10, TimeUnit.SECONDS);
    assertTrue(System.nanoTime() - start >= Duration.ofMillis(30).toNanos());
    assertEquals("timed out after PT0.03S waiting for a handshake; FakeServer{in memory, 0 open}", e.getMessage());
    Thread.currentThread().interrupt();
    try {
      AssertionError interrupted = assertThrows(AssertionError.class,
          () -> server.await(s -> false, "a handshake", Duration.ofSeconds(30)));
      assertEquals("interrupted waiting for a handshake", interrupted.getMessage());
      assertTrue(Thread.currentThread().isInterrupted());
    } finally {
      Thread.interrupted();
    }
  }

  /**
   * Waits on the test's thread while another thread runs {@code action} (and the clock) once the
   * wait has begun, and checks that the event woke the wait: it returns long before its limit.
   */
  private static void awaitWoken(FakeServer server, Predicate<FakeServer> condition, Runnable action) throws Exception {
    Thread test = Thread.currentThread();
    CompletableFuture<Void> done = new CompletableFuture<>();
    Thread driver = new Thread(() -> {
      while (test.getState() != Thread.State.TIMED_WAITING) Thread.onSpinWait();
      try {
        action.run();
        done.complete(null);
      } catch (Throwable t) {
        done.completeExceptionally(t);
      }
    });
    driver.setDaemon(true);
    driver.start();
    long start = System.nanoTime();
    server.await(condition, "the event", Duration.ofSeconds(8));
    long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    done.get(10, TimeUnit.SECONDS);
    assertTrue(tookMillis < 4_000, "woken only by the deadline, after " + tookMillis + " ms");
  }

  @Test
  void awaitIsWokenByAHandshakeAnEnvelopeAndAnEnd(FakeServer server, TestClock clock) throws Exception {
    SteadySocket socket = server.newSocket().build();
    try {
      awaitWoken(server, s -> s.handshakes() >= 1, () -> {
        socket.connect();
        clock.runUntilIdle();
      });
      awaitWoken(server, s -> !s.received().isEmpty(), () -> {
        socket.send(Envelope.of("chat", 1));
        clock.runUntilIdle();
      });
      awaitWoken(server, s -> s.connections().isEmpty(), () -> {
        server.connection().drop();
        clock.runUntilIdle();
      });
    } finally {
      socket.close();
    }
  }

  @Test
  void rejectionStatusesFrom100To599ButNot101AreAccepted(FakeServer server) {
    server.rejectNextHandshakes(0, 100, null);
    server.rejectNextHandshakes(0, 599, Duration.ZERO);
    for (int bad : new int[] {99, 101, 600}) {
      assertEquals("not a rejection: " + bad,
          assertThrows(IllegalArgumentException.class, () -> server.rejectNextHandshakes(1, bad, null)).getMessage());
    }
  }

  @Test
  void onlyAnInMemoryServerHasAClock() {
    try (FakeServer memory = FakeServer.inMemory(); FakeServer real = FakeServer.loopback()) {
      assertTrue(memory.isInMemory());
      assertFalse(real.isInMemory());
    }
  }

  @Test
  void theInboxRemembersExactlyItsWindowOfIds() throws Exception {
    assertThrows(IllegalArgumentException.class, () -> new MemoryInbox(0));
    MemoryInbox inbox = new MemoryInbox(2);
    ObjectNode m = JsonNodeFactory.instance.objectNode();
    int[] delivered = {0};
    Runnable deliver = () -> delivered[0]++;
    assertTrue(inbox.receive("a", m, deliver));
    assertTrue(inbox.receive("b", m, deliver));
    assertFalse(inbox.receive("a", m, deliver), "within the window: a repeat");
    assertFalse(inbox.receive("b", m, deliver));
    assertTrue(inbox.receive("c", m, deliver)); // forgets a
    assertFalse(inbox.receive("b", m, deliver), "b is still remembered");
    assertTrue(inbox.receive("a", m, deliver), "a fell out of the window");
    assertEquals(4, delivered[0]);
    MemoryInbox one = new MemoryInbox(1);
    assertTrue(one.receive("x", m, deliver));
    assertFalse(one.receive("x", m, deliver));
  }

  @Test
  void streamEnvelopesNumberOnlyFromOneAndIdsMayBeNumbers() {
    ObjectNode withSeq = Envelopes.parseObject(Envelopes.streamEnvelope("s", new StreamId(1, 0), 1, "t", null, "srv", 5));
    assertEquals(1, withSeq.path("meta").path("seq").asLong());
    ObjectNode without = Envelopes.parseObject(Envelopes.streamEnvelope("s", new StreamId(1, 0), "t", null, "srv", 5));
    assertFalse(without.path("meta").has("seq"));
    assertEquals("s", without.path("meta").path("stream").asText());
    assertEquals("1-0", without.path("id").asText());
    assertEquals("42", Envelopes.text(Envelopes.parseObject("{\"id\":42}"), "id"));
    assertEquals(null, Envelopes.text(Envelopes.parseObject("{\"id\":true}"), "id"));
    ObjectNode ack = Envelopes.parseObject(Envelopes.ack("m1"));
    assertEquals("m1", ack.path("meta").path("replyTo").asText());
    assertTrue(Math.abs(ack.path("timestamp").asLong() - System.currentTimeMillis()) < 60_000);
    ObjectNode reply = Envelopes.parseObject(Envelopes.reply("r1", null, "srv", "app"));
    assertEquals("reply-r1", reply.path("id").asText());
    assertEquals("r1", reply.path("meta").path("replyTo").asText());
  }

  @Test
  void namedStreamsReplaceTheDefaultFeed(TestClock clock) {
    try (FakeServer server = FakeServer.builder().clock(clock).streams("quotes", "news", "quotes").build()) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> server.publish("feed", "t", 1));
      assertEquals("no stream 'feed'; this server has [quotes, news]", e.getMessage());
      assertTrue(server.publish("news", "t", 1).endsWith("-0"));
    }
  }

  @Test
  void aTokenInTheSubprotocolHeaderAloneIsSentAsIs(FakeServer server, TestClock clock) {
    SteadySocket socket = server.newSocket().tokenProvider(refresh -> "t0k3n")
        .tokenHeader("Sec-WebSocket-Protocol", "").build();
    try {
      socket.connect();
      clock.runUntilIdle();
      assertEquals("t0k3n", server.connection().header("Sec-WebSocket-Protocol"));
    } finally {
      socket.close();
    }
  }
}
