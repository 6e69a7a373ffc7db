package dev.steadysocket.internal;

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
import java.util.zip.Deflater;
import okio.Buffer;
import okio.ByteString;
import okio.Source;
import okio.Timeout;
import org.junit.jupiter.api.Test;

/** Server frames through {@link InboundFrames}, on in-memory buffers: what OkHttp's reader gets. */
class InboundFramesTest {
  private SteadySocketException tripped;
  private int trippedCode;
  private final OutboundFrames outbound = new OutboundFrames(new Buffer());

  private InboundFrames frames(Source upstream, long limit, boolean deflate, boolean noContextTakeover) {
    return new InboundFrames(upstream, limit, deflate, noContextTakeover, outbound, (e, code) -> {
      tripped = e;
      trippedCode = code;
    });
  }

  /** Everything the source hands OkHttp until its end. */
  private static Buffer drain(InboundFrames in) throws IOException {
    Buffer all = new Buffer();
    while (in.read(all, 3) != -1) {} // tiny reads: the parser must not depend on OkHttp's read sizes
    return all;
  }

  static Buffer concat(Buffer... parts) {
    Buffer all = new Buffer();
    for (Buffer b : parts) all.write(b, b.size());
    return all;
  }

  static Buffer frame(int b0, byte[] payload) {
    Buffer f = new Buffer().writeByte(b0);
    if (payload.length <= 125) f.writeByte(payload.length);
    else if (payload.length <= 0xffff) f.writeByte(126).writeShort(payload.length);
    else f.writeByte(127).writeLong(payload.length);
    return f.write(payload);
  }

  @Test
  void framesWithinTheLimitPassUnchanged() throws IOException {
    byte[] small = "hello".getBytes(StandardCharsets.UTF_8);
    byte[] medium = new byte[300];
    byte[] large = new byte[70_000];
    Arrays.fill(large, (byte) 'x');
    Buffer wire = concat(frame(0x81, small), frame(0x82, medium), frame(0x01, large),
        frame(0x8a, new byte[0]), frame(0x80, small));
    ByteString expected = wire.snapshot();
    Buffer out = drain(frames(wire, 100_000, false, false));
    assertEquals(expected, out.readByteString());
    assertNull(tripped);
  }

  @Test
  void aFragmentedMessagePastTheLimitIsRefusedAtTheHeaderThatCrossesIt() throws IOException {
    Buffer wire = concat(frame(0x01, new byte[600]), frame(0x00, new byte[600]));
    // The second fragment's payload never needs to arrive: only its header is read.
    wire.writeByte(0x00).writeByte(126).writeShort(600);
    InboundFrames in = frames(wire, 1_000, false, false);
    Buffer out = drain(in);
    assertInstanceOf(MessageTooLargeException.class, tripped);
    assertEquals(1009, trippedCode);
    Buffer first = frame(0x01, new byte[600]);
    assertEquals(first.readByteString(), out.readByteString(604));
    // OkHttp holds the first fragment and would fail on a close frame inside the message: an empty
    // final continuation ends it first (the transport discards that truncated message).
    assertEquals(ByteString.decodeHex("8000"), out.readByteString(2));
    assertEquals(ByteString.decodeHex("8813" + "03f1"), out.readByteString(4)); // close 1009 + reason
    assertEquals("message too large", out.readUtf8());
  }

  @Test
  void aRefusalBetweenMessagesSendsOnlyTheCloseFrame() throws IOException {
    Buffer wire = concat(frame(0x01, new byte[10]), frame(0x80, new byte[10]));
    wire.writeByte(0x81).writeByte(126).writeShort(2_000); // a new message past the limit
    Buffer out = drain(frames(wire, 1_000, false, false));
    assertEquals(1009, trippedCode);
    out.skip(12 + 12);
    assertEquals(0x88, out.readByte() & 0xff, "no continuation: OkHttp holds no fragment");
  }

  @Test
  void aTwoGigabyteFrameIsRefusedBeforeAnyOfItIsRead() throws IOException {
    Buffer wire = new Buffer().writeByte(0x82).writeByte(127).writeLong(1L << 31);
    Buffer out = drain(frames(wire, 16 << 20, false, false));
    assertInstanceOf(MessageTooLargeException.class, tripped);
    assertTrue(tripped.getMessage().contains("2147483648"), tripped.getMessage());
    assertEquals(0x88, out.readByte() & 0xff);
  }

  @Test
  void compressedMessagesAreInflatedHereWithContextTakeover() throws IOException {
    Deflater deflater = new Deflater(Deflater.DEFAULT_COMPRESSION, true);
    byte[] one = compress(deflater, "the first message, the first message".getBytes(StandardCharsets.UTF_8));
    byte[] two = compress(deflater, "the first message again".getBytes(StandardCharsets.UTF_8));
    // The second message is split in two fragments; a ping arrives between them.
    Buffer wire = concat(frame(0xc1, one),
        frame(0x41, Arrays.copyOfRange(two, 0, 3)),
        frame(0x89, new byte[] {7}),
        frame(0x80, Arrays.copyOfRange(two, 3, two.length)));
    Buffer out = drain(frames(wire, 1_000, true, false));
    assertEquals(frame(0x81, "the first message, the first message".getBytes(StandardCharsets.UTF_8)).snapshot(),
        out.readByteString(2 + 36));
    assertEquals(frame(0x89, new byte[] {7}).snapshot(), out.readByteString(3)); // control frames go first
    assertEquals(frame(0x81, "the first message again".getBytes(StandardCharsets.UTF_8)).snapshot(), out.readByteString());
    assertNull(tripped);
  }

  @Test
  void aDeflateBombStopsAtTheLimitInInflatedBytes() throws IOException {
    byte[] zeros = new byte[1 << 20];
    Deflater deflater = new Deflater(Deflater.BEST_COMPRESSION, true);
    Buffer compressed = new Buffer();
    byte[] chunk = new byte[8192];
    deflater.setInput(zeros);
    for (int i = 0; i < 100; i++) { // 100 MiB of zeros in about 100 KiB
      deflater.setInput(zeros);
      while (!deflater.needsInput()) compressed.write(chunk, 0, deflater.deflate(chunk, 0, chunk.length, Deflater.NO_FLUSH));
    }
    deflater.finish();
    while (!deflater.finished()) compressed.write(chunk, 0, deflater.deflate(chunk));
    Buffer wire = frame(0xc2, compressed.readByteArray());
    Buffer out = drain(frames(wire, 4 << 20, true, false));
    assertInstanceOf(MessageTooLargeException.class, tripped);
    assertTrue(tripped.getMessage().contains("inflated"), tripped.getMessage());
    assertEquals(1009, trippedCode);
    assertEquals(0x88, out.readByte() & 0xff, "nothing of the bomb reaches OkHttp");
  }

  @Test
  void aPingFloodIsRefusedOnceTooManyPongsAreOwed() throws IOException {
    Buffer wire = new Buffer();
    for (int i = 0; i <= InboundFrames.MAX_OWED_PONGS + 5; i++) wire.writeAll(frame(0x89, new byte[125]));
    InboundFrames in = frames(wire, 1_000, false, false);
    in.pongDrainNanos = 50_000_000; // no pong is ever written here
    Buffer out = drain(in);
    assertInstanceOf(ProtocolViolationException.class, tripped);
    assertEquals(1008, trippedCode);
    assertEquals(InboundFrames.MAX_OWED_PONGS, in.pingsReceived);
    assertEquals((InboundFrames.MAX_OWED_PONGS) * 127L + 4 + "ping flood".length(), out.size());
  }

  @Test
  void aBurstOfPingsWaitsForTheWriterInsteadOfTripping() throws Exception {
    Buffer wire = new Buffer();
    int pings = InboundFrames.MAX_OWED_PONGS + 10;
    for (int i = 0; i < pings; i++) wire.writeAll(frame(0x89, new byte[1]));
    InboundFrames in = frames(wire, 1_000, false, false);
    Thread writer = new Thread(() -> { // OkHttp's writer, a little behind the reader
      try {
        for (int i = 0; i < pings; i++) {
          Buffer pong = OutboundFramesTest.clientFrame(0x8a, 1);
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
    assertEquals(pings, in.pingsReceived);
  }

  @Test
  void pongsAreCounted() throws IOException {
    Buffer wire = concat(frame(0x8a, new byte[0]), frame(0x8a, new byte[] {1, 2}));
    InboundFrames in = frames(wire, 1_000, false, false);
    drain(in);
    assertEquals(2, in.pongsReceived);
  }

  @Test
  void protocolViolationsPassThroughForOkHttpToRefuse() throws IOException {
    Buffer masked = new Buffer().writeByte(0x81).writeByte(0x80 | 1).write(new byte[] {1, 2, 3, 4}).writeByte('a');
    ByteString maskedBytes = masked.snapshot();
    assertEquals(maskedBytes, drain(frames(masked, 1_000, false, false)).readByteString());
    Buffer rsv1 = frame(0xc1, new byte[] {1});
    ByteString rsv1Bytes = rsv1.snapshot();
    assertEquals(rsv1Bytes, drain(frames(rsv1, 1_000, false, false)).readByteString(), "no deflate negotiated");
    assertNull(tripped);
  }

  @Test
  void aNewMessageInsideAFragmentedCompressedOneIsAProtocolError() throws IOException {
    Buffer wire = concat(frame(0x41, new byte[] {1, 2}), frame(0x81, new byte[] {'a'}));
    drain(frames(wire, 1_000, true, false));
    assertInstanceOf(ProtocolViolationException.class, tripped);
    assertEquals(1002, trippedCode);
  }

  @Test
  void theTimeoutIsTheNetworks() {
    Buffer upstream = new Buffer();
    assertEquals(upstream.timeout(), frames(upstream, 1, false, false).timeout());
  }

  /** RFC 7692: deflate with a sync flush, without the trailing 00 00 ff ff. */
  static byte[] compress(Deflater deflater, byte[] data) {
    deflater.setInput(data);
    Buffer out = new Buffer();
    byte[] chunk = new byte[8192];
    int n;
    while ((n = deflater.deflate(chunk, 0, chunk.length, Deflater.SYNC_FLUSH)) > 0) out.write(chunk, 0, n);
    byte[] all = out.readByteArray();
    return Arrays.copyOf(all, all.length - 4);
  }

  /** A source that fails the test if read past what it was given. */
  static final class Strict implements Source {
    final Buffer data;

    Strict(Buffer data) {
      this.data = data;
    }

    @Override public long read(Buffer sink, long byteCount) {
      return data.read(sink, byteCount);
    }

    @Override public Timeout timeout() {
      return Timeout.NONE;
    }

    @Override public void close() {}
  }

  @Test
  void theOffendingPayloadIsNeverBuffered() throws IOException {
    // 64 KiB of a 1 GiB frame are available; the limit trips at the header.
    Buffer wire = new Buffer().writeByte(0x82).writeByte(127).writeLong(1L << 30).write(new byte[65_536]);
    InboundFrames in = frames(new Strict(wire), 1 << 20, false, false);
    drain(in);
    assertInstanceOf(MessageTooLargeException.class, tripped);
    assertTrue(wire.size() >= 65_536 - 8192, "read ahead at most one chunk: " + wire.size() + " left");
  }
}
