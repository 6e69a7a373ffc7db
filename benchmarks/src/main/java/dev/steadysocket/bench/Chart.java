package dev.steadysocket.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** A hand-written SVG of the run: ratios against targets, then one panel per figure. */
final class Chart {
  private static final String[] COLORS = {"#7f8c8d", "#2e86de", "#e67e22", "#27ae60", "#8e44ad"};
  private static final int W = 480, H = 240, GAP = 20;

  private final StringBuilder svg = new StringBuilder();

  private Chart() {}

  @SuppressWarnings("unchecked")
  static String render(Results results) {
    Chart c = new Chart();
    Map<String, Object> f = results.figures;
    int width = 2 * W + 3 * GAP;
    int height = 60 + 5 * (H + GAP);
    c.svg.append(String.format(Locale.ROOT,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" font-family=\"sans-serif\" font-size=\"11\">%n", width, height));
    c.svg.append("<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n");
    Map<String, Object> machine = (Map<String, Object>) results.json.get("machine");
    c.text(GAP, 24, "SteadySocket benchmarks (" + results.json.get("mode") + "): " + machine.get("cpu") + ", "
        + machine.get("cores") + " cores, " + machine.get("jvm"), 14, "start", "bold");
    c.text(GAP, 44, "Bars: mean over iterations, whiskers: ± stdev. Dashed line: server alone (no-op client) where it fits."
        + " steadysocket-inline: diagnostic, callbacks on the reader thread.", 11, "start", "");

    // Row 0: ratios against targets.
    List<String> labels = new ArrayList<>();
    List<Double> values = new ArrayList<>();
    List<Double> targets = new ArrayList<>();
    for (Results.Verdict v : results.verdicts) {
      double r = leadingNumber(v.measured());
      if (Double.isNaN(r) || !(v.id().startsWith("1") || v.id().startsWith("2") || v.id().startsWith("3") || v.id().startsWith("4"))) continue;
      labels.add(v.id() + " " + v.figure().replace("Allocation per received message", "Alloc/msg")
          .replace("Outbound throughput via send", "Outbound").replace("Inbound throughput", "Inbound"));
      values.add(r);
      targets.add(leadingNumber(v.target().replace("≥ ", "").replace("≤ ", "").replace("p50 ", "")));
    }
    c.ratios(GAP, 60, 2 * W + GAP, H, labels, values, targets);

    int y = 60 + H + GAP;
    c.peerBars(GAP, y, (Map<String, Object>) f.get("inbound_small"), "throughput (msgs/s)", "Inbound, ~100 B envelopes (msgs/s)");
    c.peerBars(2 * GAP + W, y, (Map<String, Object>) f.get("inbound_medium"), "throughput (msgs/s)", "Inbound, ~4 KB envelopes (msgs/s)");
    y += H + GAP;
    c.peerBars(GAP, y, (Map<String, Object>) f.get("outbound_small"), "throughput (msgs/s)", "Outbound via send, ~100 B (msgs/s)");
    c.peerBars(2 * GAP + W, y, (Map<String, Object>) f.get("outbound_medium"), "throughput (msgs/s)", "Outbound via send, ~4 KB (msgs/s)");
    y += H + GAP;
    c.peerBars(GAP, y, (Map<String, Object>) f.get("rtt_small"), "p50 (us)", "Echo round trip p50 (µs), lower is better");
    c.peerBars(2 * GAP + W, y, (Map<String, Object>) f.get("alloc_small"), "allocation per received message (B/msg)", "Allocated per received message, ~100 B (bytes)");
    y += H + GAP;
    Map<String, Object> storm = (Map<String, Object>) f.get("storm");
    if (storm != null && storm.get("attempts_per_100ms_since_drop") != null) {
      List<Number> hist = (List<Number>) (List<?>) toList(storm.get("attempts_per_100ms_since_drop"));
      c.histogram(GAP, y, hist, ((Number) storm.get("clients")).intValue(),
          ((Number) storm.get("restart_at_ms")).doubleValue() / 100.0,
          "Reconnect storm: attempts per 100 ms after the drop (" + storm.get("clients") + " clients)");
    } else {
      c.empty(GAP, y, "Reconnect storm (not run)");
    }
    Map<String, Object> dl = (Map<String, Object>) f.get("deadlink");
    if (dl != null && dl.get("detection_ms_sorted") != null) {
      c.cdf(2 * GAP + W, y, toList(dl.get("detection_ms_sorted")), ((Number) dl.get("bound_ms")).doubleValue(),
          "Half-open detection time (ms), sorted; red: interval + timeout");
    } else {
      c.empty(2 * GAP + W, y, "Dead-link detection (not run)");
    }
    c.svg.append("</svg>\n");
    return c.svg.toString();
  }

  static List<Number> toList(Object o) {
    List<Number> out = new ArrayList<>();
    if (o instanceof int[] a) for (int v : a) out.add(v);
    else if (o instanceof double[] a) for (double v : a) out.add(v);
    else if (o instanceof List<?> l) for (Object v : l) out.add((Number) v);
    return out;
  }

  static double leadingNumber(String s) {
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("-?[0-9]+(\\.[0-9]+)?").matcher(s);
    return m.find() ? Double.parseDouble(m.group()) : Double.NaN;
  }

  private void frame(int x, int y, int w, int h, String title) {
    svg.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"#fbfbfb\" stroke=\"#ddd\"/>%n", x, y, w, h));
    text(x + 8, y + 16, title, 12, "start", "bold");
  }

  private void empty(int x, int y, String title) {
    frame(x, y, W, H, title);
  }

  private void ratios(int x, int y, int w, int h, List<String> labels, List<Double> values, List<Double> targets) {
    frame(x, y, w, h, "SteadySocket / raw OkHttp, same run (black tick: target)");
    if (values.isEmpty()) return;
    double max = 1.3;
    for (double v : values) max = Math.max(max, v * 1.05);
    int left = x + 230, right = x + w - 20, top = y + 28;
    double rowH = (h - 40.0) / values.size();
    for (double g = 0; g <= max; g += 0.25) {
      double gx = left + (right - left) * g / max;
      line(gx, top, gx, y + h - 10, g == 1.0 ? "#999" : "#eee", false);
      text((int) gx, y + h - 1, String.format(Locale.ROOT, "%.2f", g), 9, "middle", "");
    }
    for (int i = 0; i < values.size(); i++) {
      double by = top + i * rowH + 2;
      double v = values.get(i);
      double t = targets.get(i);
      boolean higherIsBetter = labels.get(i).startsWith("1") || labels.get(i).startsWith("2");
      boolean met = higherIsBetter ? v >= t : v <= t;
      rect(left, by, (right - left) * v / max, rowH - 5, met ? "#27ae60" : "#c0392b");
      double tx = left + (right - left) * t / max;
      line(tx, by - 2, tx, by + rowH - 3, "#000", false);
      text(left - 6, (int) (by + rowH / 2 + 2), labels.get(i), 11, "end", "");
      text((int) (left + (right - left) * v / max + 4), (int) (by + rowH / 2 + 2), String.format(Locale.ROOT, "%.3f", v), 10, "start", "");
    }
  }

  @SuppressWarnings("unchecked")
  private void peerBars(int x, int y, Map<String, Object> sec, String metricKey, String title) {
    frame(x, y, W, H, title);
    if (sec == null || !(sec.get(metricKey) instanceof Map)) {
      text(x + W / 2, y + H / 2, "not run", 12, "middle", "");
      return;
    }
    Map<String, Object> peers = (Map<String, Object>) sec.get(metricKey);
    double serverMax = Verdicts.num(sec.get("server_max_msgs_per_s"), "mean");
    List<String> names = new ArrayList<>(peers.keySet());
    double max = 0;
    for (String n : names) max = Math.max(max, Verdicts.num(peers.get(n), "mean") + Verdicts.num(peers.get(n), "stdev"));
    boolean showServer = !Double.isNaN(serverMax) && serverMax < max * 1.6;
    if (showServer) max = Math.max(max, serverMax);
    max *= 1.12;
    int left = x + 50, right = x + W - 15, top = y + 30, bottom = y + H - 30;
    for (int g = 0; g <= 4; g++) {
      double gy = bottom - (bottom - top) * g / 4.0;
      line(left, gy, right, gy, "#eee", false);
      text(left - 4, (int) gy + 3, Report.human(max * g / 4.0), 9, "end", "");
    }
    double slot = (right - left) / (double) names.size();
    for (int i = 0; i < names.size(); i++) {
      double mean = Verdicts.num(peers.get(names.get(i)), "mean");
      double sd = Verdicts.num(peers.get(names.get(i)), "stdev");
      double bx = left + i * slot + slot * 0.15;
      double bh = (bottom - top) * mean / max;
      rect(bx, bottom - bh, slot * 0.7, bh, COLORS[Math.min(i, COLORS.length - 1)]);
      double cx = bx + slot * 0.35;
      double e1 = bottom - (bottom - top) * (mean - sd) / max, e2 = bottom - (bottom - top) * (mean + sd) / max;
      line(cx, e1, cx, e2, "#222", false);
      text((int) cx, (int) (bottom - bh - 4), Report.human(mean), 10, "middle", "");
      text((int) cx, bottom + 14, names.get(i), names.size() > 4 ? 8 : 10, "middle", "");
    }
    if (showServer) {
      double sy = bottom - (bottom - top) * serverMax / max;
      line(left, sy, right, sy, "#c0392b", true);
      text(right, (int) sy - 3, "server alone " + Report.human(serverMax), 9, "end", "");
    } else if (!Double.isNaN(serverMax)) {
      text(right, top - 2, "server alone: " + Report.human(serverMax) + " (off scale)", 9, "end", "");
    }
  }

  private void histogram(int x, int y, List<Number> bins, int clients, double restartBin, String title) {
    frame(x, y, W, H, title);
    int left = x + 40, right = x + W - 15, top = y + 30, bottom = y + H - 30;
    int n = Math.min(bins.size(), 120);
    double max = 1;
    for (int i = 0; i < n; i++) max = Math.max(max, bins.get(i).doubleValue());
    max *= 1.1;
    double bw = (right - left) / (double) n;
    for (int i = 0; i < n; i++) {
      double v = bins.get(i).doubleValue();
      double bh = (bottom - top) * v / max;
      rect(left + i * bw, bottom - bh, Math.max(1, bw - 1), bh, "#2e86de");
    }
    double fivePct = 0.05 * bins.stream().mapToDouble(Number::doubleValue).sum();
    double fy = bottom - (bottom - top) * fivePct / max;
    if (fivePct < max) {
      line(left, fy, right, fy, "#c0392b", true);
      text(right, (int) fy - 3, "5 % of all attempts", 9, "end", "");
    }
    double rx = left + restartBin * bw;
    line(rx, top, rx, bottom, "#27ae60", true);
    text((int) rx + 3, top + 10, "server back", 9, "start", "");
    text(left - 4, top + 4, String.format(Locale.ROOT, "%.0f", max), 9, "end", "");
    text((left + right) / 2, bottom + 16, "time since the drop (100 ms bins, first " + n / 10.0 + " s)", 10, "middle", "");
  }

  private void cdf(int x, int y, List<Number> sortedMs, double boundMs, String title) {
    frame(x, y, W, H, title);
    int left = x + 45, right = x + W - 15, top = y + 30, bottom = y + H - 30;
    double max = boundMs * 1.25;
    for (Number v : sortedMs) max = Math.max(max, v.doubleValue() * 1.05);
    StringBuilder pts = new StringBuilder();
    for (int i = 0; i < sortedMs.size(); i++) {
      double px = left + (right - left) * i / Math.max(1.0, sortedMs.size() - 1);
      double py = bottom - (bottom - top) * sortedMs.get(i).doubleValue() / max;
      pts.append(String.format(Locale.ROOT, "%.1f,%.1f ", px, py));
    }
    svg.append("<polyline fill=\"none\" stroke=\"#2e86de\" stroke-width=\"2\" points=\"").append(pts).append("\"/>\n");
    double by = bottom - (bottom - top) * boundMs / max;
    line(left, by, right, by, "#c0392b", true);
    text(right, (int) by - 3, String.format(Locale.ROOT, "bound %.0f ms", boundMs), 9, "end", "");
    for (int g = 0; g <= 4; g++) {
      double gy = bottom - (bottom - top) * g / 4.0;
      text(left - 4, (int) gy + 3, String.format(Locale.ROOT, "%.0f", max * g / 4), 9, "end", "");
    }
    text((left + right) / 2, bottom + 16, "sockets, fastest to slowest detection", 10, "middle", "");
  }

  private void rect(double x, double y, double w, double h, String fill) {
    svg.append(String.format(Locale.ROOT, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\"/>%n", x, y, Math.max(0, w), Math.max(0, h), fill));
  }

  private void line(double x1, double y1, double x2, double y2, String stroke, boolean dashed) {
    svg.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\"%s/>%n",
        x1, y1, x2, y2, stroke, dashed ? " stroke-dasharray=\"5,3\"" : ""));
  }

  private void text(int x, int y, String s, int size, String anchor, String weight) {
    svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" font-size=\"%d\" text-anchor=\"%s\"%s>%s</text>%n",
        x, y, size, anchor, weight.isEmpty() ? "" : " font-weight=\"" + weight + "\"", escape(s)));
  }

  static String escape(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
  }
}
