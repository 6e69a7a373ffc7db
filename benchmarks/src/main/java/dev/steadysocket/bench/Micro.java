package dev.steadysocket.bench;

import dev.steadysocket.bench.jmh.CpuTimeProfiler;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * The JMH micro benchmarks (codec, dispatch and send paths) with the GC profiler for B/op and the
 * worker threads' CPU time per op (steadier than the score on a shared machine).
 */
public final class Micro {
  private Micro() {}

  public static void run(Results results, Config config) throws Exception {
    Options opts = new OptionsBuilder()
        .include("dev.steadysocket.bench.jmh.*")
        .forks(1)
        .warmupIterations(config.quick ? 2 : 3)
        .warmupTime(TimeValue.seconds(1))
        .measurementIterations(config.quick ? 3 : 5)
        .measurementTime(TimeValue.seconds(1))
        .addProfiler("gc")
        .addProfiler(CpuTimeProfiler.class)
        .build();
    Collection<RunResult> runs = new Runner(opts).run();
    Map<String, Object> sec = results.section("jmh");
    sec.put("command", "java -cp benchmarks/target/benchmarks.jar org.openjdk.jmh.Main 'dev.steadysocket.bench.jmh.*' -prof gc"
        + " -prof " + CpuTimeProfiler.class.getName());
    for (RunResult r : runs) {
      String name = r.getParams().getBenchmark().replace("dev.steadysocket.bench.jmh.", "") + params(r);
      Result<?> primary = r.getPrimaryResult();
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("ns_per_op", Stats.round(primary.getScore()));
      m.put("ns_per_op_error", Stats.round(primary.getScoreError()));
      Result<?> alloc = r.getSecondaryResults().get("gc.alloc.rate.norm");
      if (alloc != null) m.put("bytes_per_op", Stats.round(alloc.getScore()));
      Result<?> cpu = r.getSecondaryResults().get("cpu.time.norm");
      if (cpu != null) m.put("cpu_ns_per_op", Stats.round(cpu.getScore()));
      sec.put(name, m);
      results.row("jmh", name, "time", "ns/op", primary.getScore());
      if (alloc != null) results.row("jmh", name, "allocation", "B/op", alloc.getScore());
      if (cpu != null) results.row("jmh", name, "CPU time", "ns/op", cpu.getScore());
    }
  }

  /** {@code [small]}, or with more parameters {@code [small,counting]}: the size first, then the rest; none: "". */
  static String params(RunResult r) {
    java.util.List<String> values = new java.util.ArrayList<>();
    String size = r.getParams().getParam("size");
    if (size != null) values.add(size);
    for (String key : r.getParams().getParamsKeys()) {
      if (!key.equals("size")) values.add(r.getParams().getParam(key));
    }
    return values.isEmpty() ? "" : "[" + String.join(",", values) + "]";
  }
}
