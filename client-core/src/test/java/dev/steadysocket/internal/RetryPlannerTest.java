package dev.steadysocket.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.steadysocket.AuthenticationException;
import dev.steadysocket.Backoff;
import dev.steadysocket.ConnectionLostException;
import dev.steadysocket.Disconnect;
import dev.steadysocket.ReconnectAttemptsExhaustedException;
import dev.steadysocket.ReconnectPolicy.Decision;
import dev.steadysocket.SteadySocketException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class RetryPlannerTest {
  /** 1 s doubling to 30 s, no jitter: delays 1, 2, 4, 8, 16, 30 s; minimum 100 ms. */
  static final Backoff BACKOFF = Backoff.exponential(Duration.ofSeconds(1), Duration.ofSeconds(30)).withoutJitter();

  static final ConnectionLostException LOST = Api.get().connectionLost("reset", null);

  static Disconnect failure() {
    return Api.get().disconnect(Disconnect.Kind.TRANSPORT_FAILURE, -1, -1, null, false, LOST);
  }

  static Disconnect rejected(int status) {
    return Api.get().disconnect(
        Disconnect.Kind.HANDSHAKE_REJECTED, status, -1, null, false,
        Api.get().handshake(status, "HTTP " + status));
  }

  /** An attempt starts and fails; the plan that follows. */
  static RetryPlanner.Plan failedAttempt(RetryPlanner p, Decision decision) {
    p.startAttempt();
    return p.plan(failure(), decision);
  }

  @Test
  void attemptsCountUpThroughTheBackoffUntilAConnectionIsStable() {
    RetryPlanner p = new RetryPlanner(BACKOFF, -1, false, 1);
    long[] seconds = {1, 2, 4, 8, 16, 30, 30};
    for (int i = 0; i < seconds.length; i++) {
      RetryPlanner.Plan plan = failedAttempt(p, Decision.retry());
      assertNull(plan.stop);
      assertEquals(i + 1, plan.attempt);
      assertEquals(Duration.ofSeconds(seconds[i]), plan.delay);
    }
    p.startAttempt();
    p.connectionStable();
    RetryPlanner.Plan afterStable = p.plan(failure(), Decision.retry());
    assertEquals(1, afterStable.attempt, "a stable connection ends the outage");
    assertEquals(Duration.ofSeconds(1), afterStable.delay);
    assertTrue(afterStable.toString().contains("retry #1"), afterStable.toString());
  }

  @Test
  void resumeResetsTheAttemptCount() {
    RetryPlanner p = new RetryPlanner(BACKOFF, -1, false, 1);
    failedAttempt(p, Decision.retry());
    failedAttempt(p, Decision.retry());
    p.resumed();
    assertEquals(1, failedAttempt(p, Decision.retry()).attempt);
  }

  @Test
  void maxAttemptsStopsWithExhaustedAfterTheLastAllowedRetry() {
    RetryPlanner p = new RetryPlanner(BACKOFF, 2, false, 1);
    assertNull(failedAttempt(p, Decision.retry()).stop);
    assertNull(failedAttempt(p, Decision.retry()).stop);
    RetryPlanner.Plan third = failedAttempt(p, Decision.retry());
    ReconnectAttemptsExhaustedException e = assertInstanceOf(ReconnectAttemptsExhaustedException.class, third.stop);
    assertSame(LOST, e.getCause());
    assertEquals(0, third.attempt);
    assertEquals(Duration.ZERO, third.delay);
    assertTrue(third.toString().startsWith("Plan(stop: "), third.toString());
  }

  @Test
  void zeroMaxAttemptsMeansNoRetryAtAll() {
    RetryPlanner p = new RetryPlanner(BACKOFF, 0, false, 1);
    assertInstanceOf(ReconnectAttemptsExhaustedException.class, failedAttempt(p, Decision.retry()).stop);
  }

  @Test
  void aShortConnectionOrFailedAttemptWaitsAtLeastTheMinimumWhateverAskedForLess() {
    RetryPlanner p = new RetryPlanner(BACKOFF, -1, true, 1);
    assertEquals(Duration.ofMillis(100), BACKOFF.minimum());
    assertEquals(Duration.ofMillis(100), failedAttempt(p, Decision.retryAfter(Duration.ZERO)).delay);
    assertEquals(Duration.ofMillis(100), failedAttempt(p, Decision.retryAfter(Duration.ofMillis(99))).delay);
    assertEquals(Duration.ofMillis(150), failedAttempt(p, Decision.retryAfter(Duration.ofMillis(150))).delay);
    // A refresh asks for no delay: after a failed attempt it still waits the minimum.
    assertEquals(Duration.ofMillis(100), failedAttempt(p, Decision.refreshTokenAndRetry()).delay);
  }

  @Test
  void afterAStableConnectionAFixedDelayIsTakenAsIs() {
    RetryPlanner p = new RetryPlanner(BACKOFF, -1, true, 1);
    p.startAttempt();
    p.connectionStable();
    assertEquals(Duration.ZERO, p.plan(failure(), Decision.retryAfter(Duration.ZERO)).delay);
    // The next attempt has not proved itself: the floor is back.
    assertEquals(Duration.ofMillis(100), failedAttempt(p, Decision.retryAfter(Duration.ZERO)).delay);
  }

  @Test
  void aStartedAttemptIsNotStableEvenIfTheLastConnectionWas() {
    RetryPlanner p = new RetryPlanner(BACKOFF, -1, false, 1);
    p.startAttempt();
    p.connectionStable();
    p.startAttempt(); // the next attempt begins before any plan
    assertEquals(Duration.ofMillis(100), p.plan(failure(), Decision.retryAfter(Duration.ZERO)).delay);
  }

  @Test
  void delaysAreCappedAtMaxDelay() {
    RetryPlanner p = new RetryPlanner(BACKOFF, -1, false, 1);
    assertEquals(RetryPlanner.MAX_DELAY, failedAttempt(p, Decision.retryAfter(Duration.ofDays(400))).delay);
    assertEquals(Duration.ofDays(1), RetryPlanner.MAX_DELAY);
  }

  @Test
  void oneTokenRefreshPerOutage() {
    RetryPlanner p = new RetryPlanner(BACKOFF, -1, true, 1);
    assertFalse(p.startAttempt());
    RetryPlanner.Plan first = p.plan(rejected(401), Decision.refreshTokenAndRetry());
    assertNull(first.stop);
    assertEquals(1, first.attempt);
    assertTrue(p.startAttempt(), "the next attempt asks for a fresh token");
    assertFalse(p.startAttempt(), "once");
    // The server takes the new token, then rejects it again before the minimum uptime.
    RetryPlanner.Plan second = p.plan(rejected(403), Decision.refreshTokenAndRetry());
    AuthenticationException e = assertInstanceOf(AuthenticationException.class, second.stop);
    assertEquals(403, e.statusCode());
    assertTrue(e.getMessage().contains("credentials rejected: HTTP 403"), e.getMessage());
    assertFalse(p.startAttempt());
  }

  @Test
  void aStableConnectionRestoresTheRefreshButResumeDoesNot() {
    RetryPlanner p = new RetryPlanner(BACKOFF, -1, true, 1);
    failedAttempt(p, Decision.refreshTokenAndRetry());
    p.resumed();
    assertNotNull(failedAttempt(p, Decision.refreshTokenAndRetry()).stop, "a pause does not make credentials good");

    RetryPlanner q = new RetryPlanner(BACKOFF, -1, true, 1);
    failedAttempt(q, Decision.refreshTokenAndRetry());
    q.startAttempt();
    q.connectionStable();
    assertNull(q.plan(failure(), Decision.refreshTokenAndRetry()).stop);
  }

  @Test
  void withoutATokenProviderARefreshDecisionStopsWithTheAuthenticationError() {
    RetryPlanner p = new RetryPlanner(BACKOFF, -1, false, 1);
    AuthenticationException auth = Api.get().authentication(401, -1, "no");
    Disconnect d = Api.get().disconnect(Disconnect.Kind.HANDSHAKE_REJECTED, 401, -1, null, false, auth);
    p.startAttempt();
    assertSame(auth, p.plan(d, Decision.refreshTokenAndRetry()).stop, "an AuthenticationException is kept as is");
    assertFalse(p.startAttempt());
  }

  @Test
  void stopUsesThePolicysErrorElseTheDisconnects() {
    RetryPlanner p = new RetryPlanner(BACKOFF, -1, false, 1);
    assertSame(LOST, failedAttempt(p, Decision.stop()).stop);
    SteadySocketException mine = new SteadySocketException("mine");
    RetryPlanner.Plan plan = failedAttempt(p, Decision.stop(mine));
    assertSame(mine, plan.stop);
    assertEquals(Duration.ZERO, plan.delay);
    // A stop does not count as an attempt.
    assertEquals(1, failedAttempt(p, Decision.retry()).attempt);
  }

  @Test
  void failoverRotatesThroughTheEndpointsOnEveryDisconnect() {
    RetryPlanner p = new RetryPlanner(BACKOFF, -1, false, 3);
    assertEquals(0, p.endpoint());
    int[] expected = {1, 2, 0, 1};
    for (int e : expected) {
      failedAttempt(p, Decision.retry());
      assertEquals(e, p.endpoint());
    }
    failedAttempt(p, Decision.stop());
    assertEquals(2, p.endpoint(), "a stop moves on too (the index is only read for logs then)");

    RetryPlanner single = new RetryPlanner(BACKOFF, -1, false, 1);
    failedAttempt(single, Decision.retry());
    assertEquals(0, single.endpoint());
  }

  @Test
  void stableAfterIsTheMinimumUptimeButNeverLessThanTheBackoffMinimum() {
    RetryPlanner p = new RetryPlanner(BACKOFF, -1, false, 1);
    assertEquals(Duration.ofSeconds(5).toNanos(), p.stableAfter(Duration.ofSeconds(5)));
    assertEquals(Duration.ofMillis(100).toNanos(), p.stableAfter(Duration.ZERO));
    assertEquals(Duration.ofMillis(100).toNanos(), p.stableAfter(Duration.ofMillis(50)));
    assertEquals(LoopTasks.MAX_DELAY_NANOS, p.stableAfter(Duration.ofSeconds(Long.MAX_VALUE)));
  }

  // Found attacking the #16 fixes: an application's Backoff whose minimum() throws closed the socket
  /** A backoff whose floor throws, or is zero, gets the default floor (100 ms): no retry without delay. */
  @Test
  void aBackoffWhoseFloorIsBrokenGetsTheDefaultFloor() {
    for (boolean throwing : new boolean[] {true, false}) {
      Backoff broken = new Backoff() {
        @Override public Duration delay(int attempt) { return Duration.ZERO; }
        @Override public Duration minimum() {
          if (throwing) throw new IllegalStateException("backoff bug");
          return Duration.ZERO;
        }
        @Override public Duration max() { return Duration.ofSeconds(30); }
      };
      RetryPlanner p = new RetryPlanner(broken, -1, false, 1);
      RetryPlanner.Plan plan = failedAttempt(p, Decision.retryAfter(Duration.ZERO));
      assertEquals(Duration.ofMillis(100), plan.delay, "throwing: " + throwing);
      assertEquals(Duration.ofMillis(100).toNanos(), p.stableAfter(Duration.ZERO), "throwing: " + throwing);
    }
  }
}
