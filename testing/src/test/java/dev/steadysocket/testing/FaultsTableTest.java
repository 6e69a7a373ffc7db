package dev.steadysocket.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.steadysocket.AuthenticationException;
import dev.steadysocket.ConnectionLostException;
import dev.steadysocket.ConnectionState;
import dev.steadysocket.DeadLinkException;
import dev.steadysocket.DecodeException;
import dev.steadysocket.Envelope;
import dev.steadysocket.HandshakeException;
import dev.steadysocket.SteadySocket;
import dev.steadysocket.SteadySocketBuilder;
import dev.steadysocket.SteadySocketException;
import java.io.EOFException;
import java.net.ConnectException;
import java.net.SocketException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The faults table of docs/testing.md, row by row: what a socket with the default settings sees
 * when the in-memory server is broken on command. A row changed here changes there.
 */
@ExtendWith(SteadySocketExtension.class)
class FaultsTableTest {
  private final SocketEvents events = new SocketEvents();
  private SteadySocket socket;

  private SteadySocket open(FakeServer server, Function<SteadySocketBuilder, SteadySocketBuilder> settings) {
    socket = settings.apply(server.newSocket().listener(events)).build();
    socket.connect();
    server.clock().runUntilIdle();
    assertEquals(ConnectionState.OPEN, socket.state());
    return socket;
  }

  private SteadySocket open(FakeServer server) {
    return open(server, b -> b);
  }

  @AfterEach
  void close() {
    if (socket != null) socket.close();
  }

  /** The error the first reconnect was announced with, once the clock ran until then. */
  private SteadySocketException firstReconnectCause(TestClock clock, Duration limit) {
    clock.advanceUntil(() -> !events.reconnects().isEmpty(), limit);
    return events.reconnects().get(0).cause();
  }

  @Test
  void dropIsAnEndOfStreamAndTheSocketReconnects(FakeServer server, TestClock clock) {
    open(server);
    server.connection().drop();
    clock.runUntilIdle();
    SteadySocketException e = firstReconnectCause(clock, Duration.ZERO);
    assertInstanceOf(ConnectionLostException.class, e);
    assertInstanceOf(EOFException.class, e.getCause());
  }

  @Test
  void resetIsAConnectionReset(FakeServer server, TestClock clock) {
    open(server);
    server.connection().reset();
    SteadySocketException e = firstReconnectCause(clock, Duration.ZERO);
    assertInstanceOf(ConnectionLostException.class, e);
    assertInstanceOf(SocketException.class, e.getCause());
  }

  @Test
  void halfOpenIsFoundByTheHeartbeatAfterIntervalPlusTimeout(FakeServer server, TestClock clock) {
    open(server);
    server.connection().goHalfOpen();
    clock.advanceBy(Duration.ofSeconds(40).minusMillis(1));
    assertEquals(ConnectionState.OPEN, socket.state(), "nobody noticed yet");
    clock.advanceBy(Duration.ofMillis(1)); // Heartbeat.defaults(): a ping at 30 s, no answer within 10 s
    assertInstanceOf(DeadLinkException.class, events.reconnects().get(0).cause());
  }

  @Test
  void closeWithACodeIsDecidedByTheReconnectPolicy(FakeServer server, TestClock clock) {
    open(server);
    server.connection().close(4001, "kicked");
    SteadySocketException e = firstReconnectCause(clock, Duration.ZERO);
    assertInstanceOf(ConnectionLostException.class, e);
    assertTrue(e.getMessage().contains("4001 kicked"), e.getMessage());
  }

  @Test
  void closeWith1008StopsASocketWithoutATokenProvider(FakeServer server, TestClock clock) {
    open(server);
    server.connection().close(1008, "policy");
    clock.runUntilIdle();
    assertEquals(ConnectionState.CLOSED, socket.state());
    assertInstanceOf(AuthenticationException.class, events.errors().get(0));
  }

  @Test
  void rejectedHandshakesAreHandshakeExceptionsAndRetryAfterIsTheDelay(FakeServer server, TestClock clock) {
    open(server);
    server.rejectNextHandshakes(1, 503, Duration.ofSeconds(20));
    server.connection().drop();
    clock.advanceUntil(() -> events.reconnects().size() == 2, Duration.ofMinutes(1));
    HandshakeException e = assertInstanceOf(HandshakeException.class, events.reconnects().get(1).cause());
    assertEquals(503, e.statusCode());
    assertEquals(Duration.ofSeconds(20), events.reconnects().get(1).delay());
  }

  @Test
  void a401StopsASocketWithoutATokenProvider(FakeServer server, TestClock clock) {
    open(server);
    server.rejectNextHandshakes(1, 401, null);
    server.connection().drop();
    clock.advanceUntil(() -> socket.state() == ConnectionState.CLOSED, Duration.ofMinutes(1));
    assertInstanceOf(AuthenticationException.class, events.errors().get(events.errors().size() - 1));
  }

  @Test
  void refusedConnectionsResetTheOpenOneAndFailEveryAttemptUntilRestored(FakeServer server, TestClock clock) {
    open(server);
    server.refuseConnections();
    assertInstanceOf(SocketException.class, firstReconnectCause(clock, Duration.ZERO).getCause());
    clock.advanceUntil(() -> events.reconnects().size() == 2, Duration.ofMinutes(1));
    assertInstanceOf(ConnectException.class, events.reconnects().get(1).cause().getCause());
    server.restore();
    clock.advanceUntil(() -> socket.state() == ConnectionState.OPEN, Duration.ofMinutes(1));
  }

  @Test
  void aLostAckLeavesTheFutureIncompleteUntilTheResendAfterAReconnect(FakeServer server, TestClock clock) {
    open(server, b -> b.acknowledgedSends(true));
    server.loseNextAcks(1);
    CompletableFuture<Void> sent = socket.send(Envelope.of("order", 1));
    clock.advanceBy(Duration.ofHours(1));
    assertFalse(sent.isDone(), "no ack timeout: only a reconnect re-sends");
    server.connection().drop();
    clock.advanceUntil(sent::isDone, Duration.ofMinutes(1));
    assertEquals(1, server.duplicatesDropped());
  }

  @Test
  void delayedAcksCompleteTheFutureThatMuchLater(FakeServer server, TestClock clock) {
    open(server, b -> b.acknowledgedSends(true));
    server.delayAcks(Duration.ofSeconds(2));
    CompletableFuture<Void> sent = socket.send(Envelope.of("order", 1));
    assertEquals(Duration.ofSeconds(2), clock.advanceUntil(sent::isDone, Duration.ofMinutes(1)));
  }

  @Test
  void replayedHistoryIsDroppedByAClientThatDeduplicates(FakeServer server, TestClock clock) {
    open(server, b -> b.deduplicate(100));
    server.publish("feed", "tick", 1);
    clock.runUntilIdle();
    assertEquals(0, events.messages("tick").size(), "held: the client has sent nothing yet, so it may still resume");
    clock.advanceBy(Duration.ofMillis(500)); // the server's resume grace: then live
    assertEquals(1, events.messages("tick").size());
    server.connection().replay("feed", 1);
    clock.runUntilIdle();
    assertEquals(1, events.messages("tick").size());
    assertEquals(1, socket.metrics().duplicatesDropped());
  }

  @Test
  void aMalformedFrameIsADecodeExceptionAndTheConnectionStays(FakeServer server, TestClock clock) {
    open(server);
    server.connection().sendRaw("{not json");
    clock.runUntilIdle();
    assertInstanceOf(DecodeException.class, events.errors().get(0));
    assertEquals(ConnectionState.OPEN, socket.state());
  }
}
