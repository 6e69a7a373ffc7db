package dev.steadysocket.internal;

import dev.steadysocket.Compression;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import okhttp3.ConnectionPool;
import okhttp3.Interceptor;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.jspecify.annotations.Nullable;

/**
 * Connects with one OkHttpClient derived once per socket and URL (it shares the base's dispatcher
 * and threads, and has a connection pool of its own), whatever client the application passed:
 *
 * <ul>
 *   <li>every handshake OkHttp sends is one of our attempts, spaced by the retry planner: OkHttp
 *       does not recover from I/O failures (retryOnConnectionFailure off, so no repeat of a 408
 *       either), and {@link HandshakePasses} refuses its repeat of a 503 with {@code Retry-After: 0}.
 *       What the application configured is its own: its {@code Authenticator} or proxy {@code
 *       Authenticator} may still answer a 401 or 407 within the attempt, and its interceptors
 *       may call {@code proceed} again;
 *   <li>its connection pool keeps no idle connection: with recovery off, a connection the server
 *       dropped while it sat in the pool would fail the next attempt;
 *   <li>redirects are never followed: a 3xx ends the attempt ({@code HandshakeException}), so no
 *       credential is sent to another origin or over plaintext;
 *   <li>OkHttp's connect and read timeouts never cut the handshake shorter than the socket's own
 *       connect timeout (a read timeout no longer applies once the socket is upgraded);
 *   <li>OkHttp's pinger is off: the heartbeat sends its own pings ({@link OutboundFrames});
 *   <li>the upgraded socket is wrapped in a {@link GuardedSocket}, which bounds what the server
 *       can make us buffer;
 *   <li>permessage-deflate is offered as the socket's {@link Compression} says (OkHttp always
 *       offers it and refuses a request that sets the header, so the offer is rewritten below
 *       OkHttp's), and the server's answer is checked against that offer ({@link Extensions}).
 * </ul>
 */
final class OkHttpTransportFactory implements Transport.Factory {
  static final String SUBPROTOCOL = "Sec-WebSocket-Protocol";

  private final OkHttpClient client;
  private final Request request;
  private final Executor dispatch;

  /**
   * @param request the handshake request with what the application configured (its subprotocols
   *     among them); the token, if any, is added per attempt
   * @param tokenLabels the items of the token prefix offered in {@code Sec-WebSocket-Protocol}
   *     beside the token ({@code access_token} of {@code "access_token, "}), which the server may
   *     choose; the token itself it may not
   */
  OkHttpTransportFactory(
      OkHttpClient base, Request request, long connectTimeoutMillis, long closeTimeoutMillis,
      long maxInboundMessageBytes, boolean subprotocolRequired, List<String> tokenLabels,
      Compression compression, Executor dispatch, java.util.function.LongSupplier clock, Events events) {
    OkHttpClient.Builder b =
        base.newBuilder()
            .pingInterval(0, TimeUnit.MILLISECONDS)
            .followRedirects(false)
            .followSslRedirects(false)
            .retryOnConnectionFailure(false)
            .connectionPool(new ConnectionPool(0, 1, TimeUnit.SECONDS))
            .authenticator(HandshakePasses.FollowUps.of(base.authenticator()))
            .proxyAuthenticator(HandshakePasses.FollowUps.of(base.proxyAuthenticator()))
            .webSocketCloseTimeout(okHttpMillis(closeTimeoutMillis), TimeUnit.MILLISECONDS);
    AttemptPhases phases = new AttemptPhases(events, clock);
    if (events.timesPhases) phases.install(base, b); // without an observer, the client's own Dns and sockets
    long connectMillis = okHttpMillis(connectTimeoutMillis);
    // A minimum size left at its default is the application client's (1,024 unless it set one).
    if (compression.isEnabled() && compression.minimumSize() == Compression.defaults().minimumSize()) {
      compression = compression.withMinimumSize(base.minWebSocketMessageToCompress());
    }
    b.minWebSocketMessageToCompress(compression.minimumSize()); // 0 when disabled: nothing is compressed anyway
    if (shorter(base.connectTimeoutMillis(), connectMillis)) {
      b.connectTimeout(connectMillis, TimeUnit.MILLISECONDS);
    }
    if (shorter(base.readTimeoutMillis(), connectMillis)) {
      b.readTimeout(connectMillis, TimeUnit.MILLISECONDS);
    }
    b.interceptors().add(0, UNCHECKED_AS_IO); // first, so it wraps every other interceptor
    List<String> choices = new ArrayList<>(request.headers(SUBPROTOCOL));
    choices.addAll(tokenLabels);
    b.interceptors().add(1, new GuardInterceptor(maxInboundMessageBytes, choices, subprotocolRequired, compression, clock, phases));
    b.interceptors().add(ONE_PASS); // last, below the application's
    this.client = b.build();
    this.request = request;
    this.dispatch = dispatch;
  }

  /**
   * A timeout OkHttp accepts: 1 ms to {@code Integer.MAX_VALUE} ms (24.8 days; OkHttp refuses more).
   * Our own timers keep the full duration; a longer one only means OkHttp's fires first.
   */
  private static long okHttpMillis(long millis) {
    return Math.max(1, Math.min(Integer.MAX_VALUE, millis));
  }

  /** True if OkHttp's timeout (0: none) would fire before ours. */
  private static boolean shorter(long okHttpMillis, long ourMillis) {
    return okHttpMillis != 0 && okHttpMillis < ourMillis;
  }

  /**
   * Offers compression as configured; on the 101 response of a request that carries an {@link
   * OkHttpTransport} tag: checks the server's subprotocol and extensions against what was offered
   * (OkHttp checks neither before it opens), records what was negotiated, and wraps the socket in
   * a {@link GuardedSocket}.
   */
  private static final class GuardInterceptor implements Interceptor {
    private final long maxMessageBytes;
    /** What the server may choose: what was configured, never the token offered beside it. */
    private final List<String> choices;

    private final boolean subprotocolRequired;
    private final Compression compression;
    private final @Nullable String offer;
    /** The socket's scheduler's monotonic clock, which the guarded socket measures progress with. */
    private final java.util.function.LongSupplier clock;

    private final AttemptPhases phases;

    GuardInterceptor(long maxMessageBytes, List<String> choices, boolean subprotocolRequired, Compression compression,
        java.util.function.LongSupplier clock, AttemptPhases phases) {
      this.clock = clock;
      this.phases = phases;
      this.maxMessageBytes = maxMessageBytes;
      this.choices = choices;
      this.subprotocolRequired = subprotocolRequired;
      this.compression = compression;
      this.offer = Extensions.offer(compression);
    }

    @Override
    public Response intercept(Chain chain) throws IOException {
      Request.Builder offering = chain.request().newBuilder();
      Request request = (offer == null ? offering.removeHeader(Extensions.HEADER) : offering.header(Extensions.HEADER, offer)).build();
      Response response = chain.proceed(request);
      OkHttpTransport transport = request.tag(OkHttpTransport.class);
      if (transport != null) phases.answered(response);
      okio.Socket raw = response.socket();
      if (transport == null || raw == null || response.code() != 101) return response;
      String chosen = response.header(SUBPROTOCOL);
      Extensions answer = Extensions.of(response.headers());
      String problem = Subprotocols.problem(choices, chosen, subprotocolRequired);
      if (problem == null) problem = answer.problem(compression);
      if (problem != null) {
        raw.cancel();
        throw new java.net.ProtocolException(problem);
      }
      String extensions = String.join(", ", response.headers(Extensions.HEADER));
      transport.negotiated(chosen, extensions, answer.negotiated(compression));
      GuardedSocket guard = new GuardedSocket(raw, maxMessageBytes, answer, transport, clock);
      transport.guard = guard;
      return response.newBuilder().socket(guard).build();
    }

    @Override
    public String toString() {
      return "SteadySocket(inbound limits)";
    }
  }

  /**
   * OkHttp rethrows an unchecked exception from a call on its dispatcher thread, where it is
   * uncaught, and the socket would only learn of it as a cancellation. Its own follow-up logic
   * throws one for a {@code Retry-After} beyond an int on a 503, and a WebSocket call skips network
   * interceptors, so this is the one place to catch it: the attempt fails as an I/O error and is
   * retried with backoff.
   */
  private static final Interceptor UNCHECKED_AS_IO = new Interceptor() {
    @Override
    public Response intercept(Chain chain) throws IOException {
      try {
        return chain.proceed(chain.request());
      } catch (RuntimeException e) {
        throw new IOException("the handshake failed inside OkHttp: " + e.getClass().getName(), e);
      }
    }

    @Override
    public String toString() {
      return "SteadySocket(unchecked exceptions as IOException)";
    }
  };

  /**
   * The last application interceptor, right above OkHttp's follow-up loop: gives each request it
   * passes down its own {@link HandshakePasses}, as the cookie jar and as a tag the authenticators
   * find. The application's interceptors sit above it, so one that calls {@code proceed} again
   * repeats the handshake as it chooses; only OkHttp's own repeats are refused.
   */
  private static final Interceptor ONE_PASS = new Interceptor() {
    @Override
    public Response intercept(Chain chain) throws IOException {
      HandshakePasses passes = new HandshakePasses(chain.getCookieJar());
      Request request = chain.request().newBuilder().tag(HandshakePasses.class, passes).build();
      try {
        return chain.withCookieJar(passes).proceed(request);
      } catch (HandshakePasses.Refused e) {
        throw HandshakePasses.StatusNotFollowed.serviceUnavailable();
      } catch (java.net.ProtocolException e) {
        // OkHttp 5's followUpRequest, word for word; AuthenticatorLoopTest notices if it changes.
        String m = e.getMessage();
        if (m != null && m.startsWith("Received HTTP_PROXY_AUTH (407)")) {
          throw HandshakePasses.StatusNotFollowed.proxyAuthenticationWithoutProxy();
        }
        throw e;
      }
    }

    @Override
    public String toString() {
      return "SteadySocket(no handshake repeated by OkHttp)";
    }
  };

  @Override
  public Transport connect(boolean refreshToken, Map<String, String> headers, Transport.Listener listener) {
    OkHttpTransport transport = new OkHttpTransport(listener, dispatch);
    Request.Builder b = request.newBuilder().tag(OkHttpTransport.class, transport);
    for (Map.Entry<String, String> h : headers.entrySet()) {
      String offered = request.header(SUBPROTOCOL);
      if (h.getKey().equalsIgnoreCase(SUBPROTOCOL) && offered != null) {
        b.header(SUBPROTOCOL, offered + ", " + h.getValue()); // a token offered beside the subprotocols
      } else {
        b.header(h.getKey(), h.getValue());
      }
    }
    transport.webSocket = client.newWebSocket(b.build(), transport);
    return transport;
  }
}
