package dev.steadysocket.internal;

import static dev.steadysocket.internal.InboundFramesTest.frame;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.steadysocket.SteadySocketException;
import java.io.IOException;
import okio.Buffer;
import okio.Sink;
import okio.Timeout;
import org.junit.jupiter.api.Test;

/**
 * A server that reads our bytes steadily but slowly (5 KiB/s) while a large frame of ours crosses
 * the link, and pings meanwhile past the pongs owed. It reads some of our bytes every 200 ms, so the
 * ping-flood rule ("only a server that reads none of our bytes for 5 s is refused") must not refuse
 * it. Virtual time; the "network" is a sink that takes 1 KiB per 200 ms and, while a write is in
 * progress, lets the reader thread's work (the server's pings) happen, as it would concurrently.
 *
 * <p>The progress OutboundFrames notes is per 32 KiB chunk written, so a write that takes longer
 * than 5 s looks like no progress. With OkHttp's default write timeout (10 s per 64 KiB) such a
 * server is dropped anyway, as a ConnectionLostException that is retried; the ping-flood verdict
 * (1008, ProtocolViolationException) stops the socket for good, and with a longer or no write
 * timeout on the application's client it is the only verdict.
 */
class PingFloodSlowReaderTest {
  private long now;
  private SteadySocketException tripped;
  private InboundFrames in;
  private final Buffer wire = new Buffer();
  private int pingsSent;

  /** The network, read by the server at 1 KiB per 200 ms; the server pings every 200 ms. */
  private final Sink slowPeer = new Sink() {
    @Override public void write(Buffer source, long byteCount) throws IOException {
      while (byteCount > 0) {
        long n = Math.min(1024, byteCount);
        source.skip(n);
        byteCount -= n;
        now += 200_000_000L; // the server read 1 KiB of ours in this time
        wire.writeAll(frame(0x89, new byte[] {(byte) pingsSent++}));
        drain(); // the reader thread, meanwhile
      }
    }

    @Override public void flush() {}

    @Override public Timeout timeout() { return Timeout.NONE; }

    @Override public void close() {}
  };

  private final OutboundFrames outbound = new OutboundFrames(slowPeer, () -> now);

  private void drain() throws IOException {
    Buffer sink = new Buffer();
    while (wire.size() > 0 && tripped == null) {
      if (in.read(sink, 8192) == -1) break;
    }
  }

  // #16 part 1 item 7
  @Test
  void aServerThatReadsSteadilyButSlowlyIsNoPingFlood() throws IOException {
    in = new InboundFrames(wire, 1_000, false, false, outbound, (e, code) -> tripped = e);
    for (int i = 0; i < PongsOwed.MAX_OWED_PONGS; i++) wire.writeAll(frame(0x89, new byte[] {(byte) i}));
    drain(); // every pong it may owe is owed: OkHttp's writer is busy with our large message
    Buffer large = OutboundFramesTest.clientFrame(0x82, 64 * 1024);
    outbound.write(large, large.size()); // crosses the link at 5 KiB/s, about 13 s
    assertNull(tripped, "refused as a ping flood after " + (now / 1_000_000) + " ms of virtual time, "
        + "while the server read 1 KiB of ours every 200 ms: " + (tripped == null ? "" : tripped.getMessage()));
    assertEquals(0, wire.size());
  }
}
