package dev.steadysocket.bench.server;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The many-connections server of the scale, reconnect-storm and dead-link figures: one NIO
 * selector thread holds any number of WebSocket connections. It answers pings with pongs, echoes
 * heartbeat envelopes (as a server speaking SteadySocket's wire format does), and echoes close
 * frames. The harness can {@link #kill} it (every connection dropped, the port closed), {@link
 * #listen} again on the same port, and {@link #freeze} a connection: it stays open but the server
 * never reads from or writes to it again, which is what a half-open link looks like to a client.
 *
 * <p>Runs in the harness's JVM, or in its own ({@link #main}) where one process's file descriptor
 * limit would not hold both ends of 10,000 sockets.
 */
public final class HoldServer implements AutoCloseable {
  private static final byte[] HEARTBEAT = "\"type\":\"heartbeat\"".getBytes(StandardCharsets.US_ASCII);

  private final Selector selector;
  private final Thread thread;
  private final ConcurrentLinkedQueue<Runnable> commands = new ConcurrentLinkedQueue<>();
  private final Map<String, Conn> byId = new ConcurrentHashMap<>();
  private final AtomicInteger open = new AtomicInteger();
  private final AtomicLong accepted = new AtomicLong();
  private ServerSocketChannel server; // selector thread only, after start
  private volatile int port;
  private volatile boolean closed;

  private HoldServer(Selector selector) {
    this.selector = selector;
    this.thread = new Thread(this::run, LoopbackServer.THREAD_PREFIX + " hold");
    thread.setDaemon(true);
  }

  public static HoldServer start(int port) throws IOException {
    HoldServer s = new HoldServer(Selector.open());
    s.bind(port);
    s.thread.start();
    return s;
  }

  public int port() {
    return port;
  }

  public String url(String pathAndQuery) {
    return "ws://127.0.0.1:" + port + pathAndQuery;
  }

  /** Connections past the handshake and not closed. */
  public int openConnections() {
    return open.get();
  }

  public long accepted() {
    return accepted.get();
  }

  /** Drops every connection (FIN, no close frame: the process died) and stops listening. */
  public CompletableFuture<Long> kill() {
    return command(() -> {
      long at = System.nanoTime(); // before the closes, which take a while for thousands
      try {
        if (server != null) server.close();
      } catch (IOException ignored) {
        // closing anyway
      }
      server = null;
      for (SelectionKey k : new ArrayList<>(selector.keys())) {
        if (k.attachment() instanceof Conn) close((Conn) k.attachment());
      }
      // A channel registered with a selector keeps its file descriptor (the listening port, the
      // connections) until its key is deregistered, which happens in the next select. Do that
      // now, so the port is free and the clients see the FIN when this future completes.
      selector.selectNow();
      return at;
    });
  }

  /** Listens again on the same port; completes with the time it is accepting. */
  public CompletableFuture<Long> listen() {
    return command(() -> {
      bind(port);
      return System.nanoTime();
    });
  }

  /** Freezes the latest connection made to {@code /hold?id=ID}; completes with the freeze time. */
  public CompletableFuture<Long> freeze(String id) {
    return command(() -> {
      Conn c = byId.get(id);
      if (c == null || c.key == null || !c.key.isValid()) return -1L;
      c.frozen = true;
      c.key.interestOps(0);
      return System.nanoTime();
    });
  }

  private <T> CompletableFuture<T> command(java.util.concurrent.Callable<T> body) {
    CompletableFuture<T> f = new CompletableFuture<>();
    commands.add(() -> {
      try {
        f.complete(body.call());
      } catch (Throwable t) {
        f.completeExceptionally(t);
      }
    });
    selector.wakeup();
    return f;
  }

  private void bind(int p) throws IOException {
    ServerSocketChannel ch = ServerSocketChannel.open();
    ch.setOption(StandardSocketOptions.SO_REUSEADDR, true);
    ch.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), p), 4096);
    ch.configureBlocking(false);
    ch.register(selector, SelectionKey.OP_ACCEPT);
    server = ch;
    port = ch.socket().getLocalPort();
  }

  private void run() {
    while (!closed) {
      try {
        selector.select(100);
        for (Runnable r; (r = commands.poll()) != null; ) r.run();
        for (SelectionKey key : selector.selectedKeys()) {
          if (!key.isValid()) continue;
          if (key.isAcceptable()) {
            accept((ServerSocketChannel) key.channel());
            continue;
          }
          Conn c = (Conn) key.attachment();
          try {
            if (key.isWritable()) flush(c);
            if (key.isValid() && key.isReadable()) read(c);
          } catch (IOException e) {
            close(c);
          }
        }
        selector.selectedKeys().clear();
      } catch (IOException e) {
        if (!closed) e.printStackTrace();
      }
    }
  }

  private void accept(ServerSocketChannel ch) throws IOException {
    SocketChannel s;
    while ((s = ch.accept()) != null) {
      accepted.incrementAndGet();
      s.configureBlocking(false);
      s.setOption(StandardSocketOptions.TCP_NODELAY, true);
      Conn c = new Conn(s);
      c.key = s.register(selector, SelectionKey.OP_READ, c);
    }
  }

  private void read(Conn c) throws IOException {
    int n = c.channel.read(c.in);
    if (n < 0) {
      close(c);
      return;
    }
    if (!c.open) {
      byte[] b = c.in.array();
      int end = LoopbackServer.indexOfCrlfCrlf(b, c.in.position());
      if (end < 0) {
        if (!c.in.hasRemaining()) close(c);
        return;
      }
      String request = new String(b, 0, end, StandardCharsets.ISO_8859_1);
      byte[] response = Frames.handshakeResponse(request);
      if (response == null) {
        close(c);
        return;
      }
      c.id = Frames.param(Frames.requestTarget(request), "id", null);
      if (c.id != null) byId.put(c.id, c);
      c.open = true;
      open.incrementAndGet();
      consume(c, end + 4);
      write(c, ByteBuffer.wrap(response));
    }
    parseFrames(c);
  }

  private void parseFrames(Conn c) throws IOException {
    Frames.Header h = c.header;
    byte[] b = c.in.array();
    int p = 0;
    int limit = c.in.position();
    while (!c.closing && Frames.parseHeader(b, p, limit - p, h)) {
      long frameLength = h.frameLength();
      if (frameLength > b.length) { // grow for a large frame
        ByteBuffer bigger = ByteBuffer.allocate((int) frameLength * 2);
        bigger.put(b, 0, limit);
        c.in = bigger;
        consume(c, p);
        return;
      }
      if (limit - p < frameLength) break;
      int payload = p + h.headerLength;
      int len = (int) h.payloadLength;
      if (h.masked) Frames.applyMask(b, payload, len, h.mask, 0);
      switch (h.opcode) {
        case Frames.PING:
          write(c, ByteBuffer.wrap(Frames.frame(Frames.PONG, b, payload, len, false, 0)));
          break;
        case Frames.CLOSE:
          write(c, ByteBuffer.wrap(Frames.frame(Frames.CLOSE, b, payload, Math.min(2, len), false, 0)));
          c.closing = true;
          break;
        case Frames.TEXT:
          if (contains(b, payload, len, HEARTBEAT)) {
            write(c, ByteBuffer.wrap(Frames.frame(Frames.TEXT, b, payload, len, false, 0)));
          }
          break;
        default:
          break;
      }
      p += (int) frameLength;
    }
    consume(c, p);
    if (c.closing && c.out.isEmpty()) close(c);
  }

  private static boolean contains(byte[] b, int off, int len, byte[] needle) {
    outer:
    for (int i = off, last = off + len - needle.length; i <= last; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (b[i + j] != needle[j]) continue outer;
      }
      return true;
    }
    return false;
  }

  /** Drops the first {@code n} buffered bytes. */
  private static void consume(Conn c, int n) {
    if (n == 0) return;
    ByteBuffer in = c.in;
    in.flip();
    in.position(n);
    in.compact();
  }

  private void write(Conn c, ByteBuffer buf) throws IOException {
    if (c.frozen) return;
    if (c.out.isEmpty()) {
      c.channel.write(buf);
      if (!buf.hasRemaining()) return;
    }
    c.out.add(buf);
    c.key.interestOps(c.key.interestOps() | SelectionKey.OP_WRITE);
  }

  private void flush(Conn c) throws IOException {
    while (!c.out.isEmpty()) {
      ByteBuffer b = c.out.peek();
      c.channel.write(b);
      if (b.hasRemaining()) return;
      c.out.poll();
    }
    c.key.interestOps(SelectionKey.OP_READ);
    if (c.closing) close(c);
  }

  private void close(Conn c) {
    if (c.open) {
      c.open = false;
      open.decrementAndGet();
    }
    if (c.id != null) byId.remove(c.id, c);
    if (c.key != null) c.key.cancel();
    try {
      c.channel.close();
    } catch (IOException ignored) {
      // already gone
    }
  }

  @Override
  public void close() {
    // kill before raising the flag: the loop stops at the flag and would never run the kill.
    kill().orTimeout(5, java.util.concurrent.TimeUnit.SECONDS).exceptionally(t -> 0L).join();
    closed = true;
    selector.wakeup();
    try {
      thread.join(5_000); // the selector is closed only once its thread has stopped using it
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    try {
      selector.close();
    } catch (IOException ignored) {
      // shutting down
    }
  }

  private static final class Conn {
    final SocketChannel channel;
    SelectionKey key;
    ByteBuffer in = ByteBuffer.allocate(2048);
    final ArrayDeque<ByteBuffer> out = new ArrayDeque<>(2);
    final Frames.Header header = new Frames.Header();
    boolean open;
    boolean closing;
    boolean frozen;
    String id;

    Conn(SocketChannel channel) {
      this.channel = channel;
    }
  }

  /**
   * Runs a HoldServer in its own process: prints {@code PORT n}, answers {@code count} with the
   * number of open connections, exits at {@code quit} or the end of standard input.
   */
  public static void main(String[] args) throws IOException {
    HoldServer s = start(args.length > 0 ? Integer.parseInt(args[0]) : 0);
    System.out.println("PORT " + s.port());
    System.out.flush();
    BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    for (String line; (line = in.readLine()) != null; ) {
      if (line.equals("quit")) break;
      if (line.equals("count")) System.out.println("OPEN " + s.openConnections());
      System.out.flush();
    }
    s.close();
  }
}
