package dev.steadysocket.bench;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/** Summaries of repeated measurements and percentiles of latency samples. */
public final class Stats {
  private Stats() {}

  /** Mean ± sample standard deviation, min and max of a few iterations. */
  public record Summary(double mean, double stdev, double min, double max, int n) {
    public static Summary of(double... values) {
      int n = values.length;
      if (n == 0) return new Summary(Double.NaN, Double.NaN, Double.NaN, Double.NaN, 0);
      double sum = 0, min = Double.POSITIVE_INFINITY, max = Double.NEGATIVE_INFINITY;
      for (double v : values) {
        sum += v;
        min = Math.min(min, v);
        max = Math.max(max, v);
      }
      double mean = sum / n;
      double sq = 0;
      for (double v : values) sq += (v - mean) * (v - mean);
      double stdev = n > 1 ? Math.sqrt(sq / (n - 1)) : 0;
      return new Summary(mean, stdev, min, max, n);
    }

    /** The standard deviation as a fraction of the mean. */
    public double relativeSpread() {
      return mean == 0 ? 0 : stdev / Math.abs(mean);
    }

    public Map<String, Object> toMap() {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("mean", round(mean));
      m.put("stdev", round(stdev));
      m.put("min", round(min));
      m.put("max", round(max));
      m.put("n", n);
      return m;
    }
  }

  /**
   * The {@code q}-quantile (0..1) of {@code sorted} by the nearest-rank method: the smallest value
   * with at least {@code q} of the samples at or below it.
   */
  public static long percentile(long[] sorted, double q) {
    if (sorted.length == 0) throw new IllegalArgumentException("no samples");
    if (q <= 0) return sorted[0];
    int rank = (int) Math.ceil(q * sorted.length);
    return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1];
  }

  /** p50, p90, p99, p99.9, max and mean of {@code samples} (copied and sorted). */
  public static Map<String, Double> percentiles(long[] samples, double scale) {
    long[] s = samples.clone();
    Arrays.sort(s);
    Map<String, Double> m = new LinkedHashMap<>();
    m.put("p50", round(percentile(s, 0.50) / scale));
    m.put("p90", round(percentile(s, 0.90) / scale));
    m.put("p99", round(percentile(s, 0.99) / scale));
    m.put("p99.9", round(percentile(s, 0.999) / scale));
    m.put("max", round(s[s.length - 1] / scale));
    double sum = 0;
    for (long v : s) sum += v;
    m.put("mean", round(sum / s.length / scale));
    m.put("n", (double) s.length);
    return m;
  }

  /**
   * The largest number of {@code times} (any unit) inside any window {@code [t, t + width)}, found
   * with a sliding window over the sorted times.
   */
  public static int maxInWindow(long[] times, long width) {
    long[] s = times.clone();
    Arrays.sort(s);
    int best = 0;
    for (int lo = 0, hi = 0; hi < s.length; hi++) {
      while (s[hi] - s[lo] >= width) lo++;
      best = Math.max(best, hi - lo + 1);
    }
    return best;
  }

  /** Rounds to 4 significant decimals for output. */
  public static double round(double v) {
    if (Double.isNaN(v) || Double.isInfinite(v) || v == 0) return v;
    double scale = Math.pow(10, 3 - Math.floor(Math.log10(Math.abs(v))));
    return scale > 1e12 ? v : Math.round(v * scale) / scale;
  }
}
