package dev.steadysocket.testing;

import static dev.steadysocket.testing.ObserverFixtures.frame;
import static dev.steadysocket.testing.ObserverFixtures.replyLater;
import static dev.steadysocket.testing.ObserverFixtures.sendBinary;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.steadysocket.Backoff;
import dev.steadysocket.ConnectionState;
import dev.steadysocket.Envelope;
import dev.steadysocket.Heartbeat;
import dev.steadysocket.Metrics;
import dev.steadysocket.OutboxPolicy;
import dev.steadysocket.SetupMessage;
import dev.steadysocket.SteadySocket;
import dev.steadysocket.SteadySocketBuilder;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/**
 * {@code metrics()} is computed from the events and nothing else: over random histories of sends,
 * requests, server messages (text, binary, undecodable, replayed), faults, pauses, replacements
 * and liveness checks, on sockets with and without acknowledged sends and de-duplication, with a
 * callback executor that refuses some work, every counter of {@link Metrics} equals the one
 * derived here from the recorded events — mid-history and after close — and the events keep
 * their own promises: one outcome per request, a chain of states from IDLE to CLOSED with closed
 * last, an acknowledgement only for a message written.
 */
class ObserverMetricsPropertyTest {
  enum Step {
    SEND, SEND_TEXT, SEND_BINARY, REQUEST_ANSWERED, REQUEST_LATE, SERVER_SEND, SERVER_BINARY, SERVER_GARBAGE, PUBLISH,
    REPLAY, DROP, RESET, HALF_OPEN, SERVER_CLOSE, REJECT_503, REFUSE, RESTORE, LOSE_ACK, DELAY_ACKS, PAUSE, RESUME,
    REPLACE, CHECK_LIVENESS, SETUP, CHECK_METRICS, WAIT
  }

  @Provide
  Arbitrary<List<Step>> histories() {
    return Arbitraries.of(Step.class).list().ofMinSize(1).ofMaxSize(40);
  }

  /** Runs callbacks inline, but refuses every {@code every}-th call (0: never). */
  private static final class SometimesRefusing implements Executor {
    private final int every;
    private final AtomicInteger calls = new AtomicInteger();

    SometimesRefusing(int every) {
      this.every = every;
    }

    @Override
    public void execute(Runnable task) {
      if (every > 0 && calls.incrementAndGet() % every == 0) throw new RejectedExecutionException("busy");
      task.run();
    }
  }

  @Property(tries = 100)
  void everyCounterIsTheCountOfItsEvents(@ForAll("histories") List<Step> history, @ForAll boolean acknowledged,
      @ForAll boolean deduplicate, @ForAll @IntRange(min = 0, max = 4) int refuseEvery,
      @ForAll @Size(40) List<@IntRange(min = 0, max = 45_000) Integer> waits) {
    try (FakeServer server = FakeServer.inMemory()) {
      TestClock clock = server.clock();
      RecordingObserver rec = new RecordingObserver(clock);
      server.replyTo("ask", request -> Map.of("answer", 42));
      replyLater(server, clock, "slow", Duration.ofSeconds(3));
      SteadySocketBuilder b = server.newSocket().observer(rec.factory())
          .heartbeat(Heartbeat.every(Duration.ofSeconds(10)).withTimeout(Duration.ofSeconds(3)))
          .backoff(Backoff.exponential(Duration.ofSeconds(1), Duration.ofSeconds(30)).withoutJitter())
          .outbox(OutboxPolicy.bounded(4, 1 << 20, refuseEvery % 2 == 0 ? OutboxPolicy.Overflow.DROP_OLDEST
              : OutboxPolicy.Overflow.REJECT_NEW))
          .acknowledgedSends(acknowledged);
      if (deduplicate) b.deduplicate(64);
      if (refuseEvery > 0) b.callbackExecutor(new SometimesRefusing(refuseEvery + 1));
      SteadySocket socket = b.build();
      socket.connect();
      clock.runUntilIdle();
      int i = 0;
      for (Step step : history) {
        List<ServerConnection> open = server.connections();
        ServerConnection c = open.isEmpty() ? null : open.get(0);
        switch (step) {
          case SEND: socket.send(Envelope.of("order", i)); break;
          case SEND_TEXT: socket.send("raw-" + i); break;
          case SEND_BINARY: socket.send(new byte[i % 5 + 1]); break;
          case REQUEST_ANSWERED: socket.request(Envelope.of("ask", i), Duration.ofSeconds(5)); break;
          case REQUEST_LATE: socket.request(Envelope.of("slow", i), Duration.ofSeconds(2 + i % 3)); break;
          case SERVER_SEND: if (c != null) c.sendRaw(frame(clock, "news", "n-" + i, "ünï-" + i)); break;
          case SERVER_BINARY: if (c != null) sendBinary(c, new byte[i % 7 + 1]); break;
          case SERVER_GARBAGE: if (c != null) c.sendRaw("{garbage " + i); break;
          case PUBLISH: server.publish("feed", "tick", i); break;
          case REPLAY: if (c != null) c.replay("feed", 1 + i % 3); break;
          case DROP: if (c != null) c.drop(); break;
          case RESET: if (c != null) c.reset(); break;
          case HALF_OPEN: if (c != null) c.goHalfOpen(); break;
          case SERVER_CLOSE: if (c != null) c.close(i % 2 == 0 ? 1012 : 4001, "bye"); break;
          case REJECT_503: server.rejectNextHandshakes(1 + i % 2, 503, i % 2 == 0 ? Duration.ofSeconds(2) : null); break;
          case REFUSE: server.refuseConnections(); break;
          case RESTORE: server.restore(); break;
          case LOSE_ACK: server.loseNextAcks(1); break;
          case DELAY_ACKS: server.delayAcks(Duration.ofMillis(i % 3 * 700)); break;
          case PAUSE: socket.pause(i % 2 == 0 ? "a" : "b"); break;
          case RESUME: socket.resume(i % 2 == 0 ? "a" : "b"); break;
          case REPLACE: socket.replaceConnection(); break;
          case CHECK_LIVENESS: socket.checkLiveness(Duration.ofSeconds(1 + i % 3)); break;
          case SETUP: socket.setup(SetupMessage.of(Envelope.of("subscribe", i))); break;
          case CHECK_METRICS: clock.runUntilIdle(); assertDerived(socket.metrics(), rec, clock, false); break;
          case WAIT: clock.advanceBy(Duration.ofMillis(waits.get(i % waits.size()))); break;
        }
        clock.runUntilIdle();
        i++;
      }
      server.restore();
      clock.advanceBy(Duration.ofSeconds(40));
      assertDerived(socket.metrics(), rec, clock, false);
      socket.close();
      clock.advanceBy(Duration.ofMinutes(1));
      assertEquals(ConnectionState.CLOSED, socket.state());
      Metrics closed = socket.metrics();
      assertDerived(closed, rec, clock, true);
      assertEquals(0, closed.outboxDepth());
      assertEquals(0, closed.unacknowledged());
      assertPromises(rec);
    }
  }

  /** Each counter from the events recorded so far. */
  private static void assertDerived(Metrics m, RecordingObserver rec, TestClock clock, boolean closed) {
    List<RecordingObserver.Event> events = rec.events();
    long received = 0, bytesIn = 0, sent = 0, bytesOut = 0, resent = 0, dropped = 0, rejected = 0;
    long rtt = -1;
    for (RecordingObserver.Event e : events) {
      switch (e.name) {
        case "messageReceived": received++; bytesIn += (Long) e.arg(1); break;
        case "binaryReceived": received++; bytesIn += (Long) e.arg(0); break;
        case "messageWritten":
          sent++;
          bytesOut += (Long) e.arg(0);
          if ("resent".equals(e.arg(2))) resent++;
          break;
        case "outboxOverflow": case "messagesFailed": dropped += (Integer) e.arg(0); break;
        case "callbacksRejected": rejected += (Integer) e.arg(0); break;
        case "heartbeatEchoed": rtt = e.nanos(0) / 1_000_000; break;
        default: break;
      }
    }
    String at = " at " + clock.elapsed() + " in " + rec.lines();
    assertEquals(rec.count("attemptStarted"), m.connectionAttempts(), "connectionAttempts" + at);
    assertEquals(Math.max(0, rec.count("connectionOpened") - 1), m.reconnects(), "reconnects" + at);
    assertEquals(received, m.messagesReceived(), "messagesReceived" + at);
    assertEquals(bytesIn, m.bytesReceived(), "bytesReceived" + at);
    assertEquals(sent, m.messagesSent(), "messagesSent" + at);
    assertEquals(bytesOut, m.bytesSent(), "bytesSent" + at);
    assertEquals(resent, m.messagesResent(), "messagesResent" + at);
    assertEquals(dropped, m.messagesDropped(), "messagesDropped" + at);
    assertEquals(rec.count("decodeFailed"), m.decodeErrors(), "decodeErrors" + at);
    assertEquals(rec.count("duplicateDropped"), m.duplicatesDropped(), "duplicatesDropped" + at);
    assertEquals(rec.count("setupMessageSent"), m.setupMessagesSent(), "setupMessagesSent" + at);
    assertEquals(rejected, m.callbacksRejected(), "callbacksRejected" + at);
    assertEquals(rtt, m.lastHeartbeatRttMillis(), "lastHeartbeatRttMillis" + at);
    assertEquals(0, m.observerFailures(), "observerFailures" + at);
    assertEquals(disconnectedMillis(events, clock.elapsed().toNanos(), closed), m.disconnectedMillis(), "disconnectedMillis" + at);
  }

  /**
   * Time not OPEN since connect(), from the events alone: a connection is open from connectionOpened
   * until it is lost (disconnected) or left (a transition out of OPEN), and the count stops at closed.
   */
  private static long disconnectedMillis(List<RecordingObserver.Event> events, long now, boolean closed) {
    long start = -1, end = now, openTotal = 0, openSince = -1;
    for (RecordingObserver.Event e : events) {
      if (e.name.equals("stateChanged") && e.arg(0) == ConnectionState.IDLE && start == -1) start = e.at;
      if (e.name.equals("connectionOpened")) openSince = e.at;
      boolean leaves = e.name.equals("disconnected") && e.nanos(1) >= 0
          || e.name.equals("stateChanged") && e.arg(0) == ConnectionState.OPEN;
      if (leaves && openSince != -1) {
        openTotal += e.at - openSince;
        openSince = -1;
      }
      if (e.name.equals("closed")) end = e.at;
    }
    if (openSince != -1) openTotal += end - openSince;
    return start == -1 ? 0 : (end - start - openTotal) / 1_000_000;
  }

  /** What the events promise of themselves, over the whole history. */
  private static void assertPromises(RecordingObserver rec) {
    List<RecordingObserver.Event> events = rec.events();
    assertEquals(1, rec.count("closed"));
    // closed is the loop's last event; after it only the refusal of its own hand-off to the callback
    // executor (onClosed's) may be reported (this history sends nothing after close).
    int closedAt = events.indexOf(rec.named("closed").get(0));
    for (RecordingObserver.Event e : events.subList(closedAt + 1, events.size())) {
      assertEquals("callbacksRejected", e.name, "nothing but a refused hand-off after closed: " + rec.lines());
    }
    ConnectionState state = ConnectionState.IDLE;
    for (RecordingObserver.Event e : rec.named("stateChanged")) {
      assertSame(state, e.arg(0), "a chain of states: " + rec.lines("stateChanged"));
      state = (ConnectionState) e.arg(1);
    }
    assertSame(ConnectionState.CLOSED, state);
    assertEquals(rec.count("connectionOpened"), rec.lines("handshakeResponse").stream().filter(l -> l.equals("handshakeResponse(101)")).count());
    Map<String, Integer> outcomes = new HashMap<>();
    for (RecordingObserver.Event e : events) {
      if (e.name.equals("requestStarted")) outcomes.put(((Envelope) e.arg(0)).id(), 0);
      if (List.of("requestCompleted", "requestTimedOut", "requestFailed").contains(e.name)) {
        String id = (String) e.arg(0);
        assertTrue(outcomes.containsKey(id), "an outcome after its start: " + id);
        outcomes.merge(id, 1, Integer::sum);
      }
    }
    outcomes.forEach((id, n) -> assertEquals(1, n, "exactly one outcome for request " + id + ": " + rec.lines(
        "requestStarted", "requestCompleted", "requestTimedOut", "requestFailed")));
    for (int k = 0; k < events.size(); k++) {
      if (!events.get(k).name.equals("messageAcknowledged")) continue;
      boolean written = false;
      for (int j = 0; j < k; j++) if (events.get(j).name.equals("messageWritten")) written = true;
      assertTrue(written, "an acknowledgement follows a write");
    }
  }
}
