package dev.steadysocket.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import okio.Buffer;
import org.junit.jupiter.api.Test;

/** {@link Utf8Validator} against the JDK's strict decoder, in one piece and split anywhere. */
class Utf8ValidatorTest {
  private static boolean jdkAccepts(byte[] bytes) {
    try {
      StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes));
      return true;
    } catch (CharacterCodingException e) {
      return false;
    }
  }

  private static boolean validates(byte[] bytes, int... splits) {
    Utf8Validator v = new Utf8Validator();
    int from = 0;
    for (int split : splits) {
      if (!v.update(bytes, from, split)) return false;
      from = split;
    }
    return v.update(bytes, from, bytes.length) && v.complete();
  }

  @Test
  void everySequenceOfUpToThreeBytesIsJudgedAsTheJdkJudgesIt() {
    for (int a = 0; a < 256; a++) {
      assertEquals(jdkAccepts(new byte[] {(byte) a}), validates(new byte[] {(byte) a}), "byte " + a);
      for (int b = 0x70; b < 256; b++) {
        byte[] two = {(byte) a, (byte) b};
        assertEquals(jdkAccepts(two), validates(two), "bytes " + a + " " + b);
        assertEquals(jdkAccepts(two), validates(two, 1));
        if (a < 0xe0 || a > 0xf4) continue;
        for (int c = 0x70; c < 0xc8; c++) {
          byte[] three = {(byte) a, (byte) b, (byte) c};
          assertEquals(jdkAccepts(three), validates(three), "bytes " + a + " " + b + " " + c);
          assertEquals(jdkAccepts(three), validates(three, 1, 2));
        }
      }
    }
  }

  @Test
  void randomTextsAndCorruptionsSplitAnywhere() {
    Random random = new Random(17);
    String[] pieces = {"a", "é", "€", "中", "😀", "{\"t\":1}", "\u007f", "\u0080", "\uffff", "\ud7ff", "\ue000", "\udbff\udfff"};
    for (int run = 0; run < 20_000; run++) {
      StringBuilder s = new StringBuilder();
      for (int i = random.nextInt(12); i > 0; i--) s.append(pieces[random.nextInt(pieces.length)]);
      byte[] bytes = s.toString().getBytes(StandardCharsets.UTF_8);
      if (bytes.length > 0 && random.nextBoolean()) bytes[random.nextInt(bytes.length)] = (byte) random.nextInt(256);
      if (bytes.length > 0 && random.nextInt(4) == 0) bytes = java.util.Arrays.copyOf(bytes, random.nextInt(bytes.length));
      int split1 = bytes.length == 0 ? 0 : random.nextInt(bytes.length + 1);
      int split2 = split1 + (bytes.length == split1 ? 0 : random.nextInt(bytes.length - split1 + 1));
      byte[] b = bytes;
      assertEquals(jdkAccepts(b), validates(b, split1, split2), () -> okio.ByteString.of(b).hex());
    }
  }

  @Test
  void aFailureIsSticky() {
    Utf8Validator v = new Utf8Validator();
    assertFalse(v.update(new byte[] {(byte) 0xff}, 0, 1));
    assertFalse(v.update(new byte[] {'a'}, 0, 1));
    assertFalse(v.complete());
    v.reset();
    assertTrue(v.update(new byte[] {'a'}, 0, 1));
    assertTrue(v.complete());
  }

  @Test
  void aBufferIsReadInPlaceAcrossSegments() {
    Buffer buffer = new Buffer().writeUtf8("x".repeat(8191)).writeUtf8("€").writeUtf8("y".repeat(9000));
    Utf8Validator v = new Utf8Validator();
    assertTrue(v.update(buffer, 0, 8192)); // ends inside the euro sign, across the segment boundary
    assertFalse(v.complete());
    assertTrue(v.update(buffer, 8192, buffer.size() - 8192));
    assertTrue(v.complete());
    assertEquals(8191 + 3 + 9000, buffer.size(), "nothing consumed");
  }

  // #17 mutation run: the ASCII fast path must stop at the range's end, and a failed validator
  // stays failed for an empty update.
  @org.junit.jupiter.api.Test
  void onlyTheGivenRangeIsReadAndAFailureStays() {
    Utf8Validator v = new Utf8Validator();
    byte[] bytes = {'a', 'b', (byte) 0xff};
    org.junit.jupiter.api.Assertions.assertTrue(v.update(bytes, 0, 1), "ASCII after the range is not read");
    org.junit.jupiter.api.Assertions.assertTrue(v.update(bytes, 1, 2));
    org.junit.jupiter.api.Assertions.assertTrue(v.complete());
    org.junit.jupiter.api.Assertions.assertFalse(v.update(bytes, 2, 3), "0xFF is never UTF-8");
    org.junit.jupiter.api.Assertions.assertFalse(v.update(new okio.Buffer(), 0, 0), "failed stays failed");
    org.junit.jupiter.api.Assertions.assertFalse(v.update(bytes, 0, 1), "failed stays failed");
  }
}
