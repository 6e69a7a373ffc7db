package dev.steadysocket.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import okhttp3.Authenticator;
import okhttp3.Cookie;
import okhttp3.CookieJar;
import okhttp3.HttpUrl;
import org.junit.jupiter.api.Test;

/** {@link HandshakePasses} on its own: the budget of passes, and the authenticator wrapper's identity. */
class HandshakePassesTest {
  private static final HttpUrl URL = HttpUrl.get("http://example.invalid/feed");

  private final CookieJar app = new CookieJar() {
    @Override
    public void saveFromResponse(HttpUrl url, List<Cookie> cookies) {}

    @Override
    public List<Cookie> loadForRequest(HttpUrl url) {
      return List.of(Cookie.parse(url, "a=b"));
    }
  };

  // #16 item 6
  @Test
  void onePassThenEveryFurtherPassIsRefusedUnlessGranted() {
    HandshakePasses passes = new HandshakePasses(app);
    assertEquals("a", passes.loadForRequest(URL).get(0).name(), "the first pass asks the application's jar");
    assertThrows(HandshakePasses.Refused.class, () -> passes.loadForRequest(URL));
    passes.grant();
    assertEquals(1, passes.loadForRequest(URL).size(), "a granted pass");
    assertThrows(HandshakePasses.Refused.class, () -> passes.loadForRequest(URL));
  }

  // #16 item 6: a per-socket wrapper must not make OkHttp's Address (and its route records) differ
  @Test
  void wrappersOfOneAuthenticatorAreEqualAndNoneIsNotWrapped() {
    Authenticator auth = (route, response) -> null;
    assertEquals(HandshakePasses.FollowUps.of(auth), HandshakePasses.FollowUps.of(auth));
    assertEquals(HandshakePasses.FollowUps.of(auth).hashCode(), HandshakePasses.FollowUps.of(auth).hashCode());
    assertNotEquals(HandshakePasses.FollowUps.of(auth), HandshakePasses.FollowUps.of((route, response) -> null));
    assertSame(Authenticator.NONE, HandshakePasses.FollowUps.of(Authenticator.NONE));
  }

  /** #16 part 2: OkHttp hashes the authenticator into every Address; any application hash works. */
  @Test
  void anApplicationAuthenticatorHashingToZeroIsWrappedToo() {
    Authenticator zero = new Authenticator() {
      @Override
      public okhttp3.Request authenticate(okhttp3.Route route, okhttp3.Response response) {
        return null;
      }

      @Override
      public int hashCode() {
        return 0;
      }
    };
    assertEquals(HandshakePasses.FollowUps.of(zero).hashCode(), HandshakePasses.FollowUps.of(zero).hashCode());
  }

  private static okhttp3.Response challenge(okhttp3.Request request, int code, okhttp3.Response prior) {
    return new okhttp3.Response.Builder().request(request).protocol(okhttp3.Protocol.HTTP_1_1)
        .code(code).message("challenge").priorResponse(prior).build();
  }

  /** #16 part 2: two answers per status and attempt (digest with a stale nonce needs two), no third. */
  @Test
  void theApplicationIsAskedAtMostTwicePerStatus() throws Exception {
    okhttp3.Request tagged = new okhttp3.Request.Builder().url(URL).tag(HandshakePasses.class, new HandshakePasses(app)).build();
    int[] asked = new int[1];
    Authenticator follow = HandshakePasses.FollowUps.of((route, response) -> {
      asked[0]++;
      return response.request();
    });
    okhttp3.Response first = challenge(tagged, 401, null);
    okhttp3.Response second = challenge(tagged, 401, first);
    assertSame(tagged, follow.authenticate(null, first));
    assertSame(tagged, follow.authenticate(null, second));
    assertEquals(null, follow.authenticate(null, challenge(tagged, 401, second)));
    assertEquals(2, asked[0]);
  }

  /** #16 part 2: a proxy tunnel's CONNECT is no pass of the handshake: its answer passes unchanged. */
  @Test
  void theAnswerToATunnelsChallengeIsPassedOnWithItsCountTwiceThenNoMore() throws Exception {
    okhttp3.Request answer = new okhttp3.Request.Builder().url(URL).header("Proxy-Authorization", "Basic x").build();
    java.util.concurrent.atomic.AtomicInteger asked = new java.util.concurrent.atomic.AtomicInteger();
    Authenticator proxyAuth = (route, response) -> {
      asked.incrementAndGet();
      return answer;
    };
    Authenticator followUps = HandshakePasses.FollowUps.of(proxyAuth);
    okhttp3.Request connect = new okhttp3.Request.Builder().url(URL).build(); // a CONNECT carries no HandshakePasses tag
    for (int i = 1; i <= 2; i++) {
      okhttp3.Request next = followUps.authenticate(null, challenge407(connect));
      assertEquals(answer.headers(), next.headers(), "the application's answer, as it made it");
      assertEquals(answer.url(), next.url());
      connect = next;
    }
    assertNull(followUps.authenticate(null, challenge407(connect)), "a third 407 on the same tunnel");
    assertEquals(2, asked.get());
  }

  private static okhttp3.Response challenge407(okhttp3.Request request) {
    return new okhttp3.Response.Builder()
        .request(request)
        .protocol(okhttp3.Protocol.HTTP_1_1).code(407).message("Proxy Authentication Required").build();
  }
}
