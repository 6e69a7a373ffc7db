import com.sun.management.ThreadMXBean;
import dev.steadysocket.Envelope;
import dev.steadysocket.Heartbeat;
import dev.steadysocket.SteadySocket;
import dev.steadysocket.SteadySocketListener;
import dev.steadysocket.testing.FakeServer;
import dev.steadysocket.testing.ServerConnection;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;

/**
 * Bytes allocated per {@code send} and per received frame by a socket without an observer, on the
 * test kit's in-memory server with inline callbacks (DispatchBench's set-up), counted by the JVM
 * for this thread: the same in every round of one JVM whatever else runs on the machine, so two
 * builds can be compared where timings cannot. The JIT's escape analysis may settle a few
 * allocations differently in another JVM: run it several times and compare the usual figures. A
 * source file run against any build's benchmarks jar (it uses public API only):
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar benchmarks/probes/AllocProbe.java
 * </pre>
 */
public class AllocProbe {
  public static void main(String[] args) {
    ThreadMXBean mx = (ThreadMXBean) ManagementFactory.getThreadMXBean();
    long thread = Thread.currentThread().getId();
    List<Envelope> envelopes = new ArrayList<>();
    List<String> frames = new ArrayList<>();
    for (int i = 0; i < 64; i++) {
      envelopes.add(Envelope.builder("tick").id("id-" + i).content(i).build());
      frames.add("{\"id\":\"s-" + i + "\",\"type\":\"tick\",\"content\":" + i + ",\"timestamp\":1}");
    }
    long[] sink = {0};
    FakeServer receiving = FakeServer.inMemory();
    SteadySocket reader = receiving.newSocket().heartbeat(Heartbeat.disabled()).callbackExecutor(Runnable::run)
        .listener(new SteadySocketListener() {
          @Override
          public void onMessage(Envelope envelope) {
            sink[0] += envelope.type().length();
          }
        })
        .build();
    reader.connect();
    receiving.clock().runUntilIdle();
    ServerConnection feed = receiving.connection();
    FakeServer sending = FakeServer.inMemory();
    SteadySocket writer = sending.newSocket().heartbeat(Heartbeat.disabled()).callbackExecutor(Runnable::run).build();
    writer.connect();
    sending.clock().runUntilIdle();
    sending.connection().goHalfOpen(); // frames are dropped where they enter the link
    int n = 64 * 3_125; // 200,000
    for (int round = 1; round <= 6; round++) { // the first rounds warm up
      long b0 = mx.getThreadAllocatedBytes(thread);
      for (int i = 0; i < n; i++) writer.send(envelopes.get(i & 63));
      long b1 = mx.getThreadAllocatedBytes(thread);
      for (int i = 0; i < n / 64; i++) {
        for (String frame : frames) feed.sendRaw(frame);
        receiving.clock().runUntilIdle();
      }
      long b2 = mx.getThreadAllocatedBytes(thread);
      System.out.printf("round %d: send %.1f B/msg, receive %.1f B/msg%n", round, (b1 - b0) / (double) n, (b2 - b1) / (double) n);
    }
    System.exit(0);
  }
}
