package dev.steadysocket;

import static dev.steadysocket.ConnectionState.CLOSED;
import static dev.steadysocket.ConnectionState.OPEN;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.steadysocket.internal.Scheduler;
import dev.steadysocket.testkit.FakeTransports;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Queue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * Hostile tests of issue #19 (server-imposed wait, checkLiveness, heartbeat at run time). Each test
 * here fails on the code it was written against; the Javadoc of each says what breaks in the field.
 */
class Attack19CoreTest extends VirtualTimeTest {

  /** An application's reconnect policy (the defaults' decisions, but asked on the dispatch pool). */
  static final ReconnectPolicy APP_POLICY = d -> ReconnectPolicy.defaults().decide(d);

  /** The dispatch pool, run by hand: the policy is "still deciding" until the test runs it. */
  final Queue<Runnable> dispatch = new ArrayDeque<>();

  void runDispatch() {
    Runnable r;
    while ((r = dispatch.poll()) != null) r.run();
    clock.runUntilIdle();
  }

  void finish(SteadySocket socket) {
    socket.close();
    clock.runUntilIdle();
    FakeTransports.Fake last = transports.last();
    if (!last.ended()) last.serverClose(1000, "");
    clock.runUntilIdle();
    runDispatch();
    listener.awaitState(CLOSED);
    listener.assertClosed();
  }

  /**
   * The server closes with 1013 (try again later) while an application's policy decides, and the
   * app calls replaceConnection() (a network-change callback) before the decision is back: state is
   * still OPEN, so replaceConnection starts an attempt at once and the decision is then dropped as
   * stale. The server's wait is never planned, let alone kept: the thundering herd #19 is about.
   */
  @Test
  void replaceConnectionWhileThePolicyDecidesAfter1013SkipsTheServersWait() {
    SteadySocket socket = open(builder().reconnectPolicy(APP_POLICY).sharedDispatch(dispatch::add).build());
    transports.last().serverClose(1013, "try again later");
    clock.runUntilIdle();
    assertEquals(1, dispatch.size(), "the policy is deciding");
    socket.replaceConnection();
    clock.runUntilIdle();
    runDispatch();
    assertEquals(1, transports.count(),
        "an attempt started right after a 1013, before any wait: the server's wait was skipped");
    finish(socket);
  }

  /** The same gap through pause() and resume() (an app backgrounded and foregrounded quickly). */
  @Test
  void pauseAndResumeWhileThePolicyDecidesAfter503SkipsTheServersWait() {
    SteadySocket socket = builder().reconnectPolicy(APP_POLICY).sharedDispatch(dispatch::add).build();
    socket.connect();
    clock.runUntilIdle();
    transports.last().reject(503, "120");
    clock.runUntilIdle();
    assertEquals(1, dispatch.size(), "the policy is deciding");
    socket.pause("background");
    clock.runUntilIdle();
    runDispatch();
    socket.resume("background");
    clock.runUntilIdle();
    assertEquals(1, transports.count(),
        "resume() connected at once after a 503 with Retry-After: 120: the server's wait was skipped");
    finish(socket);
  }

  /**
   * heartbeat() is documented as "the heartbeat in use: the last given to heartbeat(Heartbeat)",
   * and the heartbeat setter as "no-op once closed". After close, the getter reports a schedule
   * that was never applied (the Android adapter restores from this getter).
   */
  @Test
  void heartbeatAfterCloseIsANoOpButTheGetterReportsIt() {
    Heartbeat hb = Heartbeat.every(Duration.ofSeconds(10)).withTimeout(Duration.ofSeconds(5));
    SteadySocket socket = open(builder().heartbeat(hb).build());
    closeOpen(socket);
    Heartbeat later = Heartbeat.every(Duration.ofSeconds(99)).withTimeout(Duration.ofSeconds(9));
    socket.heartbeat(later);
    clock.runUntilIdle();
    assertSame(hb, socket.heartbeat(), "a no-op changed what heartbeat() reports");
  }

  /**
   * Two threads call heartbeat(h) at once (e.g. the Android lifecycle callback and an app's own
   * foreground logic). SocketCore wrote its volatile field and then posted the change, two steps
   * with no order between threads: the loop applied A's schedule last while heartbeat() reported
   * B's. Forced deterministically: A is held inside its post; B must now wait for A (it blocks on
   * the lock), so the loop applies A then B and heartbeat() reports B.
   */
  @Test
  void racingHeartbeatCallsLeaveTheGetterDisagreeingWithTheScheduleInForce() throws Exception {
    CountDownLatch aPosting = new CountDownLatch(1);
    CountDownLatch releaseA = new CountDownLatch(1);
    AtomicReference<Thread> slow = new AtomicReference<>();
    Scheduler gated = new Scheduler() {
      @Override public long nanoTime() { return clock.nanoTime(); }
      @Override public long currentTimeMillis() { return clock.currentTimeMillis(); }
      @Override public Cancellable schedule(Runnable task, long delayNanos) { return clock.schedule(task, delayNanos); }
      @Override public boolean execute(Runnable task) {
        if (Thread.currentThread() == slow.get()) {
          aPosting.countDown();
          try {
            releaseA.await(10, TimeUnit.SECONDS);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        }
        return clock.execute(task);
      }
    };
    SteadySocket socket = open(builder().scheduler(gated).build());
    FakeTransports.Fake t = transports.last();
    Heartbeat a = Heartbeat.every(Duration.ofSeconds(10)).withTimeout(Duration.ofSeconds(5));
    Heartbeat b = Heartbeat.disabled();
    Thread threadA = new Thread(() -> socket.heartbeat(a), "A");
    slow.set(threadA);
    threadA.start();
    assertTrue(aPosting.await(10, TimeUnit.SECONDS), "A never posted");
    Thread threadB = new Thread(() -> socket.heartbeat(b), "B");
    threadB.start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (threadB.getState() != Thread.State.BLOCKED && threadB.isAlive() && System.nanoTime() < deadline) {
      Thread.onSpinWait();
    }
    assertEquals(Thread.State.BLOCKED, threadB.getState(), "B finished while A was still posting");
    releaseA.countDown();
    threadA.join(10_000);
    threadB.join(10_000);
    clock.runUntilIdle();
    clock.advanceBy(Duration.ofSeconds(15));
    assertEquals(0, t.pings, "B (disabled) was applied last");
    assertSame(b, socket.heartbeat());
    closeOpen(socket);
  }

  /**
   * A heartbeat change that shortens the interval while a long round's check is pending: each new
   * tick moves the older check into previousCheck and the one before falls out of the monitor's
   * hands, so stop() (close) cannot cancel it. After close the scheduler still holds timers.
   */
  @Test
  void aShorterHeartbeatLeaksChecksThatCloseCannotCancel() {
    Heartbeat slowHb = Heartbeat.every(Duration.ofSeconds(60)).withTimeout(Duration.ofSeconds(60));
    SteadySocket socket = open(builder().heartbeat(slowHb).build());
    FakeTransports.Fake t = transports.last();
    clock.advanceBy(Duration.ofSeconds(60)); // round 1: its check pending for 60 s
    t.pong();
    socket.heartbeat(Heartbeat.every(Duration.ofSeconds(1)).withTimeout(Duration.ofMillis(500)));
    for (int i = 0; i < 5; i++) {
      clock.advanceBy(Duration.ofMillis(200));
      t.pong();
      clock.advanceBy(Duration.ofMillis(800));
    }
    assertEquals(OPEN, socket.state());
    closeOpen(socket);
    assertEquals(0, clock.pendingTimers(), "timers left behind by a closed socket");
  }

}
