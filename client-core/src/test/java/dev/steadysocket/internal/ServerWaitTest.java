package dev.steadysocket.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.steadysocket.Backoff;
import dev.steadysocket.Disconnect;
import dev.steadysocket.ReconnectPolicy.Decision;
import java.io.IOException;
import java.net.ProtocolException;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Issue #19, part 1: which retries the server imposed, at their edges. */
class ServerWaitTest {
  static final Duration CEILING = Duration.ofSeconds(30);

  static Disconnect rejected(int status, String retryAfter) {
    return Failures.fromFailure(new ProtocolException("HTTP " + status), status, retryAfter, false, CEILING, 0);
  }

  @ParameterizedTest
  @ValueSource(ints = {429, 503})
  void aShedLoadStatusImposesTheWaitWithOrWithoutRetryAfter(int status) {
    assertTrue(ServerWait.imposedBy(rejected(status, null)));
    assertTrue(ServerWait.imposedBy(rejected(status, "7")));
  }

  @ParameterizedTest
  @ValueSource(ints = {408, 428, 430, 500, 502, 504})
  void otherStatusesImposeOnlyWithRetryAfter(int status) {
    assertFalse(ServerWait.imposedBy(rejected(status, null)));
    assertTrue(ServerWait.imposedBy(rejected(status, "0")), "a Retry-After is the server's word");
  }

  @Test
  void anUnreadableRetryAfterIsNoneAt500() {
    assertFalse(ServerWait.imposedBy(rejected(500, "soon")));
  }

  @ParameterizedTest
  @ValueSource(ints = {1012, 1013})
  void restartAndTryAgainLaterImposeTheWait(int code) {
    assertTrue(ServerWait.imposedBy(Failures.fromServerClose(code, "", true)));
  }

  @ParameterizedTest
  @ValueSource(ints = {1000, 1001, 1006, 1011, 1014, 4000})
  void otherCloseCodesDoNot(int code) {
    assertFalse(ServerWait.imposedBy(Failures.fromServerClose(code, "", true)));
  }

  @Test
  void failuresDeadLinksAndTimeoutsDoNot() {
    assertFalse(ServerWait.imposedBy(Failures.fromFailure(new IOException("reset"), -1, "7", true, CEILING, 0)));
    assertFalse(ServerWait.imposedBy(Failures.deadLink(Duration.ofSeconds(10))));
    assertFalse(ServerWait.imposedBy(Failures.connectTimeout(Duration.ofSeconds(15), false)));
  }

  @Test
  void theNotBeforeIsThePlannedDelayFromNow() {
    RetryPlanner planner = new RetryPlanner(Backoff.defaults(), -1, false, 1);
    Disconnect d = rejected(503, "7");
    RetryPlanner.Plan plan = planner.plan(d, Decision.retryAfter(Duration.ofSeconds(7)));
    ServerWait w = ServerWait.after(d, plan, 1_000);
    assertEquals(1_000 + 7_000_000_000L, w.notBefore);
    assertEquals(1, w.attempt);
    assertSame(d.error(), w.cause);
    assertEquals(1, w.remainingNanos(w.notBefore - 1));
    assertEquals(0, w.remainingNanos(w.notBefore));
    assertNull(ServerWait.after(rejected(500, null), plan, 1_000));
  }
}
