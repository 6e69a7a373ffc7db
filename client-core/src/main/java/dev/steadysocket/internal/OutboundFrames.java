package dev.steadysocket.internal;

import java.io.IOException;
import java.security.SecureRandom;
import java.util.function.LongSupplier;
import okio.Buffer;
import okio.Sink;
import okio.Timeout;

/**
 * Our frames on their way from OkHttp's WebSocket writer to the network. It follows the frame
 * boundaries of what OkHttp writes, so it can count the pongs OkHttp sent (see {@link
 * PongsOwed#MAX_OWED_PONGS}) and slip our own ping frames in between OkHttp's frames: the
 * heartbeat sends its pings here, not through OkHttp's pinger, whose "no pong since the last ping"
 * rule would declare a link dead while SteadySocket itself holds the reader back (inbound
 * back-pressure). It also notes when bytes last reached the network, so the reader can tell a
 * server that reads nothing from one that reads slowly.
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
  /**
   * The most handed to the network in one write, so that progress is seen inside a long frame:
   * a server that reads at least this much every {@link PongsOwed#PONG_DRAIN_NANOS} (5 s, so
   * 1.6 KiB/s) is seen reading, however slowly. Okio's socket sink makes one system call per 8 KiB
   * segment anyway, so writes of this size add at most one call per chunk.
   */
  static final int PROGRESS_CHUNK = 8 * 1024;

  private final Sink upstream;
  private final LongSupplier clock;
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

  /** Written under lock; read by the reader thread: pongs OkHttp wrote (their headers, at least). */
  private volatile long pongsWritten;
  /** Written under lock; read by the reader thread: {@link #clock} when bytes last reached the network. */
  private volatile long lastProgressNanos;

  /** @param clock monotonic nanoseconds ({@code System::nanoTime}; a fake one in tests) */
  OutboundFrames(Sink upstream, LongSupplier clock) {
    this.upstream = upstream;
    this.clock = clock;
    this.lastProgressNanos = clock.getAsLong();
  }

  /** Any thread. */
  long pongsWritten() {
    return pongsWritten;
  }

  /** Any thread: the clock this side's progress is measured with. */
  long nanoTime() {
    return clock.getAsLong();
  }

  /**
   * Any thread: when a write to the network last returned (or this was created). A write blocked
   * on a peer that reads nothing leaves it behind.
   */
  long lastProgressNanos() {
    return lastProgressNanos;
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
        send(ping, ping.size());
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
        send(source, pass);
        byteCount -= pass;
        pass = 0;
        Buffer ping = new Buffer();
        writePing(ping);
        send(ping, ping.size());
      }
    }
    send(source, pass);
  }

  /** Under lock: writes {@code byteCount} bytes in chunks, noting the progress after each. */
  private void send(Buffer source, long byteCount) throws IOException {
    while (byteCount > 0) {
      long n = Math.min(byteCount, PROGRESS_CHUNK);
      upstream.write(source, n);
      byteCount -= n;
      lastProgressNanos = clock.getAsLong();
    }
  }

  /** The payload length once {@link #header} holds a whole client frame header, else -1. */
  private long headerComplete() {
    if (headerRead < 2) return -1;
    int len7 = header[1] & 0x7f;
    int needed = 2 + (len7 == 126 ? 2 : len7 == 127 ? 8 : 0) + 4; // client frames are masked
    if (headerRead < needed) return -1;
    int opcode = header[0] & 0x0f;
    if (opcode == OPCODE_PONG) pongsWritten++; // only writers under lock: no lost update
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
