package dev.steadysocket.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

class Utf8Test {
  /** String.getBytes replaces an unpaired surrogate with '?', one byte: the count Utf8 promises. */
  private static void check(String s) {
    assertEquals(s.getBytes(StandardCharsets.UTF_8).length, Utf8.size(s), () -> "for " + s.codePoints().count() + " code points");
  }

  @Test
  void matchesTheEncoderOnEveryKindOfChar() {
    check("");
    check("{\"type\":\"tick\"}");
    check("é");
    check("ascii then é then €");
    check("€ first");
    check("\uD83D\uDE00 emoji");
    check("tail emoji \uD83D\uDE00");
    check("lone high \uD83D x");
    check("lone low \uDE00 x");
    check("ends with lone high \uD83D");
    check("\u07FF\u0800\uFFFF\u0080\u007F");
  }

  @Test
  void matchesTheEncoderOnRandomStrings() {
    Random r = new Random(7);
    for (int i = 0; i < 2_000; i++) {
      StringBuilder b = new StringBuilder();
      int asciiPrefix = r.nextInt(20);
      for (int k = 0; k < asciiPrefix; k++) b.append((char) r.nextInt(0x80));
      int len = r.nextInt(20);
      for (int k = 0; k < len; k++) b.append((char) r.nextInt(0x10000));
      check(b.toString());
    }
  }
}
