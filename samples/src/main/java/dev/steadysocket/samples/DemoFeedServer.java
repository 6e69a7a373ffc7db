package dev.steadysocket.samples;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.steadysocket.testing.server.Envelopes;
import dev.steadysocket.testing.server.FeedProtocol;
import dev.steadysocket.testing.server.FeedStream;
import dev.steadysocket.testing.server.MemoryInbox;
import dev.steadysocket.testing.server.ServerSession;
import java.io.Closeable;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
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
 * stream declared with {@link Options#stream}) is resumable: entries carry {@code meta.stream} and
 * Redis-style ids, the last {@link Options#historySize} are kept in memory and replayed to a client
 * that resumes.
 */
public final class DemoFeedServer implements Closeable {
  public static final int DEFAULT_PORT = 8025;
  static final String SENDER = "demo-feed";

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String[] SYMBOLS = {"ACME", "GLOBX", "INITECH", "UMBRL", "WAYNE"};

  /** Held strongly so the level set on it is not lost to garbage collection. */
  private static final Logger MOCK_WEB_SERVER_LOGGER = Logger.getLogger(MockWebServer.class.getName());

  /** Settings; the defaults are the documented behaviour. */
  public static final class Options {
    int port = 0;
    boolean chaos;
    long chaosMinMillis = 3_000;
    long chaosMaxMillis = 6_000;
    long tickerMillis = 200;
    @Nullable String requiredToken;
    @Nullable PrintStream log;
    int historySize = 16_384;
    final List<String> streams = new ArrayList<>();
    @Nullable Consumer<ObjectNode> onMessage;
    java.util.function.@Nullable BiConsumer<Object, ObjectNode> onConnectionMessage;
    @Nullable String authToken;
    Duration resumeGrace = Duration.ofMillis(500);

    public Options port(int port) {
      this.port = port;
      return this;
    }

    /** Cut all connections abruptly at random intervals of a few seconds. */
    public Options chaos(boolean chaos) {
      this.chaos = chaos;
      return this;
    }

    /** Interval between ticker entries; 0 publishes none (the stream stays, silent). */
    public Options tickerMillis(long millis) {
      this.tickerMillis = millis;
      return this;
    }

    /** How many entries of each stream are kept for resuming clients. Default 16,384. */
    public Options historySize(int entries) {
      this.historySize = entries;
      return this;
    }

    /** Declares another resumable stream, fed by {@link DemoFeedServer#publish}. */
    public Options stream(String name) {
      this.streams.add(name);
      return this;
    }

    /**
     * Called with every application message a client sends (not heartbeats, resumes or requests),
     * once per id for acknowledged ones, before the ack is sent. Runs on the connection's reader
     * thread, and for acknowledged messages inside the de-duplication lock: keep it short.
     */
    public Options onMessage(@Nullable Consumer<ObjectNode> onMessage) {
      this.onMessage = onMessage;
      return this;
    }

    /**
     * Like {@link #onMessage}, with the connection it came on (an object that identifies it; the
     * same for all of a connection's messages): to check what each connection saw, in order.
     */
    public Options onConnectionMessage(java.util.function.@Nullable BiConsumer<Object, ObjectNode> hook) {
      this.onConnectionMessage = hook;
      return this;
    }

    /** The token an {@code auth} setup message must carry; null accepts any (see {@link DemoSetup}). */
    public Options authToken(@Nullable String token) {
      this.authToken = token;
      return this;
    }

    /** How long a connection without the resume header waits for a {@code resume} frame. */
    public Options resumeGrace(Duration grace) {
      this.resumeGrace = grace;
      return this;
    }

    /** Refuse upgrades (HTTP 401) without {@code Authorization: Bearer <token>}. */
    public Options requiredToken(@Nullable String token) {
      this.requiredToken = token;
      return this;
    }

    /** Where connection events go; null for none. */
    public Options log(@Nullable PrintStream log) {
      this.log = log;
      return this;
    }
  }

  private final Options options;
  private final MockWebServer server = new MockWebServer();
  private final FeedProtocol protocol;
  private final FeedStream ticker;
  /** Every accepted TCP connection, so that {@link #dropAll} can cut them below WebSocket. */
  private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
  private final ScheduledExecutorService scheduler =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "demo-feed-server");
            t.setDaemon(true);
            return t;
          });
  private final AtomicBoolean closed = new AtomicBoolean();
  /** Written by the scheduler thread, read by request handlers. */
  private final Map<String, Double> prices = new ConcurrentHashMap<>();

  private DemoFeedServer(Options options) {
    this.options = options;
    for (String symbol : SYMBOLS) {
      prices.put(symbol, 20 + ThreadLocalRandom.current().nextInt(300) + 0.0);
    }
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
  public static DemoFeedServer start(Options options) throws IOException {
    MOCK_WEB_SERVER_LOGGER.setLevel(Level.WARNING);
    DemoFeedServer feed = new DemoFeedServer(options);
    feed.server.setServerSocketFactory(new TrackingServerSocketFactory(feed.sockets));
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
   * Options#stream}) and sends it to every subscribed client.
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
    return prices.get(symbol);
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
    for (Socket socket : sockets) {
      sockets.remove(socket);
      try {
        socket.setSoLinger(true, 0);
      } catch (IOException ignored) {
        // Already closed: nothing to reset.
      }
      try {
        socket.close();
      } catch (IOException ignored) {
        // Closing is all we want; a failure to do so cleanly changes nothing.
      }
    }
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
    String symbol = SYMBOLS[ThreadLocalRandom.current().nextInt(SYMBOLS.length)];
    double old = prices.get(symbol);
    double price = Math.max(0.01, round2(old * (1 + (ThreadLocalRandom.current().nextDouble() - 0.5) / 100)));
    prices.put(symbol, price);
    ObjectNode content = JSON.createObjectNode();
    content.put("symbol", symbol);
    content.put("price", price);
    content.put("change", round2(price - old));
    ticker.publish("ticker", content, SENDER);
  }

  private static double round2(double value) {
    return Math.round(value * 100) / 100.0;
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
