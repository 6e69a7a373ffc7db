package dev.steadysocket;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.steadysocket.internal.Transport;
import dev.steadysocket.testkit.FakeScheduler;
import dev.steadysocket.testkit.FakeTransports;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Queue;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;

/**
 * Breaks an attack on the #16 fixes found: each test states the promise it checks and fails on
 * the code it was written against. Virtual time ({@link FakeScheduler}), fake transports.
 */
class AttackRegressionTest {
  final FakeScheduler clock = new FakeScheduler();
  final FakeTransports transports = new FakeTransports();
  final List<Object> errors = new CopyOnWriteArrayList<>();
  /** SteadySocket's dispatch pool, run by the test as a thread pool would: a task that throws is lost. */
  final Queue<Runnable> pool = new ConcurrentLinkedQueue<>();

  SteadySocketBuilder builder(Transport.Factory factory) {
    return SteadySocket.builder("wss://example.com/feed")
        .scheduler(clock)
        .transportFactory(factory)
        .sharedDispatch(pool::add)
        .callbackExecutor(Runnable::run)
        .backoff(Backoff.defaults().withRandom(new Random(42)))
        .heartbeat(Heartbeat.disabled())
        .listener(new SteadySocketListener() {
          @Override public void onError(SteadySocketException e) { errors.add(e); }
        });
  }

  SteadySocketBuilder builder() {
    return builder(transports);
  }

  /** Runs the loop and the pool until both are idle; what a pool task throws is lost, as in a real pool. */
  void pump() {
    for (int round = 0; round < 1000; round++) {
      clock.runUntilIdle();
      if (pool.isEmpty()) return;
      for (Runnable r = pool.poll(); r != null; r = pool.poll()) {
        try {
          r.run();
        } catch (Throwable lost) {
          // a ThreadPoolExecutor's worker dies with it; nobody else hears of it
        }
      }
    }
  }

  /** An application exception whose message cannot be read (its getMessage() and toString() throw). */
  static final class Unprintable extends RuntimeException {
    private static final long serialVersionUID = 1L;

    @Override public String getMessage() {
      throw new IllegalStateException("getMessage bug");
    }

    @Override public String toString() {
      throw new IllegalStateException("toString bug");
    }
  }

  /** The same, as an Error: what a `catch (RuntimeException e)` lets through. */
  static final class UnprintableError extends Error {
    private static final long serialVersionUID = 1L;

    @Override public String getMessage() {
      throw new IllegalStateException("getMessage bug");
    }

    @Override public String toString() {
      throw new IllegalStateException("toString bug");
    }
  }

  // #16 part 1 item 8 (README "Handshake statuses": a policy that throws, the defaults decide)
  /**
   * A reconnect policy that throws an exception whose message cannot be read still leaves the
   * decision to the defaults and reaches onError: the socket retries instead of waiting forever
   * for a decision.
   */
  @Test
  void aPolicyThrowingAnUnprintableExceptionStillRetries() {
    SteadySocket s = builder()
        .reconnectPolicy(d -> {
          throw new Unprintable();
        })
        .build();
    s.connect();
    pump();
    transports.last().open();
    pump();
    transports.last().fail(new IOException("reset"));
    pump();
    assertEquals(ConnectionState.RECONNECTING, s.state(), "errors: " + errors.size());
    assertTrue(errors.stream().anyMatch(e -> e instanceof ListenerException),
        "the policy's throw reaches onError as a ListenerException");
    clock.advanceBy(Duration.ofSeconds(31));
    pump();
    assertEquals(2, transports.count(), "the defaults' retry was made");
    s.close();
    pump();
  }

  // #16 part 1 item 8 (MessageCodec.encode: "any other runtime exception is wrapped in one, failing that send's future")
  /** A codec that throws an exception whose toString() throws fails the send's future; send itself never throws. */
  @Test
  void aCodecThrowingAnUnprintableExceptionFailsTheFutureNotTheCaller() throws Exception {
    SteadySocket s = builder()
        .codec(throwingOn("boom", Unprintable::new))
        .build();
    CompletableFuture<Void> f = assertDoesNotThrow(() -> s.send(Envelope.of("boom", 1)));
    assertTrue(f.isCompletedExceptionally());
    ExecutionException e = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class, f::get);
    assertInstanceOf(EncodeException.class, e.getCause());
    s.close();
    pump();
  }

  // #16 part 1 item 8 (MessageCodec: "A codec that cannot encode a heartbeat leaves pings alone to judge the link")
  /**
   * A codec whose failure on the heartbeat envelope cannot be printed does not close the socket:
   * the heartbeat goes on with pings alone.
   */
  @Test
  void aCodecFailingTheHeartbeatUnprintablyLeavesPingsAlone() {
    SteadySocket s = builder()
        .heartbeat(Heartbeat.every(Duration.ofSeconds(30)))
        .codec(throwingOn("heartbeat", Unprintable::new))
        .build();
    s.connect();
    pump();
    FakeTransports.Fake t = transports.last();
    t.open();
    pump();
    for (int i = 0; i < 3; i++) {
      clock.advanceBy(Duration.ofSeconds(30));
      pump();
      t.pongs++;
    }
    assertEquals(ConnectionState.OPEN, s.state(), "errors: " + errors.size());
    assertTrue(t.pings >= 3, "pings went on: " + t.pings);
    s.close();
    pump();
  }

  // #16 part 1 item 8 / README "Threading": a loop task that throws closes the socket, completing every future
  /**
   * A codec that throws an unprintable Error from the heartbeat envelope (on the loop thread) does
   * not wedge the socket: it ends CLOSED and its futures complete.
   */
  @Test
  void anUnprintableErrorOnTheLoopStillClosesTheSocket() {
    SteadySocket s = builder()
        .heartbeat(Heartbeat.every(Duration.ofSeconds(30)))
        .codec(throwingOn("heartbeat", UnprintableError::new))
        .build();
    s.connect();
    pump();
    transports.last().open();
    pump();
    List<Throwable> escaped = new CopyOnWriteArrayList<>();
    try {
      clock.advanceBy(Duration.ofSeconds(30)); // the heartbeat's tick: the codec throws on the loop
    } catch (Throwable t) {
      escaped.add(t); // out of LoopTasks' guard: the real loop thread would swallow it
    }
    pump();
    assertEquals(ConnectionState.CLOSED, s.state(), "the crash closes the socket; escaped the guard: " + escaped);
    assertTrue(s.closeFuture().isDone(), "the close future completed");
    assertEquals(List.of(), escaped, "nothing escapes the loop task's guard");
  }

  // README "Threading" invariants: "a settled request is never written again" (#16 items 3, 4)
  /**
   * In acknowledgement mode, a request whose reply arrived before its ack is settled: a drop before
   * the ack must not write it again on the next connection.
   */
  @Test
  void aRequestAnsweredBeforeItsAckIsNotWrittenAgain() throws Exception {
    SteadySocket s = builder().acknowledgedSends(true).build();
    s.connect();
    pump();
    FakeTransports.Fake t1 = transports.last();
    t1.open();
    pump();
    CompletableFuture<Envelope> reply = s.request(Envelope.builder("question").id("q-1").build(), Duration.ofSeconds(60));
    pump();
    assertEquals(1, t1.sentMessages().size(), "the request was written");
    t1.receive("{\"type\":\"answer\",\"meta\":{\"replyTo\":\"q-1\"}}"); // the reply, before the ack
    pump();
    assertTrue(reply.isDone() && !reply.isCompletedExceptionally(), "the request is settled by its reply");
    t1.fail(new IOException("reset"));
    pump();
    clock.advanceBy(Duration.ofSeconds(31));
    pump();
    FakeTransports.Fake t2 = transports.last();
    t2.open();
    pump();
    assertEquals(List.of(), t2.sentMessages(), "a settled request written again on the next connection");
    s.close();
    pump();
  }

  // README "Threading" invariants: "a settled request is never written again" (#16 item 3)
  /**
   * RequestRetention.RESEND: a kept request that waits in the replay queue (back-pressure) and is
   * answered meanwhile (the server had it from the lost connection) is settled: it must not be
   * written when the back-pressure lifts.
   */
  @Test
  void aKeptRequestAnsweredWhileItWaitsToBeResentIsNotWritten() {
    SteadySocket s = builder().requestRetention(RequestRetention.RESEND).build();
    s.connect();
    pump();
    transports.last().open();
    pump();
    CompletableFuture<Envelope> reply = s.request(Envelope.builder("question").id("q-1").build(), Duration.ofHours(1));
    pump();
    transports.last().fail(new IOException("reset"));
    pump();
    clock.advanceBy(Duration.ofSeconds(31));
    pump();
    FakeTransports.Fake next = transports.last();
    next.queueSize = 5L << 20; // OkHttp's buffer is above the high water: the request waits to be re-sent
    next.open();
    pump();
    assertEquals(List.of(), next.sentMessages(), "held back by back-pressure");
    next.receive("{\"type\":\"answer\",\"meta\":{\"replyTo\":\"q-1\"}}");
    pump();
    assertTrue(reply.isDone() && !reply.isCompletedExceptionally(), "the request is settled by its reply");
    next.queueSize = 0;
    clock.advanceBy(Duration.ofMillis(20));
    pump();
    assertEquals(List.of(), next.sentMessages(), "a settled request written again once the back-pressure lifted");
    s.close();
    pump();
  }


  // Reviewer's finding on #16 item 8: CloseReason.toString() printed the error with its own
  // toString(), which an application's exception (a policy's stop(error)) may throw from.
  /** A close reason whose error cannot be printed still prints: class name, no message. */
  @Test
  void aCloseReasonWithAnUnprintableErrorStillPrints() throws Exception {
    SteadySocketException unprintable = new SteadySocketException("hidden") {
      private static final long serialVersionUID = 1L;

      @Override public String getMessage() {
        throw new IllegalStateException("getMessage bug");
      }

      @Override public String toString() {
        throw new IllegalStateException("toString bug");
      }
    };
    SteadySocket s = builder().reconnectPolicy(d -> ReconnectPolicy.Decision.stop(unprintable)).build();
    s.connect();
    pump();
    transports.last().fail(new java.io.IOException("reset"));
    pump();
    CloseReason reason = s.closeFuture().getNow(null);
    assertSame(unprintable, reason.error());
    String printed = assertDoesNotThrow(reason::toString);
    assertTrue(printed.contains(unprintable.getClass().getName()), printed);
  }

  /** Jackson's codec, except that encoding an envelope of {@code type} throws what {@code thrown} makes. */
  private static MessageCodec throwingOn(String type, java.util.function.Supplier<Throwable> thrown) {
    MessageCodec json = MessageCodec.jackson();
    return new MessageCodec() {
      @Override public String encode(Envelope e) {
        if (e.type().equals(type)) throwUnchecked(thrown.get());
        return json.encode(e);
      }

      @Override public Envelope decode(String text) {
        return json.decode(text);
      }
    };
  }

  private static void throwUnchecked(Throwable t) {
    if (t instanceof RuntimeException) throw (RuntimeException) t;
    throw (Error) t;
  }

}
