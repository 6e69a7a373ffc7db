package dev.steadysocket.bench.server;

import dev.steadysocket.bench.Payloads;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The loopback server of the throughput and latency figures: a ServerSocket on 127.0.0.1 that
 * does the RFC 6455 handshake itself and then, per request path:
 *
 * <ul>
 *   <li>{@code /blast?size=small|medium&count=N}: waits for one text frame from the client (the
 *       "go", so the client can start its clocks first), then writes N pre-framed unmasked text
 *       frames from a prebuilt buffer, as fast as the socket takes them;
 *   <li>{@code /echo}: sends every text frame back;
 *   <li>{@code /sink?id=X&count=N}: counts text frames and completes {@link #expectSink} when N
 *       have arrived;
 *   <li>anything else: answers pings and close frames only.
 * </ul>
 *
 * One blocking thread per connection ("bench-server …", so allocation accounting can leave the
 * server out). Pings are answered with pongs and close frames are echoed on every path.
 */
public final class LoopbackServer implements AutoCloseable {
  public static final String THREAD_PREFIX = "bench-server";

  private final ServerSocket serverSocket;
  private final Thread acceptor;
  private final AtomicInteger threads = new AtomicInteger();
  private final Map<String, Sink> sinks = new ConcurrentHashMap<>();
  private final Map<Payloads.Size, Blast> blasts = new ConcurrentHashMap<>();
  private volatile boolean closed;

  private LoopbackServer(ServerSocket serverSocket) {
    this.serverSocket = serverSocket;
    this.acceptor = new Thread(this::acceptLoop, THREAD_PREFIX + " acceptor");
    acceptor.setDaemon(true);
  }

  public static LoopbackServer start() throws IOException {
    ServerSocket ss = new ServerSocket();
    ss.setReuseAddress(true);
    ss.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 1024);
    LoopbackServer server = new LoopbackServer(ss);
    for (Payloads.Size s : Payloads.Size.values()) server.blasts.put(s, new Blast(Payloads.utf8(s)));
    server.acceptor.start();
    return server;
  }

  public int port() {
    return serverSocket.getLocalPort();
  }

  public String url(String pathAndQuery) {
    return "ws://127.0.0.1:" + port() + pathAndQuery;
  }

  public Blast blast(Payloads.Size size) {
    return blasts.get(size);
  }

  /** Completes with System.nanoTime() when sink {@code id} has received {@code count} text frames. */
  public CompletableFuture<Long> expectSink(String id, long count) {
    Sink s = new Sink(count);
    sinks.put(id, s);
    return s.done;
  }

  private void acceptLoop() {
    while (!closed) {
      try {
        Socket s = serverSocket.accept();
        Thread t = new Thread(() -> handle(s), THREAD_PREFIX + " " + threads.incrementAndGet());
        t.setDaemon(true);
        t.start();
      } catch (IOException e) {
        if (!closed) e.printStackTrace();
      }
    }
  }

  private void handle(Socket socket) {
    try (Socket s = socket) {
      s.setTcpNoDelay(true);
      s.setSendBufferSize(1 << 20);
      s.setReceiveBufferSize(1 << 20);
      InputStream in = s.getInputStream();
      OutputStream out = s.getOutputStream();
      byte[] head = new byte[8192];
      int n = 0;
      int headerEnd;
      while ((headerEnd = indexOfCrlfCrlf(head, n)) < 0) {
        int r = in.read(head, n, head.length - n);
        if (r < 0) return;
        n += r;
        if (n == head.length) return; // not an HTTP request we understand
      }
      String request = new String(head, 0, headerEnd, StandardCharsets.ISO_8859_1);
      byte[] response = Frames.handshakeResponse(request);
      if (response == null) return;
      out.write(response);
      out.flush();
      byte[] rest = java.util.Arrays.copyOfRange(head, headerEnd + 4, n);
      FrameReader reader = new FrameReader(in, rest, rest.length);
      String target = Frames.requestTarget(request);
      switch (Frames.path(target)) {
        case "/blast":
          Blast blast = blasts.get(Payloads.parse(Frames.param(target, "size", "small")));
          long count = Long.parseLong(Frames.param(target, "count", "100000"));
          if (!awaitText(reader, out)) return;
          blast.write(out, count);
          serveControl(reader, out);
          break;
        case "/echo":
          echo(reader, out);
          break;
        case "/sink":
          Sink sink = sinks.remove(Frames.param(target, "id", ""));
          sink(reader, out, sink);
          break;
        default:
          serveControl(reader, out);
      }
    } catch (EOFException | SocketException e) {
      // the client went away
    } catch (IOException e) {
      if (!closed) e.printStackTrace();
    }
  }

  /** Reads until a text frame arrives; false if the connection ended first. */
  private boolean awaitText(FrameReader reader, OutputStream out) throws IOException {
    while (true) {
      reader.next(true);
      int op = reader.header.opcode;
      if (op == Frames.TEXT) return true;
      if (!control(reader, out)) return false;
    }
  }

  private void serveControl(FrameReader reader, OutputStream out) throws IOException {
    while (true) {
      reader.next(true);
      if (!control(reader, out)) return;
    }
  }

  private void echo(FrameReader reader, OutputStream out) throws IOException {
    byte[] frame = new byte[1 << 16];
    while (true) {
      reader.next(true);
      int op = reader.header.opcode;
      if (op == Frames.TEXT || op == Frames.BINARY) {
        int len = reader.payloadLength();
        int need = Frames.headerLength(len, false) + len;
        if (frame.length < need) frame = new byte[need * 2];
        int p = Frames.writeHeader(frame, 0, op, len, false, 0);
        System.arraycopy(reader.buffer(), reader.payloadOffset, frame, p, len);
        out.write(frame, 0, need);
      } else if (!control(reader, out)) {
        return;
      }
    }
  }

  private void sink(FrameReader reader, OutputStream out, Sink sink) throws IOException {
    long received = 0;
    while (true) {
      reader.next(false); // counted, not read: no need to unmask
      int op = reader.header.opcode;
      if (op == Frames.TEXT) {
        if (++received == sink.count) sink.done.complete(System.nanoTime());
      } else {
        if (reader.header.masked) {
          Frames.applyMask(reader.buffer(), reader.payloadOffset, reader.payloadLength(), reader.header.mask, 0);
        }
        if (!control(reader, out)) return;
      }
    }
  }

  /** Answers ping and close; false once the connection is done. */
  private static boolean control(FrameReader reader, OutputStream out) throws IOException {
    int op = reader.header.opcode;
    if (op == Frames.PING) {
      out.write(Frames.frame(Frames.PONG, reader.buffer(), reader.payloadOffset, reader.payloadLength(), false, 0));
    } else if (op == Frames.CLOSE) {
      int len = Math.min(2, reader.payloadLength()); // echo the code only
      out.write(Frames.frame(Frames.CLOSE, reader.buffer(), reader.payloadOffset, len, false, 0));
      out.flush();
      return false;
    }
    return true;
  }

  static int indexOfCrlfCrlf(byte[] b, int n) {
    for (int i = 0; i + 3 < n; i++) {
      if (b[i] == '\r' && b[i + 1] == '\n' && b[i + 2] == '\r' && b[i + 3] == '\n') return i;
    }
    return -1;
  }

  @Override
  public void close() throws IOException {
    closed = true;
    serverSocket.close();
  }

  private static final class Sink {
    final long count;
    final CompletableFuture<Long> done = new CompletableFuture<>();

    Sink(long count) {
      this.count = count;
    }
  }

  /** Pre-framed text frames for one size class, repeated to a buffer of at least 256 KiB. */
  public static final class Blast {
    final byte[] data;
    /** frameEnds[i]: where frame i of {@link #data} ends. */
    final int[] frameEnds;
    final long[] payloadBytes;

    Blast(List<byte[]> payloads) {
      byte[][] frames = payloads.stream().map(p -> Frames.serverFrame(Frames.TEXT, p)).toArray(byte[][]::new);
      int cycle = 0;
      for (byte[] f : frames) cycle += f.length;
      int cycles = Math.max(1, (256 << 10) / cycle + 1);
      data = new byte[cycle * cycles];
      frameEnds = new int[frames.length * cycles];
      payloadBytes = new long[frames.length * cycles];
      int p = 0;
      for (int c = 0, i = 0; c < cycles; c++) {
        for (int k = 0; k < frames.length; k++, i++) {
          System.arraycopy(frames[k], 0, data, p, frames[k].length);
          p += frames[k].length;
          frameEnds[i] = p;
          payloadBytes[i] = payloads.get(k).length;
        }
      }
    }

    public int framesPerBuffer() {
      return frameEnds.length;
    }

    /** Bytes on the wire for {@code count} frames. */
    public long wireBytes(long count) {
      long full = count / frameEnds.length;
      int rem = (int) (count % frameEnds.length);
      return full * data.length + (rem == 0 ? 0 : frameEnds[rem - 1]);
    }

    public void write(OutputStream out, long count) throws IOException {
      long full = count / frameEnds.length;
      int rem = (int) (count % frameEnds.length);
      for (long i = 0; i < full; i++) out.write(data);
      if (rem > 0) out.write(data, 0, frameEnds[rem - 1]);
      out.flush();
    }
  }
}
