package dev.steadysocket.bench.jmh;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.profile.InternalProfiler;
import org.openjdk.jmh.results.AggregationPolicy;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.ScalarResult;

/**
 * CPU time of the benchmark's own threads per operation ({@code ·cpu.time.norm}, ns/op), beside
 * JMH's wall-clock score: on a shared machine a thread waiting for a core inflates the score, not
 * this. Counts every operation the worker ran (warmup and warmdown of the iteration too, as
 * {@code -prof gc} normalises), and only the worker threads: GC and JIT threads are left out
 * ({@code -prof gc} shows allocation). Use: {@code -prof dev.steadysocket.bench.jmh.CpuTimeProfiler}.
 */
public final class CpuTimeProfiler implements InternalProfiler {
  private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
  private Map<Long, Long> before = Map.of();

  @Override
  public String getDescription() {
    return "CPU time of the JMH worker threads per operation";
  }

  @Override
  public void beforeIteration(BenchmarkParams benchmarkParams, IterationParams iterationParams) {
    before = workerCpu();
  }

  @Override
  public List<Result> afterIteration(
      BenchmarkParams benchmarkParams, IterationParams iterationParams, IterationResult result) {
    long cpu = 0;
    for (Map.Entry<Long, Long> t : workerCpu().entrySet()) cpu += t.getValue() - before.getOrDefault(t.getKey(), 0L);
    long ops = result.getMetadata().getAllOps();
    if (ops <= 0) return List.of();
    return List.of(new ScalarResult("cpu.time.norm", (double) cpu / ops, "ns/op", AggregationPolicy.AVG));
  }

  /** CPU nanoseconds so far of each live JMH worker thread, by id. */
  private Map<Long, Long> workerCpu() {
    Map<Long, Long> cpu = new HashMap<>();
    for (ThreadInfo info : threads.getThreadInfo(threads.getAllThreadIds())) {
      if (info == null || !info.getThreadName().contains("-jmh-worker-")) continue;
      long ns = threads.getThreadCpuTime(info.getThreadId());
      if (ns >= 0) cpu.put(info.getThreadId(), ns);
    }
    return cpu;
  }
}
