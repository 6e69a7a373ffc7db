package dev.steadysocket.internal;

import dev.steadysocket.SteadySocketException;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.steadysocket.Disconnect;
import dev.steadysocket.ListenerException;
import dev.steadysocket.ReconnectPolicy;
import dev.steadysocket.ReconnectPolicy.Decision;
import dev.steadysocket.SteadySocketListener;
import dev.steadysocket.testkit.FakeScheduler;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class DeciderTest {
  final FakeScheduler scheduler = new FakeScheduler();
  final LoopTasks tasks = new LoopTasks(scheduler);
  final ListenerBus bus = new ListenerBus(Runnable::run, true, Runnable::run, n -> {});
  final List<Throwable> errors = new ArrayList<>();
  final ArrayDeque<Runnable> dispatched = new ArrayDeque<>();
  final Executor dispatch = dispatched::add;
  final List<Decision> decisions = new ArrayList<>();

  {
    bus.addListener(new SteadySocketListener() {
      @Override
      public void onError(SteadySocketException error) {
        errors.add(error);
      }
    });
  }

  /** A 503 with Retry-After 7 s: the defaults answer retryAfter(7 s). */
  static final Disconnect D = Api.get().disconnect(
      Disconnect.Kind.HANDSHAKE_REJECTED, 503, -1, Duration.ofSeconds(7), false,
      Api.get().handshake(503, "busy"));

  static void assertDefault(Decision d) {
    assertEquals(Decision.Action.RETRY, d.action());
    assertEquals(Duration.ofSeconds(7), d.delay());
  }

  @Test
  void theDefaultsDecideInlineWithoutTheDispatchPool() {
    Decider decider = new Decider(ReconnectPolicy.defaults(), r -> {
      throw new AssertionError("no dispatch for the defaults");
    }, tasks, bus);
    decider.decide(D, decisions::add);
    assertEquals(1, decisions.size());
    assertDefault(decisions.get(0));
  }

  @Test
  void anApplicationPolicyRunsOnTheDispatchPoolAndItsDecisionComesBackOnTheLoop() {
    Decision mine = Decision.stop();
    List<Disconnect> asked = new ArrayList<>();
    Decider decider = new Decider(d -> {
      asked.add(d);
      return mine;
    }, dispatch, tasks, bus);
    decider.decide(D, decisions::add);
    assertTrue(asked.isEmpty(), "not on the loop thread");
    dispatched.remove().run();
    assertSame(D, asked.get(0));
    assertTrue(decisions.isEmpty(), "posted to the loop");
    scheduler.runUntilIdle();
    assertEquals(List.of(mine), decisions);
    assertTrue(errors.isEmpty());
  }

  @Test
  void aPolicyThatThrowsOrReturnsNullIsReportedAndTheDefaultsDecide() {
    Error overflow = new StackOverflowError("policy recursion");
    RuntimeException bug = new IllegalStateException("policy bug");
    Object[] behaviour = {overflow};
    Decider decider = new Decider(d -> {
      Object b = behaviour[0];
      if (b instanceof Error) throw (Error) b;
      if (b instanceof RuntimeException) throw (RuntimeException) b;
      return null;
    }, dispatch, tasks, bus);
    for (Object b : new Object[] {overflow, bug, null}) {
      behaviour[0] = b;
      decider.decide(D, decisions::add);
      dispatched.remove().run();
      scheduler.runUntilIdle();
    }
    assertEquals(3, decisions.size());
    decisions.forEach(DeciderTest::assertDefault);
    assertEquals(3, errors.size());
    for (Throwable e : errors) {
      assertInstanceOf(ListenerException.class, e);
      assertEquals("reconnect policy threw", e.getMessage());
    }
    assertSame(overflow, errors.get(0).getCause());
    assertSame(bug, errors.get(1).getCause());
    assertInstanceOf(NullPointerException.class, errors.get(2).getCause());
  }

  @Test
  void whileThePolicyHasNotAnsweredTheDefaultsDecideTheNextDisconnect() {
    Decision mine = Decision.stop();
    Decider decider = new Decider(d -> mine, dispatch, tasks, bus);
    List<Decision> first = new ArrayList<>();
    decider.decide(D, first::add);
    decider.decide(D, decisions::add); // the policy still has the first one
    assertEquals(1, dispatched.size(), "one policy call at a time");
    assertEquals(1, decisions.size());
    assertDefault(decisions.get(0));
    dispatched.remove().run();
    scheduler.runUntilIdle();
    assertEquals(List.of(mine), first);
    decider.decide(D, decisions::add);
    assertEquals(1, dispatched.size(), "the policy answered: it is asked again");
  }

  @Test
  void aPolicyThatThrowsStillLetsTheNextDisconnectAskIt() {
    Decider decider = new Decider(d -> {
      throw new IllegalStateException("bug");
    }, dispatch, tasks, bus);
    decider.decide(D, decisions::add);
    dispatched.remove().run();
    decider.decide(D, decisions::add);
    assertEquals(1, dispatched.size());
  }

  @Test
  void aDispatchPoolThatRefusesLeavesItToTheDefaults() {
    boolean[] refuse = {true};
    Decider decider = new Decider(d -> Decision.stop(), r -> {
      if (refuse[0]) throw new RejectedExecutionException("no thread");
      dispatched.add(r);
    }, tasks, bus);
    decider.decide(D, decisions::add);
    assertEquals(1, decisions.size());
    assertDefault(decisions.get(0));
    refuse[0] = false;
    decider.decide(D, decisions::add);
    assertEquals(1, dispatched.size(), "the refusal did not leave it marked as asking");
  }
}
