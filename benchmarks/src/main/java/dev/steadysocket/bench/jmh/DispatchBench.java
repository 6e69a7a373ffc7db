package dev.steadysocket.bench.jmh;

import dev.steadysocket.Envelope;
import dev.steadysocket.SteadySocketListener;
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

/**
 * The per-message path on one thread. {@code rawReceive} is what the raw OkHttp peer does in
 * onMessage (decode, then the consumer); {@code steadyReceive} is the same frame through
 * SteadySocket's reader-thread path (default codec on the same mapper; ConnectionLoop.onText, metrics, Connection ordering,
 * ListenerBus, SerialExecutor) to the same consumer. {@code rawSend} encodes; {@code steadySend}
 * is SteadySocket.send up to the transport. The difference is the wrapper's CPU cost per message,
 * without the cross-thread hand-offs the loopback figures include.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class DispatchBench {
  @Param({"small", "medium"})
  public String size;

  private List<String> texts;
  private List<Envelope> envelopes;
  private Harness harness;
  private long sink;
  private int i;

  @Setup
  public void setUp() {
    texts = Payloads.texts(Payloads.parse(size));
    envelopes = Payloads.envelopes(Payloads.parse(size));
    harness = new Harness(new SteadySocketListener() {
      @Override
      public void onMessage(Envelope envelope) {
        consume(envelope);
      }
    });
  }

  void consume(Envelope e) {
    sink += e.timestamp() + e.type().length();
  }

  @Benchmark
  public long rawReceive() {
    consume(Codec.CODEC.decode(texts.get(i++ & (Payloads.VARIANTS - 1))));
    return sink;
  }

  @Benchmark
  public long steadyReceive() {
    harness.reader.onText(texts.get(i++ & (Payloads.VARIANTS - 1)));
    return sink;
  }

  @Benchmark
  public long rawSend() {
    harness.transport.send(Codec.CODEC.encode(envelopes.get(i++ & (Payloads.VARIANTS - 1))));
    return harness.transport.sent;
  }

  @Benchmark
  public Object steadySend() {
    return harness.socket.send(envelopes.get(i++ & (Payloads.VARIANTS - 1)));
  }
}
