package dev.steadysocket.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import okio.Buffer;
import okio.ByteString;
import org.junit.jupiter.api.Test;

/**
 * Client frames through {@link OutboundFrames}: pongs counted, progress noted chunk by chunk, our
 * pings between frames only, with fresh mask keys, and nothing after our close frame.
 */
class OutboundFramesTest {
  private final Buffer network = new Buffer();
  /** Virtual time: it moves only when a test moves it. */
  private long now;
  private final OutboundFrames frames = new OutboundFrames(network, () -> now);

  /** A masked client frame as OkHttp writes it (mask key 1 2 3 4, payload left unmasked here). */
  static Buffer clientFrame(int b0, int payloadLength) {
    Buffer f = new Buffer().writeByte(b0);
    if (payloadLength <= 125) f.writeByte(0x80 | payloadLength);
    else if (payloadLength <= 0xffff) f.writeByte(0x80 | 126).writeShort(payloadLength);
    else f.writeByte(0x80 | 127).writeLong(payloadLength);
    return f.write(new byte[] {1, 2, 3, 4}).write(new byte[payloadLength]);
  }

  /** Writes {@code data} in pieces of {@code piece} bytes, as OkHttp's buffered sink may. */
  private void write(Buffer data, int piece) throws IOException {
    while (data.size() > 0) {
      Buffer chunk = new Buffer();
      chunk.write(data, Math.min(piece, data.size()));
      frames.write(chunk, chunk.size());
    }
  }

  @Test
  void framesPassUnchangedAndPongsAreCounted() throws IOException {
    Buffer wire = InboundFramesTest.concat(clientFrame(0x81, 5), clientFrame(0x8a, 0), clientFrame(0x82, 70_000),
        clientFrame(0x8a, 3));
    ByteString expected = wire.snapshot();
    write(wire, 7);
    assertEquals(expected, network.readByteString());
    assertEquals(2, frames.pongsWritten());
  }

  @Test
  void aPingAtAFrameBoundaryIsWrittenAtOnce() throws IOException {
    write(clientFrame(0x81, 5), 100);
    network.clear();
    assertTrue(frames.ping());
    assertEquals(6, network.size());
    assertEquals(0x89, network.readByte() & 0xff);
    assertEquals(0x80, network.readByte() & 0xff, "masked, empty");
  }

  /** #16 part 2: a ping written between frames is flushed: nothing else may come to push it out. */
  @Test
  void aPingAtAFrameBoundaryIsFlushedToTheNetwork() throws IOException {
    int[] flushes = new int[1];
    okio.Sink counting = new okio.ForwardingSink(network) {
      @Override
      public void flush() throws IOException {
        flushes[0]++;
        super.flush();
      }
    };
    OutboundFrames flushed = new OutboundFrames(counting, () -> now);
    assertTrue(flushed.ping());
    assertEquals(1, flushes[0]);
    assertEquals(6, network.size());
  }

  @Test
  void aPingDuringAFrameWaitsForItsEnd() throws IOException {
    Buffer frame = clientFrame(0x82, 1_000);
    Buffer firstHalf = new Buffer();
    firstHalf.write(frame, 500);
    frames.write(firstHalf, firstHalf.size());
    assertTrue(frames.ping());
    assertEquals(500, network.size(), "nothing inside the frame");
    Buffer rest = InboundFramesTest.concat(frame, clientFrame(0x81, 2));
    frames.write(rest, rest.size());
    network.skip(2 + 2 + 4 + 1_000);
    assertEquals(0x89, network.readByte() & 0xff, "the ping follows the frame it waited for");
    network.skip(5);
    assertEquals(0x81, network.readByte() & 0xff);
  }

  @Test
  void aPingWhileInAFrameHeaderWaitsToo() throws IOException {
    Buffer header = new Buffer().writeByte(0x81);
    frames.write(header, 1);
    assertTrue(frames.ping());
    assertEquals(1, network.size());
  }

  @Test
  void nothingFollowsOurCloseFrame() throws IOException {
    write(clientFrame(0x88, 2), 3);
    network.clear();
    assertFalse(frames.ping());
    assertEquals(0, network.size());
  }

  /**
   * A network write that fails part-way leaves the unsent bytes in OkHttp's buffer, which OkHttp may
   * hand us again; the parser has already stepped past them, so they must not be parsed twice (here
   * the mask bytes of a binary frame would read as a pong header): a sink that failed stays failed.
   */
  @Test
  void aFailedWriteFailsEveryLaterWriteWithoutParsingTheLeftovers() {
    Buffer accepted = new Buffer();
    okio.Sink breaksOnce = new okio.Sink() {
      boolean broke;
      @Override public void write(Buffer source, long byteCount) throws IOException {
        if (broke) {
          accepted.write(source, byteCount);
          return;
        }
        broke = true;
        accepted.write(source, 3); // takes three bytes, then the connection breaks
        throw new IOException("broken pipe");
      }
      @Override public void flush() {}
      @Override public okio.Timeout timeout() { return okio.Timeout.NONE; }
      @Override public void close() {}
    };
    OutboundFrames frames = new OutboundFrames(breaksOnce, () -> now);
    Buffer okhttp = new Buffer()
        .writeByte(0x82).writeByte(0x80 | 6) // binary, masked, 6 bytes
        .write(new byte[] {0x00, (byte) 0x8a, (byte) 0x80, 0x00}) // mask: 8A 80 reads as a pong header
        .write(new byte[] {1, 2, 3, 4, 5, 6});
    assertThrows(IOException.class, () -> frames.write(okhttp, okhttp.size()));
    long left = okhttp.size();
    assertThrows(IOException.class, () -> frames.write(okhttp, left));
    assertEquals(0, frames.pongsWritten(), "leftover payload parsed as frames");
    assertEquals(3, accepted.size(), "nothing more reaches a broken network");
  }

  /** After a failed write inside a frame, a ping is refused at once, not promised for later. */
  @Test
  void aPingAfterAWriteFailedInsideAFrameFails() {
    okio.Sink broken = new okio.Sink() {
      @Override public void write(Buffer source, long byteCount) throws IOException {
        throw new IOException("broken pipe");
      }
      @Override public void flush() {}
      @Override public okio.Timeout timeout() { return okio.Timeout.NONE; }
      @Override public void close() {}
    };
    OutboundFrames frames = new OutboundFrames(broken, () -> now);
    Buffer firstHalf = clientFrame(0x82, 100);
    assertThrows(IOException.class, () -> frames.write(firstHalf, 50)); // inside the frame's payload
    assertThrows(IOException.class, frames::ping);
    assertThrows(IOException.class, frames::flush);
  }

  /**
   * OkHttp's sink buffer may hold more than one write hands on, and our pings may be asked for at
   * any moment: over random frame sizes (7-bit, 16-bit and 64-bit lengths), random write sizes and
   * random pings, every byte arrives in order, pings land only between frames, pongs are counted.
   */
  @Test
  void randomChunksWithTrailingBytesAndPingsKeepEveryByteInOrder() throws IOException {
    Random rnd = new Random(42);
    for (int round = 0; round < 300; round++) {
      Buffer network = new Buffer();
      OutboundFrames frames = new OutboundFrames(network, () -> now);
      Buffer wire = new Buffer();
      int n = 1 + rnd.nextInt(6);
      long pongs = 0;
      for (int i = 0; i < n; i++) {
        int len = rnd.nextInt(4) == 0 ? 126 + rnd.nextInt(20_000) : rnd.nextInt(126);
        if (rnd.nextInt(10) == 0) len = 70_000;
        int op = rnd.nextBoolean() ? 0x8a : 0x82;
        if (op == 0x8a) { len = Math.min(len, 125); pongs++; }
        byte[] p = new byte[len];
        rnd.nextBytes(p);
        Buffer f = new Buffer().writeByte(op);
        if (len <= 125) f.writeByte(0x80 | len);
        else if (len <= 0xffff) f.writeByte(0x80 | 126).writeShort(len);
        else f.writeByte(0x80 | 127).writeLong(len);
        f.write(new byte[] {1, 2, 3, 4}).write(p); wire.writeAll(f);
      }
      ByteString expected = wire.snapshot();
      Buffer okhttp = new Buffer(); // like RealBufferedSink.buffer: may hold more than it emits
      int pings = 0;
      while (wire.size() > 0 || okhttp.size() > 0) {
        if (wire.size() > 0) okhttp.write(wire, Math.min(wire.size(), 1 + rnd.nextInt(9000)));
        long count = Math.max(1, (long) (okhttp.size() * rnd.nextDouble()));
        if (wire.size() == 0) count = okhttp.size();
        frames.write(okhttp, count);
        if (rnd.nextInt(3) == 0) { frames.ping(); pings++; }
      }
      // strip our pings (89 80 + 4 mask bytes) at frame boundaries
      Buffer stripped = new Buffer();
      int seen = 0;
      while (network.size() > 0) {
        if ((network.getByte(0) & 0xff) == 0x89) { network.skip(6); seen++; continue; }
        int b1 = network.getByte(1) & 0x7f;
        long len = b1 == 126 ? ((network.getByte(2) & 0xff) << 8 | (network.getByte(3) & 0xff))
            : b1 == 127 ? new Buffer().write(network.snapshot().substring(2, 10)).readLong() : b1;
        long h = 2 + (b1 == 126 ? 2 : b1 == 127 ? 8 : 0) + 4;
        stripped.write(network, h + len);
      }
      assertEquals(expected, stripped.readByteString(), "round " + round);
      assertEquals(pongs, frames.pongsWritten());
      assertTrue(seen <= pings, "pings written " + seen + " of " + pings + " asked");
    }
  }

  @Test
  void aFrameWithA64BitLengthIsFollowedToItsEnd() throws IOException {
    // 70,001 payload bytes: a misread length would put the frame boundary elsewhere, so the pong
    // after it would not be counted and the waiting ping would land inside a frame.
    Buffer big = clientFrame(0x82, 70_001);
    Buffer start = new Buffer();
    start.write(big, 20);
    frames.write(start, start.size());
    assertTrue(frames.ping());
    Buffer rest = InboundFramesTest.concat(big, clientFrame(0x8a, 0));
    write(rest, 4_096);
    network.skip(2 + 8 + 4 + 70_001);
    assertEquals(0x89, network.readByte() & 0xff, "the ping right after the frame");
    network.skip(5);
    assertEquals(0x8a, network.readByte() & 0xff);
    assertEquals(1, frames.pongsWritten());
  }

  @Test
  void eachPingHasAFreshMaskKey() throws IOException {
    // RFC 6455 5.3: the mask key must be unpredictable. Two equal random keys: 1 in 2^32.
    assertTrue(frames.ping());
    assertTrue(frames.ping());
    network.skip(2);
    ByteString first = network.readByteString(4);
    network.skip(2);
    assertNotEquals(first, network.readByteString(4));
  }

  // #16 part 1 item 7
  /**
   * The reader tells a server that reads slowly from one that reads nothing by when our bytes last
   * reached the network: a long frame is handed on in chunks, the progress noted after each, not
   * only at the frame's end.
   */
  @Test
  void progressIsNotedAfterEveryChunkOfALongFrameThatReachesTheNetwork() throws IOException {
    List<Long> chunks = new ArrayList<>();
    OutboundFrames slow = new OutboundFrames(new okio.ForwardingSink(new Buffer()) {
      @Override
      public void write(Buffer source, long byteCount) throws IOException {
        now += 1_000_000_000L; // each chunk takes a second to cross
        chunks.add(byteCount);
        super.write(source, byteCount);
      }
    }, () -> now);
    assertEquals(0, slow.lastProgressNanos(), "created at 0");
    Buffer frame = clientFrame(0x82, 100_000);
    long size = frame.size();
    slow.write(frame, size);
    assertEquals(size, chunks.stream().mapToLong(Long::longValue).sum());
    assertTrue(chunks.stream().allMatch(n -> n <= OutboundFrames.PROGRESS_CHUNK), chunks.toString());
    int expected = (int) ((size + OutboundFrames.PROGRESS_CHUNK - 1) / OutboundFrames.PROGRESS_CHUNK);
    assertEquals(expected, chunks.size(), chunks.toString());
    assertEquals(expected * 1_000_000_000L, slow.lastProgressNanos(), "the last chunk's return");
    assertTrue(slow.ping());
    assertEquals((expected + 1) * 1_000_000_000L, slow.lastProgressNanos(), "a ping is progress too");
  }

  // #16 part 1 item 7
  @Test
  void aWriteThatFailsIsNoProgress() {
    OutboundFrames failing = new OutboundFrames(new okio.ForwardingSink(new Buffer()) {
      @Override
      public void write(Buffer source, long byteCount) throws IOException {
        now += 1_000_000_000L;
        if (now > 1_000_000_000L) throw new IOException("the peer is gone");
        super.write(source, byteCount);
      }
    }, () -> now);
    Buffer frame = clientFrame(0x82, 100_000);
    assertThrows(IOException.class, () -> failing.write(frame, frame.size()));
    assertEquals(1_000_000_000L, failing.lastProgressNanos(), "only the first chunk reached the network");
    assertEquals(2_000_000_000L, failing.nanoTime());
  }

  @Test
  void closingClosesTheNetworkSink() throws IOException {
    boolean[] closed = {false};
    OutboundFrames closing = new OutboundFrames(new okio.ForwardingSink(new Buffer()) {
      @Override
      public void close() {
        closed[0] = true;
      }
    }, () -> now);
    closing.close();
    assertTrue(closed[0]);
  }
}
