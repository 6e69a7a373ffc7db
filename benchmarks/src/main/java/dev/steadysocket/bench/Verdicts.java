package dev.steadysocket.bench;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Turns the measured figures into the targets: measured value, target, met or missed. */
final class Verdicts {
  private static final String JAR = "java -jar benchmarks/target/benchmarks.jar";

  private Verdicts() {}

  @SuppressWarnings("unchecked")
  static void compute(Results results, String mode) {
    Map<String, Object> f = results.figures;
    String q = mode.equals("quick") ? " --quick" : "";
    for (String size : List.of("small", "medium")) {
      Map<String, Object> in = (Map<String, Object>) f.get("inbound_" + size);
      if (in != null && in.get("throughput ratio steadysocket/okhttp") != null) {
        double ratio = num(in.get("throughput ratio steadysocket/okhttp"), "median");
        Map<String, Object> peers = (Map<String, Object>) in.get("throughput (msgs/s)");
        double steady = num(peers.get("steadysocket"), "mean");
        String behind = "";
        for (Map.Entry<String, Object> e : peers.entrySet()) {
          if (!e.getKey().startsWith("steadysocket") && !e.getKey().equals("okhttp") && num(e.getValue(), "mean") > steady) {
            behind += (behind.isEmpty() ? "" : ", ") + e.getKey();
          }
        }
        boolean met = ratio >= 0.95 && behind.isEmpty();
        results.verdict(new Results.Verdict("1-" + size, "Inbound throughput, " + size,
            ratioText(in.get("throughput ratio steadysocket/okhttp")),
            "≥ 0.95 and ≥ every other peer", met, JAR + q + " --only inbound",
            behind.isEmpty() ? "" : "behind " + behind));
      }
      Map<String, Object> out = (Map<String, Object>) f.get("outbound_" + size);
      if (out != null && out.get("throughput ratio steadysocket/okhttp") != null) {
        double ratio = num(out.get("throughput ratio steadysocket/okhttp"), "median");
        results.verdict(new Results.Verdict("2-" + size, "Outbound throughput via send, " + size,
            ratioText(out.get("throughput ratio steadysocket/okhttp")),
            "≥ 0.95", ratio >= 0.95, JAR + q + " --only outbound", ""));
      }
    }
    Map<String, Object> rtt = (Map<String, Object>) f.get("rtt_small");
    if (rtt != null && rtt.get("p50 ratio steadysocket/okhttp") != null) {
      double r50 = num(rtt.get("p50 ratio steadysocket/okhttp"), "median");
      double r99 = num(rtt.get("p99 ratio steadysocket/okhttp"), "median");
      results.verdict(new Results.Verdict("3", "Echo round trip p50 (p99)",
          ratioText(rtt.get("p50 ratio steadysocket/okhttp")) + fmt("; p99 %.2f", r99), "p50 ≤ 1.10",
          r50 <= 1.10, JAR + q + " --only rtt", ""));
    }
    for (String size : List.of("small", "medium")) {
      Map<String, Object> a = (Map<String, Object>) f.get("alloc_" + size);
      if (a != null && a.get("allocation per received message ratio steadysocket/okhttp") != null) {
        double r = num(a.get("allocation per received message ratio steadysocket/okhttp"), "ratio_of_means");
        results.verdict(new Results.Verdict("4-" + size, "Allocation per received message, " + size,
            fmt("%.3f", r), "≤ 1.2", r <= 1.2, JAR + q + " --only inbound", ""));
      }
    }
    Map<String, Object> scale = (Map<String, Object>) f.get("scale");
    if (scale != null && scale.get("steadysocket") instanceof Map) {
      Map<String, Object> s = (Map<String, Object>) scale.get("steadysocket");
      Map<String, Object> o = (Map<String, Object>) scale.get("okhttp");
      int open = ((Number) s.get("open")).intValue();
      int req = ((Number) s.get("requested")).intValue();
      double heap = ((Number) s.get("heap_per_socket_kib")).doubleValue();
      double okHeap = o == null ? Double.NaN : ((Number) o.get("heap_per_socket_kib")).doubleValue();
      results.verdict(new Results.Verdict("5", "Scale: open sockets, heap per idle socket",
          fmt("%d/%d OPEN, %.1f KiB%s, %.2f threads/socket", open, req, heap,
              Double.isNaN(okHeap) ? "" : fmt(" (raw OkHttp %.1f KiB)", okHeap),
              ((Number) s.get("threads_per_socket")).doubleValue()),
          "all OPEN, ≤ 32 KiB", open == req && heap <= 32, JAR + " --only scale", ""));
    }
    Map<String, Object> storm = (Map<String, Object>) f.get("storm");
    if (storm != null && storm.get("peak_100ms_share") != null) {
      double share = ((Number) storm.get("peak_100ms_share")).doubleValue();
      results.verdict(new Results.Verdict("6", "Reconnect storm: peak share of attempts in 100 ms",
          fmt("%.1f %% (all OPEN %.1f s after restart)", share * 100,
              ((Number) storm.get("seconds_from_restart_to_all_open")).doubleValue()),
          "≤ 5 %", share <= 0.05, JAR + " --only storm", ""));
    }
    Map<String, Object> dl = (Map<String, Object>) f.get("deadlink");
    if (dl != null && dl.get("detection_ms") != null) {
      int n = ((Number) dl.get("sockets")).intValue();
      int within = ((Number) dl.get("within_bound")).intValue();
      int detected = ((Number) dl.get("detected")).intValue();
      Map<String, Object> p = (Map<String, Object>) dl.get("detection_ms");
      results.verdict(new Results.Verdict("7", "Dead-link detection vs interval + timeout",
          fmt("%d/%d within %s ms (p50 %.0f, max %.0f ms)", within, n, dl.get("bound_ms"),
              ((Number) p.get("p50")).doubleValue(), ((Number) p.get("max")).doubleValue()),
          "all ≤ bound", within == n && detected == n, JAR + q + " --only deadlink", ""));
    }
  }

  /** "median (mean ± stdev, n pairs)" of paired per-iteration ratios. */
  static String ratioText(Object ratio) {
    return fmt("%.3f (mean %.3f ± %.3f, %d pairs)", num(ratio, "median"), num(ratio, "mean"), num(ratio, "stdev"),
        (int) num(ratio, "n"));
  }

  @SuppressWarnings("unchecked")
  static double num(Object map, String key) {
    if (!(map instanceof Map)) return Double.NaN;
    Object v = ((Map<String, Object>) map).get(key);
    return v instanceof Number ? ((Number) v).doubleValue() : Double.NaN;
  }

  static String fmt(String f, Object... args) {
    return String.format(Locale.ROOT, f, args);
  }
}
