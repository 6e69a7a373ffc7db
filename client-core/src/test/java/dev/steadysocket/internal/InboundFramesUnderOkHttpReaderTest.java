package dev.steadysocket.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
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
  private final List<String> delivered = new ArrayList<>(); // as OkHttpTransport.onMessage would pass them on

  private InboundFrames frames(Source up, long limit, boolean deflate) {
    return new InboundFrames(up, limit, deflate, false, new OutboundFrames(new Buffer()), (e, c) -> refused = true);
  }

  private WebSocketReader reader(InboundFrames in) {
    return new WebSocketReader(true, Okio.buffer(in), new WebSocketReader.FrameCallback() {
      @Override public void onReadMessage(String text) { if (!refused) delivered.add(text); }
      @Override public void onReadMessage(ByteString bytes) { if (!refused) delivered.add(bytes.hex()); }
      @Override public void onReadPing(ByteString p) {}
      @Override public void onReadPong(ByteString p) {}
      @Override public void onReadClose(int code, String reason) { delivered.add("close " + code); }
    }, false, false);
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
