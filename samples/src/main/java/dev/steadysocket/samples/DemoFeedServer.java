package dev.steadysocket.samples;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.steadysocket.testing.server.Envelopes;
import dev.steadysocket.testing.server.FeedProtocol;
import dev.steadysocket.testing.server.TrackingServerSocketFactory;
import dev.steadysocket.testing.server.FeedStream;
import dev.steadysocket.testing.server.MemoryInbox;
import dev.steadysocket.testing.server.ServerSession;
import java.io.Closeable;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Collection;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Level;
import java.util.logging.Logger;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import org.jspecify.annotations.Nullable;

/**
 * A demo feed: a stock ticker and a chat room, served over real WebSockets on 127.0.0.1.
 *
 * <p>Built on OkHttp's MockWebServer: its dispatcher upgrades every request, so the server side
 * of RFC 6455 is OkHttp's own and no other server dependency is needed.
 *
 * <ul>
 *   <li>every path but {@code /chat}: a {@code ticker} envelope (content {@code {symbol, price,
 *       change}}) several times a second, plus the chat room;
 *   <li>{@code /chat}: the chat room only. A {@code text} envelope goes to every other client, or
 *       only to the clients whose name (the {@code sender} they last used) equals its {@code
 *       receiver}, unless that is absent or {@code "room"}; {@code join} envelopes go to all others;
 *   <li>{@code heartbeat} envelopes are echoed with the same id;
 *   <li>setup messages: {@code subscribe} and {@code unsubscribe} a ticker symbol, {@code auth}
 *       (see {@link DemoSetup}), confirmed or rejected by a reply;
 *   <li>{@code {"type":"system","content":{"command":"drop"}}} cuts every connection, as does chaos
 *       mode every few seconds; each new connection gets a {@code system} welcome envelope.
 * </ul>
 *
 * <p>It implements the delivery guarantees through {@link FeedProtocol}: messages with {@code
 * meta.ack} are acknowledged and handled once per id; a {@code request} gets a {@code reply} (a
 * quote for {@code {"symbol":"ACME"}}, otherwise an echo of its content); the ticker (and any
 * stream declared with {@link DemoFeedServerOptions#stream}) is resumable: entries carry {@code meta.stream} and
 * Redis-style ids, the last {@link DemoFeedServerOptions#historySize} are kept in memory and replayed to a client
 * that resumes.
 */
public final class DemoFeedServer implements Closeable {
  public static final int DEFAULT_PORT = 8025;
  static final String SENDER = "demo-feed";


  /** Held strongly so the level set on it is not lost to garbage collection. */
  private static final Logger MOCK_WEB_SERVER_LOGGER = Logger.getLogger(MockWebServer.class.getName());

  private final DemoFeedServerOptions options;
  private final MockWebServer server = new MockWebServer();
  private final FeedProtocol protocol;
  private final FeedStream ticker;
  /** Records every accepted TCP connection, so that {@link #dropAll} can cut them below WebSocket. */
  private final TrackingServerSocketFactory sockets = new TrackingServerSocketFactory();
  private final ScheduledExecutorService scheduler =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "demo-feed-server");
            t.setDaemon(true);
            return t;
          });
  private final AtomicBoolean closed = new AtomicBoolean();
  /** Ticked by the scheduler thread, read by request handlers. */
  private final TickerPrices prices = new TickerPrices();

  private DemoFeedServer(DemoFeedServerOptions options) {
    this.options = options;
    this.ticker = FeedStream.inMemory("ticker", options.historySize);
    FeedProtocol.Builder protocol =
        FeedProtocol.builder(SENDER)
            .stream(ticker)
            .inbox(new MemoryInbox(Math.max(4_096, options.historySize)))
            .handler(new DemoChat(this, options))
            .scheduler(scheduler)
            .resumeGrace(options.resumeGrace)
            .log(this::log);
    for (String name : options.streams) {
      protocol.stream(FeedStream.inMemory(name, options.historySize));
    }
    this.protocol = protocol.build();
  }

  /** Starts a server on 127.0.0.1 (port 0 picks a free one). */
  public static DemoFeedServer start(DemoFeedServerOptions options) throws IOException {
    MOCK_WEB_SERVER_LOGGER.setLevel(Level.WARNING);
    DemoFeedServer feed = new DemoFeedServer(options);
    feed.server.setServerSocketFactory(feed.sockets);
    feed.server.setDispatcher(feed.new UpgradeDispatcher());
    feed.server.start(InetAddress.getByName("127.0.0.1"), options.port);
    if (options.tickerMillis > 0) {
      feed.scheduler.scheduleAtFixedRate(
          feed::tick, options.tickerMillis, options.tickerMillis, TimeUnit.MILLISECONDS);
    }
    if (options.chaos) {
      feed.scheduleChaos();
    }
    return feed;
  }

  public int port() {
    return server.getPort();
  }

  /** {@code ws://127.0.0.1:<port><path>}, path starting with a slash. */
  public String url(String path) {
    return "ws://127.0.0.1:" + port() + path;
  }

  public int connectionCount() {
    return protocol.sessions().size();
  }

  /**
   * Appends an entry to a resumable stream (the ticker or one declared with {@link
   * DemoFeedServerOptions#stream}) and sends it to every subscribed client.
   *
   * @return the entry's id
   * @throws IllegalArgumentException for an undeclared stream
   */
  public String publish(String stream, String type, @Nullable JsonNode content) {
    FeedStream feedStream = protocol.stream(stream);
    if (feedStream == null) {
      throw new IllegalArgumentException("no such stream: " + stream);
    }
    return feedStream.publish(type, content, SENDER).id().toString();
  }

  /** How many clients are subscribed to {@code stream} (live, past their replay). */
  public int subscriberCount(String stream) {
    FeedStream feedStream = protocol.stream(stream);
    return feedStream == null ? 0 : feedStream.subscriberCount();
  }

  /** The live sessions; the chat room forwards to them. */
  Collection<ServerSession> sessions() {
    return protocol.sessions();
  }

  /** The current price of {@code symbol}, or null for a symbol the ticker does not have. */
  @Nullable Double price(String symbol) {
    return prices.price(symbol);
  }

  /** Acks, repeats dropped, replies, resumes and replayed entries so far. */
  public FeedProtocol.Stats stats() {
    return protocol.stats();
  }

  /**
   * Cuts every connection without a close handshake, as a network failure would: the TCP sockets
   * are reset (server-side OkHttp web sockets have no {@code cancel()}).
   *
   * @return the number of WebSocket sessions that were open
   */
  public int dropAll() {
    int dropped = protocol.sessions().size();
    sockets.resetAll();
    return dropped;
  }

  /** Stops the server and cuts all connections. Idempotent. */
  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      scheduler.shutdownNow();
      server.close();
    }
  }

  private void scheduleChaos() {
    long delay =
        ThreadLocalRandom.current().nextLong(options.chaosMinMillis, options.chaosMaxMillis + 1);
    scheduler.schedule(
        () -> {
          int dropped = dropAll();
          if (dropped > 0) {
            log("chaos: dropped " + dropped + " connection(s)");
          }
          scheduleChaos();
        },
        delay,
        TimeUnit.MILLISECONDS);
  }

  private void tick() {
    ticker.publish("ticker", prices.tick(), SENDER);
  }

  static ObjectNode envelope(
      String type, @Nullable JsonNode content, @Nullable String id, @Nullable String receiver) {
    return Envelopes.envelope(type, content, id, SENDER, receiver);
  }

  void log(String line) {
    PrintStream log = options.log;
    if (log != null) {
      log.println("[demo] " + line);
    }
  }

  private final class UpgradeDispatcher extends Dispatcher {
    @Override
    public MockResponse dispatch(RecordedRequest request) {
      String token = options.requiredToken;
      if (token != null && !constantTimeEquals("Bearer " + token, request.getHeaders().get("Authorization"))) {
        log("refused " + request.getUrl().encodedPath() + ": missing or wrong token");
        return new MockResponse.Builder().code(401).body("unauthorized\n").build();
      }
      if (!"websocket".equalsIgnoreCase(request.getHeaders().get("Upgrade"))) {
        return new MockResponse.Builder()
            .code(426)
            .setHeader("Upgrade", "websocket")
            .body("This is a WebSocket endpoint: try " + url("/") + "\n")
            .build();
      }
      boolean feed = !request.getUrl().encodedPath().equals("/chat");
      return new MockResponse.Builder().webSocketUpgrade(protocol.newSession(request, feed)).build();
    }
  }

  /** Compares a secret without leaking through timing; also for {@link DemoSetup}'s auth tokens. */
  static boolean constantTimeEquals(String expected, @Nullable String actual) {
    return actual != null
        && MessageDigest.isEqual(
            expected.getBytes(StandardCharsets.UTF_8), actual.getBytes(StandardCharsets.UTF_8));
  }

  /** The command line: see {@link DemoFeedServerCommand}. */
  public static void main(String[] argv) throws Exception {
    DemoFeedServerCommand.main(argv);
  }
}
