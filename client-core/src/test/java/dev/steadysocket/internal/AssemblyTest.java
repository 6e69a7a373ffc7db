package dev.steadysocket.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.steadysocket.CloseReason;
import dev.steadysocket.ConnectionState;
import dev.steadysocket.Envelope;
import dev.steadysocket.Heartbeat;
import dev.steadysocket.MessageCodec;
import dev.steadysocket.testkit.FakeScheduler;
import dev.steadysocket.testkit.FakeTransports;
import dev.steadysocket.testkit.RecordingListener;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * What {@link Assembly} acquires and gives back. Sockets here use the real shared loop thread, so
 * waits are bounded; they assume no other test's socket holds the shared loop or client.
 */
class AssemblyTest {
  static SocketConfig config() {
    SocketConfig c = new SocketConfig();
    c.urls.add(Checks.webSocketUrl("ws://127.0.0.1:9/feed")); // never dialled in these tests
    c.heartbeat = Heartbeat.disabled();
    c.callbackExecutor = Runnable::run;
    return c;
  }

  @Test
  void aSocketWithoutItsOwnClientUsesTheSharedOneAndGivesItBackAtClose() throws Exception {
    int before = SharedResources.clientUsers();
    SocketCore core = Assembly.build(config());
    assertEquals(before + 1, SharedResources.clientUsers());
    ScheduledExecutorService loop = SharedResources.acquireLoop(); // the socket's, shared
    core.close(1000, "");
    CloseReason reason = core.closeFuture().get(10, TimeUnit.SECONDS);
    assertEquals(1000, reason.code());
    assertEquals(ConnectionState.CLOSED, core.state());
    assertEquals(before, SharedResources.clientUsers(), "released before the close future completed");
    SharedResources.releaseLoop(loop);
    assertTrue(loop.isShutdown(), "the socket gave its share of the loop back");
  }

  @Test
  void aBuildThatFailsLateGivesBackWhatItAcquired() {
    int before = SharedResources.clientUsers();
    ScheduledExecutorService held = SharedResources.acquireLoop();
    SocketConfig c = config();
    // The last step of a build throws, after the loop and the client were acquired.
    c.handlers.add(bus -> { throw new IllegalArgumentException("a late step of build() refused"); });
    assertThrows(IllegalArgumentException.class, () -> Assembly.build(c));
    assertEquals(before, SharedResources.clientUsers(), "the shared client was released");
    SharedResources.releaseLoop(held);
    assertTrue(held.isShutdown(), "the build released its share of the loop too");
  }

  @Test
  void aCrashedSocketReleasesTheSharedLoopOnceNotTwice() throws Exception {
    SocketConfig crashing = config();
    crashing.transportFactory = (refresh, headers, listener) -> {
      throw new AssertionError("factory bug"); // an Error: the loop task crashes
    };
    CountDownLatch dialled = new CountDownLatch(1);
    SocketConfig healthy = config();
    healthy.transportFactory = (refresh, headers, listener) -> {
      dialled.countDown();
      return new FakeTransports.Fake();
    };
    SocketCore survivor = Assembly.build(healthy);
    SocketCore crashed = Assembly.build(crashing);
    crashed.connect();
    CloseReason reason = crashed.closeFuture().get(10, TimeUnit.SECONDS);
    assertEquals("internal error", reason.reason());
    survivor.connect();
    assertTrue(dialled.await(10, TimeUnit.SECONDS), "the other socket's loop thread is still there");
    survivor.close(1000, "");
    survivor.closeFuture().get(10, TimeUnit.SECONDS);
  }

  @Test
  void withoutACodecTheJacksonOneIsUsedAndListenersAndHandlersAreRegistered() throws Exception {
    FakeScheduler scheduler = new FakeScheduler();
    SocketConfig c = config();
    c.scheduler = scheduler;
    FakeTransports.Fake t = new FakeTransports.Fake();
    Transport.Listener[] listener = {null};
    c.transportFactory = (refresh, headers, l) -> {
      listener[0] = l;
      return t;
    };
    java.util.List<String> events = new java.util.ArrayList<>();
    c.listeners.add(new RecordingListener().journal("l", events));
    c.addHandler("tick", ListenerBusTest.Tick.class, tick -> events.add("tick " + tick.symbol));
    c.addHandler("tick", new com.fasterxml.jackson.core.type.TypeReference<java.util.Map<String, String>>() {},
        m -> events.add("map " + m));
    SocketCore core = Assembly.build(c.copy());
    core.connect();
    scheduler.runUntilIdle();
    listener[0].onOpen();
    scheduler.runUntilIdle();
    core.send(Envelope.builder("m").id("x").build());
    assertEquals("m", MessageCodec.jackson().decode(t.sent.get(0)).type());
    listener[0].onText(MessageCodec.jackson().encode(Envelope.of("tick", java.util.Map.of("symbol", "A"))));
    assertEquals(List.of("l: State(IDLE -> CONNECTING)", "l: State(CONNECTING -> OPEN)", "l: Message(tick)", "tick A", "map {symbol=A}"),
        events);
    assertFalse(core.closeFuture().isDone());
  }
}
