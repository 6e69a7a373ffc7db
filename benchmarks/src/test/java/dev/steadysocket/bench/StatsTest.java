package dev.steadysocket.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import org.junit.jupiter.api.Test;

class StatsTest {
  @Test
  void nearestRankPercentiles() {
    long[] s = new long[100];
    for (int i = 0; i < 100; i++) s[i] = i + 1; // 1..100
    assertEquals(50, Stats.percentile(s, 0.50));
    assertEquals(99, Stats.percentile(s, 0.99));
    assertEquals(100, Stats.percentile(s, 1.0));
    assertEquals(1, Stats.percentile(s, 0.0));
    assertEquals(1, Stats.percentile(new long[] {1, 2, 3}, 0.33));
    assertEquals(2, Stats.percentile(new long[] {1, 2, 3}, 0.34));
  }

  @Test
  void percentilesSortACopyAndScale() {
    long[] samples = {5000, 1000, 3000, 2000, 4000};
    Map<String, Double> p = Stats.percentiles(samples, 1000);
    assertEquals(3.0, p.get("p50"));
    assertEquals(5.0, p.get("max"));
    assertEquals(3.0, p.get("mean"));
    assertEquals(5000, samples[0], "input untouched");
  }

  @Test
  void summaryUsesSampleStandardDeviation() {
    Stats.Summary s = Stats.Summary.of(2, 4, 4, 4, 5, 5, 7, 9);
    assertEquals(5.0, s.mean(), 1e-9);
    assertEquals(2.138, s.stdev(), 1e-3);
    assertEquals(2, s.min());
    assertEquals(9, s.max());
    assertEquals(0, Stats.Summary.of(3).stdev());
  }

  @Test
  void maxInWindowSlides() {
    long[] t = {0, 50, 99, 100, 150, 300};
    assertEquals(3, Stats.maxInWindow(t, 100)); // [0,100) holds 0,50,99; [50,150) holds 50,99,100
    assertEquals(4, Stats.maxInWindow(t, 101)); // [0,101) holds 0,50,99,100
    assertEquals(1, Stats.maxInWindow(new long[] {0, 10, 20}, 10));
    assertEquals(0, Stats.maxInWindow(new long[0], 10));
  }

  @Test
  void roundsToFourSignificantDigits() {
    assertEquals(123500.0, Stats.round(123456.7));
    assertEquals(0.001235, Stats.round(0.00123456), 1e-12);
    assertEquals(0.0, Stats.round(0.0));
  }
}
