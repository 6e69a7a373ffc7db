package dev.steadysocket.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The first non-ASCII character ends {@link Utf8#size}'s ASCII fast path. */
class Utf8BoundaryTest {
  @Test
  void u0080IsTwoBytesAndU007fOne() {
    assertEquals(1, Utf8.size("\u007f"));
    assertEquals(2, Utf8.size("\u0080"));
    assertEquals(3, Utf8.size("a\u0080"));
    assertEquals(2, Utf8.size("\u07ff"));
    assertEquals(3, Utf8.size("\u0800"));
  }
}
