package dev.steadysocket.micrometer;

import dev.steadysocket.Envelope;
import dev.steadysocket.SocketObserver;
import dev.steadysocket.SteadySocket;
import dev.steadysocket.testing.FakeServer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.lang.management.ManagementFactory;
import java.util.Locale;

/**
 * The figure in the README's "Cost" line: nanoseconds and bytes allocated per observer event on
 * a {@link SimpleMeterRegistry}, one thread, after warm-up. A rough figure (no JMH, no forks); the
 * benchmark suite measures whole sockets with and without the module. Run from the repository root:
 *
 * <pre>
 * mvn -B -q -pl micrometer -am install -DskipTests -Dmaven.javadoc.skip
 * mvn -B -q -pl micrometer test-compile dependency:build-classpath -Dmdep.outputFile=target/cp.txt
 * java -cp "$(cat micrometer/target/cp.txt):micrometer/target/classes:micrometer/target/test-classes" \
 *   dev.steadysocket.micrometer.CostPerMessage
 * </pre>
 */
public final class CostPerMessage {
  private CostPerMessage() {}

  public static void main(String[] args) {
    try (FakeServer server = FakeServer.inMemory()) {
      SteadySocket socket = server.newSocket().build();
      SocketObserver o = SteadySocketMeters.bindTo(new SimpleMeterRegistry(), "cost").create(socket);
      Envelope envelope = Envelope.of("tick", null);
      com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
      for (int round = 0; round < 5; round++) {
        int n = 5_000_000;
        long bytes = threads.getCurrentThreadAllocatedBytes();
        long t0 = System.nanoTime();
        for (int i = 0; i < n; i++) o.messageReceived(envelope, 100, 500);
        long t1 = System.nanoTime();
        for (int i = 0; i < n; i++) o.messageWritten(100, 1_000, false);
        long t2 = System.nanoTime();
        for (int i = 0; i < n; i++) o.messageQueued(100);
        long t3 = System.nanoTime();
        long allocated = threads.getCurrentThreadAllocatedBytes() - bytes;
        System.out.printf(Locale.ROOT, "round %d: messageReceived %.1f ns, messageWritten %.1f ns, messageQueued %.1f ns,"
            + " %.3f bytes allocated per event%n", round, (t1 - t0) / (double) n, (t2 - t1) / (double) n,
            (t3 - t2) / (double) n, allocated / (3.0 * n));
      }
      socket.close();
      server.clock().runUntilIdle();
      o.closed(socket.closeFuture().join());
    }
  }
}
