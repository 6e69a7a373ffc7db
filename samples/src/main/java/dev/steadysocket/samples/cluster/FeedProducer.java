package dev.steadysocket.samples.cluster;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.steadysocket.samples.support.CommandLine;
import dev.steadysocket.samples.support.Console;
import dev.steadysocket.testing.server.Envelopes;
import java.io.Closeable;
import java.io.PrintStream;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.params.XAddParams;

/**
 * Appends numbered ticker entries to a Redis Stream at a steady rate: {@code XADD ticker MAXLEN ~
 * 100000 * type ticker sender producer timestamp … content {"n":1,"symbol":"ACME","price":…}}.
 * The numbers ({@code n}) let a client check that it saw every entry once and in order.
 *
 * <p>One XADD per tick on a scheduler thread. An XADD that fails is tried again on the next tick
 * with the same number, so the numbers have no holes (an XADD that reached Redis but whose answer
 * was lost would be written twice: a demo's trade-off, fixed in Redis 8.2+ by idempotent XADD).
 */
public final class FeedProducer implements Closeable {
  private static final String[] SYMBOLS = {"ACME", "GLOBX", "INITECH", "UMBRL", "WAYNE"};

  private final RedisClient redis;
  private final boolean ownsRedis;
  private final String stream;
  private final long count;
  private final @Nullable PrintStream log;
  private final ScheduledExecutorService scheduler =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "feed-producer");
            t.setDaemon(true);
            return t;
          });
  private final CountDownLatch done = new CountDownLatch(1);
  private final AtomicBoolean closed = new AtomicBoolean();
  /** Only touched by the scheduler thread, except the volatile count read by {@link #produced}. */
  private volatile long produced;

  private double price = 100;
  private @Nullable String lastError;

  private FeedProducer(RedisClient redis, boolean ownsRedis, String stream, long count, @Nullable PrintStream log) {
    this.redis = redis;
    this.ownsRedis = ownsRedis;
    this.stream = stream;
    this.count = count;
    this.log = log;
  }

  /**
   * Starts producing entries 1, 2, … ({@code count} of them; 0 for no end) at {@code perSecond}.
   *
   * @param log where failures and a progress line per second go; null for none
   */
  public static FeedProducer start(String redisHostPort, String stream, int perSecond, long count, @Nullable PrintStream log) {
    return start(RedisStreams.connect(redisHostPort), true, stream, perSecond, count, log);
  }

  private static FeedProducer start(
      RedisClient redis, boolean ownsRedis, String stream, int perSecond, long count, @Nullable PrintStream log) {
    if (perSecond < 1 || perSecond > 100_000) {
      throw new IllegalArgumentException("rate out of range 1..100000: " + perSecond);
    }
    FeedProducer producer = new FeedProducer(redis, ownsRedis, stream, count, log);
    long periodMicros = 1_000_000L / perSecond;
    producer.scheduler.scheduleAtFixedRate(producer::produceOne, 0, periodMicros, TimeUnit.MICROSECONDS);
    return producer;
  }

  /** How many entries are in the stream so far. */
  public long produced() {
    return produced;
  }

  /** Waits until all {@code count} entries are written; false on timeout. */
  public boolean awaitDone(Duration timeout) throws InterruptedException {
    return done.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Stops producing. Idempotent. */
  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      scheduler.shutdownNow();
      try {
        scheduler.awaitTermination(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      if (ownsRedis) {
        redis.close();
      }
    }
  }

  private void produceOne() {
    if (count > 0 && produced >= count) {
      return;
    }
    long n = produced + 1;
    ThreadLocalRandom random = ThreadLocalRandom.current();
    double next = Math.max(0.01, Math.round(price * (1 + (random.nextDouble() - 0.5) / 100) * 100) / 100.0);
    ObjectNode content = Envelopes.JSON.createObjectNode();
    content.put("n", n);
    content.put("symbol", SYMBOLS[random.nextInt(SYMBOLS.length)]);
    content.put("price", next);
    content.put("change", Math.round((next - price) * 100) / 100.0);
    StreamEntryID id;
    try {
      id = redis.xadd(stream, XAddParams.xAddParams().maxLen(100_000).approximateTrimming(),
          RedisStreams.fields("ticker", "producer", content));
    } catch (RuntimeException e) {
      String error = String.valueOf(e.getMessage());
      if (!error.equals(lastError)) {
        print("XADD failed (retrying every tick): " + e);
        lastError = error;
      }
      return;
    }
    lastError = null;
    price = next;
    produced = n;
    if (n % 100 == 0 || n == count) {
      print("produced " + n + " (last id " + id + ")");
    }
    if (n == count) {
      done.countDown();
    }
  }

  private void print(String line) {
    PrintStream out = log;
    if (out != null) {
      out.println("[producer] " + line);
    }
  }

  public static void main(String[] argv) throws Exception {
    Console.logLevel("warn");
    String[] redis = {"127.0.0.1:6379"};
    String[] stream = {"ticker"};
    int[] rate = {10};
    long[] count = {0};
    CommandLine commandLine = new CommandLine("Usage: FeedProducer --redis HOST:PORT [--stream KEY] [--rate N] [--count N]")
        .text(
            "",
            "Appends numbered ticker entries (content {\"n\",\"symbol\",\"price\",\"change\"}) to a Redis",
            "Stream at a steady rate, for ClusterFeedNode to serve.",
            "")
        .option("--redis", "HOST:PORT", "the Redis server (default 127.0.0.1:6379)", v -> redis[0] = v)
        .option("--stream", "KEY", "the stream (default 'ticker')", v -> stream[0] = v)
        .option("--rate", "N", "entries per second (default 10)", v -> rate[0] = CommandLine.atLeast("--rate", v, 1))
        .option("--count", "N", "stop after N entries (default: never)", v -> count[0] = CommandLine.atLeast("--count", v, 1))
        .helpOption();
    if (!commandLine.parseOrExit("FeedProducer", argv, System.out, System.err)) {
      return;
    }
    FeedProducer producer = start(redis[0], stream[0], rate[0], count[0], System.out);
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      producer.close();
      stopped.countDown();
    }, "feed-producer-shutdown"));
    if (count[0] > 0) {
      producer.done.await();
      producer.close();
      return;
    }
    stopped.await();
  }
}
