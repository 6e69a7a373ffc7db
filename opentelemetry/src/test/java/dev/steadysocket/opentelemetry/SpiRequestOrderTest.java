package dev.steadysocket.opentelemetry;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.steadysocket.ConnectionState;
import dev.steadysocket.Envelope;
import dev.steadysocket.SocketObserver;
import dev.steadysocket.SteadySocket;
import dev.steadysocket.testing.FakeServer;
import dev.steadysocket.testing.SocketEvents;
import dev.steadysocket.testing.SteadySocketExtension;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The SPI's promise "requestStarted, then exactly one of requestCompleted, requestTimedOut or
 * requestFailed", checked where threads race. A first observer holds {@code requestStarted} (as a
 * slow one, or a descheduled thread, would) until the end has been reported to a second: {@code
 * Requests.request} published the request in its table before it reported {@code requestStarted}, so
 * a close or a reply on another thread could settle it first. Both tests were seen failing before
 * the fix (issue #21: an end that comes before the start now waits for it).
 */
@ExtendWith(SteadySocketExtension.class)
class SpiRequestOrderTest {
  private static final Duration WAIT = Duration.ofSeconds(10);

  private final List<String> order = new CopyOnWriteArrayList<>();
  private final AtomicBoolean hold = new AtomicBoolean(true);
  private final CountDownLatch inStarted = new CountDownLatch(1);
  private final CountDownLatch endSeen = new CountDownLatch(1);

  /** Installed first: holds requestStarted until the second observer saw an end. */
  private final SocketObserver slow = new SocketObserver() {
    @Override
    public void requestStarted(Envelope request) {
      if (!hold.get()) return;
      inStarted.countDown();
      try {
        endSeen.await(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  };

  private final SocketObserver recorder = new SocketObserver() {
    @Override
    public void requestStarted(Envelope request) {
      order.add("started " + request.id());
    }

    @Override
    public void requestCompleted(String id, Envelope reply, long latencyNanos) {
      order.add("completed " + id);
      endSeen.countDown();
    }

    @Override
    public void requestTimedOut(String id, long latencyNanos) {
      order.add("timed out " + id);
    }

    @Override
    public void requestFailed(String id, Throwable error, long latencyNanos) {
      order.add("failed " + id);
      endSeen.countDown();
    }
  };

  /** Observed: [failed r1, started r1]. */
  @Test
  void aCloseRacingRequestStarted(@SteadySocketExtension.Loopback FakeServer server) throws Exception {
    SocketEvents events = new SocketEvents();
    SteadySocket socket = SteadySocket.builder(server.url()).observer(s -> slow).observer(s -> recorder).listener(events).build();
    socket.connect();
    events.awaitState(ConnectionState.OPEN, WAIT);
    CompletableFuture<CompletableFuture<Envelope>> request =
        CompletableFuture.supplyAsync(() -> socket.request(Envelope.builder("quote").id("r1").build(), WAIT));
    inStarted.await(5, TimeUnit.SECONDS);
    socket.close();
    request.get(WAIT.getSeconds(), TimeUnit.SECONDS);
    socket.closeFuture().get(WAIT.getSeconds(), TimeUnit.SECONDS);
    assertEquals(List.of("started r1", "failed r1"), order);
  }

  /**
   * A request times out; the application asks again with the same id; the server's late reply to
   * the first answers the second while its requestStarted is still running. Was: [started r1, timed
   * out r1, completed r1, started r1]. The completion now waits for the start.
   */
  @Test
  void aStaleReplyRacingRequestStarted(@SteadySocketExtension.Loopback FakeServer server) throws Exception {
    hold.set(false);
    SocketEvents events = new SocketEvents();
    SteadySocket socket = SteadySocket.builder(server.url()).observer(s -> slow).observer(s -> recorder).listener(events).build();
    try {
      socket.connect();
      events.awaitState(ConnectionState.OPEN, WAIT);
      CompletableFuture<Envelope> first = socket.request(Envelope.builder("quote").id("r1").build(), Duration.ofMillis(50));
      try {
        first.get(WAIT.getSeconds(), TimeUnit.SECONDS);
      } catch (ExecutionException timedOut) {
        // expected: no rule answers "quote"
      }
      hold.set(true);
      CompletableFuture<CompletableFuture<Envelope>> second =
          CompletableFuture.supplyAsync(() -> socket.request(Envelope.builder("quote").id("r1").build(), WAIT));
      inStarted.await(5, TimeUnit.SECONDS);
      server.connection().sendRaw("{\"type\":\"reply\",\"content\":\"late\",\"meta\":{\"replyTo\":\"r1\"}}");
      second.get(WAIT.getSeconds(), TimeUnit.SECONDS).get(WAIT.getSeconds(), TimeUnit.SECONDS);
      assertEquals(List.of("started r1", "timed out r1", "started r1", "completed r1"), order);
    } finally {
      socket.close();
    }
  }
}
