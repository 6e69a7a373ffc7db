package dev.steadysocket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.steadysocket.testkit.FakeScheduler;
import dev.steadysocket.testkit.FakeTransports;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * Promises an attack on the #16 fixes found kept, tested where no test did: each fails when the
 * part of a fix it names is reverted (planted and seen failing). Virtual time, fake transports.
 */
class AttackHeldTest {
  final FakeScheduler clock = new FakeScheduler();
  final FakeTransports transports = new FakeTransports();

  // #16 part 1 item 5 (fails with Outbound.attach's former "if (refusing) return;" put back)
  /**
   * close() called from another thread after OkHttp reported OPEN but before the loop ran it: the
   * messages queued before close() are written before the close frame, not failed.
   */
  @Test
  void aCloseRacingOpenWritesWhatWasQueuedBeforeIt() {
    SteadySocket s = SteadySocket.builder("wss://example.com/feed")
        .scheduler(clock)
        .transportFactory(transports)
        .sharedDispatch(Runnable::run)
        .callbackExecutor(Runnable::run)
        .backoff(Backoff.defaults().withRandom(new Random(42)))
        .heartbeat(Heartbeat.disabled())
        .build();
    List<CompletableFuture<Void>> sends = new ArrayList<>();
    for (int i = 0; i < 3; i++) sends.add(s.send(Envelope.of("queued", i)));
    s.connect();
    clock.runUntilIdle();
    FakeTransports.Fake t = transports.last();
    t.open();   // OkHttp's thread: the loop has not run onOpen yet
    s.close();  // another thread, meanwhile
    clock.runUntilIdle();
    assertEquals(3, t.sentMessages().size(), "queued before close(), written before the close frame: " + t.sent);
    assertEquals(1000, t.closeCode, "the close frame followed");
    for (CompletableFuture<Void> f : sends) {
      assertTrue(f.isDone() && !f.isCompletedExceptionally(), "a written message's future succeeds: " + f);
    }
  }
}
