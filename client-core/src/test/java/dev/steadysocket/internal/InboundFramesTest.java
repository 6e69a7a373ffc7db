package dev.steadysocket.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.steadysocket.MessageTooLargeException;
import dev.steadysocket.ProtocolViolationException;
import dev.steadysocket.SteadySocketException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
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
  /** Virtual time for the pongs owed: it moves only when a test moves it. */
  private long now;
  private final OutboundFrames outbound = new OutboundFrames(new Buffer(), () -> now);

  private InboundFrames frames(Source upstream, long limit, boolean deflate, boolean noContextTakeover) {
    return new InboundFrames(upstream, limit, deflate, noContextTakeover, outbound, (e, code) -> {
      tripped = e;
      trippedCode = code;
    });
  }

  // #17 part 2 (conformance 7.1.5): OkHttp threw "Expected continuation opcode" at a close between
  // fragments and dropped the connection before our answer was written.
  @Test
  void aCloseBetweenFragmentsEndsOkHttpsMessageFirstAndSaysSo() throws Exception {
    Buffer wire = new Buffer()
        .writeByte(0x01).writeByte(3).writeUtf8("hel") // text, not final
        .writeByte(0x88).writeByte(2).writeShort(1000) // close
        .writeByte(0x80).writeByte(2).writeUtf8("lo"); // the rest, after the close
    int[] ended = {0};
    InboundFrames in = new InboundFrames(wire, 1024, false, false, outbound, new GuardEvents() {
      @Override public void tripped(SteadySocketException e, int code) {
        tripped = e;
      }

      @Override public void endedMidMessage() {
        ended[0]++;
      }
    });
    Buffer expected = new Buffer().writeByte(0x01).writeByte(3).writeUtf8("hel")
        .writeByte(0x80).writeByte(0) // an empty final continuation OkHttpTransport drops
        .writeByte(0x88).writeByte(2).writeShort(1000).writeByte(0x80).writeByte(2).writeUtf8("lo");
    assertEquals(expected.readByteString(), drain(in).readByteString());
    assertEquals(1, ended[0]);
    org.junit.jupiter.api.Assertions.assertNull(tripped, "not a refusal");
  }

  // #17 part 3: with compression off, no inflater exists at all (an RSV1 frame is a protocol error).
  @Test
  void noInflaterExistsUnlessCompressionWasNegotiated() throws Exception {
    java.lang.reflect.Field inflater = InboundFrames.class.getDeclaredField("inflater");
    inflater.setAccessible(true);
    org.junit.jupiter.api.Assertions.assertNull(inflater.get(frames(new Buffer(), 1024, false, false)));
    org.junit.jupiter.api.Assertions.assertNotNull(inflater.get(frames(new Buffer(), 1024, true, false)));
  }

  /** Everything the source hands OkHttp until its end. */
  private static Buffer drain(InboundFrames in) throws IOException {
    Buffer all = new Buffer();
    // Tiny reads: the parser must not depend on OkHttp's read sizes. A read that returns 0 breaks
    // the Source contract (OkHttp's reader would spin on it), so it fails here instead of looping.
    for (long n; (n = in.read(all, 3)) != -1; ) assertTrue(n > 0, "read returned " + n); // #16 part 2
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

  /** Hands {@code in} what the server sent since: everything OkHttp would read of it now. */
  private static ByteString take(InboundFrames in) throws IOException {
    return drain(in).readByteString();
  }

  private static Buffer ping(int n) {
    return frame(0x89, new byte[] {(byte) n});
  }

  /** The pongs owed at the cap, all pings handed on at virtual time 0. */
  private InboundFrames owingAllThePongsItMay(Buffer wire) throws IOException {
    InboundFrames in = frames(wire, 1_000, false, false);
    for (int i = 0; i < PongsOwed.MAX_OWED_PONGS; i++) wire.writeAll(ping(i));
    assertEquals(PongsOwed.MAX_OWED_PONGS * 3L, take(in).size());
    return in;
  }

  // #16 part 1 item 7
  @Test
  void aServerThatReadsNothingWhilePingsGoUnansweredIsRefusedAfterTheDrainTime() throws IOException {
    Buffer wire = new Buffer();
    InboundFrames in = owingAllThePongsItMay(wire);
    now = 1_000_000_000L; // the writer has been idle since 0: only the time since the cap counts
    wire.writeAll(ping(1));
    assertEquals(0, take(in).size(), "unanswered");
    now += PongsOwed.PONG_DRAIN_NANOS - 1;
    wire.writeAll(ping(2));
    assertEquals(0, take(in).size(), "unanswered, not yet refused");
    assertNull(tripped);
    now += 1;
    wire.writeAll(ping(3));
    ByteString out = take(in);
    ProtocolViolationException e = assertInstanceOf(ProtocolViolationException.class, tripped);
    assertTrue(e.getMessage().contains("ping flood"), e.getMessage());
    assertEquals(1008, trippedCode);
    assertEquals(ByteString.decodeHex("880c03f0" + ByteString.encodeUtf8("ping flood").hex()), out);
    assertEquals(PongsOwed.MAX_OWED_PONGS + 3, in.pingsReceived, "every ping counted as a sign of life");
  }

  // #16 part 1 item 7
  @Test
  void whileOurWritesReachTheNetworkUnansweredPingsAreNoFlood() throws IOException {
    Buffer wire = new Buffer();
    InboundFrames in = owingAllThePongsItMay(wire);
    wire.writeAll(ping(1));
    assertEquals(0, take(in).size(), "unanswered from 0");
    for (int second = 1; second <= 30; second++) { // a long frame of ours crosses a slow link
      now = second * 1_000_000_000L;
      Buffer chunk = OutboundFramesTest.clientFrame(0x82, 10);
      outbound.write(chunk, chunk.size());
      wire.writeAll(ping(second));
      assertEquals(0, take(in).size(), "unanswered at " + second + " s");
    }
    assertNull(tripped);
    // The server stops reading: refused once nothing reached the network for the drain time.
    now += PongsOwed.PONG_DRAIN_NANOS;
    wire.writeAll(ping(0));
    take(in);
    assertEquals(1008, trippedCode);
  }

  // #16 part 1 item 7
  @Test
  void oncePongsAreWrittenPingsAreAnsweredAgainAndTheDrainTimeStartsAfresh() throws IOException {
    Buffer wire = new Buffer();
    InboundFrames in = owingAllThePongsItMay(wire);
    wire.writeAll(ping(1));
    assertEquals(0, take(in).size());
    now = PongsOwed.PONG_DRAIN_NANOS - 1;
    Buffer pong = OutboundFramesTest.clientFrame(0x8a, 1); // OkHttp's writer catches up by one
    outbound.write(pong, pong.size());
    wire.writeAll(ping(2));
    assertEquals(ping(2).snapshot(), take(in), "handed on: one pong less is owed");
    now = PongsOwed.PONG_DRAIN_NANOS + 1; // past 0 + the drain time, but the cap was left meanwhile
    wire.writeAll(ping(3));
    assertEquals(0, take(in).size());
    assertNull(tripped);
    now = 2 * PongsOwed.PONG_DRAIN_NANOS;
    wire.writeAll(ping(4));
    assertEquals(0, take(in).size(), "the drain time runs from drain + 1, when the cap was reached again");
    assertNull(tripped);
  }

  // #16 part 1 item 7
  /**
   * RFC 6455 5.5.3: an endpoint that has not yet answered earlier pings may answer only some. Past
   * the pongs owed, further pings are counted as signs of life but not handed to OkHttp (whose pong
   * queue is unbounded), and the reader does not stop: the pongs may be owed only because our own
   * large frame is still crossing a slow link.
   */
  @Test
  void pingsPastThePongsOwedGoUnansweredWithoutHoldingTheReader() throws IOException {
    Buffer wire = new Buffer();
    int pings = PongsOwed.MAX_OWED_PONGS + 100;
    for (int i = 0; i < pings; i++) wire.writeAll(frame(0x89, new byte[] {(byte) i}));
    wire.writeAll(frame(0x81, "after".getBytes(StandardCharsets.UTF_8)));
    InboundFrames in = frames(wire, 1_000, false, false); // no pong is written here
    Buffer out = assertTimeoutPreemptively(Duration.ofSeconds(3), () -> drain(in), "the reader waited for pongs");
    assertNull(tripped);
    assertEquals(pings, in.pingsReceived, "every ping is a sign of life");
    for (int i = 0; i < PongsOwed.MAX_OWED_PONGS; i++) {
      assertEquals(frame(0x89, new byte[] {(byte) i}).snapshot(), out.readByteString(3), "ping " + i);
    }
    assertEquals(frame(0x81, "after".getBytes(StandardCharsets.UTF_8)).snapshot(), out.readByteString(),
        "the pings past the pongs owed are not handed on; the frames after them are");
  }

  @Test
  void pongsAreCounted() throws IOException {
    Buffer wire = concat(frame(0x8a, new byte[0]), frame(0x8a, new byte[] {1, 2}));
    InboundFrames in = frames(wire, 1_000, false, false);
    drain(in);
    assertEquals(2, in.pongsReceived);
  }

  /** #16 part 2: 125 bytes is the largest control payload RFC 6455 allows: still a ping or a pong. */
  @Test
  void controlFramesOfTheLargestAllowedPayloadAreCounted() throws IOException {
    Buffer wire = concat(frame(0x89, new byte[125]), frame(0x8a, new byte[125]));
    ByteString expected = wire.snapshot();
    InboundFrames in = frames(wire, 1_000, false, false);
    assertEquals(expected, drain(in).readByteString());
    assertEquals(1, in.pingsReceived);
    assertEquals(1, in.pongsReceived);
  }

  @Test
  void aMaskedFramePassesThroughForOkHttpToRefuse() throws IOException {
    Buffer masked = new Buffer().writeByte(0x81).writeByte(0x80 | 1).write(new byte[] {1, 2, 3, 4}).writeByte('a');
    ByteString maskedBytes = masked.snapshot();
    assertEquals(maskedBytes, drain(frames(masked, 1_000, false, false)).readByteString());
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
    okio.Timeout network = new okio.Timeout();
    Source upstream = new okio.ForwardingSource(new Buffer()) {
      @Override public okio.Timeout timeout() {
        return network;
      }
    };
    okio.Timeout timeout = frames(upstream, 1, false, false).timeout();
    assertEquals(network, ((okio.ForwardingTimeout) timeout).delegate(), "forwarded to the network's");
    timeout.timeout(7, java.util.concurrent.TimeUnit.SECONDS);
    assertEquals(7_000_000_000L, network.timeoutNanos());
    timeout.clearTimeout();
    assertEquals(0, network.timeoutNanos());
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
