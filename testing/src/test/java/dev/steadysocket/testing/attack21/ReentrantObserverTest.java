package dev.steadysocket.testing.attack21;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.steadysocket.CloseReason;
import dev.steadysocket.ConnectionState;
import dev.steadysocket.Disconnect;
import dev.steadysocket.Envelope;
import dev.steadysocket.Metrics;
import dev.steadysocket.SocketObserver;
import dev.steadysocket.SteadySocket;
import dev.steadysocket.testing.FakeServer;
import dev.steadysocket.testing.SteadySocketExtension;
import dev.steadysocket.testing.TestClock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Observers that call back into their socket from events: no deadlock, no unbounded recursion, counts right. */
@ExtendWith(SteadySocketExtension.class)
class ReentrantObserverTest {
  static final class Reentrant extends SocketObserver {
    final SteadySocket socket;
    final List<String> events = new CopyOnWriteArrayList<>();
    final AtomicInteger written = new AtomicInteger();
    final AtomicInteger received = new AtomicInteger();
    final AtomicReference<Throwable> thrown = new AtomicReference<>();

    Reentrant(SteadySocket socket) {
      this.socket = socket;
    }

    private void poke(String e) {
      events.add(e);
      try {
        Metrics m = socket.metrics();
        socket.state();
        if (m.messagesSent() < 0) throw new AssertionError();
      } catch (Throwable t) {
        thrown.compareAndSet(null, t);
      }
    }

    @Override public void stateChanged(ConnectionState from, ConnectionState to) {
      poke("state " + to);
      if (to == ConnectionState.OPEN) socket.send(Envelope.of("hello", 1));
      if (to == ConnectionState.RECONNECTING) socket.close();
    }
    @Override public void attemptStarted(int i, String url, int attempt) { poke("attempt"); }
    @Override public void connectionOpened(String s, String e, long n) { poke("opened"); }
    @Override public void disconnected(Disconnect d, long n) { poke("disconnected"); }
    @Override public void closed(CloseReason r) { poke("closed"); }
    @Override public void messageReceived(Envelope e, long b, long d) {
      poke("received " + e.type());
      received.incrementAndGet();
      if (e.type().equals("tick")) socket.send(Envelope.of("echo", e.content()));
    }
    @Override public Envelope beforeSend(Envelope e) {
      poke("beforeSend");
      return e;
    }
    @Override public void messageQueued(long b) { poke("queued"); }
    @Override public void messageWritten(long b, long l, boolean r) {
      poke("written");
      written.incrementAndGet();
    }
    @Override public void messagesFailed(int n) { poke("failed " + n); }
  }

  @Test
  void anObserverThatSendsClosesAndReadsMetricsFromItsEventsNeitherDeadlocksNorMiscounts(FakeServer server, TestClock clock)
      throws Exception {
    AtomicReference<Reentrant> ref = new AtomicReference<>();
    SteadySocket socket = server.newSocket().observer(s -> {
      Reentrant r = new Reentrant(s);
      ref.set(r);
      return r;
    }).build();
    Thread t = new Thread(() -> {
      socket.connect();
      clock.runUntilIdle();
      for (int i = 0; i < 50; i++) server.connection().send("tick", i);
      clock.runUntilIdle();
      server.connection().drop();
      clock.runUntilIdle();
      clock.advanceBy(Duration.ofSeconds(60));
    });
    t.start();
    t.join(20_000);
    assertFalse(t.isAlive(), "deadlocked: " + ref.get().events);
    Reentrant r = ref.get();
    assertEquals(null, r.thrown.get());
    assertEquals(ConnectionState.CLOSED, socket.state());
    Metrics m = socket.metrics();
    assertEquals(0, m.observerFailures());
    assertEquals(r.written.get(), m.messagesSent(), "metrics().messagesSent vs messageWritten events");
    assertEquals(r.received.get(), m.messagesReceived());
    assertEquals(51, r.written.get(), "hello + 50 echoes: " + r.events);
    assertEquals("closed", r.events.get(r.events.size() - 1), r.events.toString());
    assertEquals(1, r.events.stream().filter(e -> e.equals("closed")).count());
    assertTrue(server.received("echo").size() == 50);
  }
}
