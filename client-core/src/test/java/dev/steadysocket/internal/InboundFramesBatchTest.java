package dev.steadysocket.internal;

import static dev.steadysocket.internal.InboundFramesTest.compress;
import static dev.steadysocket.internal.InboundFramesTest.concat;
import static dev.steadysocket.internal.InboundFramesTest.frame;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.Random;
import java.util.zip.Deflater;
import okio.Buffer;
import okio.ByteString;
import okio.Source;
import okio.Timeout;
import org.junit.jupiter.api.Test;

/**
 * How {@link InboundFrames#read} batches: one call hands OkHttp every data frame the network has
 * already delivered, but never reads the network again once it has something to return (that read
 * could block while OkHttp waits for frames it could already process), and leaves control frames
 * for a call with nothing else pending. Also the ends of the stream inside a header or a payload.
 */
class InboundFramesBatchTest {
  private final OutboundFrames outbound = new OutboundFrames(new Buffer(), System::nanoTime);

  /**
   * The network: each read hands over the next scripted chunk (at most what was asked). Past the
   * script a read would block on a real socket; here it fails the test, unless the script ends
   * with the end of the stream.
   */
  static final class Network implements Source {
    final Deque<Buffer> chunks = new ArrayDeque<>();
    boolean endOfStream;
    int reads;
    boolean closed;

    Network then(Buffer chunk) {
      chunks.add(chunk);
      return this;
    }

    Network thenEnd() {
      endOfStream = true;
      return this;
    }

    @Override
    public long read(Buffer sink, long byteCount) {
      reads++;
      Buffer chunk = chunks.peek();
      if (chunk == null) {
        if (endOfStream) return -1;
        throw new AssertionError("read " + reads + " would block: the network delivered nothing more");
      }
      long n = chunk.read(sink, Math.min(byteCount, chunk.size()));
      if (chunk.size() == 0) chunks.poll();
      return n;
    }

    @Override
    public Timeout timeout() {
      return Timeout.NONE;
    }

    @Override
    public void close() {
      closed = true;
    }
  }

  private InboundFrames frames(Source upstream, boolean deflate) {
    return new InboundFrames(upstream, 1 << 20, deflate, false, outbound, (e, code) -> {
      throw new AssertionError("nothing here breaks a limit, yet it tripped: " + e);
    });
  }

  /** Reads to the end; a read of 0 breaks the Source contract and would loop here forever. */
  private static void readToEnd(InboundFrames in, Buffer sink) throws IOException {
    for (long n; (n = in.read(sink, 8192)) != -1; ) assertTrue(n > 0, "read returned " + n); // #16 part 2
  }

  /** One read as OkHttp's buffered source makes it; its result must count what it handed over. */
  private static ByteString readOnce(InboundFrames in) throws IOException {
    Buffer sink = new Buffer();
    long n = in.read(sink, 8192);
    assertEquals(sink.size(), n, "read returns the number of bytes it handed over");
    return sink.readByteString();
  }

  private static Buffer prefix(Buffer frame, long n) {
    Buffer head = new Buffer();
    frame.copyTo(head, 0, n);
    return head;
  }

  private static Buffer suffix(Buffer frame, long from) {
    Buffer tail = new Buffer();
    frame.copyTo(tail, from, frame.size() - from);
    return tail;
  }

  private static final Buffer A = frame(0x81, "a".getBytes(StandardCharsets.UTF_8));

  @Test
  void everyDataFrameOfOneNetworkReadGoesToOkHttpInOneCall() throws IOException {
    // Short, 16-bit-length and fragmented frames, an empty final fragment and an empty message
    // (2-byte headers, the last one all that is left): nothing may be held back for a second call.
    Buffer wire = concat(A.copy(), frame(0x82, new byte[300]), frame(0x01, new byte[] {'x', 'y'}),
        frame(0x80, new byte[0]), frame(0x81, new byte[0]));
    ByteString expected = wire.snapshot();
    Network network = new Network().then(wire);
    assertEquals(expected, readOnce(frames(network, false)));
    assertEquals(1, network.reads);
  }

  @Test
  void aBinaryFrameWhosePayloadIsStillArrivingIsStartedAndItsRestFollows() throws IOException {
    Buffer hello = frame(0x82, "hello".getBytes(StandardCharsets.UTF_8));
    Network network = new Network().then(concat(A.copy(), prefix(hello, 3))).then(suffix(hello, 3));
    InboundFrames in = frames(network, false);
    assertEquals(concat(A.copy(), prefix(hello, 3)).snapshot(), readOnce(in), "the started frame is handed on");
    assertEquals(suffix(hello, 3).snapshot(), readOnce(in));
  }

  // #17: a text frame reaches OkHttp only whole and checked, so a refusal never falls inside it.
  @Test
  void aTextFrameWhosePayloadIsStillArrivingWaitsUntilItIsWhole() throws IOException {
    Buffer hello = frame(0x81, "hello".getBytes(StandardCharsets.UTF_8));
    Network network = new Network().then(concat(A.copy(), prefix(hello, 3))).then(suffix(hello, 3));
    InboundFrames in = frames(network, false);
    assertEquals(A.snapshot(), readOnce(in), "the frames before it");
    assertEquals(1, network.reads, "no second network read while frame A waits for OkHttp");
    assertEquals(hello.snapshot(), readOnce(in), "then the text frame, whole");
  }

  /** A header cut by the network read: judging it would need another read, which could block. */
  private void anIncompleteHeaderWaits(Buffer next, int available) throws IOException {
    ByteString whole = next.snapshot();
    Network network = new Network().then(concat(A.copy(), prefix(next, available)))
        .then(suffix(next, available)).thenEnd();
    InboundFrames in = frames(network, false);
    assertEquals(A.snapshot(), readOnce(in));
    assertEquals(1, network.reads, "no second network read while frame A waits for OkHttp");
    Buffer rest = new Buffer();
    readToEnd(in, rest);
    assertEquals(whole, rest.readByteString(), "the cut frame follows intact");
  }

  @Test
  void anIncompleteHeaderWaitsForTheNextNetworkRead() throws IOException {
    anIncompleteHeaderWaits(frame(0x82, new byte[10]), 1);
    anIncompleteHeaderWaits(frame(0x82, new byte[300]), 3); // 16-bit length, one byte of it
    anIncompleteHeaderWaits(frame(0x82, new byte[70_000]), 7); // 64-bit length, five bytes of it
    // A masked frame (a violation OkHttp refuses) with half its mask key.
    Buffer masked = new Buffer().writeByte(0x81).writeByte(0x80 | 1).write(new byte[] {1, 2, 3, 4}).writeByte('m');
    anIncompleteHeaderWaits(masked, 4);
  }

  @Test
  void aControlFrameWaitsUntilOkHttpHasTakenTheFramesBeforeIt() throws IOException {
    // A ping may be refused (a server that reads nothing), and the frames before it must reach
    // OkHttp first: the ping is judged (and counted) in a call with nothing else pending.
    Buffer ping = frame(0x89, new byte[] {'p'});
    Network network = new Network().then(concat(A.copy(), ping.copy()));
    InboundFrames in = frames(network, false);
    assertEquals(A.snapshot(), readOnce(in));
    assertEquals(0, in.pingsReceived);
    assertEquals(ping.snapshot(), readOnce(in));
    assertEquals(1, in.pingsReceived);

    // A control frame whose payload has not arrived is not waited for either.
    Buffer pong = frame(0x8a, new byte[] {1, 2, 3, 4, 5});
    Network cut = new Network().then(concat(A.copy(), prefix(pong, 3))).then(suffix(pong, 3));
    InboundFrames second = frames(cut, false);
    assertEquals(A.snapshot(), readOnce(second));
    assertEquals(pong.snapshot(), readOnce(second));
    assertEquals(1, second.pongsReceived);
  }

  private static byte[] randomBytes(int n) {
    byte[] b = new byte[n];
    new Random(n).nextBytes(b); // incompressible: the compressed frame is a little longer than n
    return b;
  }

  private static Buffer compressedFrame(int b0, byte[] data) {
    return frame(b0, compress(new Deflater(Deflater.DEFAULT_COMPRESSION, true), data));
  }

  /**
   * A compressed message waits until OkHttp has taken the frames before it (inflating may fail or
   * trip the limit, and the messages before it must reach OkHttp before a refusal does); then it
   * is inflated from what was already received, without another network read.
   */
  @Test
  void aCompressedMessageWaitsForTheFramesBeforeItThenNeedsNoNetworkRead() throws IOException {
    byte[] text = "hello hello hello".getBytes(StandardCharsets.UTF_8);
    byte[] binary = randomBytes(300); // a 16-bit compressed length
    // The text ends with an empty final fragment; the last message is empty (one 0x00 byte).
    Buffer fragmented = concat(compressedFrame(0x41, text), frame(0x80, new byte[0]));
    Network network = new Network().then(concat(A.copy(), fragmented, compressedFrame(0xc2, binary),
        frame(0xc1, new byte[] {0})));
    InboundFrames in = frames(network, true);
    assertEquals(A.snapshot(), readOnce(in));
    ByteString expected = concat(frame(0x81, text), frame(0x82, binary), frame(0x81, new byte[0])).snapshot();
    Buffer rest = new Buffer();
    while (rest.size() < expected.size()) rest.write(readOnce(in));
    assertEquals(expected, rest.readByteString());
    assertEquals(1, network.reads);
  }

  /** A compressed frame is inflated whole: while its payload is arriving it waits for a later call. */
  private void aCutCompressedFrameWaits(Buffer compressed, int available, ByteString inflated) throws IOException {
    Network network = new Network().then(concat(A.copy(), prefix(compressed, available)))
        .then(suffix(compressed, available));
    InboundFrames in = frames(network, true);
    assertEquals(A.snapshot(), readOnce(in));
    assertEquals(1, network.reads);
    Buffer rest = new Buffer();
    while (rest.size() < inflated.size()) rest.write(readOnce(in));
    assertEquals(inflated, rest.readByteString());
  }

  @Test
  void aCompressedFrameWhosePayloadIsStillArrivingWaits() throws IOException {
    byte[] text = "compressed".getBytes(StandardCharsets.UTF_8);
    aCutCompressedFrameWaits(compressedFrame(0xc1, text), 5, frame(0x81, text).snapshot());
    byte[] medium = randomBytes(300);
    aCutCompressedFrameWaits(compressedFrame(0xc2, medium), 4 + 200, frame(0x82, medium).snapshot());
    byte[] large = randomBytes(70_000); // a 64-bit compressed length, 200 bytes of it arrived
    aCutCompressedFrameWaits(compressedFrame(0xc2, large), 10 + 200, frame(0x82, large).snapshot());
  }

  @Test
  void theContinuationOfACompressedMessageWaitsForItsWholePayloadToo() throws IOException {
    byte[] text = "a fragmented compressed message".getBytes(StandardCharsets.UTF_8);
    byte[] z = compress(new Deflater(Deflater.DEFAULT_COMPRESSION, true), text);
    Buffer first = frame(0x41, Arrays.copyOfRange(z, 0, 4));
    Buffer last = frame(0x80, Arrays.copyOfRange(z, 4, z.length)); // no RSV1: a continuation
    Network network = new Network().then(concat(A.copy(), first, prefix(last, 3))).then(suffix(last, 3));
    InboundFrames in = frames(network, true);
    assertEquals(A.snapshot(), readOnce(in), "the first fragment is collected, the cut one waits");
    assertEquals(frame(0x81, text).snapshot(), readOnce(in));
  }

  @Test
  void aPayloadLongerThanANetworkReadIsFollowedToItsEnd() throws IOException {
    // The pong after the 20,000-byte frame is judged as a frame only if the payload was counted
    // down exactly across the 1,000-byte network reads.
    Buffer wire = concat(frame(0x82, new byte[20_000]), frame(0x8a, new byte[0]));
    ByteString expected = wire.snapshot();
    Network network = new Network();
    while (wire.size() > 0) {
      Buffer chunk = new Buffer();
      chunk.write(wire, Math.min(1_000, wire.size()));
      network.then(chunk);
    }
    InboundFrames in = frames(network.thenEnd(), false);
    Buffer out = new Buffer();
    readToEnd(in, out);
    assertEquals(expected, out.readByteString());
    assertEquals(1, in.pongsReceived);
  }

  @Test
  void theStreamEndingInsideAPayloadEndsTheSource() throws IOException {
    Buffer cut = prefix(frame(0x82, new byte[100]), 50);
    InboundFrames in = frames(new Network().then(cut.copy()).thenEnd(), false);
    assertEquals(cut.snapshot(), readOnce(in));
    assertEquals(-1, in.read(new Buffer(), 8192));
  }

  @Test
  void theStreamEndingInsideAHeaderEndsTheSource() {
    InboundFrames in = frames(new Network().then(prefix(frame(0x82, new byte[300]), 3)).thenEnd(), false);
    assertTimeoutPreemptively(Duration.ofSeconds(5), () -> assertEquals(-1, in.read(new Buffer(), 8192)));
  }

  @Test
  void closingTheSourceClosesTheNetworkSource() throws IOException {
    Network network = new Network();
    frames(network, false).close();
    assertEquals(true, network.closed);
  }
}
