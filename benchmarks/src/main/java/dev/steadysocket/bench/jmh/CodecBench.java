package dev.steadysocket.bench.jmh;

import dev.steadysocket.Envelope;
import dev.steadysocket.bench.Codec;
import dev.steadysocket.bench.Payloads;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/** The envelope codec alone: the per-message work every peer does, whatever the transport. */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class CodecBench {
  @Param({"small", "medium"})
  public String size;

  private List<String> texts;
  private List<Envelope> envelopes;
  private int i;

  @Setup
  public void setUp() {
    texts = Payloads.texts(Payloads.parse(size));
    envelopes = Payloads.envelopes(Payloads.parse(size));
  }

  @Benchmark
  public Envelope decode() {
    return Codec.CODEC.decode(texts.get(i++ & (Payloads.VARIANTS - 1)));
  }

  @Benchmark
  public String encode() {
    return Codec.CODEC.encode(envelopes.get(i++ & (Payloads.VARIANTS - 1)));
  }
}
