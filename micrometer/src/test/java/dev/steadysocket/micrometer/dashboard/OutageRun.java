package dev.steadysocket.micrometer.dashboard;

import dev.steadysocket.Backoff;
import dev.steadysocket.ConnectionState;
import dev.steadysocket.Envelope;
import dev.steadysocket.Heartbeat;
import dev.steadysocket.SteadySocket;
import dev.steadysocket.micrometer.SteadySocketMeters;
import dev.steadysocket.testing.FakeServer;
import dev.steadysocket.testing.ServerConnection;
import dev.steadysocket.testing.TestClock;
import dev.steadysocket.testing.server.Envelopes;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.search.RequiredSearch;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A real run for the dashboard picture: one socket with {@link SteadySocketMeters} on a {@link
 * SimpleMeterRegistry}, against the test kit's in-memory {@link FakeServer} on its virtual clock,
 * through a scripted outage; the registry is read every virtual second, as a Prometheus scrape
 * would. Deterministic (no jitter, no real time): the same script gives the same figures.
 *
 * <p>The script: the server publishes 20 ticks a second on its resumable stream {@code feed}; the
 * app sends 5 positions a second (queued in the outbox while offline) and, while OPEN, asks for a
 * quote every second, which the server answers 40 to 75 ms later. At {@link #DROP} the server drops
 * the connection and refuses every attempt (backoff 1, 2, 4, 8 s, without jitter) until {@link
 * #RESTORE}; the next attempt opens, the outbox is written and the stream's missed ticks are
 * replayed (resume).
 */
final class OutageRun {
  static final int SECONDS = 60;
  static final Duration DROP = Duration.ofSeconds(20);
  static final Duration RESTORE = Duration.ofSeconds(40);

  /** One sample per virtual second, index = second 0…{@link #SECONDS}. */
  static final class Samples {
    final ConnectionState[] state = new ConnectionState[SECONDS + 1];
    final double[] attemptsOpened = new double[SECONDS + 1];
    final double[] attemptsFailed = new double[SECONDS + 1];
    final double[] reconnects = new double[SECONDS + 1];
    /** The reconnect delays scheduled in each second, in seconds; NaN where none. */
    final double[] backoffSeconds = nan();
    final double[] messagesIn = new double[SECONDS + 1];
    final double[] messagesOut = new double[SECONDS + 1];
    final double[] outboxDepth = new double[SECONDS + 1];
    /** Means over each second, NaN where nothing was recorded. */
    final double[] heartbeatRttMillis = nan();
    final double[] requestMillis = nan();
    final double[] sendWaitSeconds = nan();
    /** The second the connection opened again after the outage. */
    int reconnectedAt = -1;
    /** {@code steadysocket.ping.rtt} at the end of the run (not drawn): pongs timed, and their total in nanoseconds. */
    long pongs;
    double pongNanos;

    private static double[] nan() {
      double[] a = new double[SECONDS + 1];
      Arrays.fill(a, Double.NaN);
      return a;
    }
  }

  private final FakeServer server = FakeServer.inMemory();
  private final TestClock clock = server.clock();
  private final MeterRegistry registry = new SimpleMeterRegistry();
  private final List<long[]> replies = new ArrayList<>(); // {due nanos, index into replyIds}
  private final List<String> replyIds = new ArrayList<>();
  private final List<ServerConnection> replyOn = new ArrayList<>();

  private OutageRun() {}

  static Samples run() {
    OutageRun r = new OutageRun();
    try {
      return r.script();
    } finally {
      r.server.close();
    }
  }

  private Samples script() {
    server.onMessage("quote", (connection, request) -> {
      int n = replyIds.size();
      replyIds.add(request.id());
      replyOn.add(connection);
      replies.add(new long[] {clock.elapsed().plusMillis(40 + 5 * (n % 8)).toNanos(), n});
    });
    SteadySocket socket = server.newSocket()
        .backoff(Backoff.exponential(Duration.ofSeconds(1), Duration.ofSeconds(8)).withoutJitter())
        .heartbeat(Heartbeat.every(Duration.ofSeconds(5)))
        .resumeStreams(true)
        .observer(SteadySocketMeters.bindTo(registry, "ticker"))
        .build();
    Samples s = new Samples();
    Scrape last = new Scrape(registry);
    try {
      socket.connect();
      clock.runUntilIdle();
      Scrape first = new Scrape(registry);
      sample(s, 0, socket, last, first);
      last = first;
      long step = Duration.ofMillis(50).toNanos();
      long end = Duration.ofSeconds(SECONDS).toNanos();
      for (long t = step; t <= end; t += step) {
        advanceTo(t);
        long ms = TimeUnit.NANOSECONDS.toMillis(t);
        if (t == DROP.toNanos()) server.refuseConnections();
        if (t == RESTORE.toNanos()) server.restore();
        server.publish("feed", "tick", Map.of("symbol", "ACME", "seq", ms / 50));
        if (ms % 200 == 0) socket.send(Envelope.of("position", Map.of("at", ms)));
        if (ms % 1000 == 0 && socket.state() == ConnectionState.OPEN) {
          socket.request(Envelope.of("quote", Map.of("symbol", "ACME")), Duration.ofSeconds(5));
        }
        clock.runUntilIdle();
        if (ms % 1000 == 0) {
          Scrape now = new Scrape(registry);
          sample(s, (int) (ms / 1000), socket, last, now);
          last = now;
        }
      }
      Timer ping = registry.get("steadysocket.ping.rtt").tag("socket", "ticker").timer();
      s.pongs = ping.count();
      s.pongNanos = ping.totalTime(TimeUnit.NANOSECONDS);
      return s;
    } finally {
      socket.close();
      clock.runUntilIdle();
    }
  }

  /** Moves the clock to {@code t}, answering each quote at its due time on the way. */
  private void advanceTo(long t) {
    while (true) {
      long[] next = null;
      for (long[] r : replies) if (next == null || r[0] < next[0]) next = r;
      if (next == null || next[0] > t) break;
      clock.advanceBy(Duration.ofNanos(next[0] - clock.elapsed().toNanos()));
      replies.remove(next);
      ServerConnection c = replyOn.get((int) next[1]);
      c.sendRaw(Envelopes.reply(replyIds.get((int) next[1]), null, "fake-server", null, clock.now().toEpochMilli()));
      clock.runUntilIdle();
    }
    clock.advanceBy(Duration.ofNanos(t - clock.elapsed().toNanos()));
  }

  private static void sample(Samples s, int second, SteadySocket socket, Scrape before, Scrape now) {
    s.state[second] = socket.state();
    s.attemptsOpened[second] = now.opened - before.opened;
    s.attemptsFailed[second] = now.failed - before.failed;
    s.reconnects[second] = now.reconnects;
    if (now.reconnects > before.reconnects && s.reconnectedAt < 0) s.reconnectedAt = second;
    if (now.delays.count() > before.delays.count()) {
      s.backoffSeconds[second] = (now.delays.total - before.delays.total) / 1e9 / (now.delays.count() - before.delays.count());
    }
    s.messagesIn[second] = now.in - before.in;
    s.messagesOut[second] = now.out - before.out;
    s.outboxDepth[second] = now.outbox;
    s.heartbeatRttMillis[second] = now.rtt.meanSince(before.rtt) / 1e6;
    s.requestMillis[second] = now.request.meanSince(before.request) / 1e6;
    s.sendWaitSeconds[second] = now.written.meanSince(before.written) / 1e9;
  }

  /** What a scrape reads: the counters' and timers' totals and the gauges. */
  private static final class Scrape {
    final double opened, failed, reconnects, in, out, outbox;
    final TimerTotal delays, rtt, request, written;

    Scrape(MeterRegistry r) {
      opened = find(r, "steadysocket.connection.attempts", "outcome", "opened").counter().count();
      failed = find(r, "steadysocket.connection.attempts", "outcome", "failed").counter().count();
      reconnects = find(r, "steadysocket.reconnects").counter().count();
      in = find(r, "steadysocket.messages", "direction", "in").counter().count();
      out = find(r, "steadysocket.messages", "direction", "out").counter().count();
      outbox = find(r, "steadysocket.outbox.depth").gauge().value();
      delays = new TimerTotal(find(r, "steadysocket.reconnect.delay").timer());
      rtt = new TimerTotal(find(r, "steadysocket.heartbeat.rtt").timer());
      request = new TimerTotal(find(r, "steadysocket.request.latency", "outcome", "completed").timer());
      written = new TimerTotal(find(r, "steadysocket.send.latency", "stage", "written").timer());
    }

    private static RequiredSearch find(MeterRegistry r, String name, String... tags) {
      return r.get(name).tag("socket", "ticker").tags(tags);
    }
  }

  /** A timer's count and total (nanoseconds) at a scrape. */
  private static final class TimerTotal {
    private final long count;
    final double total;

    TimerTotal(Timer t) {
      count = t.count();
      total = t.totalTime(TimeUnit.NANOSECONDS);
    }

    long count() {
      return count;
    }

    /** The mean of what was recorded since {@code before}, in nanoseconds; NaN if nothing was. */
    double meanSince(TimerTotal before) {
      long n = count - before.count;
      return n == 0 ? Double.NaN : (total - before.total) / n;
    }
  }

  /** The samples as text, one line a second, for the test's messages. */
  static String describe(Samples s) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i <= SECONDS; i++) {
      b.append(String.format(Locale.ROOT, "%2d %-12s opened %.0f failed %.0f reconnects %.0f in %4.0f out %4.0f outbox %4.0f"
              + " backoff %s rtt %s request %s wait %s%n", i, s.state[i], s.attemptsOpened[i], s.attemptsFailed[i],
          s.reconnects[i], s.messagesIn[i], s.messagesOut[i], s.outboxDepth[i], s.backoffSeconds[i],
          s.heartbeatRttMillis[i], s.requestMillis[i], s.sendWaitSeconds[i]));
    }
    return b.toString();
  }
}
