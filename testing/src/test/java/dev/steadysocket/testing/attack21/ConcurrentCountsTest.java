package dev.steadysocket.testing.attack21;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.steadysocket.Backoff;
import dev.steadysocket.Envelope;
import dev.steadysocket.Metrics;
import dev.steadysocket.SocketObserver;
import dev.steadysocket.SteadySocket;
import dev.steadysocket.testing.FakeServer;
import dev.steadysocket.testing.SteadySocketExtension;
import dev.steadysocket.testing.TestClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Many senders while connections drop, in acknowledgement mode: the events add up and metrics() agrees. */
@ExtendWith(SteadySocketExtension.class)
class ConcurrentCountsTest {
  static final class Counting extends SocketObserver {
    final AtomicLong queued = new AtomicLong(), firstWrites = new AtomicLong(), resent = new AtomicLong(),
        acked = new AtomicLong(), failed = new AtomicLong(), overflow = new AtomicLong(), negative = new AtomicLong();
    final Set<String> ackedIds = ConcurrentHashMap.newKeySet();
    final List<String> doubleAcks = new CopyOnWriteArrayList<>();

    @Override public void messageQueued(long b) { queued.incrementAndGet(); }
    @Override public void messageWritten(long b, long latency, boolean again) {
      if (latency < 0) negative.incrementAndGet();
      (again ? resent : firstWrites).incrementAndGet();
    }
    @Override public void messageAcknowledged(String id, long latency) {
      if (latency < 0) negative.incrementAndGet();
      acked.incrementAndGet();
      if (!ackedIds.add(id)) doubleAcks.add(id);
    }
    @Override public void messagesFailed(int n) { failed.addAndGet(n); }
    @Override public void outboxOverflow(int n) { overflow.addAndGet(n); }
  }

  @Test
  void sendersRacingDropsAddUp(FakeServer server, TestClock clock) throws Exception {
    Counting c = new Counting();
    SteadySocket socket = server.newSocket().acknowledgedSends(true)
        .backoff(Backoff.exponential(Duration.ofMillis(100), Duration.ofMillis(100)).withoutJitter())
        .observer(s -> c).build();
    socket.connect();
    clock.runUntilIdle();
    List<CompletableFuture<Void>> futures = new CopyOnWriteArrayList<>();
    List<Thread> senders = new ArrayList<>();
    for (int t = 0; t < 4; t++) {
      int tt = t;
      Thread th = new Thread(() -> {
        for (int i = 0; i < 150; i++) futures.add(socket.send(Envelope.of("m", tt * 1000 + i)));
      });
      senders.add(th);
      th.start();
    }
    for (int round = 0; round < 20; round++) {
      clock.runUntilIdle();
      if (server.connections().size() > 0 && server.connections().get(server.connections().size() - 1).isOpen()) {
        server.connections().get(server.connections().size() - 1).drop();
      }
      clock.advanceBy(Duration.ofMillis(200));
    }
    for (Thread th : senders) th.join(20_000);
    for (int i = 0; i < 50; i++) {
      clock.advanceBy(Duration.ofMillis(200));
    }
    clock.runUntilIdle();
    for (CompletableFuture<Void> f : futures) {
      try { f.get(5, TimeUnit.SECONDS); } catch (Exception ignored) { }
    }
    long ok = futures.stream().filter(f -> f.isDone() && !f.isCompletedExceptionally()).count();
    long bad = futures.stream().filter(CompletableFuture::isCompletedExceptionally).count();
    Metrics m = socket.metrics();
    assertEquals(600, futures.size());
    assertEquals(600, c.queued.get(), "every send queued once");
    assertEquals(List.of(), c.doubleAcks, "acknowledged twice");
    assertEquals(0, c.negative.get(), "negative latencies");
    assertEquals(ok, c.acked.get(), "one ack event per acknowledged future; failed " + bad);
    assertEquals(c.failed.get() + c.overflow.get(), bad);
    assertEquals(c.firstWrites.get() + c.resent.get(), m.messagesSent(), "metrics().messagesSent");
    assertEquals(c.resent.get(), m.messagesResent());
    assertTrue(c.firstWrites.get() <= 600);
    socket.close();
    clock.runUntilIdle();
  }
}
