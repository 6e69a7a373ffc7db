package dev.steadysocket.internal;

import static dev.steadysocket.internal.InboundFramesTest.concat;
import static dev.steadysocket.internal.InboundFramesTest.frame;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.steadysocket.MessageTooLargeException;
import dev.steadysocket.ProtocolViolationException;
import dev.steadysocket.SteadySocketException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import okio.Buffer;
import okio.ByteString;
import okio.Source;
import okio.Timeout;
import org.junit.jupiter.api.Test;

/** Hostile cases for #17's UTF-8 checks in the frame filter. */
class InboundFramesUtf8AttackTest {
  private SteadySocketException tripped;
  private int trippedCode;
  private final OutboundFrames outbound = new OutboundFrames(new Buffer(), () -> 0L);

  private InboundFrames frames(Source upstream, long limit, boolean deflate) {
    return new InboundFrames(upstream, limit, deflate, false, outbound, (e, code) -> {
      tripped = e;
      trippedCode = code;
    });
  }

  private static Buffer drain(InboundFrames in, int readSize) throws IOException {
    Buffer all = new Buffer();
    for (long n; (n = in.read(all, readSize)) != -1; ) assertTrue(n > 0);
    return all;
  }

  private static byte[] hex(String h) {
    return ByteString.decodeHex(h.toLowerCase()).toByteArray();
  }

  private void assertRefused1007(Buffer out, String what) {
    ProtocolViolationException e = assertInstanceOf(ProtocolViolationException.class, tripped,
        what + ": tripped, OkHttp got " + out.snapshot().hex());
    assertEquals(1007, trippedCode, what);
    assertEquals(1007, e.closeCode(), what);
  }

  /** A source that hands out its chunks one per read, like TCP segments. */
  static final class Chunks implements Source {
    final byte[][] chunks;
    int next;

    Chunks(byte[]... chunks) {
      this.chunks = chunks;
    }

    @Override public long read(Buffer sink, long byteCount) {
      if (next == chunks.length) return -1;
      sink.write(chunks[next++]);
      return chunks[next - 1].length;
    }

    @Override public Timeout timeout() {
      return Timeout.NONE;
    }

    @Override public void close() {}
  }

  /**
   * A text message whose first fragment ends after the lead byte of a 3-byte character and whose
   * final fragment holds one continuation byte: it ends inside the character. All in one read, so
   * the final fragment is judged in read()'s batching loop.
   */
  @Test
  void truncatedCharacterSplitAcrossTwoFragmentsInOneReadFailsWith1007() throws IOException {
    Buffer wire = concat(frame(0x01, hex("E2")), frame(0x80, hex("82")));
    Buffer out = drain(frames(wire, 1 << 20, false), 8192);
    assertRefused1007(out, "E2 | 82 (a truncated euro sign)");
  }

  /** The same with a 4-byte character cut after its third byte, and a ping between. */
  @Test
  void truncated4ByteCharacterAcrossFragmentsWithAPingBetweenFailsWith1007() throws IOException {
    Buffer wire = concat(frame(0x01, hex("41F09F")), frame(0x89, hex("FF00")), frame(0x80, hex("98")));
    Buffer out = drain(frames(wire, 1 << 20, false), 8192);
    assertRefused1007(out, "41 F0 9F | ping | 98 (a truncated emoji)");
  }

  /** Every split of every truncated character across two fragments, every read size. */
  @Test
  void everyTruncatedCharacterAtEverySplitAndReadSizeFailsWith1007() throws IOException {
    String[] truncated = {"C3", "E282", "E2", "F09F98", "F09F", "F0", "EFBF", "F48F"};
    for (String t : truncated) {
      byte[] payload = hex("61" + t);
      for (int split = 0; split <= payload.length; split++) {
        for (int readSize : new int[] {1, 2, 3, 7, 8192}) {
          tripped = null;
          Buffer wire = concat(frame(0x01, Arrays.copyOfRange(payload, 0, split)),
              frame(0x80, Arrays.copyOfRange(payload, split, payload.length)));
          Buffer out = drain(frames(wire, 1 << 20, false), readSize);
          assertRefused1007(out, t + " split at " + split + " read size " + readSize);
        }
      }
    }
  }

  @Test
  void validMessagesBeforeAnInvalidOneInOneReadAllReachOkHttp() throws IOException {
    Buffer valid = new Buffer();
    for (int i = 0; i < 50; i++) {
      byte[] p = ("{\"n\":" + i + ",\"s\":\"€𝄞\"}").getBytes(StandardCharsets.UTF_8);
      valid.write(frame(0x81, p).readByteString());
    }
    ByteString expected = valid.snapshot();
    Buffer wire = concat(valid, frame(0x01, hex("6162")), frame(0x8a, hex("C0")), frame(0x80, hex("EDA080")));
    Buffer out = drain(frames(wire, 1 << 20, false), 8192);
    assertEquals(expected, out.readByteString(expected.size()), "the valid messages, in order, whole");
    assertRefused1007(out, "after 50 valid messages");
  }

  @Test
  void invalidByteInTheMiddleOfAOneMiBFrameInSmallReadsFailsWith1007() throws IOException {
    int size = 1 << 20;
    byte[] payload = new byte[size];
    Arrays.fill(payload, (byte) 'x');
    payload[size / 2] = (byte) 0xff;
    byte[] wire = frame(0x81, payload).readByteArray();
    byte[][] chunks = new byte[(wire.length + 1459) / 1460][];
    for (int i = 0; i < chunks.length; i++) {
      chunks[i] = Arrays.copyOfRange(wire, i * 1460, Math.min(wire.length, (i + 1) * 1460));
    }
    Buffer out = drain(frames(new Chunks(chunks), size, false), 8192);
    assertRefused1007(out, "0xFF at 512 KiB");
    assertTrue(out.size() <= wire.length + 64, "filler bounded by the frame: " + out.size());
  }

  @Test
  void validUtf8AtEveryFragmentAndReadSplitPassesUnchanged() throws IOException {
    byte[] payload = "a€𝄞\uFFFF\uDBFF\uDFFFüz".getBytes(StandardCharsets.UTF_8);
    for (int s1 = 0; s1 <= payload.length; s1++) {
      for (int s2 = s1; s2 <= payload.length; s2++) {
        Buffer wire = concat(frame(0x01, Arrays.copyOfRange(payload, 0, s1)),
            frame(0x89, hex("C0FF")),
            frame(0x00, Arrays.copyOfRange(payload, s1, s2)),
            frame(0x80, Arrays.copyOfRange(payload, s2, payload.length)));
        ByteString expected = wire.snapshot();
        for (int readSize : new int[] {1, 5, 8192}) {
          tripped = null;
          assertEquals(expected, drain(frames(wire.clone(), 1 << 20, false), readSize).readByteString(),
              s1 + "/" + s2 + "/" + readSize);
          assertNull(tripped, s1 + "/" + s2 + "/" + readSize);
        }
      }
    }
  }

  @Test
  void closeReasonOf123BytesEndingInsideACharacterFailsWith1007() throws IOException {
    byte[] reason = new byte[123];
    Arrays.fill(reason, (byte) 'r');
    reason[122] = (byte) 0xe2;
    byte[] close = new Buffer().writeShort(1000).write(reason).readByteArray();
    assertEquals(125, close.length);
    Buffer out = drain(frames(frame(0x88, close), 1 << 20, false), 8192);
    assertRefused1007(out, "close reason of 123 bytes ending in E2");
  }

  @Test
  void invalidAndTooLargeGetsOneOfTheTwoErrors() throws IOException {
    Buffer wire = concat(frame(0x01, hex("61FF")), frame(0x80, new byte[200]));
    drain(frames(wire, 100, false), 8192);
    assertTrue(tripped instanceof ProtocolViolationException || tripped instanceof MessageTooLargeException,
        String.valueOf(tripped));
  }

  /**
   * maxInboundMessageSize accepts any limit of at least 1 (Long.MAX_VALUE included). An 11-byte
   * attack: a text frame header announcing 256 MiB, then one invalid byte. The refusal writes the
   * rest of the announced frame as filler into memory, all at once, before OkHttp reads any of it
   * (announcing 64 GiB instead killed the forked test JVM with OutOfMemoryError). Expected: 1007,
   * with memory held bounded by what the server sent, not by what it announced.
   */
  @Test
  void elevenBytesDoNotMakeTheRefusalMaterializeTheAnnouncedFrame() throws Exception {
    Buffer wire = new Buffer().writeByte(0x81).writeByte(127).writeLong(256L << 20).writeByte(0xff);
    InboundFrames in = frames(new InboundFramesTest.Strict(wire), Long.MAX_VALUE, false);
    // OkHttp's reader: the header, then the payload, 8 KiB a read.
    for (int i = 0; i < 2 && tripped == null; i++) in.read(new Buffer(), 8192);
    assertRefused1007(new Buffer(), "a 256 MiB frame announced, 1 invalid byte sent");
    java.lang.reflect.Field f = InboundFrames.class.getDeclaredField("out");
    f.setAccessible(true);
    long held = ((Buffer) f.get(in)).size();
    assertTrue(held <= 1 << 20, "bytes held for OkHttp after the refusal, from 11 bytes received: " + held);
  }

  private static byte[][] deflateSplit(byte[] data, int at) {
    java.util.zip.Deflater d = new java.util.zip.Deflater(java.util.zip.Deflater.DEFAULT_COMPRESSION, true);
    byte[] all = InboundFramesTest.compress(d, data);
    d.end();
    int cut = Math.min(at, all.length);
    return new byte[][] {Arrays.copyOfRange(all, 0, cut), Arrays.copyOfRange(all, cut, all.length)};
  }

  @Test
  void compressedTextEndingInsideACharacterFailsWith1007AtEverySplitOfTheCompressedBytes() throws IOException {
    byte[] text = new Buffer().writeUtf8("{\"type\":\"t\",\"c\":\"€€€ 𝄞").write(hex("F09F98")).readByteArray();
    int compressedLength = deflateSplit(text, Integer.MAX_VALUE)[0].length;
    for (int at = 0; at <= compressedLength; at++) {
      byte[][] parts = deflateSplit(text, at);
      for (int readSize : new int[] {1, 8192}) {
        tripped = null;
        Buffer wire = concat(frame(0x41, parts[0]), frame(0x89, hex("EDA080")), frame(0x80, parts[1]));
        Buffer out = drain(frames(wire, 1 << 20, true), readSize);
        assertRefused1007(out, "compressed, split at " + at + ", read size " + readSize);
      }
    }
  }

  @Test
  void compressedValidTextWithAPingBetweenFragmentsPassesUnchanged() throws IOException {
    String s = "{\"type\":\"t\",\"c\":\"€ 𝄞 \uFFFF \uDBFF\uDFFF\"}";
    byte[] text = s.getBytes(StandardCharsets.UTF_8);
    byte[][] parts = deflateSplit(text, 5);
    Buffer wire = concat(frame(0x41, parts[0]), frame(0x89, hex("C0AF")), frame(0x80, parts[1]));
    Buffer out = drain(frames(wire, 1 << 20, true), 3);
    assertNull(tripped);
    ByteString expected = concat(frame(0x89, hex("C0AF")), frame(0x81, text)).readByteString();
    assertEquals(expected, out.readByteString());
  }

  @Test
  void reservedBitsStillFailWith1002InsideAnInvalidTextMessage() throws IOException {
    Buffer wire = concat(frame(0x01, hex("61E2")), frame(0xA0, hex("FF")));
    drain(frames(wire, 1 << 20, false), 8192);
    assertInstanceOf(ProtocolViolationException.class, tripped);
    assertEquals(1002, trippedCode);
  }

  @Test
  void tooLargeAfterAnIncompleteCharacterStillFailsWith1009() throws IOException {
    Buffer wire = concat(frame(0x01, hex("61E2")), frame(0x80, new byte[200]));
    drain(frames(wire, 100, false), 8192);
    assertInstanceOf(MessageTooLargeException.class, tripped);
    assertEquals(1009, trippedCode);
  }
}
