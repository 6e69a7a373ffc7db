package dev.steadysocket.internal;

import java.io.IOException;
import java.util.List;
import okhttp3.Authenticator;
import okhttp3.Cookie;
import okhttp3.CookieJar;
import okhttp3.HttpUrl;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.Route;
import org.jspecify.annotations.Nullable;

/**
 * The budget of passes through OkHttp's network chain of one handshake request, as OkHttp's
 * follow-up loop receives it: one, plus one for each follow-up an application's {@link
 * Authenticator} asked for. {@link OkHttpTransportFactory}'s last application interceptor installs
 * it as that request's {@link CookieJar}, because OkHttp asks the jar for cookies on every pass
 * of a request below its follow-up loop and a WebSocket call has no network interceptors to see
 * them. A pass beyond the budget is OkHttp repeating the handshake by itself,
 * which it does at once, without our backoff: the jar refuses it with {@link Refused}.
 *
 * <p>With redirects and connection-failure recovery off on the derived client, OkHttp 5 repeats a
 * WebSocket handshake by itself only after a 503 whose {@code Retry-After} is zero (and after a 421
 * on a coalesced HTTP/2 connection, which a WebSocket never uses), so a refused pass stands for
 * that 503: {@link Refused} carries its status and Retry-After, and the attempt ends as that
 * response would have without the repeat.
 *
 * <p>Threads: the jar's methods and {@link #grant} run on the thread executing the call; an
 * authenticator for a proxy tunnel may run on another, but its CONNECT request carries no budget
 * (its answers are counted on the request itself, {@link FollowUps#answerTunnel}).
 * The count is guarded by {@code this} all the same. The application's jar is called outside it.
 */
final class HandshakePasses implements CookieJar {
  private final CookieJar cookies;
  /** Passes still allowed; guarded by this. */
  private int left = 1;

  /** @param cookies the application's jar, which every allowed pass still consults */
  HandshakePasses(CookieJar cookies) {
    this.cookies = cookies;
  }

  /** An application's authenticator answered a challenge with a request: one more pass. */
  synchronized void grant() {
    left++;
  }

  private synchronized boolean take() {
    if (left == 0) return false;
    left--;
    return true;
  }

  /** @throws Refused on a pass beyond the budget (unchecked: the jar's signature allows no other) */
  @Override
  public List<Cookie> loadForRequest(HttpUrl url) {
    if (!take()) throw new Refused();
    return cookies.loadForRequest(url);
  }

  @Override
  public void saveFromResponse(HttpUrl url, List<Cookie> list) {
    cookies.saveFromResponse(url, list);
  }

  /** OkHttp was about to repeat the handshake at once by itself; thrown out of the jar. */
  static final class Refused extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Refused() {
      super(null, null, false, false); // a control-flow marker: no stack trace to fill
    }
  }

  /**
   * What an attempt fails with when OkHttp's follow-up logic would have hidden the status that
   * ended it; {@link OkHttpTransport} reports {@link #status} and {@link #retryAfter} as that
   * response's, so the retry planner and the reconnect policy see the handshake as it was.
   */
  static final class StatusNotFollowed extends IOException {
    private static final long serialVersionUID = 1L;
    final int status;
    final @Nullable String retryAfter;

    private StatusNotFollowed(int status, @Nullable String retryAfter, String message) {
      super(message);
      this.status = status;
      this.retryAfter = retryAfter;
    }

    /** OkHttp's own repeat of a 503 with {@code Retry-After: 0} was refused. */
    static StatusNotFollowed serviceUnavailable() {
      return new StatusNotFollowed(503, "0",
          "HTTP 503 with Retry-After 0: not repeated at once by OkHttp, retried with backoff");
    }

    /**
     * A 407 without a proxy, which OkHttp's follow-up logic throws a {@code ProtocolException} for
     * (losing the response): for us it is one more 4xx the server answered.
     */
    static StatusNotFollowed proxyAuthenticationWithoutProxy() {
      return new StatusNotFollowed(407, null, "HTTP 407 (proxy authentication) from a server reached without a proxy");
    }
  }

  /** How many answers a tunnel's CONNECT request has had; immutable, a tag of the request. */
  private static final class TunnelAnswers {
    final int count;

    TunnelAnswers(int count) {
      this.count = count;
    }
  }

  /**
   * Grants a pass for each request the application's authenticator returns on a handshake. One
   * per derived client (not per call): a proxy authenticator is part of OkHttp's {@code Address},
   * which a per-call wrapper would make unique to each call. Equal to another wrapper of an equal
   * authenticator, for the same reason.
   */
  static final class FollowUps implements Authenticator {
    private final Authenticator app;

    private FollowUps(Authenticator app) {
      this.app = app;
    }

    /** {@code app} itself if it never answers ({@link Authenticator#NONE}), else a wrapper. */
    static Authenticator of(Authenticator app) {
      return app == Authenticator.NONE ? app : new FollowUps(app);
    }

    /**
     * Asks the application's authenticator at most {@link #MAX_ANSWERS} times per status and
     * attempt (a two-step scheme, such as digest with a stale nonce, needs two): past it the
     * credentials were refused and the status ends the attempt (401: the token path), instead of
     * OkHttp repeating the handshake 20 times at once and ending it as a protocol error.
     */
    @Override
    public @Nullable Request authenticate(@Nullable Route route, Response response) throws IOException {
      HandshakePasses passes = response.request().tag(HandshakePasses.class);
      // A tunnel's CONNECT is not a pass of the handshake and carries no budget.
      if (passes == null) return answerTunnel(route, response);
      if (sameStatusBefore(response) >= MAX_ANSWERS) return null;
      Request next = app.authenticate(route, response);
      if (next == null) return null;
      passes.grant();
      // The budget travels with the request, so a further challenge to it finds it too.
      return next.tag(HandshakePasses.class) == passes
          ? next
          : next.newBuilder().tag(HandshakePasses.class, passes).build();
    }

    /**
     * A proxy's 407 to a tunnel's CONNECT. OkHttp asks again for every 407 on it (without limit
     * while the proxy keeps the connection open) and keeps no prior responses there, so the
     * answers given travel as a tag on the CONNECT request returned: past {@link #MAX_ANSWERS},
     * OkHttp fails the attempt ("Failed to authenticate with proxy"), retried with backoff.
     */
    private @Nullable Request answerTunnel(@Nullable Route route, Response response) throws IOException {
      TunnelAnswers given = response.request().tag(TunnelAnswers.class);
      int answers = given == null ? 0 : given.count;
      if (answers >= MAX_ANSWERS) return null;
      Request next = app.authenticate(route, response);
      return next == null ? null : next.newBuilder().tag(TunnelAnswers.class, new TunnelAnswers(answers + 1)).build();
    }

    /** Answers one attempt may get from the application's authenticator for one status. */
    static final int MAX_ANSWERS = 2;

    /** The responses before {@code response} in this call with its status: answers already tried. */
    private static int sameStatusBefore(Response response) {
      int n = 0;
      for (Response prior = response.priorResponse(); prior != null; prior = prior.priorResponse()) {
        if (prior.code() == response.code()) n++;
      }
      return n;
    }

    @Override
    public boolean equals(@Nullable Object o) {
      return o instanceof FollowUps && ((FollowUps) o).app.equals(app);
    }

    @Override
    public int hashCode() {
      return 31 * app.hashCode() + 7;
    }

    @Override
    public String toString() {
      return "SteadySocket(follow-ups of " + app + ")";
    }
  }
}
