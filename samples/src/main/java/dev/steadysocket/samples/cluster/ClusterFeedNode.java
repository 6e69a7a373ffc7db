package dev.steadysocket.samples.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.steadysocket.testing.server.Envelopes;
import dev.steadysocket.testing.server.FeedProtocol;
import dev.steadysocket.testing.server.FeedStream;
import dev.steadysocket.testing.server.ServerSession;
import dev.steadysocket.testing.server.StreamId;
import java.io.Closeable;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Level;
import java.util.logging.Logger;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import org.jspecify.annotations.Nullable;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.params.XReadParams;
import redis.clients.jedis.resps.StreamEntry;

/**
 * One node of a feed cluster: any number of nodes serve the same feed because the feed lives in a
 * Redis Stream, not in a node. Each node
 *
 * <ul>
 *   <li>reads the stream with {@code XREAD BLOCK} and sends every entry to its clients, with the
 *       Redis entry id as the envelope id and the stream key as {@code meta.stream};
 *   <li>answers a resuming client from Redis: {@code XRANGE stream (<last id> +} replays the gap,
 *       even if the client was last connected to another node, which may since have died;
 *   <li>acknowledges client messages sent with {@code meta.ack} after appending them to a second
 *       stream, de-duplicated by id in Redis ({@link RedisInbox}), so a message re-sent to another
 *       node after a failover is recorded once;
 *   <li>answers {@code request} envelopes with a {@code reply} naming the node.
 * </ul>
 *
 * <p>The WebSocket side is the demo server's: OkHttp's MockWebServer with an upgrading dispatcher,
 * and the {@link FeedProtocol} shared with {@code DemoFeedServer}. Binds 127.0.0.1 only.
 */
public final class ClusterFeedNode implements Closeable {
  /** Held strongly so the level set on it is not lost to garbage collection. */
  private static final Logger MOCK_WEB_SERVER_LOGGER = Logger.getLogger(MockWebServer.class.getName());

  private static final int READ_BATCH = 512;
  private static final int READ_BLOCK_MILLIS = 1_000; // below Jedis' 2 s socket timeout

  private final ClusterFeedNodeOptions options;
  private final RedisClient redis;
  private final FeedStream feed;
  private final FeedProtocol protocol;
  private final MockWebServer server = new MockWebServer();
  private final ScheduledExecutorService scheduler =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "cluster-node-timers");
            t.setDaemon(true);
            return t;
          });
  private final Thread reader;
  private final AtomicBoolean closed = new AtomicBoolean();
  private final CountDownLatch stopped = new CountDownLatch(1);

  private ClusterFeedNode(ClusterFeedNodeOptions options, RedisClient redis, StreamId start) {
    this.options = options;
    this.redis = redis;
    this.feed =
        new FeedStream(
            options.stream,
            options.memoryEntries,
            start,
            (after, limit) -> RedisStreams.after(redis, options.stream, after, limit));
    this.protocol =
        FeedProtocol.builder(options.name)
            .stream(feed)
            .inbox(new RedisInbox(redis, options.inboxStream, options.name, Duration.ofDays(1), 1_000_000))
            .handler(new Handler())
            .scheduler(scheduler)
            .log(this::log)
            .build();
    this.reader = new Thread(() -> read(start), "cluster-node-xread");
    this.reader.setDaemon(true);
  }

  /** Connects to Redis, joins the feed at its current end and listens on 127.0.0.1. */
  public static ClusterFeedNode start(ClusterFeedNodeOptions options) throws IOException {
    MOCK_WEB_SERVER_LOGGER.setLevel(Level.WARNING);
    RedisClient redis = RedisStreams.connect(options.redis);
    ClusterFeedNode node;
    try {
      redis.ping();
      node = new ClusterFeedNode(options, redis, RedisStreams.lastId(redis, options.stream));
    } catch (RuntimeException e) {
      redis.close();
      throw new IOException("cannot use Redis at " + options.redis + ": " + e.getMessage(), e);
    }
    node.server.setDispatcher(node.new UpgradeDispatcher());
    try {
      node.server.start(InetAddress.getByName("127.0.0.1"), options.port);
    } catch (IOException e) {
      node.close();
      throw e;
    }
    node.reader.start();
    return node;
  }

  public int port() {
    return server.getPort();
  }

  public String url() {
    return "ws://127.0.0.1:" + port() + "/";
  }

  public FeedProtocol.Stats stats() {
    return protocol.stats();
  }

  /** Stops reading, closes every connection and the Redis pool. Idempotent. */
  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      try {
        server.close();
      } catch (RuntimeException e) {
        log("closing the server: " + e);
      }
      try {
        // At most one XREAD BLOCK period.
        if (!stopped.await(READ_BLOCK_MILLIS * 3L, TimeUnit.MILLISECONDS)) {
          reader.interrupt();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      scheduler.shutdownNow();
      redis.close();
    }
  }

  /** The reader thread: XREAD BLOCK from the last id it has, forever; retries after Redis errors. */
  private void read(StreamId start) {
    StreamEntryID last = new StreamEntryID(start.millis(), start.sequence());
    try {
      while (!closed.get()) {
        List<Map.Entry<String, List<StreamEntry>>> batch;
        try {
          batch =
              redis.xread(
                  XReadParams.xReadParams().block(READ_BLOCK_MILLIS).count(READ_BATCH),
                  Map.of(options.stream, last));
        } catch (RuntimeException e) {
          if (closed.get()) {
            break;
          }
          log("XREAD failed, retrying in 1 s: " + e);
          if (stopped.await(1, TimeUnit.SECONDS)) {
            break;
          }
          continue;
        }
        if (batch == null) {
          continue; // the block period passed with nothing new
        }
        for (Map.Entry<String, List<StreamEntry>> stream : batch) {
          for (StreamEntry entry : stream.getValue()) {
            feed.append(RedisStreams.toEntry(options.stream, entry));
            last = entry.getID();
          }
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      stopped.countDown();
    }
  }

  private void log(String line) {
    PrintStream log = options.log;
    if (log != null) {
      log.println("[" + options.name + "] " + line);
    }
  }

  private final class UpgradeDispatcher extends Dispatcher {
    @Override
    public MockResponse dispatch(RecordedRequest request) {
      if (!"websocket".equalsIgnoreCase(request.getHeaders().get("Upgrade"))) {
        return new MockResponse.Builder()
            .code(426)
            .setHeader("Upgrade", "websocket")
            .body("This is a WebSocket endpoint: try " + url() + "\n")
            .build();
      }
      return new MockResponse.Builder().webSocketUpgrade(protocol.newSession(request, true)).build();
    }
  }

  private final class Handler implements FeedProtocol.Handler {
    @Override
    public void onOpen(ServerSession session) {
      ObjectNode welcome = Envelopes.JSON.createObjectNode();
      welcome.put("event", "welcome");
      welcome.put("node", options.name);
      welcome.put("stream", options.stream);
      session.send(Envelopes.envelope("system", welcome, null, options.name, null).toString());
      log("connected, online: " + protocol.sessions().size());
    }

    @Override
    public @Nullable JsonNode onRequest(ServerSession session, ObjectNode request) {
      ObjectNode reply = Envelopes.JSON.createObjectNode();
      reply.put("node", options.name);
      reply.set("request", request.get("content"));
      return reply;
    }

    @Override
    public void onClose(ServerSession session, int code, @Nullable Throwable failure) {
      int online = protocol.sessions().size();
      log(failure == null
          ? "disconnected (" + code + "), online: " + online
          : "connection lost (" + failure + "), online: " + online);
    }
  }

  /** The command line: see {@link ClusterFeedNodeCommand}. */
  public static void main(String[] argv) throws Exception {
    ClusterFeedNodeCommand.main(argv);
  }
}
