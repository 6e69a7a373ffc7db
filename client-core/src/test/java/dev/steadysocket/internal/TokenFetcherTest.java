package dev.steadysocket.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.steadysocket.ConnectionLostException;
import dev.steadysocket.ListenerException;
import dev.steadysocket.SteadySocketException;
import dev.steadysocket.TokenProvider;
import dev.steadysocket.testkit.FakeScheduler;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class TokenFetcherTest {
  final FakeScheduler scheduler = new FakeScheduler();
  final LoopTasks tasks = new LoopTasks(scheduler);
  final ArrayDeque<Runnable> dispatched = new ArrayDeque<>();
  final Executor dispatch = dispatched::add;
  final List<Boolean> asked = new ArrayList<>();
  final List<String> results = new ArrayList<>();

  /** Answers "token-N-refresh" or "token-N" for the N-th call. */
  final TokenProvider provider = refresh -> {
    asked.add(refresh);
    return "token-" + asked.size() + (refresh ? "-fresh" : "");
  };

  TokenFetcher.Callback callback(String name) {
    return (token, error) -> results.add(name + ": " + (error != null ? error.getClass().getSimpleName() : token));
  }

  /** Runs the provider call on the "dispatch pool", then its result on the loop. */
  void runProvider() {
    dispatched.remove().run();
    scheduler.runUntilIdle();
  }

  @Test
  void theTokenIsFetchedOffTheLoopAndDeliveredOnIt() {
    TokenFetcher f = new TokenFetcher(provider, dispatch, tasks);
    f.fetch(false, callback("first"));
    assertEquals(List.of(), asked, "not on the calling thread");
    dispatched.remove().run();
    assertEquals(List.of(false), asked);
    assertEquals(List.of(), results, "posted to the loop");
    scheduler.runUntilIdle();
    assertEquals(List.of("first: token-1"), results);
    f.fetch(true, callback("second"));
    runProvider();
    assertEquals(List.of("first: token-1", "second: token-2-fresh"), results);
  }

  @Test
  void anAttemptThatNeedsATokenWhileACallRunsWaitsForThatCall() {
    TokenFetcher f = new TokenFetcher(provider, dispatch, tasks);
    f.fetch(false, callback("old attempt"));
    f.fetch(false, callback("new attempt"));
    assertEquals(1, dispatched.size(), "one call at a time");
    runProvider();
    assertEquals(List.of("new attempt: token-1"), results);
    assertTrue(dispatched.isEmpty());
  }

  @Test
  void aTokenThatPredatesARefreshRequestIsReplacedByAFreshOne() {
    TokenFetcher f = new TokenFetcher(provider, dispatch, tasks);
    f.fetch(false, callback("old attempt"));
    f.fetch(true, callback("refresh attempt"));
    runProvider();
    assertEquals(List.of(), results, "the stale token is not used");
    assertEquals(1, dispatched.size(), "a fresh call started");
    runProvider();
    assertEquals(List.of(false, true), asked);
    assertEquals(List.of("refresh attempt: token-2-fresh"), results);
  }

  @Test
  void anAbandonedAttemptsTokenIsDiscardedAndTheNextAttemptAsksAgain() {
    TokenFetcher f = new TokenFetcher(provider, dispatch, tasks);
    f.fetch(false, callback("abandoned"));
    f.abandon();
    runProvider();
    assertEquals(List.of(), results);
    f.fetch(false, callback("next"));
    assertEquals(1, dispatched.size(), "the finished call no longer blocks a new one");
    runProvider();
    assertEquals(List.of("next: token-2"), results);
  }

  @Test
  void providerFailuresAreTyped() {
    TokenFetcher io = new TokenFetcher(r -> {
      throw new IOException("secret");
    }, dispatch, tasks);
    io.fetch(false, callback("io"));
    runProvider();
    TokenFetcher bug = new TokenFetcher(r -> {
      throw new IllegalStateException("secret");
    }, dispatch, tasks);
    bug.fetch(false, callback("bug"));
    runProvider();
    TokenFetcher none = new TokenFetcher(r -> null, dispatch, tasks);
    none.fetch(false, callback("none"));
    runProvider();
    assertEquals(List.of("io: ConnectionLostException", "bug: ListenerException", "none: null"), results);
  }

  @Test
  void aDispatchPoolThatRefusesFailsTheFetchAtOnce() {
    List<SteadySocketException> errors = new ArrayList<>();
    boolean[] refuse = {true};
    Executor refusing = r -> {
      if (refuse[0]) throw new RejectedExecutionException("no thread");
      dispatched.add(r);
    };
    TokenFetcher f = new TokenFetcher(provider, refusing, tasks);
    f.fetch(false, (token, error) -> errors.add(error));
    assertEquals(1, errors.size());
    assertInstanceOf(ListenerException.class, errors.get(0));
    assertInstanceOf(RejectedExecutionException.class, errors.get(0).getCause());
    refuse[0] = false;
    f.fetch(false, callback("retry"));
    runProvider();
    assertEquals(List.of("retry: token-1"), results);
  }

  @Test
  void closeDiscardsTheResultAndLetsNoOneWaitAgain() {
    TokenFetcher f = new TokenFetcher(provider, dispatch, tasks);
    f.fetch(false, callback("attempt"));
    Runnable call = dispatched.remove();
    f.close();
    call.run(); // cancelled before it ran: the provider is not called
    scheduler.runUntilIdle();
    assertEquals(List.of(), asked);
    assertEquals(List.of(), results);
    f.close(); // twice is fine
  }

  @Test
  void closeInterruptsACallInProgress() throws Exception {
    CountDownLatch started = new CountDownLatch(1);
    CountDownLatch interrupted = new CountDownLatch(1);
    TokenProvider hanging = refresh -> {
      started.countDown();
      try {
        new CountDownLatch(1).await(30, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        interrupted.countDown();
      }
      return "too late";
    };
    List<Thread> threads = new ArrayList<>();
    TokenFetcher f = new TokenFetcher(hanging, r -> {
      Thread t = new Thread(r, "token test");
      threads.add(t);
      t.start();
    }, tasks);
    f.fetch(false, callback("attempt"));
    assertTrue(started.await(10, TimeUnit.SECONDS));
    f.close();
    assertTrue(interrupted.await(10, TimeUnit.SECONDS), "the provider's thread was interrupted");
    threads.get(0).join(10_000); // it posts its (discarded) result, then ends
    scheduler.runUntilIdle();
    assertEquals(List.of(), results, "a result after close is dropped");
  }

  @Test
  void aResultFromAnEarlierCallAfterCloseAndANewFetchIsIgnored() {
    TokenFetcher f = new TokenFetcher(provider, dispatch, tasks);
    f.fetch(false, callback("first"));
    Runnable firstCall = dispatched.remove();
    f.close();
    f.fetch(false, callback("second"));
    Runnable secondCall = dispatched.remove();
    // The first call was cancelled; had it run, its result would belong to no one.
    firstCall.run();
    secondCall.run();
    scheduler.runUntilIdle();
    assertEquals(List.of("second: token-1"), results);
    assertEquals(ConnectionLostException.class, Failures.tokenFailure(new IOException()).getClass());
  }
}
