package dev.steadysocket.bench;

import dev.steadysocket.bench.server.LoopbackServer;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.util.HashMap;
import java.util.Map;

/**
 * Bytes allocated by the client side of the JVM: the sum of HotSpot's per-thread allocation
 * counters over every live thread except the benchmark servers' and the calling (measuring)
 * thread. A thread that starts between two snapshots counts from zero; one that ends between them
 * is lost, which is why the end snapshot is taken at the last message, before anything closes.
 */
public final class Alloc {
  private static final com.sun.management.ThreadMXBean MX =
      (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

  private final Map<Long, Long> perThread;

  private Alloc(Map<Long, Long> perThread) {
    this.perThread = perThread;
  }

  public static Alloc snapshot() {
    long self = Thread.currentThread().getId();
    long[] ids = MX.getAllThreadIds();
    ThreadInfo[] infos = MX.getThreadInfo(ids, 0);
    long[] bytes = MX.getThreadAllocatedBytes(ids);
    Map<Long, Long> m = new HashMap<>();
    for (int i = 0; i < ids.length; i++) {
      if (infos[i] == null || bytes[i] < 0 || ids[i] == self) continue;
      if (infos[i].getThreadName().startsWith(LoopbackServer.THREAD_PREFIX)) continue;
      m.put(ids[i], bytes[i]);
    }
    return new Alloc(m);
  }

  /** Bytes the client threads allocated between {@code before} and this snapshot. */
  public long since(Alloc before) {
    long total = 0;
    for (Map.Entry<Long, Long> e : perThread.entrySet()) {
      total += e.getValue() - before.perThread.getOrDefault(e.getKey(), 0L);
    }
    return total;
  }
}
