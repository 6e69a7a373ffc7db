package dev.steadysocket.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Everything one suite run measured: a JSON tree, flat rows for CSV, and the target verdicts. */
public final class Results {
  /** One measured figure for one peer. */
  public record Row(String figure, String peer, String metric, String unit, double mean, double stdev, int n) {}

  /** One target of the issue and whether this run met it. */
  public record Verdict(String id, String figure, String measured, String target, Boolean met, String command, String note) {}

  public final Map<String, Object> json = new LinkedHashMap<>();
  public final Map<String, Object> figures = new LinkedHashMap<>();
  public final List<Row> rows = new ArrayList<>();
  public final List<Verdict> verdicts = new ArrayList<>();

  public Results() {
    json.put("figures", figures);
  }

  public void row(String figure, String peer, String metric, String unit, Stats.Summary s) {
    rows.add(new Row(figure, peer, metric, unit, s.mean(), s.stdev(), s.n()));
  }

  public void row(String figure, String peer, String metric, String unit, double value) {
    rows.add(new Row(figure, peer, metric, unit, value, 0, 1));
  }

  /** The figure's JSON section, created on first use. */
  @SuppressWarnings("unchecked")
  public Map<String, Object> section(String name) {
    return (Map<String, Object>) figures.computeIfAbsent(name, k -> new LinkedHashMap<String, Object>());
  }

  public void verdict(Verdict v) {
    verdicts.removeIf(old -> old.id().equals(v.id()));
    verdicts.add(v);
  }
}
