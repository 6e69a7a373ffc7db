package dev.steadysocket.bench.server;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;

/** Reads whole frames from a blocking stream into one reusable buffer, unmasking in place. */
final class FrameReader {
  private final InputStream in;
  private byte[] buf;
  private int start;
  private int end;
  final Frames.Header header = new Frames.Header();
  /** Where the current frame's payload starts in {@link #buffer()}. */
  int payloadOffset;

  FrameReader(InputStream in, byte[] initial, int initialLength) {
    this.in = in;
    this.buf = new byte[Math.max(1 << 16, initialLength)];
    System.arraycopy(initial, 0, buf, 0, initialLength);
    this.end = initialLength;
  }

  byte[] buffer() {
    return buf;
  }

  int payloadLength() {
    return (int) header.payloadLength;
  }

  /** Reads the next frame; throws EOFException at the end of the stream. */
  void next(boolean unmask) throws IOException {
    while (!Frames.parseHeader(buf, start, end - start, header)) fill(16);
    long frameLength = header.frameLength();
    if (frameLength > Integer.MAX_VALUE / 2) throw new IOException("frame too large");
    while (end - start < frameLength) fill((int) frameLength);
    payloadOffset = start + header.headerLength;
    if (unmask && header.masked) {
      Frames.applyMask(buf, payloadOffset, payloadLength(), header.mask, 0);
    }
    start += (int) frameLength;
  }

  /** Makes room for a frame of {@code need} bytes starting at {@link #start}, then reads more. */
  private void fill(int need) throws IOException {
    if (start > 0 && (start == end || buf.length - start < need)) {
      System.arraycopy(buf, start, buf, 0, end - start);
      end -= start;
      start = 0;
    }
    if (buf.length - start < need) {
      byte[] bigger = new byte[Math.max(buf.length * 2, need + (1 << 16))];
      System.arraycopy(buf, start, bigger, 0, end - start);
      end -= start;
      start = 0;
      buf = bigger;
    }
    int n = in.read(buf, end, buf.length - end);
    if (n < 0) throw new EOFException();
    end += n;
  }
}
