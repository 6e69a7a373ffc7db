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
