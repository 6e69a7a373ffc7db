package dev.steadysocket.internal;

import java.nio.charset.StandardCharsets;

/** WebSocket close code rules (RFC 6455 section 7.4), checked before OkHttp would throw. */
public final class Closes {
  private Closes() {}

  public static final int NORMAL = 1000;
  public static final int GOING_AWAY = 1001;

  /** The longest close reason allowed on the wire, in UTF-8 bytes. */
  public static final int MAX_REASON_BYTES = 123;

  /** Whether an endpoint may put {@code code} in a close frame. */
  public static boolean isSendable(int code) {
    if (code < 1000 || code >= 5000) return false;
    return !(code >= 1004 && code <= 1006) && !(code >= 1015 && code <= 2999);
  }

  /** @throws IllegalArgumentException if {@code code} or {@code reason} may not be sent */
  public static void validate(int code, String reason) {
    if (!isSendable(code)) {
      throw new IllegalArgumentException(
          "close code " + code + " may not be sent; use 1000, 1001, 1002-1003, 1007-1014 or 3000-4999");
    }
    int bytes = reason.getBytes(StandardCharsets.UTF_8).length;
    if (bytes > MAX_REASON_BYTES) {
      throw new IllegalArgumentException(
          "close reason is " + bytes + " UTF-8 bytes; the limit is " + MAX_REASON_BYTES);
    }
  }
}
