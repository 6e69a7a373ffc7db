package dev.steadysocket.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.steadysocket.ConnectionState;
import dev.steadysocket.Envelope;
import dev.steadysocket.SteadySocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;

/**
 * Random histories of the kit's faults against a real socket in memory, checked against what the
 * SDK and the kit promise together: after the faults stop, every acknowledged send completes, the
 * server delivered each exactly once and in send order, a fault never leaves the socket outside
 * its state machine, and nothing runs away (the clock would fail). A kit whose link lost a frame
 * silently, reported a failure twice, or let a closed link carry frames breaks one of these.
 */
class FaultHistoryPropertyTest {
  enum Step { SEND, DROP, RESET, HALF_OPEN, SERVER_CLOSE, REJECT_NEXT, REFUSE, RESTORE, LOSE_ACK, DELAY_ACKS, WAIT }

  @Provide
  Arbitrary<List<Step>> histories() {
    return Arbitraries.of(Step.class).list().ofMinSize(1).ofMaxSize(40);
  }

  @Property(tries = 150)
  void everyAcknowledgedSendIsDeliveredOnceInOrder(@ForAll("histories") List<Step> history,
      @ForAll @Size(40) List<@net.jqwik.api.constraints.IntRange(min = 0, max = 45_000) Integer> waits) {
    try (FakeServer server = FakeServer.inMemory()) {
      TestClock clock = server.clock();
      SocketEvents events = new SocketEvents();
      SteadySocket socket = server.newSocket().listener(events).acknowledgedSends(true).build();
      List<CompletableFuture<Void>> sent = new ArrayList<>();
      List<String> ids = new ArrayList<>();
      socket.connect();
      clock.runUntilIdle();
      int i = 0;
      for (Step step : history) {
        List<ServerConnection> open = server.connections();
        ServerConnection c = open.isEmpty() ? null : open.get(0);
        switch (step) {
          case SEND:
            Envelope e = Envelope.of("order", i);
            ids.add(e.id());
            sent.add(socket.send(e));
            break;
          case DROP: if (c != null) c.drop(); break;
          case RESET: if (c != null) c.reset(); break;
          case HALF_OPEN: if (c != null) c.goHalfOpen(); break;
          case SERVER_CLOSE: if (c != null) c.close(1012, "restart"); break;
          case REJECT_NEXT: server.rejectNextHandshakes(1 + i % 3, i % 2 == 0 ? 503 : 500, i % 2 == 0 ? Duration.ofSeconds(2) : null); break;
          case REFUSE: server.refuseConnections(); break;
          case RESTORE: server.restore(); break;
          case LOSE_ACK: server.loseNextAcks(1 + i % 2); break;
          case DELAY_ACKS: server.delayAcks(Duration.ofMillis(i % 3 * 700)); break;
          case WAIT: clock.advanceBy(Duration.ofMillis(waits.get(i % waits.size()))); break;
        }
        clock.runUntilIdle();
        i++;
      }
      // The faults stop: the server works again; everything sent must arrive and be acknowledged.
      server.restore();
      server.rejectNextHandshakes(0, 503, null);
      server.loseNextAcks(0);
      server.delayAcks(Duration.ZERO);
      // An ack lost on a healthy connection is re-sent only after a reconnect (the SDK's rule; over
      // TCP a lost ack means a lost connection): end the connection once, as that reconnect.
      clock.advanceBy(Duration.ofSeconds(5));
      for (ServerConnection c : server.connections()) c.drop();
      clock.advanceUntil(() -> sent.stream().allMatch(CompletableFuture::isDone), Duration.ofMinutes(10));
      for (CompletableFuture<Void> f : sent) assertTrue(!f.isCompletedExceptionally(), "a send failed: " + f);
      List<String> delivered = server.delivered().stream().map(Envelope::id).collect(Collectors.toList());
      assertEquals(ids, delivered, "delivered once each, in send order");
      assertTrue(events.states().stream().noneMatch(s -> s == ConnectionState.CLOSED), "never closed by a fault");
      socket.close();
      clock.advanceBy(Duration.ofSeconds(10));
      assertEquals(ConnectionState.CLOSED, socket.state());
      assertEquals(0, clock.pendingTimers(), "a closed socket leaves no timers");
      assertTrue(server.connections().isEmpty(), "and no open connection");
    }
  }
}
