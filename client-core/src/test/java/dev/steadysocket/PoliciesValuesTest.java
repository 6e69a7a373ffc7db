package dev.steadysocket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The immutable policy values: Backoff, Heartbeat, OutboxPolicy. */
class PoliciesValuesTest {

  @ParameterizedTest
  @CsvSource({"1,1000", "2,2000", "3,4000", "4,8000", "5,16000", "6,30000", "7,30000", "100,30000"})
  void defaultCeilingDoublesToThirtySeconds(int attempt, long millis) {
    assertEquals(Duration.ofMillis(millis), Backoff.defaults().ceiling(attempt));
    assertEquals(Duration.ofMillis(millis), Backoff.defaults().withoutJitter().delay(attempt));
  }

  @Test
  void fullJitterCoversTheWholeRangeAndIsRepeatableWithASeed() {
    Backoff b = Backoff.defaults().withRandom(new Random(7));
    Backoff same = Backoff.defaults().withRandom(new Random(7));
    long min = Long.MAX_VALUE;
    long max = 0;
    for (int i = 0; i < 10_000; i++) {
      long d = b.delay(3).toMillis();
      assertEquals(d, same.delay(3).toMillis());
      assertTrue(d >= 100 && d <= 4000, "delay " + d);
      min = Math.min(min, d);
      max = Math.max(max, d);
    }
    assertTrue(min < 200 && max > 3900, "jitter should span [100 ms floor, 4000]: " + min + ".." + max);
  }

  @Test
  void backoffRejectsNonsense() {
    assertThrows(IllegalArgumentException.class, () -> Backoff.exponential(Duration.ofSeconds(2), Duration.ofSeconds(1)));
    assertThrows(IllegalArgumentException.class, () -> Backoff.exponential(Duration.ofSeconds(-1), Duration.ofSeconds(1)));
    assertThrows(IllegalArgumentException.class, () -> Backoff.defaults().withMultiplier(0.5));
    assertThrows(IllegalArgumentException.class, () -> Backoff.defaults().ceiling(0));
    assertEquals(Duration.ofMillis(1500), Backoff.defaults().withMultiplier(1.5).ceiling(2));
  }

  /** A Random whose every draw is {@code draw}: pins the jitter to one end of its range. */
  static Random fixed(double draw) {
    return new Random() {
      @Override
      public double nextDouble() {
        return draw;
      }
    };
  }

  @Test
  void jitterReachesBothEndsOfTheRangeInWholeMilliseconds() {
    // #16 part 2: ExponentialBackoff was never mutated; the bounds of [floor, ceiling] are the promise.
    assertEquals(Duration.ofMillis(100), Backoff.defaults().withRandom(fixed(0.0)).delay(3), "the floor");
    assertEquals(Duration.ofMillis(4000), Backoff.defaults().withRandom(fixed(Math.nextDown(1.0))).delay(3),
        "the ceiling itself is a possible delay");
    assertEquals(Duration.ofMillis(2050), Backoff.defaults().withRandom(fixed(0.5)).delay(3),
        "uniform over the 3901 whole milliseconds of [100, 4000]");
  }

  @Test
  void theFloorIsTheSmallerOfInitialAndOneHundredMilliseconds() {
    // #16 part 2: minimum() is what the no-zero-delay promise rests on.
    assertEquals(Duration.ofMillis(100), Backoff.defaults().minimum());
    assertEquals(Duration.ofMillis(40), Backoff.exponential(Duration.ofMillis(40), Duration.ofSeconds(1)).minimum());
    assertEquals(Duration.ofMillis(100), Backoff.exponential(Duration.ofMillis(250), Duration.ofSeconds(1)).minimum());
    // With initial under the floor the first ceiling is the floor: no jitter range, the delay is exact.
    Backoff small = Backoff.exponential(Duration.ofMillis(40), Duration.ofSeconds(1)).withRandom(fixed(0.99));
    assertEquals(Duration.ofMillis(40), small.delay(1));
    assertEquals(Duration.ofMillis(80), small.delay(2), "the top of [40, 80] ms");
  }

  @Test
  void backoffLimitsAreInclusive() {
    Duration year = Duration.ofDays(365);
    assertEquals(year, Backoff.exponential(Duration.ofSeconds(1), year).max(), "365 days is allowed");
    assertThrows(IllegalArgumentException.class, () -> Backoff.exponential(Duration.ofSeconds(1), year.plusNanos(1)));
    assertThrows(IllegalArgumentException.class, () -> Backoff.exponential(Duration.ZERO, Duration.ofSeconds(1)));
    Duration same = Duration.ofSeconds(2);
    assertEquals(same, Backoff.exponential(same, same).withoutJitter().delay(9), "max == initial is allowed");
    ExponentialBackoff flat = Backoff.defaults().withMultiplier(1.0).withoutJitter();
    assertEquals(Duration.ofSeconds(1), flat.delay(1));
    assertEquals(Duration.ofSeconds(1), flat.delay(50), "multiplier 1.0 keeps every ceiling at initial");
    assertThrows(IllegalArgumentException.class, () -> Backoff.defaults().withMultiplier(Double.NaN));
    assertEquals(Duration.ofSeconds(1), Backoff.defaults().initial());
    assertEquals(Duration.ofSeconds(30), Backoff.defaults().max());
  }

  @Test
  void theCapIsExactWhereDoublesRound() {
    // #16 part 2: a ceiling computed in double precision must come back as max itself, not as the
    // nearest double, which for 365 days less 1 ns is 1 ns longer than max.
    Duration max = Duration.ofDays(365).minusNanos(1);
    ExponentialBackoff flat = Backoff.exponential(max, max).withoutJitter();
    assertEquals(max, flat.ceiling(1));
    assertEquals(max, flat.delay(1));
  }

  @Test
  void policyValuesDescribeThemselves() {
    assertEquals("Backoff.exponential(PT1S, PT30S, ×2.0, full jitter)", Backoff.defaults().toString());
    assertEquals("Backoff.exponential(PT1S, PT30S, ×1.5, no jitter)",
        Backoff.defaults().withMultiplier(1.5).withoutJitter().toString());
    assertEquals("Heartbeat.every(PT30S, timeout PT10S, ping + envelope)", Heartbeat.defaults().toString());
    assertEquals("Heartbeat.every(PT5S, timeout PT2S, ping only)",
        Heartbeat.every(Duration.ofSeconds(5)).withTimeout(Duration.ofSeconds(2)).withoutEnvelope().toString());
    assertEquals("Heartbeat.disabled()", Heartbeat.disabled().toString());
    assertEquals("OutboxPolicy(1000 messages, 1048576 bytes, REJECT_NEW)", OutboxPolicy.defaults().toString());
    assertEquals("ReconnectPolicy.defaults()", ReconnectPolicy.defaults().toString());
  }

  @Test
  void heartbeatDefaultsAndBound() {
    Heartbeat hb = Heartbeat.defaults();
    assertEquals(Duration.ofSeconds(30), hb.interval());
    assertEquals(Duration.ofSeconds(10), hb.timeout());
    assertEquals(Duration.ofSeconds(40), hb.worstCaseDetection());
    assertTrue(hb.sendsEnvelope());
    assertEquals(Duration.ofSeconds(2), Heartbeat.every(Duration.ofSeconds(2)).timeout(), "timeout capped by interval");
    assertFalse(Heartbeat.disabled().isEnabled());
    assertThrows(IllegalArgumentException.class, () -> Heartbeat.every(Duration.ZERO));
    assertThrows(IllegalStateException.class, () -> Heartbeat.disabled().withTimeout(Duration.ofSeconds(1)));
    assertThrows(IllegalArgumentException.class, () -> Heartbeat.every(Duration.ofSeconds(1)).withTimeout(Duration.ofSeconds(2)));
    assertEquals(Duration.ofSeconds(1), Heartbeat.every(Duration.ofSeconds(1)).withTimeout(Duration.ofSeconds(1)).timeout());
  }

  @Test
  void outboxPolicyDefaults() {
    OutboxPolicy p = OutboxPolicy.defaults();
    assertEquals(1000, p.maxMessages());
    assertEquals(1 << 20, p.maxBytes());
    assertEquals(OutboxPolicy.Overflow.REJECT_NEW, p.overflow());
    assertThrows(IllegalArgumentException.class, () -> OutboxPolicy.bounded(-1, 1, OutboxPolicy.Overflow.DROP_OLDEST));
    assertThrows(IllegalArgumentException.class, () -> OutboxPolicy.bounded(1, 0, OutboxPolicy.Overflow.DROP_OLDEST));
    OutboxPolicy smallest = OutboxPolicy.bounded(0, 1, OutboxPolicy.Overflow.DROP_OLDEST);
    assertEquals(0, smallest.maxMessages());
    assertEquals(1, smallest.maxBytes());
    assertEquals(OutboxPolicy.Overflow.DROP_OLDEST, smallest.overflow());
  }

  @Test
  void badUrlsAreRejectedWithoutEchoingThem() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> SteadySocket.builder("ftp://h/?token=s3cr3t"));
    assertFalse(e.getMessage().contains("s3cr3t"));
    assertThrows(IllegalArgumentException.class, () -> SteadySocket.builder("not a url"));
    assertThrows(IllegalArgumentException.class, () -> SteadySocket.builder("ws://").build());
  }
}
