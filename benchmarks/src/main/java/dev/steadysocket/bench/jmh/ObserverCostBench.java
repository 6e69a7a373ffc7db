package dev.steadysocket.bench.jmh;

import dev.steadysocket.Envelope;
import dev.steadysocket.SocketObserver;
import dev.steadysocket.SteadySocket;
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
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * An observer's own work per message, without the socket around it: the events one message causes,
 * called on the observer a socket installed ({@code received}: {@code messageReceived}; {@code
 * sent}: {@code beforeSend}, {@code messageQueued}, {@code messageWritten}). {@code none} is {@link
 * SocketObserver#NONE}, the loop's own cost, to subtract. {@link ObserverBench} measures the same
 * through a real socket, where an observer also makes the socket read its clock twice a message
 * (the latencies it reports: {@code twoClockReads}) and the funnel call it; this one's figures
 * are small and steady enough to resolve on a busy machine, that one's are not.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class ObserverCostBench {
  /** One socket's observer, as its factory created it during {@code build()}. */
  @State(Scope.Thread)
  public static class Observed {
    @Param({"none", "counting", "micrometer", "otel", "otel-receive"})
    public String observer;

    SocketObserver target;
    List<Envelope> envelopes;
    long[] bytes;
    int i;
    private FakeServer server;
    private SteadySocket socket;

    @Setup
    public void setUp() {
      envelopes = Payloads.envelopes(Payloads.Size.SMALL);
      List<String> texts = Payloads.texts(Payloads.Size.SMALL);
      bytes = new long[texts.size()];
      for (int k = 0; k < bytes.length; k++) bytes[k] = texts.get(k).length();
      server = FakeServer.inMemory();
      SocketObserver.Factory factory = Instrumentation.parse(observer).factory();
      SocketObserver[] created = {SocketObserver.NONE};
      if (factory != null) {
        socket = server.newSocket().observer(s -> created[0] = factory.create(s)).build();
      } else {
        socket = server.newSocket().build();
      }
      target = created[0];
    }

    @TearDown
    public void tearDown() {
      socket.close();
      server.clock().runUntilIdle();
      server.close();
    }
  }

  @Benchmark
  public Object received(Observed o) {
    int k = o.i++ & (Payloads.VARIANTS - 1);
    o.target.messageReceived(o.envelopes.get(k), o.bytes[k], 1_000);
    return o.target;
  }

  @Benchmark
  public Envelope sent(Observed o) {
    int k = o.i++ & (Payloads.VARIANTS - 1);
    Envelope e = o.target.beforeSend(o.envelopes.get(k));
    o.target.messageQueued(o.bytes[k]);
    o.target.messageWritten(o.bytes[k], 50_000, false);
    return e;
  }

  /** What a socket with an observer adds per message besides the observer: two monotonic clock reads. */
  @Benchmark
  public long twoClockReads() {
    long started = System.nanoTime();
    return System.nanoTime() - started;
  }
}
