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

  /** An HTTP header name: a non-empty token (RFC 9110). */
  public static String headerName(String name) {
    Objects.requireNonNull(name, "name == null");
    if (name.isEmpty()) throw new IllegalArgumentException("header name is empty");
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (c <= 0x20 || c >= 0x7f || "\"(),/:;<=>?@[\\]{}".indexOf(c) >= 0) {
        throw new IllegalArgumentException("header name has a character HTTP does not allow at index " + i);
      }
    }
    return name;
  }

  /**
   * A handshake header the application may set: an HTTP token, and not {@code
   * Sec-WebSocket-Extensions}, which OkHttp refuses on every attempt (compression is the
   * builder's {@code compression}).
   */
  public static String requestHeader(String name) {
    if (headerName(name).equalsIgnoreCase("Sec-WebSocket-Extensions")) {
      throw new IllegalArgumentException(
          "Sec-WebSocket-Extensions cannot be set: OkHttp refuses it; offer compression with compression(...)");
    }
    return name;
  }

  /**
   * A header value HTTP can carry (tab, and visible ASCII and space); the message names the
   * position, never the value, which may be a secret.
   */
  public static String headerValue(String name, String value) {
    Objects.requireNonNull(value, "value == null");
    int bad = firstForbiddenChar(value);
    if (bad >= 0) {
      throw new IllegalArgumentException(
          "the value of header " + name + " has a character HTTP headers do not allow, at index " + bad);
    }
    return value;
  }

  /** The index of the first character an HTTP header value may not hold, or -1. */
  static int firstForbiddenChar(String value) {
    for (int i = 0; i < value.length(); i++) {
      char ch = value.charAt(i);
      if (ch != '\t' && (ch < 0x20 || ch > 0x7e)) return i;
    }
    return -1;
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
