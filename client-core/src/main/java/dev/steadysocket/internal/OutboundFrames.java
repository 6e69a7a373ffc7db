package dev.steadysocket.internal;

import java.io.IOException;
import java.security.SecureRandom;
import okio.Buffer;
import okio.Sink;
import okio.Timeout;

/**
 * Our frames on their way from OkHttp's WebSocket writer to the network. It follows the frame
 * boundaries of what OkHttp writes, so it can count the pongs OkHttp sent (see {@link
 * InboundFrames#MAX_OWED_PONGS}) and slip our own ping frames in between OkHttp's frames: the
 * heartbeat sends its pings here, not through OkHttp's pinger, whose "no pong since the last ping"
 * rule would declare a link dead while SteadySocket itself holds the reader back (inbound
 * back-pressure).
 *
 * <p><b>Threading:</b> OkHttp's writer thread calls {@link #write} and {@link #flush}; a dispatch
 * thread calls {@link #ping}. Both take {@link #lock}, which guards the parser state and every write
 * to the network, so a ping never lands inside another frame. A write may block on the network
 * while holding it; only these two threads ever wait for it.
 */
final class OutboundFrames implements Sink {
  private static final int OPCODE_PONG = 0xa;
  private static final int OPCODE_CLOSE = 0x8;
  private static final SecureRandom MASKS = new SecureRandom();

  private final Sink upstream;
  private final Object lock = new Object();
  /** Guarded by lock: header bytes of the frame being written, before its payload. */
  private final byte[] header = new byte[14];
  /** Guarded by lock. */
  private int headerRead;
  /** Guarded by lock: payload bytes of the current frame still to come; -1 while in its header. */
  private long payloadLeft;
  /** Guarded by lock: a ping waits for the end of the current frame. */
  private boolean pingWaiting;
  /** Guarded by lock: after our close frame nothing more may be sent. */
  private boolean closeWritten;
  /**
   * Guarded by lock: a write to the network failed. What it did not send stays in OkHttp's buffer
   * and the parser has stepped past it, so nothing more is parsed or sent: every later write,
   * ping and flush fails.
   */
  private boolean broken;

  /** Guarded by itself: pongs OkHttp wrote; the reader waits on it while too many are owed. */
  private final Object pongs = new Object();

  private long pongsWritten;

  OutboundFrames(Sink upstream) {
    this.upstream = upstream;
  }

  long pongsWritten() {
    synchronized (pongs) {
      return pongsWritten;
    }
  }

  /**
   * Reader thread: waits until OkHttp has written {@code atLeast} pongs or {@code timeoutNanos}
   * passed; false on timeout (the server does not read what we write).
   */
  boolean awaitPongs(long atLeast, long timeoutNanos) throws java.io.InterruptedIOException {
    long deadline = System.nanoTime() + timeoutNanos;
    synchronized (pongs) {
      while (pongsWritten < atLeast) {
        long left = deadline - System.nanoTime();
        if (left <= 0) return false;
        try {
          pongs.wait(Math.max(1, left / 1_000_000));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new java.io.InterruptedIOException("interrupted while pongs were owed");
        }
      }
      return true;
    }
  }

  /**
   * Sends a ping frame between OkHttp's frames, now or right after the frame being written.
   *
   * @return false if the connection is closing (no frame may follow a close frame)
   */
  boolean ping() throws IOException {
    synchronized (lock) {
      if (broken) throw new IOException("an earlier write to the network failed");
      if (closeWritten) return false;
      if (headerRead > 0 || payloadLeft > 0) {
        pingWaiting = true;
        return true;
      }
      Buffer ping = new Buffer();
      writePing(ping);
      try {
        upstream.write(ping, ping.size());
        upstream.flush();
      } catch (IOException | RuntimeException | Error e) {
        broken = true;
        throw e;
      }
      return true;
    }
  }

  @Override
  public void write(Buffer source, long byteCount) throws IOException {
    synchronized (lock) {
      if (broken) throw new IOException("an earlier write to the network failed");
      try {
        forward(source, byteCount);
      } catch (IOException | RuntimeException | Error e) {
        broken = true;
        throw e;
      }
    }
  }

  /** Under lock: parses {@code byteCount} bytes of OkHttp's frames and forwards them. */
  private void forward(Buffer source, long byteCount) throws IOException {
    // Peeks at header bytes and forwards the source in place (no copy): `pass` bytes of it are
    // parsed and not yet forwarded.
    long pass = 0;
    while (pass < byteCount) {
      if (payloadLeft > 0) {
        long n = Math.min(payloadLeft, byteCount - pass);
        pass += n;
        payloadLeft -= n;
      } else {
        header[headerRead++] = source.getByte(pass++);
        long length = headerComplete();
        if (length < 0) continue;
        headerRead = 0;
        payloadLeft = length;
      }
      if (payloadLeft == 0 && headerRead == 0 && pingWaiting && !closeWritten) {
        pingWaiting = false;
        upstream.write(source, pass);
        byteCount -= pass;
        pass = 0;
        Buffer ping = new Buffer();
        writePing(ping);
        upstream.write(ping, ping.size());
      }
    }
    if (pass > 0) upstream.write(source, pass);
  }

  /** The payload length once {@link #header} holds a whole client frame header, else -1. */
  private long headerComplete() {
    if (headerRead < 2) return -1;
    int len7 = header[1] & 0x7f;
    int needed = 2 + (len7 == 126 ? 2 : len7 == 127 ? 8 : 0) + 4; // client frames are masked
    if (headerRead < needed) return -1;
    int opcode = header[0] & 0x0f;
    if (opcode == OPCODE_PONG) {
      synchronized (pongs) {
        pongsWritten++;
        pongs.notifyAll();
      }
    }
    if (opcode == OPCODE_CLOSE) closeWritten = true;
    if (len7 == 126) return (header[2] & 0xff) << 8 | (header[3] & 0xff);
    if (len7 == 127) {
      long v = 0;
      for (int i = 2; i < 10; i++) v = v << 8 | (header[i] & 0xff);
      return v;
    }
    return len7;
  }

  /** An empty, masked ping frame (RFC 6455 5.5.2; clients mask every frame). */
  private static void writePing(Buffer into) {
    byte[] mask = new byte[4];
    MASKS.nextBytes(mask);
    into.writeByte(0x89).writeByte(0x80).write(mask);
  }

  @Override
  public void flush() throws IOException {
    synchronized (lock) {
      if (broken) throw new IOException("an earlier write to the network failed");
      upstream.flush();
    }
  }

  @Override
  public Timeout timeout() {
    return upstream.timeout();
  }

  @Override
  public void close() throws IOException {
    upstream.close();
  }
}
