package dev.steadysocket.reliability;

import dev.steadysocket.SteadySocketException;
import static dev.steadysocket.ConnectionState.CLOSED;
import static dev.steadysocket.ConnectionState.CLOSING;
import static dev.steadysocket.ConnectionState.CONNECTING;
import static dev.steadysocket.ConnectionState.OPEN;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.steadysocket.CloseReason;
import dev.steadysocket.ConnectionState;
import dev.steadysocket.DeadLinkException;
import dev.steadysocket.Envelope;
import dev.steadysocket.Heartbeat;
import dev.steadysocket.ListenerException;
import dev.steadysocket.SocketClosedException;
import dev.steadysocket.SteadySocket;
import dev.steadysocket.SteadySocketListener;
import dev.steadysocket.reliability.Report.Section;
import dev.steadysocket.testkit.RecordingListener;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Issue item 5: listeners that throw, block for longer than the heartbeat interval, or call
 * close() and send() from inside a callback, against the real Node ws server.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ListenerFaultTest extends RealPeerTest {
  private static NodeServer node;

  @BeforeAll
  static void startNode() throws Exception {
    node = NodeServer.start();
  }

  @AfterAll
  static void stopNode() throws Exception {
    if (node != null) node.close();
  }

  @Order(1)
  @Test
  void throwingListenersHandlersAndOnErrorCannotHurtTheSocket() {
    RecordingListener events = new RecordingListener(RecordingListener.REAL_PEER_TIMEOUT_MILLIS);
    SteadySocketListener thrower = new SteadySocketListener() {
      @Override
      public void onMessage(Envelope envelope) {
        if (envelope.type().equals("boom")) throw new IllegalStateException("listener bug");
      }

      @Override
      public void onError(SteadySocketException error) {
        throw new IllegalStateException("onError bug"); // logged, never reported again
      }

      @Override
      public String toString() {
        return "thrower";
      }
    };
    SteadySocket socket =
        open(builder(node.url("/echo"), events)
            .listener(thrower)
            .on("boom", Map.class, m -> {
              throw new UnsupportedOperationException("handler bug");
            }), events);
    for (int round = 0; round < 3; round++) {
      socket.send(Envelope.of("boom", Map.of("round", round)));
      events.awaitMessage("boom");
      ListenerException fromListener = events.awaitError(ListenerException.class);
      assertInstanceOf(IllegalStateException.class, fromListener.getCause());
      ListenerException fromHandler = events.awaitError(ListenerException.class);
      assertInstanceOf(UnsupportedOperationException.class, fromHandler.getCause());
    }
    echo(socket, events, "after-throwers");
    assertEquals(OPEN, socket.state());
    assertEquals(1, socket.metrics().connectionAttempts());
    Report.row(Section.LISTENERS,
        "A listener's onMessage, a typed handler and onError all throw (3 rounds)",
        "each throw reported once to onError as ListenerException (a throwing onError is only logged);"
            + " the socket and the other listeners carry on",
        "every round: message delivered to all listeners, then ListenerException(IllegalStateException),"
            + " ListenerException(UnsupportedOperationException); no loop; OPEN, same connection; next message delivered",
        "1 connection, 6 ListenerExceptions");
  }

  @Order(2)
  @Test
  void aListenerBlockedLongerThanTheHeartbeatDoesNotCauseAFalseDeadLink() throws Exception {
    RecordingListener events = new RecordingListener(RecordingListener.REAL_PEER_TIMEOUT_MILLIS);
    CountDownLatch entered = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    SteadySocketListener blocker = new SteadySocketListener() {
      @Override
      public void onMessage(Envelope envelope) {
        if (!envelope.type().equals("block")) return;
        entered.countDown();
        try {
          release.await(30, TimeUnit.SECONDS); // released by the test; bounded in case it fails
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
    };
    Heartbeat heartbeat = Heartbeat.every(Duration.ofMillis(500)); // timeout 500 ms: bound 1 s
    SteadySocket socket =
        open(builder(node.url("/echo?trace=1"), events).heartbeat(heartbeat).listener(blocker), events);
    node.drainStdout();
    socket.send(Envelope.of("block", null));
    assertTrue(entered.await(10, TimeUnit.SECONDS), "the listener never blocked");
    long blockedAt = System.nanoTime();
    for (int i = 0; i < 5; i++) socket.send(Envelope.builder("queued").meta("n", i).build());
    // Heartbeats answered while the callback thread is stuck: 8 × 500 ms, 4 × the 1 s bound.
    int beats = 8;
    for (int i = 0; i < beats; i++) node.awaitStdout("^HB$", Duration.ofSeconds(10));
    long blockedFor = System.nanoTime() - blockedAt;
    assertEquals(OPEN, socket.state());
    assertEquals(1, socket.metrics().connectionAttempts(), "no reconnect while the listener was blocked");
    long rtt = socket.metrics().lastHeartbeatRttMillis();
    release.countDown();
    events.awaitMessage("block");
    for (int i = 0; i < 5; i++) assertEquals(String.valueOf(i), events.awaitMessage("queued").envelope.metaText("n"));
    assertTrue(events.skipped.isEmpty(), "nothing between: " + events.skipped);
    for (RecordingListener.Error e : events.recorded(RecordingListener.Error.class)) {
      assertTrue(!(e.error instanceof DeadLinkException), "false dead link: " + e);
    }
    echo(socket, events, "after-block");
    assertEquals(1, socket.metrics().connectionAttempts());
    Report.row(Section.LISTENERS,
        "A listener blocks in onMessage for longer than the heartbeat (Heartbeat 500 ms / 500 ms)",
        "no false dead link: liveness is recorded on OkHttp's reader thread, so a blocked listener only"
            + " delays this socket's callbacks; they resume in order when it returns",
        "OPEN throughout, 1 connection, no DeadLinkException; the 5 messages that arrived meanwhile were"
            + " delivered in order after the listener returned",
        "blocked " + Report.ms(blockedFor) + " (detection bound 1 s) while the server answered " + beats
            + " heartbeats; last heartbeat RTT " + rtt + " ms");
  }

  @Order(3)
  @Test
  void closeFromInsideACallbackClosesCleanly() throws Exception {
    RecordingListener events = new RecordingListener(RecordingListener.REAL_PEER_TIMEOUT_MILLIS);
    AtomicReference<SteadySocket> self = new AtomicReference<>();
    SteadySocketListener closer = new SteadySocketListener() {
      @Override
      public void onMessage(Envelope envelope) {
        if (envelope.type().equals("close-me")) self.get().close(4001, "closed from a callback");
      }
    };
    SteadySocket socket = open(builder(node.url("/echo"), events).listener(closer), events);
    self.set(socket);
    long t0 = System.nanoTime();
    socket.send(Envelope.of("close-me", null));
    events.awaitMessage("close-me");
    events.awaitState(CLOSING);
    events.awaitState(CLOSED);
    RecordingListener.Closed closed = events.awaitClosed();
    CloseReason reason = socket.closeFuture().get(10, TimeUnit.SECONDS);
    assertTrue(reason.initiatedByApp());
    assertEquals(4001, reason.code());
    assertEquals(reason.code(), closed.reason.code());
    assertTrue(events.poll(200) == null, "nothing after onClosed");
    ExecutionException late =
        org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
            () -> socket.send(Envelope.of("late", null)).get(5, TimeUnit.SECONDS));
    assertInstanceOf(SocketClosedException.class, late.getCause());
    Report.row(Section.LISTENERS, "close(4001, …) called from inside onMessage",
        "no deadlock: CLOSING → CLOSED, onClosed last, closeFuture completes; later sends fail",
        "CLOSING → CLOSED, onClosed(4001, by app) was the last callback, closeFuture completed;"
            + " a later send failed with SocketClosedException",
        "closed " + Report.ms(closed.nanos - t0) + " after the send");
  }

  @Order(4)
  @Test
  void sendFromInsideCallbacksIsDeliveredButBlockingOnItsFutureWouldDeadlock() throws Exception {
    RecordingListener events = new RecordingListener(RecordingListener.REAL_PEER_TIMEOUT_MILLIS);
    AtomicReference<SteadySocket> self = new AtomicReference<>();
    AtomicReference<Throwable> blockingGet = new AtomicReference<>();
    AtomicReference<Throwable> queuedGet = new AtomicReference<>();
    List<CompletableFuture<Void>> inCallback = new ArrayList<>();
    SteadySocketListener sender = new SteadySocketListener() {
      @Override
      public void onStateChanged(ConnectionState previous, ConnectionState current) {
        if (current == OPEN) inCallback.add(self.get().send(Envelope.of("hello-from-onOpen", null)));
        if (current == CONNECTING) {
          // Not OPEN: the message waits in the outbox and its future completes on this socket's
          // callback executor, i.e. only after this callback returns.
          try {
            self.get().send(Envelope.of("queued-while-connecting", null)).get(1, TimeUnit.SECONDS);
          } catch (Exception e) {
            queuedGet.set(e);
          }
        }
      }

      @Override
      public void onMessage(Envelope envelope) {
        if (envelope.type().equals("ping-me")) {
          inCallback.add(self.get().send(Envelope.of("reply-from-onMessage", null)));
        } else if (envelope.type().equals("wait-for-send")) {
          // OPEN with nothing queued: written at once, so the future is complete when send returns.
          try {
            self.get().send(Envelope.of("sent-while-waiting", null)).get(1, TimeUnit.SECONDS);
          } catch (Exception e) {
            blockingGet.set(e);
          }
        }
      }
    };
    SteadySocket socket = track(builder(node.url("/echo"), events).listener(sender).build());
    self.set(socket);
    socket.connect();
    events.awaitMessage("queued-while-connecting");
    events.awaitMessage("hello-from-onOpen");
    socket.send(Envelope.of("ping-me", null));
    events.awaitMessage("reply-from-onMessage");
    for (CompletableFuture<Void> f : inCallback) f.get(5, TimeUnit.SECONDS);
    socket.send(Envelope.of("wait-for-send", null));
    events.awaitMessage("sent-while-waiting");
    assertNull(blockingGet.get(), "a send written at once is complete when send returns");
    assertInstanceOf(TimeoutException.class, queuedGet.get(), "get() on a queued send inside a callback cannot complete");
    echo(socket, events, "after-sends");
    assertEquals(1, socket.metrics().connectionAttempts());
    Report.row(Section.LISTENERS, "send() from inside onStateChanged(OPEN) and onMessage",
        "allowed: queued/sent in order like any send",
        "both echoed back and their futures completed; same connection", "—");
    Report.row(Section.LISTENERS, "send(…).get() (blocking) from inside a callback",
        "documented: a send written at once is complete when send returns; a queued send completes"
            + " on the socket's callback executor",
        "while OPEN: get() returned at once. While CONNECTING (queued): the message is sent after"
            + " OPEN, but get(1 s) timed out (TimeoutException), since the future cannot complete until"
            + " the callback returns. Use thenAccept, never block on a send future in a callback",
        "1 s wasted per blocking get on a queued send");
  }
}
