package dev.steadysocket;

import static dev.steadysocket.ConnectionState.CONNECTING;
import static dev.steadysocket.ConnectionState.IDLE;
import static dev.steadysocket.ConnectionState.OPEN;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.steadysocket.testkit.FakeScheduler;
import dev.steadysocket.testkit.FakeTransports;
import dev.steadysocket.testkit.RecordingListener;
import java.io.IOException;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;

/**
 * Base of the state-machine tests: a fake transport, a fake scheduler and a direct callback
 * executor and dispatch pool, so every event happens on the test thread at the moment the test decides. Each test
 * must account for every callback: leftovers fail it.
 */
abstract class VirtualTimeTest {
  final FakeScheduler clock = new FakeScheduler();
  final FakeTransports transports = new FakeTransports();
  final RecordingListener listener = new RecordingListener(0);

  @AfterEach
  void nothingUnexpected() {
    clock.runUntilIdle();
    listener.assertExhausted();
  }

  SteadySocketBuilder builder() {
    return SteadySocket.builder("wss://example.com/feed?token=secret")
        .scheduler(clock)
        .transportFactory(transports)
        .callbackExecutor(Runnable::run)
        // Reconnect policies and token providers run inline too, asked for explicitly: SteadySocket
        // runs them on its dispatch pool whatever the scheduler.
        .sharedDispatch(Runnable::run)
        .backoff(Backoff.defaults().withRandom(new Random(42)))
        .heartbeat(Heartbeat.disabled())
        .listener(listener);
  }

  /** Connects and opens; leaves the listener past the OPEN transition. */
  SteadySocket open(SteadySocket socket) {
    socket.connect();
    clock.runUntilIdle();
    transports.last().open();
    clock.runUntilIdle();
    listener.assertState(IDLE, CONNECTING);
    listener.assertState(CONNECTING, OPEN);
    return socket;
  }

  /** Closes an open socket and lets the server answer the close: the listener ends past CLOSED. */
  void closeOpen(SteadySocket socket) {
    socket.close();
    clock.runUntilIdle();
    listener.assertState(OPEN, ConnectionState.CLOSING);
    transports.last().serverClose(1000, "");
    clock.runUntilIdle();
    listener.assertState(ConnectionState.CLOSING, ConnectionState.CLOSED);
    listener.assertClosed();
  }

  /** Closes a RECONNECTING socket: the listener ends past CLOSED. */
  void closeWhileReconnecting(SteadySocket socket) {
    socket.close();
    clock.runUntilIdle();
    listener.assertState(ConnectionState.RECONNECTING, ConnectionState.CLOSING);
    listener.assertState(ConnectionState.CLOSING, ConnectionState.CLOSED);
    listener.assertClosed();
  }

  void dropWith(IOException e) {
    transports.last().fail(e);
    clock.runUntilIdle();
  }

  /** The open connection fails with a reset; returns the reconnect (attempt 1) it schedules. */
  RecordingListener.Reconnecting dropOpenConnection() {
    dropWith(new IOException("reset"));
    listener.assertError(ConnectionLostException.class);
    listener.assertState(ConnectionState.OPEN, ConnectionState.RECONNECTING);
    return listener.assertReconnecting(1);
  }

  /**
   * The exception a future failed with. In virtual time a future completes while the test drives
   * the clock, never by waiting: one not complete yet fails the test here instead of blocking it.
   */
  // #16 part 2: an incomplete future fails the test instead of hanging the build
  static Throwable failure(java.util.concurrent.CompletableFuture<?> f) {
    assertTrue(f.isDone(), "expected the future to have failed by now; it is not complete");
    try {
      f.get(); // complete: returns or throws at once
      throw new AssertionError("expected the future to fail");
    } catch (java.util.concurrent.ExecutionException e) {
      return e.getCause();
    } catch (InterruptedException e) {
      throw new AssertionError(e);
    }
  }

}
