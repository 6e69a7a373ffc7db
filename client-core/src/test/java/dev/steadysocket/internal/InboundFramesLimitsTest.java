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
  private final OutboundFrames outbound = new OutboundFrames(new Buffer());

  private InboundFrames frames(Source upstream, long limit, boolean deflate, boolean noContextTakeover) {
    return new InboundFrames(upstream, limit, deflate, noContextTakeover, outbound, (e, code) -> {
      tripped = e;
      trippedCode = code;
    });
  }

  private static ByteString drain(InboundFrames in) throws IOException {
    Buffer all = new Buffer();
    while (in.read(all, 8192) != -1) {}
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
  void aCompressedMessageIsMeasuredBothCompressedAndInflated() throws IOException {
    byte[] random = new byte[200];
    new Random(7).nextBytes(random);
    byte[] z = deflate(random); // incompressible: z is longer than the 200 bytes it inflates to
    // An empty first fragment (legal: fragments split the compressed bytes anywhere), then all of it.
    Buffer wire = concat(frame(0x42, new byte[0]), frame(0x80, z));
    assertEquals(frame(0x82, random).snapshot(), drain(frames(wire, z.length, true, false)));
    assertNull(tripped);

    // One compressed byte over: refused at the header, before the payload is collected.
    ByteString out = drain(frames(frame(0xc2, z), z.length - 1, true, false));
    assertEquals(1009, trippedCode);
    assertTrue(tripped.getMessage().contains("at least " + z.length + " bytes"), tripped.getMessage());
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
    // 100 pongs written, 1,000 pings read: 900 owed, under the limit, so no waiting and no refusal
    // even though the writer writes nothing more.
    for (int i = 0; i < 100; i++) {
      Buffer pong = OutboundFramesTest.clientFrame(0x8a, 0);
      outbound.write(pong, pong.size());
    }
    Buffer wire = new Buffer();
    for (int i = 0; i < 1_000; i++) wire.writeAll(frame(0x89, new byte[0]));
    InboundFrames in = frames(wire, 1_000, false, false);
    in.pongDrainNanos = 1_000_000;
    drain(in);
    assertNull(tripped);
    assertEquals(1_000, in.pingsReceived);
  }

  @Test
  void aReaderWaitingForPongsResumesOnceHalfOfThemAreWritten() throws Exception {
    // 1,025 pings, no pong written: at the last one 1,024 are owed and the reader waits until the
    // writer has caught up to 512 owed. The writer writes exactly those 512 once the reader waits
    // (its thread parked in a timed wait), so only that rule lets the reader go on.
    Buffer wire = new Buffer();
    for (int i = 0; i <= InboundFrames.MAX_OWED_PONGS; i++) wire.writeAll(frame(0x89, new byte[0]));
    InboundFrames in = frames(wire, 1_000, false, false);
    in.pongDrainNanos = 10_000_000_000L;
    Thread reader = Thread.currentThread();
    Thread writer = new Thread(() -> {
      long deadline = System.nanoTime() + 10_000_000_000L;
      while (reader.getState() != Thread.State.TIMED_WAITING && System.nanoTime() < deadline) Thread.onSpinWait();
      try {
        for (int i = 0; i < InboundFrames.MAX_OWED_PONGS / 2; i++) {
          Buffer pong = OutboundFramesTest.clientFrame(0x8a, 0);
          outbound.write(pong, pong.size());
        }
      } catch (IOException e) {
        throw new AssertionError(e);
      }
    });
    writer.start();
    drain(in);
    writer.join();
    assertNull(tripped);
    assertEquals(InboundFrames.MAX_OWED_PONGS + 1, in.pingsReceived);
  }
}
