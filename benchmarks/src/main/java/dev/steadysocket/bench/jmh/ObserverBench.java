package dev.steadysocket.bench.jmh;

import dev.steadysocket.Envelope;
import dev.steadysocket.SteadySocketListener;
import dev.steadysocket.bench.Payloads;
import dev.steadysocket.bench.peers.Instrumentation;
import dev.steadysocket.testing.FakeServer;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * {@link DispatchBench}'s {@code steadyReceive} and {@code steadySend} with an observer installed:
 * the CPU cost of each {@link Instrumentation} per message on one thread, without the thread
 * hand-offs of the loopback figures. {@code none} is the same socket without an observer, measured
 * in the same run; an observer's cost per message is its score minus {@code none}'s. Small
 * envelopes only: what an observer does per message does not depend on the payload's size (its
 * byte count is computed with or without one).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class ObserverBench {
  @Param({"small"})
  public String size;

  @Param({"none", "counting", "micrometer", "otel", "otel-receive"})
  public String observer;

  private List<String> texts;
  private List<Envelope> envelopes;
  private Harness receiving, sending;
  private long sink;
  private int i;

  @Setup
  public void setUp() {
    texts = Payloads.texts(Payloads.parse(size));
    envelopes = Payloads.envelopes(Payloads.parse(size));
    Instrumentation instrumentation = Instrumentation.parse(observer);
    receiving = Harness.steady(FakeServer.inMemory(), new SteadySocketListener() {
      @Override
      public void onMessage(Envelope envelope) {
        sink += envelope.timestamp() + envelope.type().length();
      }
    }, instrumentation.factory());
    sending = Harness.steady(FakeServer.inMemory(), new SteadySocketListener() {}, instrumentation.factory()).sinkSends();
  }

  @TearDown
  public void tearDown() {
    receiving.close();
    sending.close();
  }

  @Benchmark
  @OperationsPerInvocation(Payloads.VARIANTS)
  public long steadyReceive() {
    receiving.receive(texts);
    return sink;
  }

  @Benchmark
  public Object steadySend() {
    return sending.socket.send(envelopes.get(i++ & (Payloads.VARIANTS - 1)));
  }
}
