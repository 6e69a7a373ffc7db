package dev.steadysocket.testing;

import static dev.steadysocket.testing.ObserverFixtures.frame;
import static dev.steadysocket.testing.ObserverFixtures.sendBinary;
import static dev.steadysocket.testing.ObserverFixtures.utf8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.steadysocket.ConnectionState;
import dev.steadysocket.Envelope;
import dev.steadysocket.Heartbeat;
import dev.steadysocket.SteadySocket;
import dev.steadysocket.SteadySocketBuilder;
import dev.steadysocket.testing.ObserverFixtures.GateExecutor;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The inbound events — messageReceived, binaryReceived, decodeFailed, duplicateDropped,
 * inboundPaused, inboundResumed — in memory on the kit's virtual clock. Sizes are UTF-8 bytes
 * (the frames carry non-ASCII text, so a count of chars would show). Decoding takes no virtual
 * time: decodeNanos is exactly zero here.
 */
@ExtendWith(SteadySocketExtension.class)
class ObserverInboundEventsTest {
  private static final String[] INBOUND = {
    "messageReceived", "binaryReceived", "decodeFailed", "duplicateDropped", "inboundPaused", "inboundResumed"
  };

  private static SteadySocket open(FakeServer server, RecordingObserver rec, UnaryOperator<SteadySocketBuilder> settings) {
    SteadySocket socket = settings.apply(server.newSocket().observer(rec.factory()).heartbeat(Heartbeat.disabled())).build();
    socket.connect();
    server.clock().runUntilIdle();
    rec.clear();
    return socket;
  }

  /**
   * Both ways a frame is decoded: on the callback executor (the default in-memory socket is
   * pipelined) and on the reader (with de-duplication). One event per message, its UTF-8 size.
   */
  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void aMessageIsReportedOnceWithItsUtf8Size(boolean decodedOnTheReader, FakeServer server, TestClock clock) {
    RecordingObserver rec = new RecordingObserver(clock);
    SocketEvents listener = new SocketEvents();
    SteadySocket socket = open(server, rec, b -> (decodedOnTheReader ? b.deduplicate(16) : b).listener(listener));
    try {
      String first = frame(clock, "greet", "m-1", "héllo €");
      String second = frame(clock, "greet", "m-2", "plain");
      server.connection().sendRaw(first);
      server.connection().sendRaw(second);
      clock.runUntilIdle();
      assertEquals(List.of(
          "messageReceived(greet#m-1, " + utf8(first) + ", PT0S)",
          "messageReceived(greet#m-2, " + utf8(second) + ", PT0S)"), rec.lines(INBOUND));
      assertTrue(utf8(first) > first.length(), "the sizes are bytes, not chars");
      Envelope seen = (Envelope) rec.named("messageReceived").get(0).arg(0);
      assertEquals("héllo €", seen.content().path("text").asText());
      assertEquals(2, listener.messages().size());
      assertEquals(2, socket.metrics().messagesReceived());
      assertEquals(utf8(first) + utf8(second), socket.metrics().bytesReceived());
    } finally {
      socket.close();
    }
  }

  @Test
  void whatTheSocketConsumesItselfIsNoMessage(FakeServer server, TestClock clock) {
    RecordingObserver rec = new RecordingObserver(clock);
    server.replyTo("ask", request -> Map.of("answer", 42));
    SteadySocket socket = open(server, rec, b -> b.acknowledgedSends(true).heartbeat(Heartbeat.every(Duration.ofSeconds(5))));
    try {
      socket.send(Envelope.of("order", 1)); // acknowledged
      socket.request(Envelope.of("ask", 1), Duration.ofSeconds(5)); // answered
      clock.advanceBy(Duration.ofSeconds(6)); // a heartbeat round, echoed
      assertEquals(List.of(), rec.lines(INBOUND), "acks, replies and heartbeat echoes are not messages");
      assertEquals(1, rec.count("messageAcknowledged"));
      assertEquals(1, rec.count("requestCompleted"));
      assertEquals(1, rec.count("heartbeatEchoed"));
      assertEquals(0, socket.metrics().messagesReceived());
    } finally {
      socket.close();
    }
  }

  @Test
  void aBinaryFrameIsReportedOnDelivery(FakeServer server, TestClock clock) {
    RecordingObserver rec = new RecordingObserver(clock);
    SocketEvents listener = new SocketEvents();
    SteadySocket socket = open(server, rec, b -> b.listener(listener));
    try {
      sendBinary(server.connection(), new byte[] {1, 2, 3, 4, 5});
      clock.runUntilIdle();
      assertEquals(List.of("binaryReceived(5)"), rec.lines(INBOUND));
      assertEquals(1, listener.binaryMessages().size());
      assertEquals(1, socket.metrics().messagesReceived());
      assertEquals(5, socket.metrics().bytesReceived());
    } finally {
      socket.close();
    }
  }

  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void anUndecodableFrameIsReportedOnceAndTheConnectionStays(boolean decodedOnTheReader, FakeServer server, TestClock clock) {
    RecordingObserver rec = new RecordingObserver(clock);
    SteadySocket socket = open(server, rec, b -> decodedOnTheReader ? b.deduplicate(16) : b);
    try {
      server.connection().sendRaw("{not json");
      server.connection().sendRaw(frame(clock, "after", "m-1", "x"));
      clock.runUntilIdle();
      assertEquals(List.of("decodeFailed", "messageReceived"), rec.events().stream()
          .filter(e -> List.of(INBOUND).contains(e.name)).map(e -> e.name).collect(java.util.stream.Collectors.toList()));
      assertEquals(ConnectionState.OPEN, socket.state());
      assertEquals(1, socket.metrics().decodeErrors());
      assertEquals(1, socket.metrics().messagesReceived(), "the undecodable frame is no message");
    } finally {
      socket.close();
    }
  }

  @Test
  void aReplayedEntryIsDroppedAsADuplicate(FakeServer server, TestClock clock) {
    RecordingObserver rec = new RecordingObserver(clock);
    SocketEvents listener = new SocketEvents();
    SteadySocket socket = open(server, rec, b -> b.deduplicate(16).listener(listener));
    try {
      clock.advanceBy(Duration.ofSeconds(1)); // past the resume grace: the stream is live
      String id = server.publish("feed", "tick", Map.of("price", 1));
      clock.runUntilIdle();
      server.connection().replay("feed", 1);
      clock.runUntilIdle();
      List<String> lines = rec.lines(INBOUND);
      assertEquals(2, lines.size(), lines.toString());
      assertTrue(lines.get(0).startsWith("messageReceived(tick#" + id + ", "), lines.toString());
      assertEquals("duplicateDropped(tick#" + id + ")", lines.get(1));
      assertEquals(1, listener.messages("tick").size());
      assertEquals(1, socket.metrics().duplicatesDropped());
      assertEquals(1, socket.metrics().messagesReceived());
    } finally {
      socket.close();
    }
  }

  /**
   * Back-pressure in memory: the callbacks run on an executor that runs nothing until the reader is
   * held, so the backlog reaches its bound (1,000 messages) on the test's thread, the reader here.
   * The executor then catches up on a thread of its own; the reader goes on once half the backlog
   * is gone. The clock does not move while the test's thread is held: the hold is 0 virtual ns.
   */
  @Test
  void theReaderIsHeldAtTheBacklogBoundAndReleasedWhenTheListenersCatchUp(FakeServer server, TestClock clock)
      throws InterruptedException {
    GateExecutor gate = new GateExecutor();
    CountDownLatch held = new CountDownLatch(1);
    RecordingObserver rec = new RecordingObserver(clock).onEvent(e -> {
      if (e.name.equals("inboundPaused")) held.countDown();
    });
    AtomicBoolean stop = new AtomicBoolean();
    Thread callbacks = gate.drainAfter(held, stop);
    SteadySocket socket = open(server, rec, b -> b.callbackExecutor(gate));
    try {
      String frame = frame(clock, "tick", "same-size", "ünïcødé");
      for (int i = 0; i < 1_100; i++) server.connection().sendRaw(frame);
      clock.runUntilIdle(); // held inside at the 1,000th frame until the executor catches up
      stop.set(true);
      callbacks.join(20_000);
      assertEquals(List.of("inboundPaused(1000, " + 1_000 * utf8(frame) + ")", "inboundResumed(PT0S)"),
          rec.lines("inboundPaused", "inboundResumed"));
      Thread reader = Thread.currentThread();
      assertSame(reader, rec.only("inboundPaused").thread, "the reader's thread");
      assertSame(reader, rec.only("inboundResumed").thread);
      assertEquals(1_100, rec.count("messageReceived"));
      assertTrue(rec.named("messageReceived").stream().allMatch(e -> e.thread == callbacks), "delivered on the executor");
      assertEquals(1_100, socket.metrics().messagesReceived());
    } finally {
      socket.close();
      stop.set(true);
    }
  }
}
