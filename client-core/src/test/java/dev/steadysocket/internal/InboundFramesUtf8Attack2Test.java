package dev.steadysocket.internal;

import static dev.steadysocket.internal.InboundFramesTest.concat;
import static dev.steadysocket.internal.InboundFramesTest.frame;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.steadysocket.SteadySocketException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import okhttp3.internal.ws.WebSocketReader;
import okio.Buffer;
import okio.BufferedSink;
import okio.ByteString;
import okio.Okio;
import okio.Pipe;
import okio.Source;
import okio.Timeout;
import org.junit.jupiter.api.Test;

/** Second attack on strict UTF-8 (#17): the held-whole text frame against timeouts, limits, the validator. */
class InboundFramesUtf8Attack2Test {
  private SteadySocketException tripped;
  private int trippedCode;

  private boolean deflate;

  private InboundFrames frames(Source upstream, long limit) {
    return new InboundFrames(upstream, limit, deflate, false, new OutboundFrames(new Buffer(), System::nanoTime),
        (e, code) -> {
          tripped = e;
          trippedCode = code;
        });
  }

  /**
   * A server that stops in the middle of a frame's payload, under OkHttp's real reader with a read
   * timeout on the source (OkHttp's readTimeout, 10 s by default): OkHttp clears the timeout only
   * while it waits for a frame's first byte and restores it for the rest, so a stall inside a
   * frame fails the read. Returns what processNextFrame threw within 5 s, or null if it still blocks.
   */
  private Throwable stallInsideFrame(int b0) throws Exception {
    return stallInsideFrame(b0, ByteString.encodeUtf8("0123456789"));
  }

  private Throwable stallInsideFrame(int b0, ByteString first10) throws Exception {
    Pipe pipe = new Pipe(1 << 20);
    BufferedSink server = Okio.buffer(pipe.sink());
    Source source = pipe.source();
    source.timeout().timeout(300, TimeUnit.MILLISECONDS);
    InboundFrames in = frames(source, 16L << 20);
    WebSocketReader reader = new WebSocketReader(true, Okio.buffer(in), new WebSocketReader.FrameCallback() {
      @Override public void onReadMessage(String text) {}
      @Override public void onReadMessage(ByteString bytes) {}
      @Override public void onReadPing(ByteString p) {}
      @Override public void onReadPong(ByteString p) {}
      @Override public void onReadClose(int code, String reason) {}
    }, false, false);
    // A 1000-byte frame of which 10 bytes arrive; then the server goes silent (the TCP link stays up).
    server.writeByte(b0).writeByte(126).writeShort(1000).write(first10).flush();
    AtomicReference<Throwable> thrown = new AtomicReference<>();
    Thread t = new Thread(() -> {
      try {
        reader.processNextFrame();
        thrown.set(new AssertionError("returned"));
      } catch (Throwable e) {
        thrown.set(e);
      }
    });
    t.setDaemon(true);
    t.start();
    t.join(5_000);
    Throwable result = thrown.get();
    if (t.isAlive()) {
      pipe.cancel(); // let the thread go
    }
    return result;
  }

  /** Control: a binary frame that stalls mid-payload fails with the read timeout (this holds). */
  @Test
  void aBinaryFrameThatStallsMidPayloadTimesOut() throws Exception {
    Throwable e = stallInsideFrame(0x82);
    assertInstanceOf(InterruptedIOException.class, e, "binary frame stalled mid-payload: " + e);
  }

  /**
   * The held text frame is read whole inside OkHttp's header read, while OkHttp has cleared the
   * read timeout for the idle wait: a text frame that stalls mid-payload blocks forever.
   */
  @Test
  void aTextFrameThatStallsMidPayloadTimesOutLikeABinaryOne() throws Exception {
    Throwable e = stallInsideFrame(0x81);
    assertInstanceOf(InterruptedIOException.class, e,
        "text frame stalled mid-payload: the reader is still blocked after 5 s with a 300 ms read timeout (" + e + ")");
  }

  // #17: the compressed path read its frame inside OkHttp's untimed wait before #17 too.
  /** A compressed frame the filter inflates that stalls mid-payload fails with the read timeout too. */
  @Test
  void aCompressedFrameThatStallsMidPayloadTimesOut() throws Exception {
    deflate = true;
    // A stored deflate block announcing 1,000 bytes (LEN e8 03, NLEN 17 fc), of which 5 arrive.
    Throwable e = stallInsideFrame(0xc1, ByteString.decodeHex("00e80317fc" + "6162636465"));
    assertInstanceOf(InterruptedIOException.class, e, "compressed frame stalled mid-payload: " + e);
  }

  /** Same for a continuation of a text message (the first fragment whole). */
  @Test
  void aTextContinuationThatStallsMidPayloadTimesOut() throws Exception {
    Pipe pipe = new Pipe(1 << 20);
    BufferedSink server = Okio.buffer(pipe.sink());
    pipe.source().timeout().timeout(300, TimeUnit.MILLISECONDS);
    InboundFrames in = frames(pipe.source(), 16L << 20);
    WebSocketReader reader = new WebSocketReader(true, Okio.buffer(in), new WebSocketReader.FrameCallback() {
      @Override public void onReadMessage(String text) {}
      @Override public void onReadMessage(ByteString bytes) {}
      @Override public void onReadPing(ByteString p) {}
      @Override public void onReadPong(ByteString p) {}
      @Override public void onReadClose(int code, String reason) {}
    }, false, false);
    server.write(frame(0x01, "abc".getBytes(StandardCharsets.UTF_8)), 5);
    server.writeByte(0x80).writeByte(126).writeShort(1000).writeUtf8("0123456789").flush();
    AtomicReference<Throwable> thrown = new AtomicReference<>();
    Thread t = new Thread(() -> {
      try {
        reader.processNextFrame();
        thrown.set(new AssertionError("returned"));
      } catch (Throwable e) {
        thrown.set(e);
      }
    });
    t.setDaemon(true);
    t.start();
    t.join(5_000);
    if (t.isAlive()) pipe.cancel();
    assertInstanceOf(InterruptedIOException.class, thrown.get(),
        "text continuation stalled mid-payload: still blocked after 5 s with a 300 ms read timeout (" + thrown.get() + ")");
  }

  /** A source that hands out a header and then fails the test if more is asked for. */
  static final class HeaderOnly implements Source {
    final Buffer data;
    boolean askedMore;

    HeaderOnly(Buffer data) {
      this.data = data;
    }

    @Override public long read(Buffer sink, long n) {
      if (data.size() == 0) {
        askedMore = true;
        return -1;
      }
      return data.read(sink, n);
    }

    @Override public Timeout timeout() {
      return Timeout.NONE;
    }

    @Override public void close() {}
  }

  @Test
  void aSingle20MiBTextFrameOverA16MiBLimitIsRefusedAtItsHeader() throws IOException {
    Buffer wire = new Buffer().writeByte(0x81).writeByte(127).writeLong(20L << 20).writeUtf8("abc");
    HeaderOnly up = new HeaderOnly(wire);
    InboundFrames in = frames(up, 16L << 20);
    Buffer out = new Buffer();
    for (long n; (n = in.read(out, 8192)) != -1; ) assertTrue(n > 0);
    assertNotNull(tripped);
    assertEquals(1009, trippedCode);
    assertEquals(0x88, out.getByte(0) & 0xff, "OkHttp gets the close first: " + out.snapshot().hex());
  }

  @Test
  void textFragmentsWhoseSumCrossesTheLimitAreRefusedAtTheCrossingHeader() throws IOException {
    byte[] ten = new byte[10 << 20];
    java.util.Arrays.fill(ten, (byte) 'a');
    Buffer wire = concat(frame(0x01, ten));
    wire.writeByte(0x00).writeByte(127).writeLong(10L << 20).writeUtf8("abc");
    HeaderOnly up = new HeaderOnly(wire);
    InboundFrames in = frames(up, 16L << 20);
    Buffer out = new Buffer();
    for (long n; (n = in.read(out, 8192)) != -1; ) assertTrue(n > 0);
    assertEquals(1009, trippedCode);
    out.skip(10 + (10 << 20));
    assertEquals("8000", out.readByteString(2).hex(), "an empty final continuation, then the close");
    assertEquals(0x88, out.readByte() & 0xff);
  }

  /** Differential: the validator against the JDK's strict decoder, random bytes at random splits. */
  @Test
  void validatorAgreesWithTheJdkDecoderOnRandomInputSplitAnywhere() {
    Random r = new Random(17);
    int[] alphabet = {0x41, 0x7f, 0x80, 0x8f, 0x90, 0x9f, 0xa0, 0xbf, 0xc0, 0xc1, 0xc2, 0xdf, 0xe0, 0xe1,
        0xec, 0xed, 0xee, 0xef, 0xf0, 0xf1, 0xf3, 0xf4, 0xf5, 0xff};
    Utf8Validator v = new Utf8Validator();
    for (int round = 0; round < 200_000; round++) {
      byte[] b = new byte[1 + r.nextInt(8)];
      for (int i = 0; i < b.length; i++) b[i] = (byte) alphabet[r.nextInt(alphabet.length)];
      boolean jdk;
      try {
        StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(b));
        jdk = true;
      } catch (CharacterCodingException e) {
        jdk = false;
      }
      v.reset();
      int split = r.nextInt(b.length + 1);
      Buffer buf = new Buffer().write(b);
      boolean ours = v.update(buf, 0, split) & v.update(buf, split, b.length - split) && v.finish();
      assertEquals(jdk, ours, "bytes " + ByteString.of(b).hex() + " split at " + split);
    }
  }
}
