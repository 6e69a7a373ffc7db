package dev.steadysocket.testing;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.steadysocket.CloseReason;
import dev.steadysocket.ConnectionState;
import dev.steadysocket.Envelope;
import dev.steadysocket.SteadySocket;
import dev.steadysocket.SteadySocketException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * SocketEvents as a test reads it: each kind of callback lands in its own list and in the shared
 * log, readers get copies, and the real-time waits return as soon as the condition holds, fail
 * with what they waited for, and stop at once when interrupted.
 */
@ExtendWith(SteadySocketExtension.class)
class SocketEventsMutationTest {
  private final SocketEvents events = new SocketEvents();

  @Test
  void eachCallbackIsRecordedInItsListAndInTheLogInOrder() {
    assertEquals(ConnectionState.IDLE, events.state(), "before any state is reported");
    SteadySocketException lost = new SteadySocketException("lost");
    SteadySocketException failed = new SteadySocketException("failed");
    events.onStateChanged(ConnectionState.IDLE, ConnectionState.CONNECTING);
    events.onMessage(Envelope.of("tick", 1));
    events.onBinaryMessage(new byte[] {1, 2, 3});
    events.onReconnecting(2, Duration.ofMillis(1500), lost);
    events.onError(failed);
    events.onSetupConfirmed(null, Envelope.of("subscribed", "ok"));
    events.onMessage(Envelope.of("news", 2));
    events.onStateChanged(ConnectionState.CONNECTING, ConnectionState.OPEN);

    assertEquals(List.of("state IDLE -> CONNECTING", "message tick", "binary 3 bytes",
        "Reconnect{#2 in PT1.5S, SteadySocketException}", "error SteadySocketException", "setup confirmed subscribed",
        "message news", "state CONNECTING -> OPEN"), events.log());
    assertEquals(List.of(ConnectionState.CONNECTING, ConnectionState.OPEN), events.states());
    assertEquals(ConnectionState.OPEN, events.state(), "the newest state");
    assertEquals(List.of("tick", "news"), events.messages().stream().map(Envelope::type).toList());
    assertEquals(1, events.messages("tick").size());
    assertEquals(List.of(), events.messages("Tick"), "types compare exactly");
    SocketEvents.Reconnect r = events.reconnects().get(0);
    assertEquals(2, r.attempt());
    assertEquals(Duration.ofMillis(1500), r.delay());
    assertSame(lost, r.cause());
    assertEquals(List.of(failed), events.errors());
    assertEquals("subscribed", events.setupsConfirmed().get(0).type());
    assertNull(events.closeReason());
    assertTrue(events.toString().startsWith("SocketEvents[state IDLE -> CONNECTING, message tick"), events.toString());
  }

  @Test
  void readersGetCopiesAndBinaryPayloadsCannotBeChangedFromOutside() {
    byte[] payload = {7, 8};
    events.onBinaryMessage(payload);
    payload[0] = 0; // the socket's buffer reused
    byte[] read = events.binaryMessages().get(0);
    assertArrayEquals(new byte[] {7, 8}, read);
    read[1] = 0;
    assertArrayEquals(new byte[] {7, 8}, events.binaryMessages().get(0));
    assertNotSame(events.binaryMessages().get(0), events.binaryMessages().get(0));

    events.onMessage(Envelope.of("a", 1));
    List<Envelope> messages = events.messages();
    messages.clear();
    assertEquals(1, events.messages().size());
    List<String> log = events.log();
    log.clear();
    assertEquals(2, events.log().size());
  }

  @Test
  void theCloseReasonIsWhatTheSocketReported(FakeServer server, TestClock clock) {
    SteadySocket socket = server.newSocket().listener(events).build();
    socket.connect();
    clock.runUntilIdle();
    socket.close();
    clock.runUntilIdle();
    CloseReason reason = events.closeReason();
    assertEquals(1000, reason.code());
    assertTrue(reason.initiatedByApp());
    assertTrue(events.log().contains("closed 1000"), events.log().toString());
  }

  @Test
  void awaitReturnsAtOnceWhenTheConditionHoldsEvenWithNoTimeLeft() {
    events.onMessage(Envelope.of("tick", 1));
    assertSame(events, events.awaitMessages("tick", 1, Duration.ZERO));
    assertSame(events, events.await(e -> true, "anything", Duration.ofMillis(-5)));
    events.onStateChanged(ConnectionState.IDLE, ConnectionState.CONNECTING);
    assertSame(events, events.awaitState(ConnectionState.CONNECTING, Duration.ZERO));
  }

  @Test
  void awaitFailsNamingWhatItAwaitedAndTheEventsSoFar() {
    events.onMessage(Envelope.of("tick", 1));
    AssertionError state = assertThrows(AssertionError.class, () -> events.awaitState(ConnectionState.OPEN, Duration.ZERO));
    assertEquals("timed out after PT0S waiting for state OPEN; events: SocketEvents[message tick]", state.getMessage());
    AssertionError messages = assertThrows(AssertionError.class, () -> events.awaitMessages("tick", 2, Duration.ZERO));
    assertTrue(messages.getMessage().contains("waiting for 2 'tick' messages"), messages.getMessage());
  }

  @Test
  void awaitGivesUpAfterItsTimeoutInRealTime() throws Exception {
    // On a thread of its own, so that a wait that never gives up fails this test instead of hanging it.
    java.util.concurrent.CompletableFuture<Long> tookMillis = new java.util.concurrent.CompletableFuture<>();
    Thread waiter = new Thread(() -> {
      long start = System.nanoTime();
      try {
        events.await(e -> false, "never", Duration.ofMillis(40));
        tookMillis.completeExceptionally(new AssertionError("await returned without its condition"));
      } catch (AssertionError expected) {
        tookMillis.complete(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
      }
    });
    waiter.setDaemon(true);
    waiter.start();
    long took = tookMillis.get(10, TimeUnit.SECONDS);
    assertTrue(took >= 40, "gave up after " + took + " ms");
  }

  @Test
  void anEventFromAnotherThreadEndsTheWait() throws Exception {
    CountDownLatch waiting = new CountDownLatch(1);
    Thread socketThread = new Thread(() -> {
      try {
        waiting.await();
      } catch (InterruptedException e) {
        return;
      }
      events.onMessage(Envelope.of("tick", 1));
    });
    socketThread.start();
    try {
      events.await(e -> {
        waiting.countDown();
        return !e.messages("tick").isEmpty();
      }, "a tick", Duration.ofSeconds(10));
      assertEquals(1, events.messages("tick").size());
    } finally {
      socketThread.join(10_000);
    }
  }

  @Test
  void anInterruptedWaitFailsAtOnceAndKeepsTheInterrupt() throws Exception {
    // On a thread of its own, so that a wait that ignores the interrupt fails this test instead of hanging it.
    java.util.concurrent.CompletableFuture<AssertionError> failed = new java.util.concurrent.CompletableFuture<>();
    java.util.concurrent.CompletableFuture<Boolean> stillInterrupted = new java.util.concurrent.CompletableFuture<>();
    Thread waiter = new Thread(() -> {
      Thread.currentThread().interrupt();
      try {
        events.await(x -> false, "a tick", Duration.ofSeconds(30));
        failed.complete(null);
      } catch (AssertionError e) {
        failed.complete(e);
      }
      stillInterrupted.complete(Thread.currentThread().isInterrupted());
    });
    waiter.setDaemon(true);
    waiter.start();
    AssertionError e = failed.get(10, TimeUnit.SECONDS);
    assertEquals("interrupted waiting for a tick", e.getMessage());
    assertTrue(e.getCause() instanceof InterruptedException);
    assertTrue(stillInterrupted.get(10, TimeUnit.SECONDS), "the interrupt status is kept");
  }
}
