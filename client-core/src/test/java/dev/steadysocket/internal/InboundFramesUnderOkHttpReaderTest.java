package dev.steadysocket.internal;

import static dev.steadysocket.internal.InboundFramesTest.compress;
import static dev.steadysocket.internal.InboundFramesTest.concat;
import static dev.steadysocket.internal.InboundFramesTest.frame;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.steadysocket.ProtocolViolationException;
import dev.steadysocket.SteadySocketException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.Deflater;
import okhttp3.internal.ws.WebSocketReader;
import okio.Buffer;
import okio.ByteString;
import okio.Okio;
import okio.Source;
import okio.Timeout;
import org.junit.jupiter.api.Test;

/**
 * InboundFrames under OkHttp's real {@code WebSocketReader}, which reads 8 KiB at a time, so that
 * several frames reach InboundFrames in one network read (InboundFramesTest drains a few bytes at
 * a time). What a refusal or a failure follows must still be delivered, and a buffered frame must
 * never wait on the network. Uses OkHttp's internal reader on purpose: if it changes, this fails.
 */
class InboundFramesUnderOkHttpReaderTest {
  private volatile boolean refused; // what OkHttpTransport.refused != null means
  private SteadySocketException error;
  private int errorCode;
  private final List<String> delivered = new ArrayList<>(); // as OkHttpTransport.onMessage would pass them on

  private InboundFrames frames(Source up, long limit, boolean deflate) {
    return new InboundFrames(up, limit, deflate, false, new OutboundFrames(new Buffer(), System::nanoTime), (e, c) -> {
      refused = true;
      error = e;
      errorCode = c;
    });
  }

  private WebSocketReader reader(InboundFrames in) {
    return reader(in, false);
  }

  /** OkHttp's reader; {@code perMessageDeflate}: whether OkHttp itself would inflate RSV1 messages. */
  private WebSocketReader reader(InboundFrames in, boolean perMessageDeflate) {
    return new WebSocketReader(true, Okio.buffer(in), new WebSocketReader.FrameCallback() {
      @Override public void onReadMessage(String text) { if (!refused) delivered.add(text); }
      @Override public void onReadMessage(ByteString bytes) { if (!refused) delivered.add(bytes.hex()); }
      @Override public void onReadPing(ByteString p) {}
      @Override public void onReadPong(ByteString p) {}
      @Override public void onReadClose(int code, String reason) { delivered.add("close " + code); }
    }, perMessageDeflate, false);
  }

  /** Reads frames until OkHttp has read a close frame, failed, or the stream ended; what OkHttp threw, or null. */
  private static IOException readToTheEnd(WebSocketReader r, List<String> delivered) {
    try {
      for (int i = 0; i < 10 && !delivered.stream().anyMatch(d -> d.startsWith("close")); i++) r.processNextFrame();
      return null;
    } catch (IOException e) {
      return e;
    }
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  // #16 part 1 item 1
  /**
   * Where we decided "no deflate" but OkHttp inflates (its parser read the extensions header as
   * permessage-deflate), an RSV1 frame handed to OkHttp would be inflated without any bound. It is
   * refused here instead, with a typed error and close 1002; the message before it still arrives.
   */
  @Test
  void anRsv1FrameWithoutNegotiatedDeflateNeverReachesOkHttp() {
    Buffer wire = concat(frame(0x81, utf8("a")),
        frame(0xc1, compress(new Deflater(Deflater.DEFAULT_COMPRESSION, true), utf8("inflated by OkHttp"))));
    IOException failure = readToTheEnd(reader(frames(wire, 100, false), true), delivered);
    assertEquals(null, failure, "OkHttp failed instead of reading our close frame");
    assertEquals(List.of("a", "close 1002"), delivered);
    ProtocolViolationException e = assertInstanceOf(ProtocolViolationException.class, error);
    assertEquals(1002, errorCode);
    assertEquals(1002, e.closeCode());
  }

  // #16 part 1 item 10
  /**
   * RFC 6455 5.2 and RFC 7692 6.1: RSV2 and RSV3 are set by no extension we speak, and RSV1 marks
   * only the first frame of a data message. Any other reserved bit fails the connection with a
   * typed error and close 1002, whether or not deflate was negotiated (before, a compressed
   * message with RSV2 was inflated and delivered, and OkHttp's untyped error ended the rest).
   */
  @Test
  void reservedBitsNoNegotiatedExtensionDefinesFailTheConnectionWithATypedError() {
    byte[] z = compress(new Deflater(Deflater.DEFAULT_COMPRESSION, true), utf8("hello hello"));
    for (boolean deflate : new boolean[] {true, false}) {
      Map<String, Buffer> cases = new LinkedHashMap<>();
      cases.put("RSV2 on a plain text frame", frame(0xa1, utf8("a")));
      cases.put("RSV3 on a plain binary frame", frame(0x92, utf8("a")));
      cases.put("RSV2 on a plain continuation", concat(frame(0x01, utf8("a")), frame(0xa0, utf8("b"))));
      cases.put("RSV1 on a plain continuation", concat(frame(0x01, utf8("a")), frame(0xc0, utf8("b"))));
      cases.put("RSV1 on a ping", frame(0xc9, utf8("p")));
      cases.put("RSV3 on a pong", frame(0x9a, utf8("p")));
      cases.put("RSV2 on a close", frame(0xa8, new byte[] {3, (byte) 0xe8}));
      if (deflate) {
        cases.put("RSV2 beside RSV1 on a compressed frame", frame(0xe1, z));
        cases.put("RSV3 beside RSV1 on a compressed frame", frame(0xd1, z));
        cases.put("RSV1 on the continuation of a compressed message",
            concat(frame(0x41, Arrays.copyOfRange(z, 0, 3)), frame(0xc0, Arrays.copyOfRange(z, 3, z.length))));
        cases.put("RSV2 on the continuation of a compressed message",
            concat(frame(0x41, Arrays.copyOfRange(z, 0, 3)), frame(0xa0, Arrays.copyOfRange(z, 3, z.length))));
      }
      for (Map.Entry<String, Buffer> c : cases.entrySet()) {
        String what = c.getKey() + (deflate ? ", deflate negotiated" : ", no deflate");
        refused = false;
        error = null;
        delivered.clear();
        IOException failure = readToTheEnd(reader(frames(c.getValue(), 1_000, deflate), deflate), delivered);
        assertEquals(null, failure, what + ": OkHttp failed instead of reading our close frame");
        assertInstanceOf(ProtocolViolationException.class, error, what);
        // #16 part 2: the error names the offending bit, so a server's bug can be told from another.
        String named = c.getKey().startsWith("RSV2") || c.getKey().startsWith("RSV3") ? "RSV2 or RSV3"
            : c.getKey().contains("ping") ? "RSV1 on a control frame" : "RSV1 on a continuation frame";
        assertTrue(error.getMessage().contains(named), what + ": " + error.getMessage());
        assertEquals(1002, errorCode, what);
        assertEquals(List.of("close 1002"), delivered, what);
      }
    }
  }

  /** A complete message followed, in the same network read, by one past the limit. */
  @Test
  void aCompleteMessageBeforeARefusalIsStillDelivered() throws IOException {
    Buffer wire = new Buffer().writeByte(0x81).writeByte(1).writeUtf8("a") // text "a", complete
        .writeByte(0x81).writeByte(126).writeShort(600);                     // 600 bytes > limit 100
    WebSocketReader r = reader(frames(wire, 100, false));
    r.processNextFrame();
    r.processNextFrame();
    assertEquals(List.of("a", "close 1009"), delivered);
  }

  /** A complete message followed, in the same network read, by a malformed compressed one. */
  @Test
  void aCompleteMessageBeforeAMalformedCompressedOneIsStillDelivered() {
    Buffer wire = new Buffer().writeByte(0x81).writeByte(1).writeUtf8("a")
        .writeByte(0xc1).writeByte(1).writeByte(0xff); // rsv1 text, invalid deflate block
    WebSocketReader r = reader(frames(wire, 100, true));
    try {
      r.processNextFrame();
      r.processNextFrame();
    } catch (IOException expected) {
      // the malformed message fails the connection; "a" should have been delivered first
    }
    assertEquals(List.of("a"), delivered);
  }

  /** With maxInboundMessageSize(Long.MAX_VALUE), a header length + payload length must not overflow. */
  @Test
  void aHugeCompressedHeaderDoesNotMakeTheNonBlockingLoopReadTheNetwork() throws IOException {
    Buffer data = new Buffer().writeByte(0x81).writeByte(1).writeUtf8("a")
        .writeByte(0xc1).writeByte(127).writeLong(Long.MAX_VALUE - 3);
    Source network = new Source() { // the peer sent these bytes and waits: another read would block
      @Override public long read(Buffer sink, long n) {
        if (data.size() == 0) throw new AssertionError("read() blocked on the network with a frame buffered");
        return data.read(sink, n);
      }
      @Override public Timeout timeout() { return Timeout.NONE; }
      @Override public void close() {}
    };
    InboundFrames in = frames(network, Long.MAX_VALUE, true);
    Buffer got = new Buffer();
    while (got.size() < 3) in.read(got, 8192); // OkHttp needs "a" only
    assertEquals(ByteString.decodeHex("810161"), got.readByteString());
  }
}
