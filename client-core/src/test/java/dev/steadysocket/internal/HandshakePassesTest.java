package dev.steadysocket.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
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
}
