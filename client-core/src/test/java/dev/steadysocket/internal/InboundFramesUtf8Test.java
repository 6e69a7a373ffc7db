package dev.steadysocket.internal;

import static dev.steadysocket.internal.InboundFramesTest.concat;
import static dev.steadysocket.internal.InboundFramesTest.frame;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.steadysocket.ProtocolViolationException;
import dev.steadysocket.SteadySocketException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.zip.Deflater;
import okio.Buffer;
import okio.ByteString;
import okio.Source;
import org.junit.jupiter.api.Test;

/**
 * Text messages and close reasons must be valid UTF-8 (RFC 6455 8.1): an invalid one fails the
 * connection with 1007, plain or compressed, found where it is in the message, at any split point.
 */
// #17: OkHttp's reader decodes text non-strictly; invalid UTF-8 was delivered with U+FFFD.
class InboundFramesUtf8Test {
  /** The four invalid sequences of issue #17, each inside a JSON string. */
  static final List<byte[]> INVALID = List.of(
      json("C328"), // a bad continuation byte
      json("EDA080"), // an encoded surrogate
      json("F4908080"), // above U+10FFFF
      json("C0AF")); // an overlong '/'

  private SteadySocketException tripped;
  private int trippedCode;
  private final OutboundFrames outbound = new OutboundFrames(new Buffer(), () -> 0L);

  private static byte[] json(String hex) {
    return new Buffer().writeUtf8("{\"type\":\"t\",\"content\":\"a")
        .write(ByteString.decodeHex(hex.toLowerCase()))
        .writeUtf8("b\"}").readByteArray();
  }

  private InboundFrames frames(Source upstream, boolean deflate) {
    return new InboundFrames(upstream, 1 << 20, deflate, false, outbound, (e, code) -> {
      tripped = e;
      trippedCode = code;
    });
  }

  private static Buffer drain(InboundFrames in, int readSize) throws IOException {
    Buffer all = new Buffer();
    for (long n; (n = in.read(all, readSize)) != -1; ) assertTrue(n > 0);
    return all;
  }

  private void assertRefused1007(Buffer out) {
    ProtocolViolationException e = assertInstanceOf(ProtocolViolationException.class, tripped, "tripped");
    assertEquals(1007, trippedCode);
    assertEquals(1007, e.closeCode());
    String all = out.snapshot().hex();
    assertTrue(all.contains("88" + String.format("%02x", 2 + "invalid UTF-8".length()) + "03ef"),
        "a close frame 1007 ends what OkHttp reads: " + all);
  }

  @Test
  void invalidUtf8InAPlainTextFrameFailsWith1007() throws IOException {
    for (byte[] payload : INVALID) {
      tripped = null;
      assertRefused1007(drain(frames(frame(0x81, payload), false), 3));
    }
  }

  @Test
  void invalidUtf8IsFoundAtEverySplitPointAcrossFragments() throws IOException {
    for (byte[] payload : INVALID) {
      for (int split = 0; split <= payload.length; split++) {
        tripped = null;
        Buffer wire = concat(
            frame(0x01, java.util.Arrays.copyOfRange(payload, 0, split)),
            frame(0x80, java.util.Arrays.copyOfRange(payload, split, payload.length)));
        assertRefused1007(drain(frames(wire, false), 1 + split % 7));
      }
    }
  }

  @Test
  void validUtf8SplitAtEveryPointPassesUnchanged() throws IOException {
    byte[] payload = "{\"content\":\"κόσμε € 𝄞 ü\"}".getBytes(StandardCharsets.UTF_8);
    for (int split = 0; split <= payload.length; split++) {
      tripped = null;
      Buffer wire = concat(
          frame(0x01, java.util.Arrays.copyOfRange(payload, 0, split)),
          frame(0x80, java.util.Arrays.copyOfRange(payload, split, payload.length)));
      ByteString expected = wire.snapshot();
      assertEquals(expected, drain(frames(wire, false), 1 + split % 5).readByteString());
      assertNull(tripped, "split at " + split);
    }
  }

  @Test
  void aMessageEndingInsideACharacterFailsWith1007() throws IOException {
    byte[] truncated = {'a', (byte) 0xe2, (byte) 0x82}; // the first two bytes of €
    assertRefused1007(drain(frames(frame(0x81, truncated), false), 8192));
  }

  @Test
  void binaryMessagesAreNotText() throws IOException {
    Buffer wire = frame(0x82, INVALID.get(0));
    ByteString expected = wire.snapshot();
    assertEquals(expected, drain(frames(wire, false), 8192).readByteString());
    assertNull(tripped);
  }

  @Test
  void messagesBeforeTheInvalidOneReachOkHttpWhole() throws IOException {
    byte[] ok = "{\"type\":\"ok\"}".getBytes(StandardCharsets.UTF_8);
    Buffer wire = concat(frame(0x81, ok), frame(0x81, ok), frame(0x81, INVALID.get(1)));
    Buffer out = drain(frames(wire, false), 8192);
    ByteString first = concat(frame(0x81, ok), frame(0x81, ok)).readByteString();
    assertEquals(first, out.readByteString(first.size()));
    assertRefused1007(out);
  }

  @Test
  void invalidUtf8InACompressedMessageFailsWith1007() throws IOException {
    for (byte[] payload : INVALID) {
      tripped = null;
      assertRefused1007(drain(frames(frame(0xc1, InboundFramesTest.compress(new Deflater(Deflater.DEFAULT_COMPRESSION, true), payload)), true), 8192));
    }
  }

  @Test
  void aCloseReasonThatIsNotUtf8FailsWith1007() throws IOException {
    byte[] close = new Buffer().writeShort(1000).write(ByteString.decodeHex("c328")).readByteArray();
    assertRefused1007(drain(frames(frame(0x88, close), false), 8192));
  }

  @Test
  void aValidCloseReasonPasses() throws IOException {
    byte[] close = new Buffer().writeShort(1001).writeUtf8("adieu €").readByteArray();
    Buffer wire = frame(0x88, close);
    ByteString expected = wire.snapshot();
    assertEquals(expected, drain(frames(wire, false), 8192).readByteString());
    assertNull(tripped);
  }
}
