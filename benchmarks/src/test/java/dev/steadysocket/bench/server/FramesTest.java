package dev.steadysocket.bench.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.steadysocket.bench.Payloads;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import okio.Buffer;
import org.junit.jupiter.api.Test;

class FramesTest {
  @Test
  void acceptKeyMatchesRfc6455Example() {
    assertEquals("s3pPLMBiTxaQ9kYGzzhZRbK+xOo=", Frames.acceptKey("dGhlIHNhbXBsZSBub25jZQ=="));
  }

  @Test
  void lengthEncodingsAtTheirBoundaries() {
    for (int len : new int[] {0, 1, 125, 126, 127, 65535, 65536, 70000}) {
      byte[] payload = new byte[len];
      Arrays.fill(payload, (byte) 'x');
      byte[] frame = Frames.serverFrame(Frames.TEXT, payload);
      Frames.Header h = new Frames.Header();
      assertTrue(Frames.parseHeader(frame, 0, frame.length, h), "len " + len);
      assertTrue(h.fin);
      assertEquals(Frames.TEXT, h.opcode);
      assertFalse(h.masked);
      assertEquals(len, h.payloadLength);
      assertEquals(frame.length, h.frameLength());
      assertEquals(len < 126 ? 2 : len <= 65535 ? 4 : 10, h.headerLength);
    }
  }

  @Test
  void maskedFramesRoundTrip() {
    byte[] payload = "{\"type\":\"heartbeat\",\"id\":\"é\"}".getBytes(StandardCharsets.UTF_8);
    byte[] frame = Frames.clientFrame(Frames.TEXT, payload, 0x37fa213d);
    Frames.Header h = new Frames.Header();
    assertTrue(Frames.parseHeader(frame, 0, frame.length, h));
    assertTrue(h.masked);
    assertEquals(0x37fa213d, h.mask);
    Frames.applyMask(frame, h.headerLength, (int) h.payloadLength, h.mask, 0);
    assertArrayEquals(payload, Arrays.copyOfRange(frame, h.headerLength, frame.length));
  }

  @Test
  void rfc6455MaskedHelloExample() {
    byte[] frame = {(byte) 0x81, (byte) 0x85, 0x37, (byte) 0xfa, 0x21, 0x3d, 0x7f, (byte) 0x9f, 0x4d, 0x51, 0x58};
    Frames.Header h = new Frames.Header();
    assertTrue(Frames.parseHeader(frame, 0, frame.length, h));
    Frames.applyMask(frame, h.headerLength, 5, h.mask, 0);
    assertEquals("Hello", new String(frame, h.headerLength, 5, StandardCharsets.US_ASCII));
  }

  @Test
  void incompleteHeadersAreReported() {
    byte[] frame = Frames.clientFrame(Frames.TEXT, new byte[300], 1);
    Frames.Header h = new Frames.Header();
    for (int n = 0; n < 8; n++) assertFalse(Frames.parseHeader(frame, 0, n, h), "available " + n);
    assertTrue(Frames.parseHeader(frame, 0, 8, h));
  }

  /** OkHttp's own frame reader (okio) is the reference: the blast buffer must be frames it reads. */
  @Test
  void blastBufferIsWholeFramesAndCountsExactly() throws Exception {
    List<byte[]> payloads = Payloads.utf8(Payloads.Size.SMALL);
    LoopbackServer.Blast blast = new LoopbackServer.Blast(payloads);
    int count = blast.framesPerBuffer() + 7;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    blast.write(out, count);
    byte[] wire = out.toByteArray();
    assertEquals(blast.wireBytes(count), wire.length);
    Buffer source = new Buffer().write(wire);
    for (int i = 0; i < count; i++) {
      int b0 = source.readByte() & 0xff;
      int b1 = source.readByte() & 0xff;
      assertEquals(0x81, b0);
      long len = b1 & 0x7f;
      if (len == 126) len = source.readShort() & 0xffff;
      assertEquals(payloads.get(i % payloads.size()).length, len);
      assertArrayEquals(payloads.get(i % payloads.size()), source.readByteArray(len));
    }
    assertTrue(source.exhausted());
  }

  @Test
  void frameReaderReassemblesAcrossReadsAndUnmasks() throws Exception {
    ByteArrayOutputStream wire = new ByteArrayOutputStream();
    byte[] big = new byte[100_000];
    Arrays.fill(big, (byte) 'b');
    wire.write(Frames.clientFrame(Frames.TEXT, "one".getBytes(StandardCharsets.US_ASCII), 42));
    wire.write(Frames.clientFrame(Frames.PING, new byte[0], 7));
    wire.write(Frames.clientFrame(Frames.TEXT, big, 99));
    // A stream that returns at most 1,000 bytes per read, like a socket under load.
    ByteArrayInputStream in = new ByteArrayInputStream(wire.toByteArray()) {
      @Override
      public synchronized int read(byte[] b, int off, int len) {
        return super.read(b, off, Math.min(len, 1000));
      }
    };
    FrameReader r = new FrameReader(in, new byte[0], 0);
    r.next(true);
    assertEquals("one", new String(r.buffer(), r.payloadOffset, r.payloadLength(), StandardCharsets.US_ASCII));
    r.next(true);
    assertEquals(Frames.PING, r.header.opcode);
    r.next(true);
    assertEquals(100_000, r.payloadLength());
    assertArrayEquals(big, Arrays.copyOfRange(r.buffer(), r.payloadOffset, r.payloadOffset + 100_000));
  }

  @Test
  void handshakeParsing() {
    String req = "GET /blast?size=medium&count=12 HTTP/1.1\r\nHost: x\r\nsec-websocket-key: dGhlIHNhbXBsZSBub25jZQ==\r\n";
    String target = Frames.requestTarget(req);
    assertEquals("/blast", Frames.path(target));
    assertEquals("medium", Frames.param(target, "size", "small"));
    assertEquals("12", Frames.param(target, "count", "0"));
    assertEquals("d", Frames.param(target, "missing", "d"));
    String resp = new String(Frames.handshakeResponse(req), StandardCharsets.US_ASCII);
    assertTrue(resp.startsWith("HTTP/1.1 101"));
    assertTrue(resp.contains("Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n"));
    assertNull(Frames.handshakeResponse("GET / HTTP/1.1\r\nHost: x\r\n"));
  }
}
