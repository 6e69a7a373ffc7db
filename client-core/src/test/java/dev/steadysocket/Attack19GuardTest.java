package dev.steadysocket;

import static dev.steadysocket.ConnectionState.CLOSED;
import static dev.steadysocket.ConnectionState.CONNECTING;
import static dev.steadysocket.ConnectionState.PAUSED;
import static dev.steadysocket.ConnectionState.RECONNECTING;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import org.junit.jupiter.api.Test;

/**
 * Guards (passing) that the existing suite lacks, found by planting bugs: a resume() during a
 * server-imposed wait keeps the outage's attempt count ("the count goes on"); a plant that calls
 * planner.resumed() on that path went unnoticed by the whole #19 suite.
 */
class Attack19GuardTest extends VirtualTimeTest {
  @Test
  void resumeDuringTheServersWaitKeepsTheAttemptCountForTheNextFailure() {
    SteadySocket socket = open(builder().build());
    transports.last().serverClose(1013, "later");
    clock.runUntilIdle();
    listener.assertError(ConnectionLostException.class);
    listener.assertState(ConnectionState.OPEN, RECONNECTING);
    listener.assertReconnecting(1);
    socket.pause("bg");
    socket.resume("bg");
    clock.runUntilIdle();
    listener.assertState(RECONNECTING, PAUSED);
    listener.assertState(PAUSED, RECONNECTING);
    listener.assertReconnecting(1);
    clock.advanceBy(java.time.Duration.ofMinutes(5));
    listener.assertState(RECONNECTING, CONNECTING);
    dropWith(new IOException("refused"));
    listener.assertError(ConnectionLostException.class);
    listener.assertState(CONNECTING, RECONNECTING);
    assertEquals(2, listener.assertReconnecting(2).attempt, "the count goes on after a resume in the wait");
    socket.close();
    clock.runUntilIdle();
    listener.awaitState(CLOSED);
    listener.assertClosed();
  }
}
