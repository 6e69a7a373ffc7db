package dev.steadysocket.samples.cluster;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.steadysocket.samples.ArgReader;
import dev.steadysocket.samples.UsageException;
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

  private static final String USAGE =
      String.join(
          "\n",
          "Usage: FeedProducer --redis HOST:PORT [--stream KEY] [--rate N] [--count N]",
          "",
          "Appends numbered ticker entries (content {\"n\",\"symbol\",\"price\",\"change\"}) to a Redis",
          "Stream at a steady rate, for ClusterFeedNode to serve.",
          "",
          "  --redis HOST:PORT  the Redis server (default 127.0.0.1:6379)",
          "  --stream KEY       the stream (default 'ticker')",
          "  --rate N           entries per second (default 10)",
          "  --count N          stop after N entries (default: never)",
          "  --help             show this help");

  public static void main(String[] argv) throws Exception {
    System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
    String redis = "127.0.0.1:6379";
    String stream = "ticker";
    int rate = 10;
    long count = 0;
    ArgReader args = new ArgReader(argv);
    try {
      while (args.hasNext()) {
        String arg = args.next();
        switch (arg) {
          case "--redis":
            redis = args.value(arg);
            break;
          case "--stream":
            stream = args.value(arg);
            break;
          case "--rate":
            rate = args.intValue(arg, 1);
            break;
          case "--count":
            count = args.intValue(arg, 1);
            break;
          case "--help":
          case "-h":
            System.out.println(USAGE);
            return;
          default:
            throw new UsageException("unknown argument: " + arg + " (see --help)");
        }
      }
    } catch (UsageException e) {
      System.err.println("FeedProducer: " + e.getMessage());
      System.exit(2);
    }
    FeedProducer producer = start(redis, stream, rate, count, System.out);
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      producer.close();
      stopped.countDown();
    }, "feed-producer-shutdown"));
    if (count > 0) {
      producer.done.await();
      producer.close();
      return;
    }
    stopped.await();
  }
}
