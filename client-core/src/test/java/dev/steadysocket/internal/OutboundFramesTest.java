package dev.steadysocket.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import okio.Buffer;
import okio.ByteString;
import org.junit.jupiter.api.Test;

/** Client frames through {@link OutboundFrames}: pongs counted, our pings between frames only. */
class OutboundFramesTest {
  private final Buffer network = new Buffer();
  private final OutboundFrames frames = new OutboundFrames(network);

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
}
