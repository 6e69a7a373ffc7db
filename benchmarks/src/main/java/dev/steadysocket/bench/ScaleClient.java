package dev.steadysocket.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.steadysocket.ConnectionState;
import dev.steadysocket.SteadySocket;
import dev.steadysocket.SteadySocketListener;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import okhttp3.Dispatcher;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.WebSocket;
import okhttp3.WebSocketListener;

/**
 * Figure 5, the client side, in a JVM of its own so the heap it reports holds nothing else: opens
 * N sockets to one host, waits until all are OPEN, measures heap retained after GC, threads and
 * RSS, prints {@code READY}, waits for {@code close} on standard input (the suite asks the server
 * how many it holds meanwhile), closes all and prints {@code RESULT <json>}.
 *
 * <pre>java -cp benchmarks.jar dev.steadysocket.bench.ScaleClient steadysocket|okhttp N PORT</pre>
 */
public final class ScaleClient {
  public static void main(String[] args) throws Exception {
    System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
    String impl = args[0];
    int requested = Integer.parseInt(args[1]);
    int port = Integer.parseInt(args[2]);
    long fdLimit = openFileLimit();
    int n = requested;
    String limitedBy = null;
    if (fdLimit > 0 && fdLimit - 512 < n) {
      n = (int) Math.max(0, fdLimit - 512);
      limitedBy = "open-file limit " + fdLimit + " (ulimit -n)";
    }
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("impl", impl);
    out.put("requested", requested);
    out.put("sockets", n);
    out.put("open_file_limit", fdLimit);
    if (limitedBy != null) out.put("limited_by", limitedBy);

    Snapshot before = Snapshot.take();
    AtomicInteger open = new AtomicInteger();
    List<AutoCloseable> closers = new ArrayList<>(n);
    List<java.util.concurrent.CompletableFuture<?>> closed = new ArrayList<>(n);
    long t0 = System.nanoTime();
    String url = "ws://127.0.0.1:" + port + "/hold?id=";
    if (impl.equals("steadysocket")) {
      for (int i = 0; i < n; i++) {
        SteadySocket s = SteadySocket.builder(url + "s" + i)
            .listener(new SteadySocketListener() {
              @Override
              public void onStateChanged(ConnectionState previous, ConnectionState current) {
                if (current == ConnectionState.OPEN) open.incrementAndGet();
                if (previous == ConnectionState.OPEN) open.decrementAndGet();
              }
            })
            .build();
        s.connect();
        closers.add(s);
        closed.add(s.closeFuture());
        pace(i, open);
      }
    } else {
      // Raw OkHttp with what SteadySocket adds by default: an unbounded per-host dispatcher and
      // pings every 30 s, so the two differ only by the wrapper.
      Dispatcher d = new Dispatcher();
      d.setMaxRequests(Integer.MAX_VALUE);
      d.setMaxRequestsPerHost(Integer.MAX_VALUE);
      OkHttpClient client = new OkHttpClient.Builder().dispatcher(d).pingInterval(30, TimeUnit.SECONDS).build();
      for (int i = 0; i < n; i++) {
        java.util.concurrent.CompletableFuture<Void> done = new java.util.concurrent.CompletableFuture<>();
        WebSocket ws = client.newWebSocket(new Request.Builder().url(url + "o" + i).build(), new WebSocketListener() {
          @Override public void onOpen(WebSocket w, Response r) {
            open.incrementAndGet();
          }

          @Override public void onClosing(WebSocket w, int code, String reason) {
            w.close(1000, null);
          }

          @Override public void onClosed(WebSocket w, int code, String reason) {
            open.decrementAndGet();
            done.complete(null);
          }

          @Override public void onFailure(WebSocket w, Throwable t, Response r) {
            open.decrementAndGet();
            done.complete(null);
          }
        });
        closers.add(() -> ws.close(1000, null));
        closed.add(done);
        pace(i, open);
      }
    }
    // Generous: OkHttp's TaskRunner scans every socket's task queue under one lock, so opening
    // (and closing) N sockets costs O(N²) there, and minutes for 10,000 on a loaded machine.
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(600);
    while (open.get() < n && System.nanoTime() < deadline) Thread.sleep(20);
    double openSeconds = (System.nanoTime() - t0) / 1e9;
    out.put("open", open.get());
    out.put("seconds_to_all_open", Stats.round(openSeconds));
    Thread.sleep(3000); // let handshakes' garbage and idle dispatcher threads settle
    Snapshot after = Snapshot.take();
    out.put("still_open_after_settle", open.get());
    out.put("heap_before_mib", Stats.round(before.heap / 1048576.0));
    out.put("heap_after_mib", Stats.round(after.heap / 1048576.0));
    out.put("heap_per_socket_kib", Stats.round((after.heap - before.heap) / 1024.0 / n));
    out.put("threads_before", before.threads);
    out.put("threads_after", after.threads);
    out.put("threads_per_socket", Stats.round((after.threads - before.threads) / (double) n));
    out.put("rss_per_socket_kib", Stats.round((after.rss - before.rss) / 1024.0 / n));
    out.put("rss_after_mib", Stats.round(after.rss / 1048576.0));
    out.put("thread_stack_kib", threadStackKib());
    System.out.println("READY " + open.get());
    System.out.flush();
    BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    for (String line; (line = in.readLine()) != null && !line.equals("close"); ) {
      // wait for the suite
    }
    long c0 = System.nanoTime();
    for (AutoCloseable c : closers) c.close();
    int closedCount = 0;
    for (java.util.concurrent.CompletableFuture<?> f : closed) {
      try {
        f.get(60, TimeUnit.SECONDS);
        closedCount++;
      } catch (Exception e) {
        // counted below
      }
    }
    out.put("closed", closedCount);
    out.put("seconds_to_close_all", Stats.round((System.nanoTime() - c0) / 1e9));
    System.out.println("RESULT " + new ObjectMapper().writeValueAsString(out));
    System.out.flush();
    System.exit(0);
  }

  /** Keeps at most 1,000 handshakes in flight, so the server's accept backlog never overflows. */
  private static void pace(int i, AtomicInteger open) throws InterruptedException {
    while (i + 1 - open.get() > 1000) Thread.sleep(1);
  }

  record Snapshot(long heap, int threads, long rss) {
    static Snapshot take() throws InterruptedException {
      for (int i = 0; i < 3; i++) {
        System.gc();
        Thread.sleep(200);
      }
      return new Snapshot(
          ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed(),
          ManagementFactory.getThreadMXBean().getThreadCount(),
          Machine.rssBytes());
    }
  }

  static long openFileLimit() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/limits"))) {
        if (line.startsWith("Max open files")) {
          String[] f = line.trim().split("\\s+");
          return Long.parseLong(f[3]);
        }
      }
    } catch (Exception ignored) {
      // not Linux
    }
    return -1;
  }

  static Object threadStackKib() {
    for (String arg : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
      if (arg.startsWith("-Xss")) return arg.substring(4);
    }
    return "JVM default";
  }
}
