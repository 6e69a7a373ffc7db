package dev.steadysocket.bench;

import dev.steadysocket.Envelope;
import dev.steadysocket.bench.Payloads.Size;
import dev.steadysocket.bench.peers.Peer;
import dev.steadysocket.bench.server.Frames;
import dev.steadysocket.bench.server.LoopbackServer;
import dev.steadysocket.bench.server.RawClient;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

/**
 * The end-to-end figures on the loopback server: inbound throughput, outbound throughput, echo
 * round trip, and allocation per received message. Peers run one after the other against the same
 * server in the same JVM; after each peer's warmup, measured iterations go round-robin (peer A,
 * B, C, D, A, B, …) so drift in the machine affects every peer alike. Ratios are paired per round.
 */
public final class Loopback {
  private static final AtomicLong IDS = new AtomicLong();
  private static final Envelope GO = Envelope.builder("go").build();

  private final LoopbackServer server;
  private final Config config;
  private final List<Peer> peers;

  public Loopback(LoopbackServer server, Config config, List<Peer> peers) {
    this.server = server;
    this.config = config;
    this.peers = peers;
  }

  /** Counts decoded envelopes; the consumer every peer hands its messages to. */
  static final class Counter implements Consumer<Envelope> {
    final long target;
    long received; // one consumer at a time (SteadySocket's serial dispatch hands over with happens-before)
    long sink;
    volatile long endNanos;
    final CountDownLatch done = new CountDownLatch(1);

    Counter(long target) {
      this.target = target;
    }

    @Override
    public void accept(Envelope e) {
      sink += e.timestamp() + e.type().length();
      if (++received == target) {
        endNanos = System.nanoTime();
        done.countDown();
      }
    }
  }

  // ------------------------------------------------------------------ inbound (figures 1 and 4)

  /** One run: messages per second and client-side bytes allocated per message. */
  record Run(double rate, double allocPerMessage) {}

  Run inboundOnce(Peer peer, Size size, long count) throws Exception {
    Counter c = new Counter(count);
    try (Peer.Client client = peer.open(server.url("/blast?size=" + size.label() + "&count=" + count), c)) {
      Alloc a0 = Alloc.snapshot();
      long t0 = System.nanoTime();
      client.send(GO);
      if (!c.done.await(config.runTimeoutSeconds, TimeUnit.SECONDS)) {
        throw new IllegalStateException(peer.name() + " received " + c.received + " of " + count);
      }
      Alloc a1 = Alloc.snapshot();
      return new Run(count * 1e9 / (c.endNanos - t0), (double) a1.since(a0) / count);
    }
  }

  double serverBlastRate(Size size, long count) throws Exception {
    LoopbackServer.Blast blast = server.blast(size);
    try (RawClient raw = new RawClient(server.port(), "/blast?size=" + size.label() + "&count=" + count)) {
      long t0 = System.nanoTime();
      raw.sendText("{\"type\":\"go\"}".getBytes(StandardCharsets.UTF_8));
      long t1 = raw.discard(blast.wireBytes(count));
      return count * 1e9 / (t1 - t0);
    }
  }

  public void inbound(Results results, Size size) throws Exception {
    long count = size == Size.SMALL ? config.inboundSmall : config.inboundMedium;
    String fig = "inbound_" + size.label();
    Map<String, Object> sec = results.section(fig);
    sec.put("messages_per_iteration", count);
    sec.put("mean_payload_bytes", Stats.round(Payloads.meanBytes(size)));
    // The server alone, with a client that reads and discards.
    serverBlastRate(size, count);
    double[] serverRates = new double[config.iterations];
    for (int i = 0; i < serverRates.length; i++) serverRates[i] = serverBlastRate(size, count);
    Stats.Summary server = Stats.Summary.of(serverRates);
    sec.put("server_max_msgs_per_s", server.toMap());
    sec.put("server_max_MB_per_s", Stats.round(server.mean() * server(size).wireBytes(count) / count / 1e6));
    results.row(fig, "server (no-op client)", "throughput", "msgs/s", server);
    log("%s: server alone %.0f msgs/s", fig, server.mean());

    Map<String, double[]> rates = new LinkedHashMap<>();
    Map<String, double[]> allocs = new LinkedHashMap<>();
    for (Peer p : peers) {
      for (int w = 0; w < config.warmups; w++) inboundOnce(p, size, count);
      rates.put(p.name(), new double[config.iterations]);
      allocs.put(p.name(), new double[config.iterations]);
    }
    for (int i = 0; i < config.iterations; i++) {
      for (Peer p : peers) {
        Run r = inboundOnce(p, size, count);
        rates.get(p.name())[i] = r.rate();
        allocs.get(p.name())[i] = r.allocPerMessage();
        log("%s #%d %-15s %10.0f msgs/s %8.0f B/msg", fig, i, p.name(), r.rate(), r.allocPerMessage());
      }
    }
    summarize(results, fig, "throughput", "msgs/s", rates);
    summarize(results, "alloc_" + size.label(), "allocation per received message", "B/msg", allocs);
    results.section("alloc_" + size.label()).put("measured_during", fig);
  }

  private LoopbackServer.Blast server(Size size) {
    return server.blast(size);
  }

  // ------------------------------------------------------------------ outbound (figure 2)

  double outboundOnce(Peer peer, Size size, long count, List<Envelope> envelopes) throws Exception {
    String id = "sink-" + IDS.incrementAndGet();
    CompletableFuture<Long> done = server.expectSink(id, count);
    try (Peer.Client client = peer.open(server.url("/sink?id=" + id + "&count=" + count), e -> {})) {
      int n = envelopes.size();
      long t0 = System.nanoTime();
      for (long i = 0; i < count; i++) client.send(envelopes.get((int) (i % n)));
      long t1 = done.get(config.runTimeoutSeconds, TimeUnit.SECONDS);
      return count * 1e9 / (t1 - t0);
    }
  }

  double serverSinkRate(Size size, long count) throws Exception {
    String id = "sink-" + IDS.incrementAndGet();
    CompletableFuture<Long> done = server.expectSink(id, count);
    try (RawClient raw = new RawClient(server.port(), "/sink?id=" + id + "&count=" + count)) {
      long t0 = System.nanoTime();
      raw.writeFrames(Payloads.utf8(size), count);
      long t1 = done.get(config.runTimeoutSeconds, TimeUnit.SECONDS);
      return count * 1e9 / (t1 - t0);
    }
  }

  public void outbound(Results results, Size size) throws Exception {
    long count = size == Size.SMALL ? config.outboundSmall : config.outboundMedium;
    String fig = "outbound_" + size.label();
    Map<String, Object> sec = results.section(fig);
    sec.put("messages_per_iteration", count);
    List<Envelope> envelopes = Payloads.envelopes(size);
    serverSinkRate(size, count);
    double[] serverRates = new double[config.iterations];
    for (int i = 0; i < serverRates.length; i++) serverRates[i] = serverSinkRate(size, count);
    Stats.Summary server = Stats.Summary.of(serverRates);
    sec.put("server_max_msgs_per_s", server.toMap());
    results.row(fig, "server (pre-framed client)", "throughput", "msgs/s", server);
    log("%s: server alone %.0f msgs/s", fig, server.mean());

    Map<String, double[]> rates = new LinkedHashMap<>();
    // The inline diagnostic changes only where callbacks run; its send path is steadysocket's.
    List<Peer> peers = this.peers.stream().filter(p -> !p.name().equals("steadysocket-inline")).toList();
    for (Peer p : peers) {
      for (int w = 0; w < config.warmups; w++) outboundOnce(p, size, count, envelopes);
      rates.put(p.name(), new double[config.iterations]);
    }
    for (int i = 0; i < config.iterations; i++) {
      for (Peer p : peers) {
        double r = outboundOnce(p, size, count, envelopes);
        rates.get(p.name())[i] = r;
        log("%s #%d %-15s %10.0f msgs/s", fig, i, p.name(), r);
      }
    }
    summarize(results, fig, "throughput", "msgs/s", rates);
  }

  // ------------------------------------------------------------------ echo round trip (figure 3)

  /** Waits for echoes: the consumer bumps {@code received} and wakes the driver. */
  static final class Echo implements Consumer<Envelope> {
    final Thread driver = Thread.currentThread();
    volatile long received;

    @Override
    public void accept(Envelope e) {
      received++; // single consumer at a time
      LockSupport.unpark(driver);
    }

    void await(long expected) {
      while (received < expected) LockSupport.park(this);
    }
  }

  long[] rttOnce(Peer peer, List<Envelope> envelopes, int warmup, int count) throws Exception {
    Echo echo = new Echo();
    try (Peer.Client client = peer.open(server.url("/echo"), echo)) {
      long[] samples = new long[count];
      int n = envelopes.size();
      for (int i = 0; i < warmup + count; i++) {
        long expected = echo.received + 1;
        long t0 = System.nanoTime();
        client.send(envelopes.get(i % n));
        echo.await(expected);
        long rtt = System.nanoTime() - t0;
        if (i >= warmup) samples[i - warmup] = rtt;
      }
      return samples;
    }
  }

  long[] serverRtt(Size size, int warmup, int count) throws Exception {
    List<byte[]> payloads = Payloads.utf8(size);
    List<byte[]> frames = new ArrayList<>();
    for (byte[] p : payloads) frames.add(Frames.clientFrame(Frames.TEXT, p, 0x2468ace0));
    Frames.Header h = new Frames.Header();
    long[] samples = new long[count];
    try (RawClient raw = new RawClient(server.port(), "/echo")) {
      for (int i = 0; i < warmup + count; i++) {
        long rtt = raw.roundTrip(frames.get(i % frames.size()), h);
        if (i >= warmup) samples[i - warmup] = rtt;
      }
    }
    return samples;
  }

  public void rtt(Results results) throws Exception {
    String fig = "rtt_small";
    Map<String, Object> sec = results.section(fig);
    sec.put("round_trips_per_iteration", config.rttCount);
    sec.put("iterations", config.rttIterations);
    List<Envelope> envelopes = Payloads.envelopes(Size.SMALL);
    Map<String, Double> serverP = Stats.percentiles(serverRtt(Size.SMALL, config.rttWarmup, config.rttCount), 1e3);
    sec.put("server_raw_client_us", serverP);
    results.row(fig, "server (raw socket client)", "p50", "us", serverP.get("p50"));
    results.row(fig, "server (raw socket client)", "p99", "us", serverP.get("p99"));
    log("%s: raw socket client p50 %.1f us p99 %.1f us", fig, serverP.get("p50"), serverP.get("p99"));

    Map<String, List<long[]>> samples = new LinkedHashMap<>();
    for (Peer p : peers) {
      rttOnce(p, envelopes, config.rttWarmup, config.rttCount); // warmup connection
      samples.put(p.name(), new ArrayList<>());
    }
    Map<String, double[]> p50s = new LinkedHashMap<>();
    Map<String, double[]> p99s = new LinkedHashMap<>();
    for (Peer p : peers) {
      p50s.put(p.name(), new double[config.rttIterations]);
      p99s.put(p.name(), new double[config.rttIterations]);
    }
    for (int i = 0; i < config.rttIterations; i++) {
      for (Peer p : peers) {
        long[] s = rttOnce(p, envelopes, config.rttWarmup / 5, config.rttCount);
        samples.get(p.name()).add(s);
        Map<String, Double> q = Stats.percentiles(s, 1e3);
        p50s.get(p.name())[i] = q.get("p50");
        p99s.get(p.name())[i] = q.get("p99");
        log("%s #%d %-15s p50 %7.1f us  p99 %7.1f us", fig, i, p.name(), q.get("p50"), q.get("p99"));
      }
    }
    Map<String, Object> pooled = new LinkedHashMap<>();
    for (Map.Entry<String, List<long[]>> e : samples.entrySet()) {
      long[] all = e.getValue().stream().flatMapToLong(java.util.Arrays::stream).toArray();
      pooled.put(e.getKey(), Stats.percentiles(all, 1e3));
    }
    sec.put("pooled_percentiles_us", pooled);
    summarize(results, fig, "p50", "us", p50s);
    summarize(results, fig, "p99", "us", p99s);
  }

  // ------------------------------------------------------------------ summaries

  /**
   * Per-peer mean ± stdev; each SteadySocket peer / raw OkHttp paired per iteration; and each
   * observed peer's cost per message over {@code steadysocket} (no observer), paired likewise.
   */
  static void summarize(Results results, String fig, String metric, String unit, Map<String, double[]> byPeer) {
    Map<String, Object> sec = results.section(fig);
    Map<String, Object> peersOut = new LinkedHashMap<>();
    for (Map.Entry<String, double[]> e : byPeer.entrySet()) {
      Stats.Summary s = Stats.Summary.of(e.getValue());
      Map<String, Object> m = s.toMap();
      m.put("iterations", roundAll(e.getValue()));
      peersOut.put(e.getKey(), m);
      results.row(fig, e.getKey(), metric, unit, s);
    }
    sec.put(metric + " (" + unit + ")", peersOut);
    double[] okhttp = byPeer.get("okhttp");
    double[] plain = byPeer.get("steadysocket");
    for (Map.Entry<String, double[]> e : byPeer.entrySet()) {
      String peer = e.getKey();
      if (!peer.startsWith("steadysocket")) continue;
      double[] steady = e.getValue();
      if (okhttp != null) {
        double[] ratios = new double[steady.length];
        for (int i = 0; i < ratios.length; i++) ratios[i] = steady[i] / okhttp[i];
        Map<String, Object> m = withMedian(ratios);
        m.put("ratio_of_means", Stats.round(Stats.Summary.of(steady).mean() / Stats.Summary.of(okhttp).mean()));
        sec.put(metric + " ratio " + peer + "/okhttp", m);
      }
      if (plain != null && peer.startsWith("steadysocket+")) {
        double[] costs = new double[steady.length];
        for (int i = 0; i < costs.length; i++) costs[i] = costPerMessage(unit, steady[i], plain[i]);
        Map<String, Object> m = withMedian(costs);
        m.put("unit", costUnit(unit));
        sec.put(metric + " cost " + peer + " - steadysocket", m);
      }
    }
  }

  /**
   * What an observed iteration cost per message more than the unobserved one: for a rate, the
   * difference of the time per message (ns); for a latency in µs, the difference in ns; otherwise
   * (bytes per message) the difference itself.
   */
  static double costPerMessage(String unit, double observed, double plain) {
    return switch (unit) {
      case "msgs/s" -> 1e9 / observed - 1e9 / plain;
      case "us" -> (observed - plain) * 1e3;
      default -> observed - plain;
    };
  }

  static String costUnit(String unit) {
    return switch (unit) {
      case "msgs/s", "us" -> "ns";
      default -> unit;
    };
  }

  /** Mean ± stdev, min, max and median of {@code values}. */
  static Map<String, Object> withMedian(double[] values) {
    Map<String, Object> m = Stats.Summary.of(values).toMap();
    double[] sorted = values.clone();
    java.util.Arrays.sort(sorted);
    m.put("median", Stats.round(sorted.length % 2 == 1 ? sorted[sorted.length / 2]
        : (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2));
    return m;
  }

  static double[] roundAll(double[] v) {
    double[] out = new double[v.length];
    for (int i = 0; i < v.length; i++) out[i] = Stats.round(v[i]);
    return out;
  }

  static void log(String format, Object... args) {
    System.out.printf(format + "%n", args);
    System.out.flush();
  }
}
