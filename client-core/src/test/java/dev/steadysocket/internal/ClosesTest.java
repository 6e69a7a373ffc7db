package dev.steadysocket.internal;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@link Closes} and {@link Checks}: the argument rules of the public API. */
class ClosesTest {
  @ParameterizedTest
  @ValueSource(ints = {1000, 1001, 1002, 1003, 1007, 1011, 1014, 3000, 4000, 4999})
  void sendableCodes(int code) {
    assertTrue(Closes.isSendable(code));
    assertDoesNotThrow(() -> Closes.validate(code, "ok"));
  }

  @ParameterizedTest
  @ValueSource(ints = {-1, 0, 999, 1004, 1005, 1006, 1015, 1016, 2000, 2999, 5000, 65535})
  void reservedOrOutOfRangeCodes(int code) {
    assertFalse(Closes.isSendable(code));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Closes.validate(code, ""));
    assertTrue(e.getMessage().startsWith("close code " + code + " may not be sent"), e.getMessage());
  }

  @Test
  void reasonsAreLimitedTo123Utf8Bytes() {
    assertDoesNotThrow(() -> Closes.validate(1000, "x".repeat(123)));
    assertDoesNotThrow(() -> Closes.validate(1000, "é".repeat(61) + "x"));
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> Closes.validate(1000, "é".repeat(62)));
    assertEquals("close reason is 124 UTF-8 bytes; the limit is 123", e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> Closes.validate(1000, "x".repeat(124)));
  }

  @Test
  void webSocketUrlsMapToHttpAndNeverEchoTheInput() {
    assertEquals("http://example.com/feed", Checks.webSocketUrl("ws://example.com/feed").toString());
    assertEquals("https://example.com/feed?t=1", Checks.webSocketUrl(" WSS://example.com/feed?t=1 ").toString());
    assertEquals("https://example.com/", Checks.webSocketUrl("https://example.com").toString());
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> Checks.webSocketUrl("ftp://example.com/?token=secret"));
    assertFalse(e.getMessage().contains("secret"));
    assertThrows(NullPointerException.class, () -> Checks.webSocketUrl(null));
  }

  @Test
  void durationChecks() {
    assertEquals(Duration.ofMillis(1), Checks.positive(Duration.ofMillis(1), "t"));
    assertThrows(IllegalArgumentException.class, () -> Checks.positive(Duration.ZERO, "t"));
    assertThrows(IllegalArgumentException.class, () -> Checks.positive(Duration.ofMillis(-1), "t"));
    assertEquals(Duration.ZERO, Checks.nonNegative(Duration.ZERO, "t"));
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> Checks.nonNegative(Duration.ofNanos(-1), "timeout"));
    assertTrue(e.getMessage().startsWith("timeout < 0"), e.getMessage());
  }
}
