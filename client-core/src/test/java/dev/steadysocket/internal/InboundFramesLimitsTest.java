package dev.steadysocket.internal;

import static dev.steadysocket.internal.InboundFramesTest.compress;
import static dev.steadysocket.internal.InboundFramesTest.concat;
import static dev.steadysocket.internal.InboundFramesTest.frame;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.steadysocket.MessageTooLargeException;
import dev.steadysocket.SteadySocketException;
import java.io.IOException;
import java.net.ProtocolException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;
import java.util.zip.Deflater;
import okio.Buffer;
import okio.ByteString;
import okio.Source;
import org.junit.jupiter.api.Test;

/**
 * The edges of {@link InboundFrames}' checks: a message of exactly the limit passes (plain,
 * compressed and inflated bytes alike) and one byte more is refused with a close frame OkHttp
 * reads; the headers written for inflated messages at each length encoding's edge; the window reset
 * of {@code server_no_context_takeover}; what a truncated or oversized control frame does; and
 * that pongs already written count against the pongs owed.
 */
class InboundFramesLimitsTest {
  private SteadySocketException tripped;
  private int trippedCode;
  /** Virtual time for the pongs owed: it moves only when a test moves it. */
  private long now;
  private final OutboundFrames outbound = new OutboundFrames(new Buffer(), () -> now);

  private InboundFrames frames(Source upstream, long limit, boolean deflate, boolean noContextTakeover) {
    return new InboundFrames(upstream, limit, deflate, noContextTakeover, outbound, (e, code) -> {
      tripped = e;
      trippedCode = code;
    });
  }

  private static ByteString drain(InboundFrames in) throws IOException {
    Buffer all = new Buffer();
    // #16 part 2: a read of 0 breaks the Source contract and would loop here forever.
    for (long n; (n = in.read(all, 8192)) != -1; ) assertTrue(n > 0, "read returned " + n);
    return all.readByteString();
  }

  private static Buffer closeFrame(int code, String reason) {
    byte[] text = reason.getBytes(StandardCharsets.UTF_8);
    return new Buffer().writeByte(0x88).writeByte(2 + text.length).writeShort(code).write(text);
  }

  private static byte[] deflate(byte[] data) {
    return compress(new Deflater(Deflater.DEFAULT_COMPRESSION, true), data);
  }

  @Test
  void aMessageOfExactlyTheLimitPassesAndOneByteMoreIsRefused() throws IOException {
    Buffer exact = concat(frame(0x82, new byte[100]), frame(0x01, new byte[60]), frame(0x80, new byte[40]),
        frame(0x81, new byte[0])); // an empty message is within any limit
    ByteString expected = exact.snapshot();
    assertEquals(expected, drain(frames(exact, 100, false, false)));
    assertNull(tripped);

    ByteString out = drain(frames(frame(0x82, new byte[101]), 100, false, false));
    assertInstanceOf(MessageTooLargeException.class, tripped);
    assertEquals(closeFrame(1009, "message too large").snapshot(), out, "only the close frame reaches OkHttp");
  }

  @Test
  void aCompressedMessageIsMeasuredInflated() throws IOException {
    byte[] random = new byte[200];
    new Random(7).nextBytes(random);
    byte[] z = deflate(random); // incompressible: z is longer than the 200 bytes it inflates to
    // An empty first fragment (legal: fragments split the compressed bytes anywhere), then all of it.
    Buffer wire = concat(frame(0x42, new byte[0]), frame(0x80, z));
    assertEquals(frame(0x82, random).snapshot(), drain(frames(wire, 200, true, false)));
    assertNull(tripped);

    // One inflated byte over: refused, and nothing of the message reaches OkHttp.
    ByteString out = drain(frames(frame(0xc2, z), 199, true, false));
    assertEquals(1009, trippedCode);
    assertTrue(tripped.getMessage().contains("at least 200 bytes (inflated)"), tripped.getMessage());
    assertEquals(closeFrame(1009, "message too large").snapshot(), out);
  }

  @Test
  void eachCompressedMessageIsMeasuredOnItsOwn() throws IOException {
    byte[] random = new byte[200];
    new Random(11).nextBytes(random);
    byte[] z = deflate(random);
    // Two messages of exactly the limit in compressed bytes: together they are twice over it.
    Buffer wire = concat(frame(0xc2, z), frame(0xc2, z));
    assertEquals(concat(frame(0x82, random), frame(0x82, random)).snapshot(),
        drain(frames(wire, z.length, true, false)));
    assertNull(tripped);
  }

  @Test
  void aFragmentedPlainMessageIsRefusedWithItsSizeSoFar() throws IOException {
    Buffer wire = concat(frame(0x01, new byte[60]), frame(0x80, new byte[41]));
    ByteString out = drain(frames(wire, 100, false, false));
    assertEquals(1009, trippedCode);
    assertTrue(tripped.getMessage().contains("at least 101 bytes"), tripped.getMessage());
    assertTrue(out.endsWith(closeFrame(1009, "message too large").snapshot()), out.hex());
  }

  @Test
  void aMessageInflatingToExactlyTheLimitPassesAndOneByteMoreIsRefused() throws IOException {
    byte[] text = new byte[1_000];
    Arrays.fill(text, (byte) 'a');
    byte[] z = deflate(text); // a few bytes: only the inflated size can break the limit
    assertEquals(frame(0x81, text).snapshot(), drain(frames(frame(0xc1, z), 1_000, true, false)));
    assertNull(tripped);
    ByteString out = drain(frames(frame(0xc1, z), 999, true, false));
    assertEquals(1009, trippedCode);
    assertEquals(closeFrame(1009, "message too large").snapshot(), out, "nothing of the message reaches OkHttp");
  }

  // #16 part 1 item 12a
  @Test
  void aContinuationLengthThatOverflowsTheMessageSizeIsReportedAsTheLargestSize() throws IOException {
    Buffer wire = frame(0x01, new byte[10]).writeByte(0x80).writeByte(127).writeLong(Long.MAX_VALUE);
    drain(frames(wire, 1_000, false, false));
    assertInstanceOf(MessageTooLargeException.class, tripped);
    assertTrue(tripped.getMessage().contains("at least " + Long.MAX_VALUE + " bytes"), tripped.getMessage());
  }

  // #16 part 1 item 9
  @Test
  void incompressibleMessagesUpToTheLimitPassCompressedAsTheyDoPlain() throws IOException {
    // Deflate makes incompressible bytes a little longer: the limit is on what the message inflates to.
    for (int size : new int[] {10_000, 9_998}) {
      byte[] random = new byte[size];
      new Random(size).nextBytes(random);
      byte[] z = deflate(random);
      assertTrue(z.length > size, "incompressible: " + z.length);
      ByteString out = drain(frames(frame(0xc2, z), 10_000, true, false));
      assertNull(tripped, () -> "refused a message of " + size + " bytes: " + tripped.getMessage());
      assertEquals(frame(0x82, random).snapshot(), out);
    }
  }

  /** {@code blocks} empty stored deflate blocks (5 bytes each, inflating to nothing). */
  static byte[] emptyBlocks(int blocks) {
    Buffer b = new Buffer();
    for (int i = 0; i < blocks; i++) b.writeByte(0).writeShort(0).writeShort(0xffff);
    return b.readByteArray();
  }

  // #16 part 1 item 9
  @Test
  void compressedBytesHaveTheirOwnBoundAndTheErrorNamesIt() throws IOException {
    // The limit 1,000 bounds the inflated size; the compressed bytes of one message are bounded at
    // 1,000 + 1,000 / 8 + 1,024 = 2,149 (more than any deflate encoder's worst case), so that a
    // stream of empty blocks cannot run forever. 428 empty blocks and a stored block of 4 bytes:
    // exactly 2,149 compressed bytes, in frames of 500.
    byte[] z = concat(new Buffer().write(emptyBlocks(428)),
        new Buffer().writeByte(0).writeShortLe(4).writeShortLe(~4 & 0xffff).writeUtf8("abcd")).readByteArray();
    assertEquals(2_149, z.length);
    Buffer exact = new Buffer();
    for (int off = 0; off < z.length; off += 500) {
      int end = Math.min(z.length, off + 500);
      exact.writeAll(frame((off == 0 ? 0x41 : 0x00) | (end == z.length ? 0x80 : 0), Arrays.copyOfRange(z, off, end)));
    }
    assertEquals(frame(0x81, "abcd".getBytes(StandardCharsets.UTF_8)).snapshot(), drain(frames(exact, 1_000, true, false)));
    assertNull(tripped);

    // One more compressed byte: refused at the header that crosses the bound, naming it.
    Buffer over = concat(frame(0x42, emptyBlocks(400)), frame(0x80, new byte[150]));
    ByteString out = drain(frames(over, 1_000, true, false));
    assertInstanceOf(MessageTooLargeException.class, tripped);
    assertEquals(1009, trippedCode);
    assertTrue(tripped.getMessage().contains("2150 compressed bytes") && tripped.getMessage().contains("2149"),
        tripped.getMessage());
    assertEquals(closeFrame(1009, "message too large").snapshot(), out);
  }

  // #16 part 1 item 9
  @Test
  void aDeflateBombIsRefusedOnceItsInflatedBytesCrossTheLimitBeforeTheRestOfItArrives() throws IOException {
    // 4 KiB of zeros per 8 bytes or so: the first 2 KiB of a 60 KiB compressed frame inflate far
    // past the 64 KiB limit. Nothing more is available: waiting for the rest would end the stream.
    Deflater d = new Deflater(Deflater.BEST_COMPRESSION, true);
    byte[] z = compress(d, new byte[4 << 20]);
    assertTrue(z.length > 2_048, "compressed: " + z.length);
    Buffer wire = new Buffer().writeByte(0xc2).writeByte(126).writeShort(60_000).write(z, 0, 2_048);
    ByteString out = drain(frames(new InboundFramesTest.Strict(wire), 64 << 10, true, false));
    assertInstanceOf(MessageTooLargeException.class, tripped, "not refused before the stream ended");
    assertTrue(tripped.getMessage().contains("(inflated)"), tripped.getMessage());
    assertEquals(closeFrame(1009, "message too large").snapshot(), out);
  }

  @Test
  void inflatedMessagesGetTheShortestLengthEncoding() throws IOException {
    // RFC 6455 5.2: 7 bits up to 125, then 16 bits up to 65,535, then 64 bits. OkHttp accepts
    // longer encodings too, but the frame helper writes the shortest, as a server would.
    for (int length : new int[] {125, 126, 65_535, 65_536}) {
      byte[] text = new byte[length];
      Arrays.fill(text, (byte) 'z');
      ByteString out = drain(frames(frame(0xc1, deflate(text)), 1 << 20, true, false));
      assertEquals(frame(0x81, text).snapshot(), out, "a message of " + length + " bytes");
    }
  }

  @Test
  void withServerNoContextTakeoverEachMessageStartsAFreshWindow() throws IOException {
    // A server that promised no context takeover but refers back to its previous message sends
    // bytes that do not inflate on their own: a protocol error, not a silently repaired message.
    Deflater shared = new Deflater(Deflater.DEFAULT_COMPRESSION, true);
    byte[] first = "the first message, the first message".getBytes(StandardCharsets.UTF_8);
    byte[] again = "the first message again".getBytes(StandardCharsets.UTF_8);
    Buffer wire = concat(frame(0xc1, compress(shared, first)), frame(0xc1, compress(shared, again)));
    InboundFrames in = frames(wire, 1_000, true, true);
    ProtocolException e = assertThrows(ProtocolException.class, () -> drain(in));
    assertTrue(e.getMessage().startsWith("the server sent a malformed compressed message"), e.getMessage());

    // Messages each compressed alone inflate one after the other.
    Buffer alone = concat(frame(0xc1, deflate(first)), frame(0xc1, deflate(again)));
    assertEquals(concat(frame(0x81, first), frame(0x81, again)).snapshot(), drain(frames(alone, 1_000, true, true)));
  }

  @Test
  void aCompressedStreamThatEndsItselfIgnoresTheRestOfItsMessageAndTheNextStartsAfresh() throws IOException {
    // A final deflate block (BFINAL) ends the stream: bytes after it in the same message are
    // ignored, as OkHttp ignores them, and the next message inflates with a fresh window.
    byte[] first = "a stream that ends itself".getBytes(StandardCharsets.UTF_8);
    Deflater ending = new Deflater(Deflater.DEFAULT_COMPRESSION, true);
    ending.setInput(first);
    ending.finish();
    Buffer z = new Buffer();
    byte[] chunk = new byte[256];
    while (!ending.finished()) z.write(chunk, 0, ending.deflate(chunk));
    z.write(new byte[] {1, 2, 3}); // trailing bytes inside the message
    byte[] next = "the next message".getBytes(StandardCharsets.UTF_8);
    Buffer wire = concat(frame(0xc1, z.readByteArray()), frame(0xc1, deflate(next)));
    assertEquals(concat(frame(0x81, first), frame(0x81, next)).snapshot(), drain(frames(wire, 1_000, true, false)));
    assertNull(tripped);
  }

  @Test
  void aRefusalEndsWithTheCloseFrameBeforeTheEndOfTheStream() throws IOException {
    // The server starts a new message inside a fragmented compressed one: OkHttp must read the
    // close frame (and answer it) before the stream ends, not an end of stream first.
    Buffer wire = concat(frame(0x41, new byte[] {1, 2}), frame(0x81, new byte[] {'a'}));
    ByteString out = drain(frames(wire, 1_000, true, false));
    assertEquals(1002, trippedCode);
    assertEquals(closeFrame(1002, "protocol error").snapshot(), out);
  }

  @Test
  void anOversizedControlFrameIsLeftForOkHttpToRefuse() throws IOException {
    Buffer ping = frame(0x89, new byte[126]); // control frames carry at most 125 bytes
    ByteString expected = ping.snapshot();
    InboundFrames in = frames(ping, 1_000, false, false);
    assertEquals(expected, drain(in));
    assertEquals(0, in.pingsReceived, "not counted: OkHttp fails the connection on it");
  }

  @Test
  void aPingCutOffByTheEndOfTheStreamIsNotCounted() throws IOException {
    // A ping counts as a sign of life only once all of it arrived.
    Buffer cut = new Buffer().writeByte(0x89).writeByte(5).write(new byte[] {1, 2});
    ByteString expected = cut.snapshot();
    InboundFrames in = frames(cut, 1_000, false, false);
    assertEquals(expected, drain(in));
    assertEquals(0, in.pingsReceived);
  }

  @Test
  void pongsAlreadyWrittenCountAgainstThePongsOwed() throws IOException {
    // 100 pongs written, 1,100 pings read: 1,000 owed, under the cap, so every ping is handed on.
    for (int i = 0; i < 100; i++) {
      Buffer pong = OutboundFramesTest.clientFrame(0x8a, 0);
      outbound.write(pong, pong.size());
    }
    Buffer wire = new Buffer();
    for (int i = 0; i < 1_100; i++) wire.writeAll(frame(0x89, new byte[0]));
    InboundFrames in = frames(wire, 1_000, false, false);
    assertEquals(1_100 * 2, drain(in).size());
    assertNull(tripped);
    assertEquals(1_100, in.pingsReceived);
  }
}
