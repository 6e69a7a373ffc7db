package dev.steadysocket.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Writes results.json, results.csv, table.md and chart.svg. */
public final class Report {
  private Report() {}

  public static void write(Results results, Config config, Path dir) throws IOException {
    Files.createDirectories(dir);
    Verdicts.compute(results, config.quick ? "quick" : "full");
    results.verdicts.sort(java.util.Comparator.comparing(Results.Verdict::id));
    results.json.put("verdicts", results.verdicts);
    ObjectMapper m = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    Files.writeString(dir.resolve("results.json"), m.writeValueAsString(results.json), StandardCharsets.UTF_8);
    StringBuilder csv = new StringBuilder("figure,peer,metric,unit,mean,stdev,n\n");
    for (Results.Row r : results.rows) {
      csv.append(String.format(Locale.ROOT, "%s,%s,%s,%s,%s,%s,%d%n", r.figure(), quote(r.peer()), quote(r.metric()),
          r.unit(), Stats.round(r.mean()), Stats.round(r.stdev()), r.n()));
    }
    Files.writeString(dir.resolve("results.csv"), csv, StandardCharsets.UTF_8);
    String table = table(results);
    Files.writeString(dir.resolve("table.md"), table, StandardCharsets.UTF_8);
    String svg = Chart.render(results);
    Files.writeString(dir.resolve("chart.svg"), svg, StandardCharsets.UTF_8);
    ChartPng.write(svg, dir.resolve("chart.png"));
    System.out.println();
    System.out.println(table);
    System.out.println("wrote " + dir.toAbsolutePath() + "/{results.json,results.csv,table.md,chart.svg,chart.png}");
  }

  /** Re-renders table.md, chart.svg and chart.png from a results directory (after editing the code). */
  @SuppressWarnings("unchecked")
  public static void replot(Path dir) throws IOException {
    Map<String, Object> json = new ObjectMapper().readValue(dir.resolve("results.json").toFile(), Map.class);
    Results results = new Results();
    results.json.putAll(json);
    results.figures.putAll((Map<String, Object>) json.get("figures"));
    results.json.put("figures", results.figures);
    for (Map<String, Object> v : (List<Map<String, Object>>) json.getOrDefault("verdicts", List.of())) {
      results.verdicts.add(new Results.Verdict((String) v.get("id"), (String) v.get("figure"), (String) v.get("measured"),
          (String) v.get("target"), (Boolean) v.get("met"), (String) v.get("command"), (String) v.get("note")));
    }
    List<String> lines = Files.readAllLines(dir.resolve("results.csv"));
    for (String line : lines.subList(1, lines.size())) {
      List<String> f = new java.util.ArrayList<>();
      java.util.regex.Matcher m = java.util.regex.Pattern.compile("\"([^\"]*)\"|([^,]+)").matcher(line);
      while (m.find()) f.add(m.group(1) != null ? m.group(1) : m.group(2));
      results.rows.add(new Results.Row(f.get(0), f.get(1), f.get(2), f.get(3), Double.parseDouble(f.get(4)),
          Double.parseDouble(f.get(5)), Integer.parseInt(f.get(6))));
    }
    Files.writeString(dir.resolve("table.md"), table(results), StandardCharsets.UTF_8);
    String svg = Chart.render(results);
    Files.writeString(dir.resolve("chart.svg"), svg, StandardCharsets.UTF_8);
    ChartPng.write(svg, dir.resolve("chart.png"));
  }

  @SuppressWarnings("unchecked")
  static String table(Results results) {
    StringBuilder b = new StringBuilder();
    b.append("### Targets: SteadySocket measured against raw OkHttp in the same run\n\n");
    b.append("Ratios are per iteration (SteadySocket and raw OkHttp run back to back), summarised by the median, which\n"
        + "other load on the machine moves least; mean ± stdev beside it.\n\n");
    b.append("| # | Figure | Measured (SteadySocket / raw OkHttp unless stated) | Target | Result | Reproduce |\n");
    b.append("|---|---|---|---|---|---|\n");
    for (Results.Verdict v : results.verdicts) {
      String res = v.met() == null ? "–" : v.met() ? "met" : "**missed**";
      if (!v.note().isEmpty()) res += " (" + v.note() + ")";
      b.append(String.format("| %s | %s | %s | %s | %s | `%s` |%n", v.id(), v.figure(), v.measured(), v.target(), res, v.command()));
    }
    Map<String, Object> f = results.figures;
    b.append("\n### Absolute figures (mean ± stdev over iterations; peers run one after another, interleaved)\n\n");
    b.append("| Figure | Peer | Metric | Value |\n|---|---|---|---|\n");
    for (Results.Row r : results.rows) {
      if (r.figure().equals("jmh")) continue;
      String value = r.n() > 1
          ? String.format(Locale.ROOT, "%s ± %s %s", human(r.mean()), human(r.stdev()), r.unit())
          : String.format(Locale.ROOT, "%s %s", human(r.mean()), r.unit());
      b.append(String.format("| %s | %s | %s | %s |%n", r.figure(), r.peer(), r.metric(), value));
    }
    observers(b, f);
    Map<String, Object> jmh = (Map<String, Object>) f.get("jmh");
    if (jmh != null) {
      b.append("\n### JMH (one thread, no I/O): ns/op, CPU ns/op and B/op\n\n| Benchmark | ns/op | CPU ns/op | B/op |\n|---|---|---|---|\n");
      for (Map.Entry<String, Object> e : jmh.entrySet()) {
        if (!(e.getValue() instanceof Map)) continue;
        Map<String, Object> v = (Map<String, Object>) e.getValue();
        b.append(String.format(Locale.ROOT, "| %s | %s ± %s | %s | %s |%n", e.getKey(), human(Verdicts.num(v, "ns_per_op")),
            human(Verdicts.num(v, "ns_per_op_error")), human(Verdicts.num(v, "cpu_ns_per_op")),
            human(Verdicts.num(v, "bytes_per_op"))));
      }
    }
    Map<String, Object> machine = (Map<String, Object>) results.json.get("machine");
    b.append("\nMachine: ").append(machine.get("cpu")).append(", ").append(machine.get("cores")).append(" cores, ")
        .append(machine.get("memory_gib")).append(" GiB; ").append(machine.get("os")).append("; ")
        .append(machine.get("jvm")).append("; OkHttp ").append(machine.get("okhttp")).append(", Jackson ")
        .append(machine.get("jackson")).append(", Java-WebSocket ").append(machine.get("java_websocket"))
        .append(". Load average during the run: ").append(results.json.get("load_average")).append(".\n");
    b.append("Command: `").append(results.json.get("command")).append("` (mode ").append(results.json.get("mode"))
        .append(", ").append(results.json.get("elapsed_s")).append(" s).\n");
    return b.toString();
  }

  /**
   * When observed peers ran: each SteadySocket peer's ratio to raw OkHttp and each observer's cost
   * per message over {@code steadysocket}, both paired per iteration.
   */
  @SuppressWarnings("unchecked")
  static void observers(StringBuilder b, Map<String, Object> figures) {
    StringBuilder rows = new StringBuilder();
    java.util.regex.Pattern ratioKey = java.util.regex.Pattern.compile("(.+) ratio (steadysocket(\\+.+)?)/okhttp");
    for (Map.Entry<String, Object> fig : figures.entrySet()) {
      if (!(fig.getValue() instanceof Map)) continue;
      Map<String, Object> sec = (Map<String, Object>) fig.getValue();
      for (String key : sec.keySet()) {
        java.util.regex.Matcher m = ratioKey.matcher(key);
        if (!m.matches()) continue;
        String metric = m.group(1);
        String peer = m.group(2);
        Object cost = sec.get(metric + " cost " + peer + " - steadysocket");
        rows.append(String.format(Locale.ROOT, "| %s | %s | %s | %s | %s |%n", fig.getKey(), metric, peer,
            Verdicts.ratioText(sec.get(key)),
            cost == null ? "–" : String.format(Locale.ROOT, "%+.0f %s (mean %+.0f ± %.0f, %d pairs)",
                Verdicts.num(cost, "median"), ((Map<String, Object>) cost).get("unit"), Verdicts.num(cost, "mean"),
                Verdicts.num(cost, "stdev"), (int) Verdicts.num(cost, "n"))));
      }
    }
    if (rows.indexOf("steadysocket+") < 0) return;
    b.append("\n### Observers: ratio to raw OkHttp, and cost per message over SteadySocket without an observer\n\n");
    b.append("Both paired per iteration (the peers run back to back), summarised by the median. The cost is the\n"
        + "difference of time per message (throughput), of the round trip (rtt) or of bytes allocated per message.\n\n");
    b.append("| Figure | Metric | Peer | Ratio to raw OkHttp | Cost per message over steadysocket |\n|---|---|---|---|---|\n");
    b.append(rows);
  }

  static String human(double v) {
    if (Double.isNaN(v)) return "–";
    double a = Math.abs(v);
    if (a >= 1e6) return String.format(Locale.ROOT, "%.3g M", v / 1e6);
    if (a >= 1e4) return String.format(Locale.ROOT, "%.0f k", v / 1e3);
    if (a >= 100) return String.format(Locale.ROOT, "%.0f", v);
    if (a >= 1) return String.format(Locale.ROOT, "%.2f", v);
    return String.format(Locale.ROOT, "%.3g", v);
  }

  static String quote(String s) {
    return s.contains(",") || s.contains(" ") ? "\"" + s + "\"" : s;
  }

  static List<String> peerOrder() {
    return List.of("okhttp", "steadysocket", "jdk", "java-websocket");
  }
}
