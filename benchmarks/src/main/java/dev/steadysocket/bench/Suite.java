package dev.steadysocket.bench;

import dev.steadysocket.bench.Payloads.Size;
import dev.steadysocket.bench.peers.Peer;
import dev.steadysocket.bench.server.LoopbackServer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Runs the benchmark figures and writes results.json, results.csv, table.md and chart.svg.
 *
 * <pre>
 * java -jar benchmarks/target/benchmarks.jar [--quick] [--only inbound,outbound,rtt,scale,storm,deadlink,jmh]
 *     [--peers okhttp,steadysocket,jdk,java-websocket,steadysocket-inline,steadysocket+counting,…|observed]
 *     [--iterations N] [--sockets N]
 *     [--storm-backoff SECONDS]
 *     [--out benchmarks/results]
 * </pre>
 */
public final class Suite {
  static final List<String> ALL = List.of("inbound", "outbound", "rtt", "scale", "storm", "deadlink", "jmh");

  /** The 1/5/15-minute load averages: other work on the machine shows here. */
  static String loadAverage() {
    try {
      String[] f = java.nio.file.Files.readString(Path.of("/proc/loadavg")).trim().split(" ");
      return f[0] + "/" + f[1] + "/" + f[2];
    } catch (Exception e) {
      return "n/a";
    }
  }

  public static void main(String[] args) throws Exception {
    // SteadySocket logs each connect and close at INFO; thousands of them would drown the figures.
    System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", System.getProperty("bench.log", "warn"));
    boolean quick = false;
    Set<String> only = new LinkedHashSet<>(ALL);
    List<Peer> peers = new ArrayList<>(Peer.withDiagnostics());
    Path out = Path.of("benchmarks/results");
    int iterations = -1;
    int sockets = -1;
    java.time.Duration stormBackoff = null;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--quick" -> quick = true;
        case "--only" -> only = new LinkedHashSet<>(Arrays.asList(args[++i].split(",")));
        case "--peers" -> {
          peers.clear();
          for (String p : args[++i].split(",")) {
            if (p.equals("observed")) peers.addAll(Peer.observed());
            else peers.add(Peer.byName(p));
          }
        }
        case "--out" -> out = Path.of(args[++i]);
        case "--replot" -> {
          Report.replot(Path.of(args[++i]));
          return;
        }
        case "--iterations" -> iterations = Integer.parseInt(args[++i]);
        case "--sockets" -> sockets = Integer.parseInt(args[++i]);
        case "--storm-backoff" -> stormBackoff = java.time.Duration.ofSeconds(Long.parseLong(args[++i]));
        default -> throw new IllegalArgumentException("unknown argument " + args[i]);
      }
    }
    Config config = Config.of(quick);
    if (iterations > 0) {
      config.iterations = iterations;
      config.rttIterations = iterations;
    }
    if (sockets > 0) config.scaleSockets = sockets;
    config.stormInitialBackoff = stormBackoff;
    Results results = new Results();
    results.json.put("machine", Machine.describe());
    results.json.put("mode", quick ? "quick" : "full");
    results.json.put("command", "java -jar benchmarks/target/benchmarks.jar " + String.join(" ", args));
    long started = System.nanoTime();
    String loadAverage = loadAverage();
    try (LoopbackServer server = LoopbackServer.start()) {
      Loopback loopback = new Loopback(server, config, peers);
      if (only.contains("inbound")) {
        loopback.inbound(results, Size.SMALL);
        loopback.inbound(results, Size.MEDIUM);
      }
      if (only.contains("outbound")) {
        loopback.outbound(results, Size.SMALL);
        loopback.outbound(results, Size.MEDIUM);
      }
      if (only.contains("rtt")) loopback.rtt(results);
    }
    if (only.contains("scale")) Scale.run(results, config);
    if (only.contains("storm")) Storm.run(results, config);
    if (only.contains("deadlink")) DeadLink.run(results, config);
    if (only.contains("jmh")) Micro.run(results, config);
    results.json.put("load_average", loadAverage + " at start, " + loadAverage() + " at end");
    results.json.put("elapsed_s", Stats.round((System.nanoTime() - started) / 1e9));
    Report.write(results, config, out);
  }
}
