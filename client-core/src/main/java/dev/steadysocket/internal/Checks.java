package dev.steadysocket.internal;

import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import okhttp3.HttpUrl;

/** Argument checks for the public builder. Messages name the argument, never a secret value. */
public final class Checks {
  private Checks() {}

  /**
   * Parses a {@code ws://}, {@code wss://}, {@code http://} or {@code https://} URL.
   *
   * @throws IllegalArgumentException if it is not one; the URL is not echoed (its query may hold a token)
   */
  public static HttpUrl webSocketUrl(String url) {
    Objects.requireNonNull(url, "url == null");
    String u = url.trim();
    String lower = u.toLowerCase(Locale.ROOT);
    if (lower.startsWith("ws:")) u = "http:" + u.substring(3);
    else if (lower.startsWith("wss:")) u = "https:" + u.substring(4);
    HttpUrl parsed = HttpUrl.parse(u);
    if (parsed == null) {
      throw new IllegalArgumentException(
          "not a valid WebSocket URL; expected ws://, wss://, http:// or https:// followed by a host");
    }
    return parsed;
  }

  public static Duration positive(Duration d, String name) {
    if (Objects.requireNonNull(d, name + " == null").isZero() || d.isNegative()) {
      throw new IllegalArgumentException(name + " <= 0: " + d);
    }
    return d;
  }

  public static Duration nonNegative(Duration d, String name) {
    if (Objects.requireNonNull(d, name + " == null").isNegative()) {
      throw new IllegalArgumentException(name + " < 0: " + d);
    }
    return d;
  }
}
