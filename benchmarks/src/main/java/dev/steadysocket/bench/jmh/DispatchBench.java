package dev.steadysocket.bench.jmh;

import dev.steadysocket.Envelope;
import dev.steadysocket.SteadySocketListener;
import dev.steadysocket.bench.Codec;
import dev.steadysocket.bench.Payloads;
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
 * The per-message path on one thread. {@code rawReceive} is what the raw OkHttp peer does in
 * onMessage (decode, then the consumer). The other receive figures carry each frame over the test
 * kit's in-memory link (one clock task per frame, in batches of {@link Payloads#VARIANTS} with one
 * clock run per batch): {@code rawReceiveOnLink} does the raw peer's work there, {@code
 * steadyReceive} takes SteadySocket's reader-thread path (default codec on the same mapper;
 * Connection.onText, Inbound, metrics, ListenerBus, SerialExecutor) to the same consumer. The
 * wrapper's CPU cost per message is {@code steadyReceive - rawReceiveOnLink};
 * {@code rawReceiveOnLink - rawReceive} is the link's, a cost of the test rig only. {@code rawSend}
 * encodes; {@code steadySend} is SteadySocket.send up to the transport (the link, which drops the
 * frame where it enters). No cross-thread hand-offs, which the loopback figures include.
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
  private Harness steady, rawOnLink, sending;
  private long sink, sent;
  private int i;

  @Setup
  public void setUp() {
    texts = Payloads.texts(Payloads.parse(size));
    envelopes = Payloads.envelopes(Payloads.parse(size));
    steady = Harness.steady(FakeServer.inMemory(), new SteadySocketListener() {
      @Override
      public void onMessage(Envelope envelope) {
        consume(envelope);
      }
    });
    rawOnLink = Harness.rawOnLink(FakeServer.inMemory(), this::consume);
    sending = Harness.steady(FakeServer.inMemory(), new SteadySocketListener() {}).sinkSends();
  }

  @TearDown
  public void tearDown() {
    steady.close();
    rawOnLink.close();
    sending.close();
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
  @OperationsPerInvocation(Payloads.VARIANTS)
  public long rawReceiveOnLink() {
    rawOnLink.receive(texts);
    return sink;
  }

  @Benchmark
  @OperationsPerInvocation(Payloads.VARIANTS)
  public long steadyReceive() {
    steady.receive(texts);
    return sink;
  }

  @Benchmark
  public long rawSend() {
    sent += Codec.CODEC.encode(envelopes.get(i++ & (Payloads.VARIANTS - 1))).length();
    return sent;
  }

  @Benchmark
  public Object steadySend() {
    return sending.socket.send(envelopes.get(i++ & (Payloads.VARIANTS - 1)));
  }
}
