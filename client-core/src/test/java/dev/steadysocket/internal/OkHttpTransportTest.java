package dev.steadysocket.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.steadysocket.Compression;
import dev.steadysocket.testkit.ServerPeer;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.WebSocket;
import okio.ByteString;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The OkHttp transport against a real server: frames both ways, our own pings and the pongs
 * counted by the guarded socket (installed through OkHttp's public {@code Response.Builder.socket};
 * if an OkHttp upgrade stopped honouring it, {@link #ourPingsAreAnsweredAndCounted} fails), the
 * handshake's headers, statuses, and redirects refused.
 */
class OkHttpTransportTest {
  /** Transport events as strings, in arrival order. */
  static final class Events implements Transport.Listener {
    final BlockingQueue<String> queue = new LinkedBlockingQueue<>();
    volatile Throwable failure;

    @Override public void onOpen() { queue.add("open"); }
    @Override public void onText(String text) { queue.add("text " + text); }
    @Override public void onBinary(byte[] bytes) { queue.add("binary " + bytes.length); }
    @Override public void onClosing(int code, String reason) { queue.add("closing " + code + " " + reason); }
    @Override public void onClosed(int code, String reason) { queue.add("closed " + code); }
    @Override public void onRefused(dev.steadysocket.SteadySocketException e, int code) { queue.add("refused " + code); }

    @Override
    public void onFailure(Throwable error, int httpStatus, String retryAfter) {
      failure = error;
      queue.add("failure " + httpStatus + " " + retryAfter);
    }

    String next() throws InterruptedException {
      String e = queue.poll(10, TimeUnit.SECONDS);
      if (e == null) fail("no transport event within 10 s");
      return e;
    }
  }

  final MockWebServer server = new MockWebServer();
  final OkHttpClient base = new OkHttpClient();
  final Events events = new Events();
  final ServerPeer peer = new ServerPeer(true);

  @AfterEach
  void tearDown() throws IOException {
    server.close();
    base.dispatcher().executorService().shutdown();
    base.connectionPool().evictAll();
  }

  OkHttpTransportFactory factory(OkHttpClient client, long unused) throws IOException {
    return factory(client, Compression.defaults());
  }

  OkHttpTransportFactory factory(OkHttpClient client, Compression compression) throws IOException {
    if (!server.getStarted()) server.start();
    Request request = new Request.Builder().url(server.url("/feed")).header("X-Fixed", "yes").build();
    return new OkHttpTransportFactory(client, request, 5_000, 1_000, 16 << 20, false, java.util.List.of(),
        compression, Runnable::run, System::nanoTime, TestEvents.of(null));
  }

  // #20: every clock the core reads is its scheduler's, the guarded socket's progress clock too
  @Test
  void theGuardedSocketMeasuresProgressWithTheSocketsClock() throws Exception {
    if (!server.getStarted()) server.start();
    server.enqueue(new MockResponse.Builder().webSocketUpgrade(peer).build());
    Request request = new Request.Builder().url(server.url("/feed")).build();
    long[] virtual = {7_000_000_000L};
    OkHttpTransport t = (OkHttpTransport) new OkHttpTransportFactory(base, request, 5_000, 1_000, 16 << 20, false,
        java.util.List.of(), Compression.defaults(), Runnable::run, () -> virtual[0], TestEvents.of(null)).connect(false, Map.of(), events);
    assertEquals("open", events.next(), String.valueOf(events.failure));
    assertEquals(7_000_000_000L, t.guard.outbound.nanoTime());
    assertEquals(7_000_000_000L, t.guard.outbound.lastProgressNanos(), "stamped at creation by the socket's clock");
    virtual[0] = 9_000_000_000L;
    assertEquals(9_000_000_000L, t.guard.outbound.nanoTime());
    t.cancel();
  }

  // #17 part 3
  @Test
  void theOfferIsRewrittenBelowOkHttpsAsTheCompressionSays() throws Exception {
    Compression tuned = Compression.defaults().withClientNoContextTakeover().withServerNoContextTakeover()
        .withServerMaxWindowBits(9);
    String[] expected = {null, "permessage-deflate",
        "permessage-deflate; client_no_context_takeover; server_no_context_takeover; server_max_window_bits=9"};
    Compression[] offers = {Compression.disabled(), Compression.defaults(), tuned};
    for (int i = 0; i < offers.length; i++) {
      server.enqueue(new MockResponse.Builder().webSocketUpgrade(peer).build());
      Events events = new Events(); // each its own: a cancelled transport reports later
      OkHttpTransport t = (OkHttpTransport) factory(base, offers[i]).connect(false, Map.of(), events);
      assertEquals("open", events.next(), "for " + offers[i] + ": " + events.failure);
      assertEquals(expected[i], server.takeRequest().getHeaders().get("Sec-WebSocket-Extensions"));
      t.cancel();
    }
  }

  // #17 part 3
  @Test
  void theAnswerIsCheckedAgainstTheOfferAndWhatWasAgreedIsRecorded() throws Exception {
    Compression offer = Compression.defaults().withServerMaxWindowBits(12).withMinimumSize(7);
    server.enqueue(new MockResponse.Builder().webSocketUpgrade(peer)
        .addHeader("Sec-WebSocket-Extensions", "permessage-deflate; server_max_window_bits=10").build());
    OkHttpTransport t = (OkHttpTransport) factory(base, offer).connect(false, Map.of(), events);
    assertEquals("open", events.next());
    assertEquals(Compression.defaults().withServerMaxWindowBits(10).withMinimumSize(7), t.compression());
    t.cancel();
    Events refusal = new Events();
    server.enqueue(new MockResponse.Builder().webSocketUpgrade(peer)
        .addHeader("Sec-WebSocket-Extensions", "permessage-deflate; server_max_window_bits=13").build());
    t = (OkHttpTransport) factory(base, offer).connect(false, Map.of(), refusal);
    assertEquals("failure -1 null", refusal.next(), "refused before OkHttp saw the 101");
    assertInstanceOf(java.net.ProtocolException.class, refusal.failure);
    assertTrue(refusal.failure.getMessage().contains("server_max_window_bits=13"), refusal.failure.getMessage());
    assertEquals(Compression.disabled(), t.compression());
    assertNull(t.guard, "no socket was guarded: OkHttp never read from it");
  }

  OkHttpTransport openTransport(long unused) throws Exception {
    server.enqueue(new MockResponse.Builder().webSocketUpgrade(peer).build());
    OkHttpTransport t = (OkHttpTransport) factory(base, 0).connect(false, Map.of("X-Extra", "1"), events);
    assertEquals("open", events.next());
    return t;
  }

  @Test
  void ourPingsAreAnsweredAndCounted() throws Exception {
    OkHttpTransport t = openTransport(0);
    assertNotNull(t.guard, "the upgraded socket is guarded");
    assertEquals(0, t.pongCount());
    for (int i = 0; i < 3; i++) assertTrue(t.ping());
    // The server's OkHttp writes each pong before the echo of a text sent after the pings (pongs
    // jump its queue), and our reader counts a pong as it passes: once the echo is here, so are they.
    assertTrue(t.send("after the pings"));
    assertEquals("text after the pings", events.next());
    assertEquals(3, t.pongCount());
    t.close(1000, "done");
    assertEquals("closing 1000 done", peer.awaitClose());
  }

  @Test
  void beforeTheUpgradeThereIsNoPongCountAndNoPing() {
    OkHttpTransport t = new OkHttpTransport(events, Runnable::run);
    assertEquals(-1, t.pongCount());
    assertFalse(t.ping());
  }

  @Test
  void redirectsAreNeverFollowed() throws Exception {
    MockWebServer other = new MockWebServer();
    other.start();
    try {
      if (!server.getStarted()) server.start();
      server.enqueue(new MockResponse.Builder().code(302).addHeader("Location", other.url("/elsewhere")).build());
      factory(base.newBuilder().followRedirects(true).build(), 0).connect(false, Map.of("X-Api-Key", "k"), events);
      assertEquals("failure 302 null", events.next());
      assertEquals(0, other.getRequestCount(), "nothing went to the other origin");
    } finally {
      other.close();
    }
  }

  @Test
  void framesFlowBothWaysAndTheHandshakeCarriesTheExtraHeaders() throws Exception {
    OkHttpTransport t = openTransport(0);
    okhttp3.Headers headers = server.takeRequest().getHeaders();
    assertEquals("1", headers.get("X-Extra"));
    assertEquals("yes", headers.get("X-Fixed"));
    assertTrue(t.send("hello"));
    assertEquals("text hello", events.next());
    assertTrue(t.queueSize() >= 0);
    assertEquals(0, t.pongCount(), "no pings without a ping interval");
    peer.awaitOpen().send(ByteString.of((byte) 1, (byte) 2, (byte) 3));
    assertEquals("binary 3", events.next());
    t.close(1000, "bye");
    assertFalse(t.send("late"), "OkHttp refuses sends once closing");
    assertEquals("closing 1000 bye", peer.awaitClose());
    assertEquals("closing 1000 ", events.next());
    assertEquals("closed 1000", events.next());
  }

  @Test
  void aServerCloseIsAnsweredWithItsOwnCode() throws Exception {
    openTransport(0);
    WebSocket serverSide = peer.awaitOpen();
    serverSide.close(4000, "maintenance");
    assertEquals("closing 4000 maintenance", events.next());
    assertEquals("closing 4000 ", peer.awaitClose(), "the client answered with 4000, not 1000");
    assertEquals("closed 4000", events.next());
  }

  @Test
  void aRejectedHandshakeReportsTheStatusAndRetryAfter() throws Exception {
    server.enqueue(new MockResponse.Builder().code(503).addHeader("Retry-After", "7").build());
    factory(base, 0).connect(false, Map.of(), events);
    assertEquals("failure 503 7", events.next());
    server.enqueue(new MockResponse.Builder().code(401).build());
    factory(base, 0).connect(false, Map.of(), events);
    assertEquals("failure 401 null", events.next());
  }

  /** Answers every request with {@code response}. */
  private void answerAlways(MockResponse response) throws IOException {
    if (!server.getStarted()) server.start();
    server.setDispatcher(new mockwebserver3.Dispatcher() {
      @Override
      public MockResponse dispatch(mockwebserver3.RecordedRequest request) {
        return response;
      }
    });
  }

  // #16 item 6
  @Test
  void a503WithRetryAfterZeroIsReportedWithoutOkHttpRepeatingIt() throws Exception {
    answerAlways(new MockResponse.Builder().code(503).addHeader("Retry-After", "0").build());
    factory(base, 0).connect(false, Map.of(), events);
    assertEquals("failure 503 0", events.next());
    assertEquals(1, server.getRequestCount(), "handshakes sent");
  }

  // #16 item 6
  @Test
  void a408IsReportedWithoutOkHttpRepeatingIt() throws Exception {
    answerAlways(new MockResponse.Builder().code(408).build());
    factory(base, 0).connect(false, Map.of(), events);
    assertEquals("failure 408 null", events.next());
    assertEquals(1, server.getRequestCount(), "handshakes sent");
  }

  /** Answers a 401 with credentials, building the request anew as some authenticators do. */
  private static OkHttpClient answeringChallenges(OkHttpClient base, int times) {
    java.util.concurrent.atomic.AtomicInteger answered = new java.util.concurrent.atomic.AtomicInteger();
    return base.newBuilder().authenticator((route, response) -> {
      if (answered.incrementAndGet() > times) return null;
      Request r = response.request();
      return new Request.Builder().url(r.url()).headers(r.headers())
          .header("Authorization", "Basic " + answered.get()).build();
    }).build();
  }

  // #16 item 6: an application's Authenticator is configuration it asked for, and may answer
  @Test
  void anApplicationsAuthenticatorStillAnswersChallengesWithinTheAttempt() throws Exception {
    if (!server.getStarted()) server.start();
    server.enqueue(new MockResponse.Builder().code(401).build());
    server.enqueue(new MockResponse.Builder().code(401).build());
    server.enqueue(new MockResponse.Builder().webSocketUpgrade(peer).build());
    factory(answeringChallenges(base, 2), 0).connect(false, Map.of(), events);
    assertEquals("open", events.next());
    assertNull(server.takeRequest().getHeaders().get("Authorization"));
    assertEquals("Basic 1", server.takeRequest().getHeaders().get("Authorization"));
    assertEquals("Basic 2", server.takeRequest().getHeaders().get("Authorization"));
  }

  // #16 item 6: the pass granted for a challenge is spent on its answer, not on OkHttp's repeat
  @Test
  void a503WithRetryAfterZeroAfterAnAnsweredChallengeIsStillNotRepeated() throws Exception {
    if (!server.getStarted()) server.start();
    server.enqueue(new MockResponse.Builder().code(401).build());
    server.enqueue(new MockResponse.Builder().code(503).addHeader("Retry-After", "0").build());
    server.enqueue(new MockResponse.Builder().webSocketUpgrade(peer).build());
    factory(answeringChallenges(base, 5), 0).connect(false, Map.of(), events);
    assertEquals("failure 503 0", events.next());
    assertEquals(2, server.getRequestCount(), "handshakes sent");
  }

  // #16 item 6: only OkHttp's own repeats are refused; the application's interceptors are its code
  @Test
  void anApplicationInterceptorThatProceedsAgainIsNotRefused() throws Exception {
    if (!server.getStarted()) server.start();
    server.enqueue(new MockResponse.Builder().code(500).build());
    server.enqueue(new MockResponse.Builder().webSocketUpgrade(peer).build());
    OkHttpClient retrying = base.newBuilder().addInterceptor(chain -> {
      Response first = chain.proceed(chain.request());
      if (first.code() != 500) return first;
      first.close();
      return chain.proceed(chain.request());
    }).build();
    factory(retrying, 0).connect(false, Map.of(), events);
    assertEquals("open", events.next());
    assertEquals(2, server.getRequestCount(), "handshakes sent");
  }

  // #16 item 6: the call's own cookie jar wraps the application's
  @Test
  void theApplicationsCookieJarStillSuppliesAndReceivesCookies() throws Exception {
    java.util.List<okhttp3.Cookie> saved = new java.util.concurrent.CopyOnWriteArrayList<>();
    OkHttpClient withJar = base.newBuilder().cookieJar(new okhttp3.CookieJar() {
      @Override
      public void saveFromResponse(okhttp3.HttpUrl url, java.util.List<okhttp3.Cookie> cookies) {
        saved.addAll(cookies);
      }

      @Override
      public java.util.List<okhttp3.Cookie> loadForRequest(okhttp3.HttpUrl url) {
        return java.util.List.of(okhttp3.Cookie.parse(url, "session=abc"));
      }
    }).build();
    if (!server.getStarted()) server.start();
    server.enqueue(new MockResponse.Builder().webSocketUpgrade(peer).addHeader("Set-Cookie", "seen=yes").build());
    factory(withJar, 0).connect(false, Map.of(), events);
    assertEquals("open", events.next());
    assertEquals("session=abc", server.takeRequest().getHeaders().get("Cookie"));
    assertEquals("seen=yes", saved.get(0).name() + "=" + saved.get(0).value());
  }

  @Test
  void aConnectionWithoutAResponseReportsNoStatus() throws Exception {
    server.enqueue(new MockResponse.Builder().webSocketUpgrade(peer).build());
    OkHttpTransport t = (OkHttpTransport) factory(base, 0).connect(false, Map.of(), events);
    assertEquals("open", events.next());
    t.cancel();
    assertEquals("failure -1 null", events.next());
    assertInstanceOf(IOException.class, events.failure);
  }

  @Test
  void anUncheckedExceptionInsideTheCallBecomesAnIoFailure() throws Exception {
    OkHttpClient throwing = base.newBuilder()
        .addInterceptor(chain -> {
          throw new IllegalStateException("interceptor bug");
        })
        .build();
    factory(throwing, 0).connect(false, Map.of(), events);
    assertEquals("failure -1 null", events.next());
    IOException e = assertInstanceOf(IOException.class, events.failure);
    assertEquals("the handshake failed inside OkHttp: java.lang.IllegalStateException", e.getMessage());
  }

  @Test
  void aTransportThatIsNotConnectedSaysSo() {
    OkHttpTransport t = new OkHttpTransport(events, Runnable::run);
    assertNull(t.webSocket);
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> t.send("x"));
    assertEquals("not connected", e.getMessage());
  }
}
