package dev.steadysocket.bench.server;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * A do-nothing client on a plain socket, for the servers' own maximum rates: it reads and discards
 * bytes, writes pre-masked frames from a prebuilt buffer, or bounces one frame at a time. Whatever
 * rate it reaches is what the server can do; a client figure close to it means the server was the
 * limit, not the client.
 */
public final class RawClient implements AutoCloseable {
  private final Socket socket;
  private final InputStream in;
  private final OutputStream out;
  private final byte[] buf = new byte[1 << 18];

  public RawClient(int port, String target) throws IOException {
    socket = new Socket(InetAddress.getLoopbackAddress(), port);
    socket.setTcpNoDelay(true);
    socket.setReceiveBufferSize(1 << 20);
    socket.setSendBufferSize(1 << 20);
    in = socket.getInputStream();
    out = socket.getOutputStream();
    out.write(("GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\n"
        + "Upgrade: websocket\r\nConnection: Upgrade\r\n"
        + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n")
        .getBytes(StandardCharsets.US_ASCII));
    out.flush();
    // Read the response byte by byte so no frame bytes are consumed with it.
    int state = 0;
    while (state < 4) {
      int b = in.read();
      if (b < 0) throw new EOFException("no handshake response");
      state = (b == (state % 2 == 0 ? '\r' : '\n')) ? state + 1 : (b == '\r' ? 1 : 0);
    }
  }

  /** Sends one masked text frame (the blast's "go"). */
  public void sendText(byte[] payload) throws IOException {
    out.write(Frames.clientFrame(Frames.TEXT, payload, 0x12345678));
    out.flush();
  }

  /** Reads and discards {@code bytes} bytes; returns the nanoTime at the last one. */
  public long discard(long bytes) throws IOException {
    long left = bytes;
    while (left > 0) {
      int n = in.read(buf, 0, (int) Math.min(buf.length, left));
      if (n < 0) throw new EOFException();
      left -= n;
    }
    return System.nanoTime();
  }

  /** Writes {@code count} pre-masked text frames cycling through {@code payloads}. */
  public void writeFrames(List<byte[]> payloads, long count) throws IOException {
    byte[][] frames = payloads.stream().map(p -> Frames.clientFrame(Frames.TEXT, p, 0x0badf00d)).toArray(byte[][]::new);
    int cycle = 0;
    for (byte[] f : frames) cycle += f.length;
    int cycles = Math.max(1, (256 << 10) / cycle + 1);
    byte[] data = new byte[cycle * cycles];
    int[] ends = new int[frames.length * cycles];
    for (int c = 0, p = 0, i = 0; c < cycles; c++) {
      for (byte[] f : frames) {
        System.arraycopy(f, 0, data, p, f.length);
        p += f.length;
        ends[i++] = p;
      }
    }
    long full = count / ends.length;
    int rem = (int) (count % ends.length);
    for (long i = 0; i < full; i++) out.write(data);
    if (rem > 0) out.write(data, 0, ends[rem - 1]);
    out.flush();
  }

  /** Sends {@code frame} (already masked) and waits for a whole echoed frame; returns the RTT. */
  public long roundTrip(byte[] frame, Frames.Header h) throws IOException {
    long t0 = System.nanoTime();
    out.write(frame);
    int n = 0;
    while (!Frames.parseHeader(buf, 0, n, h) || n < h.frameLength()) {
      int r = in.read(buf, n, buf.length - n);
      if (r < 0) throw new EOFException();
      n += r;
    }
    return System.nanoTime() - t0;
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
