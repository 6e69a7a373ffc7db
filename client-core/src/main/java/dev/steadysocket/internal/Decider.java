package dev.steadysocket.internal;

import dev.steadysocket.Disconnect;
import dev.steadysocket.ReconnectPolicy;
import dev.steadysocket.ReconnectPolicy.Decision;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Asks the reconnect policy what to do after a disconnect. The defaults are SteadySocket's own
 * code and decide inline; an application's policy runs on the dispatch pool (never on the loop
 * thread, never under a lock) and its decision is posted back to the loop. A policy that throws,
 * an {@code Error} included, or returns null is reported to onError and the defaults decide.
 */
final class Decider {
  private static final Logger log = LoggerFactory.getLogger("dev.steadysocket.SteadySocket");

  private final ReconnectPolicy policy;
  private final Executor dispatch;
  private final LoopTasks tasks;
  private final ListenerBus bus;
  /**
   * True while the application's policy is being asked on the dispatch pool. A disconnect that
   * needs a decision meanwhile (the socket was replaced or resumed while a policy hung) is decided
   * by the defaults, so a policy that blocks holds one thread, never one per disconnect.
   */
  private final AtomicBoolean asking = new AtomicBoolean();

  Decider(ReconnectPolicy policy, Executor dispatch, LoopTasks tasks, ListenerBus bus) {
    this.policy = policy;
    this.dispatch = dispatch;
    this.tasks = tasks;
    this.bus = bus;
  }

  /** Loop thread: {@code then} receives the decision on the loop thread, now or later. */
  void decide(Disconnect d, Consumer<Decision> then) {
    if (policy == ReconnectPolicy.defaults()) {
      then.accept(policy.decide(d));
      return;
    }
    if (!asking.compareAndSet(false, true)) {
      log.warn("the reconnect policy has not answered the previous disconnect; the defaults decide {}", d);
      then.accept(ReconnectPolicy.defaults().decide(d));
      return;
    }
    try {
      dispatch.execute(() -> {
        Decision decision;
        try {
          decision = ask(d);
        } finally {
          asking.set(false);
        }
        tasks.post(() -> then.accept(decision));
      });
    } catch (Throwable noThread) {
      asking.set(false);
      then.accept(ReconnectPolicy.defaults().decide(d));
    }
  }

  private Decision ask(Disconnect d) {
    try {
      Decision decision = policy.decide(d);
      if (decision != null) return decision;
      throw new NullPointerException("reconnect policy returned null");
    } catch (Throwable t) {
      Quiet.log(() -> log.warn("reconnect policy threw; using the defaults for {}", d, t));
      bus.error(Api.get().listener("reconnect policy threw", t));
      return ReconnectPolicy.defaults().decide(d);
    }
  }
}
