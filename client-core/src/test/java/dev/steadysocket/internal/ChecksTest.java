package dev.steadysocket.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * The header checks of the public builder, at the edges of what RFC 9110 allows: a header name is
 * a token (visible ASCII without separators), a value is visible ASCII, space and tab. A header
 * that passes here must never make OkHttp throw at dial time; one that fails names the position only.
 */
class ChecksTest {
  @Test
  void aHeaderNameIsATokenOfVisibleAsciiWithoutSeparators() {
    // The first and last characters of the token range, and every allowed symbol.
    assertEquals("!~", Checks.headerName("!~"));
    assertEquals("X-Api_Key.1#$%&'*+^`|", Checks.headerName("X-Api_Key.1#$%&'*+^`|"));
  }

  @Test
  void aHeaderNameWithSpaceDelControlsNonAsciiOrASeparatorIsRefusedWithItsIndex() {
    assertRefusedAt(0, " X"); // 0x20: the last character below the token range
    assertRefusedAt(1, "X\u007f"); // DEL: the first above it
    assertRefusedAt(2, "Xa\u0000");
    assertRefusedAt(1, "Xé");
    assertRefusedAt(0, "\"X"); // the first separator of the list
    assertRefusedAt(1, "X}"); // the last
    assertRefusedAt(3, "Set:Cookie");
    assertThrows(IllegalArgumentException.class, () -> Checks.headerName(""));
    assertThrows(NullPointerException.class, () -> Checks.headerName(null));
  }

  static void assertRefusedAt(int index, String name) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Checks.headerName(name));
    assertTrue(e.getMessage().endsWith("at index " + index), e.getMessage());
  }

  @Test
  void aHeaderValueIsRefusedEvenWhenItsFirstCharacterIsTheBadOneAndNeverEchoed() {
    assertEquals("Bearer a b\tc", Checks.headerValue("Authorization", "Bearer a b\tc"));
    assertEquals("", Checks.headerValue("X", ""));
    IllegalArgumentException first =
        assertThrows(IllegalArgumentException.class, () -> Checks.headerValue("Authorization", "\nsecret"));
    assertTrue(first.getMessage().endsWith("at index 0"), first.getMessage());
    assertTrue(first.getMessage().contains("Authorization"), "names the header");
    assertFalse(first.getMessage().contains("secret"), "never the value");
    IllegalArgumentException later =
        assertThrows(IllegalArgumentException.class, () -> Checks.headerValue("X", "ab\r"));
    assertTrue(later.getMessage().endsWith("at index 2"), later.getMessage());
    assertThrows(NullPointerException.class, () -> Checks.headerValue("X", null));
  }
}
