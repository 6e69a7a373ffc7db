package dev.steadysocket;

import static dev.steadysocket.ConnectionState.CLOSED;
import static dev.steadysocket.ConnectionState.CLOSING;
import static dev.steadysocket.ConnectionState.CONNECTING;
import static dev.steadysocket.ConnectionState.IDLE;
import static dev.steadysocket.ConnectionState.OPEN;
import static dev.steadysocket.ConnectionState.PAUSED;
import static dev.steadysocket.ConnectionState.RECONNECTING;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.steadysocket.testkit.RecordingListener;
import java.io.IOException;
import java.time.Duration;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Issue #19, part 1: a user-driven reconnect ({@code reconnectNow}, {@code replaceConnection}, the
 * last {@code resume}) never starts an attempt before the retry a server imposed (HTTP 503 with
 * Retry-After, 429, close 1012 or 1013) is due; client backoff is still cut short. Virtual time.
 */
class ServerImposedWaitTest extends VirtualTimeTest {

  /** What made the server impose its wait, from a fresh socket to RECONNECTING. */
  enum Server {
    HTTP_503_RETRY_AFTER(s -> s.rejectFirstAttempt(503, "7"), HandshakeException.class),
    HTTP_429(s -> s.rejectFirstAttempt(429, null), HandshakeException.class),
    CLOSE_1012(s -> s.closeAfterOpen(1012), ConnectionLostException.class),
    CLOSE_1013(s -> s.closeAfterOpen(1013), ConnectionLostException.class);

    final Consumer<ServerImposedWaitTest> drive;
    final Class<? extends SteadySocketException> error;

    Server(Consumer<ServerImposedWaitTest> drive, Class<? extends SteadySocketException> error) {
      this.drive = drive;
      this.error = error;
    }
  }

  SteadySocket socket;

  void rejectFirstAttempt(int status, String retryAfter) {
    socket.connect();
    clock.runUntilIdle();
    listener.assertState(IDLE, CONNECTING);
    transports.last().reject(status, retryAfter);
    clock.runUntilIdle();
  }

  void closeAfterOpen(int code) {
    open(socket);
    transports.last().serverClose(code, "deploy");
    clock.runUntilIdle();
  }

  /** Drives {@code server} and returns the retry it imposed (attempt 1). */
  RecordingListener.Reconnecting imposed(Server server) {
    socket = builder().build();
    server.drive.accept(this);
    listener.assertError(server.error);
    listener.next(RecordingListener.State.class); // CONNECTING or OPEN → RECONNECTING
    assertEquals(RECONNECTING, socket.state());
    RecordingListener.Reconnecting r = listener.assertReconnecting(1);
    if (server == Server.HTTP_503_RETRY_AFTER) assertEquals(Duration.ofSeconds(7), r.delay);
    return r;
  }

  /** Exactly at {@code due} from now, and not a nanosecond sooner, the next attempt starts. */
  void attemptStartsExactlyAfter(Duration due) {
    int before = transports.count();
    clock.advanceBy(due.minusNanos(1));
    assertEquals(before, transports.count(), "an attempt started before the server's wait was over");
    assertEquals(RECONNECTING, socket.state());
    clock.advanceBy(Duration.ofNanos(1));
    assertEquals(before + 1, transports.count(), "no attempt when the server's wait was over");
    listener.assertState(RECONNECTING, CONNECTING);
  }

  void close() {
    socket.close();
    clock.runUntilIdle();
    listener.assertState(CONNECTING, CLOSING);
    listener.assertState(CLOSING, CLOSED);
    listener.assertClosed();
  }

  @ParameterizedTest
  @EnumSource(Server.class)
  void reconnectNowDuringTheServersWaitDoesNothing(Server server) {
    Duration delay = imposed(server).delay;
    clock.advanceBy(delay.dividedBy(2));
    socket.reconnectNow();
    socket.reconnectNow();
    clock.runUntilIdle();
    attemptStartsExactlyAfter(delay.minus(delay.dividedBy(2)));
    close();
  }

  @ParameterizedTest
  @EnumSource(Server.class)
  void replaceConnectionDuringTheServersWaitKeepsWaiting(Server server) {
    Duration delay = imposed(server).delay;
    socket.replaceConnection();
    clock.runUntilIdle();
    attemptStartsExactlyAfter(delay);
    close();
  }

  @ParameterizedTest
  @EnumSource(Server.class)
  void resumeDuringTheServersWaitConnectsAtItsEnd(Server server) {
    RecordingListener.Reconnecting planned = imposed(server);
    Duration delay = planned.delay;
    Duration first = delay.dividedBy(4);
    clock.advanceBy(first);
    socket.pause("background");
    clock.runUntilIdle();
    listener.assertState(RECONNECTING, PAUSED);
    clock.advanceBy(first);
    socket.resume("background");
    clock.runUntilIdle();
    listener.assertState(PAUSED, RECONNECTING);
    Duration remaining = delay.minus(first).minus(first);
    RecordingListener.Reconnecting resumed = listener.assertReconnecting(1);
    assertEquals(remaining, resumed.delay, "the remaining wait");
    assertSame(planned.cause, resumed.cause, "the cause of the server's wait");
    attemptStartsExactlyAfter(remaining);
    close();
  }

  @ParameterizedTest
  @EnumSource(Server.class)
  void resumeAfterTheServersWaitConnectsAtOnce(Server server) {
    Duration delay = imposed(server).delay;
    socket.pause("background");
    clock.runUntilIdle();
    listener.assertState(RECONNECTING, PAUSED);
    clock.advanceBy(delay);
    assertEquals(1, transports.count(), "paused: no attempt");
    int before = transports.count();
    socket.resume("background");
    clock.runUntilIdle();
    listener.assertState(PAUSED, CONNECTING);
    assertEquals(before + 1, transports.count());
    close();
  }

  @ParameterizedTest
  @EnumSource(Server.class)
  void theServersWaitIsForgottenOnceAnAttemptStarts(Server server) {
    clock.advanceBy(imposed(server).delay);
    listener.assertState(RECONNECTING, CONNECTING);
    dropWith(new IOException("refused"));
    listener.assertError(ConnectionLostException.class);
    listener.assertState(CONNECTING, RECONNECTING);
    listener.assertReconnecting(2);
    int before = transports.count();
    socket.reconnectNow();
    clock.runUntilIdle();
    listener.assertState(RECONNECTING, CONNECTING);
    assertEquals(before + 1, transports.count(), "client backoff is cut short");
    close();
  }

  // ---------------------------------------------------------------- client backoff: still skipped

  @Test
  void aPlainDropsBackoffIsStillSkippedByEveryUserPath() {
    socket = open(builder().build());
    dropOpenConnection();
    socket.replaceConnection();
    clock.runUntilIdle();
    listener.assertState(RECONNECTING, CONNECTING);
    assertEquals(2, transports.count());

    dropWith(new IOException("refused"));
    listener.assertError(ConnectionLostException.class);
    listener.assertState(CONNECTING, RECONNECTING);
    listener.assertReconnecting(2);
    socket.pause("offline");
    clock.runUntilIdle();
    listener.assertState(RECONNECTING, PAUSED);
    socket.resume("offline");
    clock.runUntilIdle();
    listener.assertState(PAUSED, CONNECTING);
    assertEquals(3, transports.count(), "resume connects at once");
    close();
  }

  @Test
  void aCloseWithoutAServerDelayIsStillSkipped() {
    socket = open(builder().build());
    transports.last().serverClose(1006, "abnormal");
    clock.runUntilIdle();
    listener.assertError(ConnectionLostException.class);
    listener.assertState(OPEN, RECONNECTING);
    listener.assertReconnecting(1);
    socket.reconnectNow();
    clock.runUntilIdle();
    listener.assertState(RECONNECTING, CONNECTING);
    assertEquals(2, transports.count());
    close();
  }

  @Test
  void a500WithoutRetryAfterIsClientBackoff() {
    socket = builder().build();
    rejectFirstAttempt(500, null);
    listener.assertError(HandshakeException.class);
    listener.assertState(CONNECTING, RECONNECTING);
    listener.assertReconnecting(1);
    socket.reconnectNow();
    clock.runUntilIdle();
    listener.assertState(RECONNECTING, CONNECTING);
    assertEquals(2, transports.count());
    close();
  }
}
