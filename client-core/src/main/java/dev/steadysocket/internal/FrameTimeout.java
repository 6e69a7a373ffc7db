package dev.steadysocket.internal;

import java.io.IOException;
import java.util.concurrent.TimeUnit;
import okio.Buffer;
import okio.ForwardingTimeout;
import okio.Source;
import okio.Timeout;

/**
 * The network's read timeout as {@link InboundFrames} hands it to OkHttp's WebSocket reader, which
 * clears it while it waits for a frame's first byte (a quiet link is no failure) and restores it for
 * the rest of the frame. Where InboundFrames reads the rest of a frame inside that wait (a text
 * frame it checks whole, a compressed one it inflates), {@link #readRest} applies the timeout the
 * reader cleared, so a server that stalls inside a frame is caught as it is without the filter.
 *
 * <p><b>Threading:</b> OkHttp's reader thread only.
 */
final class FrameTimeout extends ForwardingTimeout {
  /** The timeout OkHttp's reader last cleared (0: none seen). */
  private long clearedNanos;

  FrameTimeout(Timeout network) {
    super(network);
  }

  @Override
  public Timeout clearTimeout() {
    long nanos = delegate().timeoutNanos();
    if (nanos != 0) clearedNanos = nanos;
    return super.clearTimeout();
  }

  /** Reads up to 8 KiB of the rest of a frame from {@code upstream} into {@code in}, timed. */
  long readRest(Source upstream, Buffer in) throws IOException {
    Timeout network = delegate();
    if (network.timeoutNanos() != 0 || clearedNanos == 0) return upstream.read(in, 8192);
    network.timeout(clearedNanos, TimeUnit.NANOSECONDS);
    try {
      return upstream.read(in, 8192);
    } finally {
      network.clearTimeout(); // as the reader left it: it restores its own value after the byte
    }
  }
}
