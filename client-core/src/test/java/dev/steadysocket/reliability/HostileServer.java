package dev.steadysocket.reliability;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

/**
 * A raw WebSocket server on 127.0.0.1 for {@link HostileServerTest}: a {@link ServerSocket} (TLS,
 * when asked, layered on each accepted socket with the JDK's SSLSocket) that performs the RFC 6455
 * handshake itself and then runs a scenario per connection, written against {@link Conn}: raw
 * frames of any declared length, streamed from reused buffers, never materialised.
 *
 * <p>It records what it received: every request head (headers included), the client's frames
 * (opcode, length, text of small frames, the close code) and TLS failures. Connection {@code i}
 * runs scenario {@code i} (the last one repeats), so a test can make the first connection hostile
 * and the next ones benign ({@link #echo}).
 *
 * <p>Bounded: at most {@link #MAX_CONNECTIONS} connections and {@link #MAX_LIFETIME_MILLIS} of
 * life, after which it closes itself; {@link #close()} (the test's end) closes the listening
 * socket and every connection, which unblocks any scenario thread stuck in a write. Threads are
 * daemons named "hostile-NAME-…".
 *
 * <p>RFC 6455 framing and the accept key follow benchmarks/…/bench/server/Frames.java (copied, not
 * depended on).
 */
final class HostileServer implements AutoCloseable {
  static final int TEXT = 0x1, CONTINUATION = 0x0, CLOSE = 0x8, PING = 0x9, PONG = 0xA;
  static final int MAX_CONNECTIONS = 32;
  static final long MAX_LIFETIME_MILLIS = 120_000;
  /** Larger request heads are answered 431, as Node (16 KiB by default) and nginx do. */
  static final int MAX_REQUEST_HEAD = 16 * 1024;
  /** Client frames with a larger payload are skipped, not kept. */
  private static final int MAX_KEPT_PAYLOAD = 1 << 20;

  private static final String GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

  /** What one connection does. Exceptions end it (recorded in {@link Conn#failure}). */
  interface Scenario {
    void run(Conn c) throws Exception;
  }

  /** A benign connection: handshake, then echo text frames, answer pings and close. */
  static void echo(Conn c) throws IOException {
    if (c.upgrade()) c.serve(true);
  }

  private final String name;
  private final ServerSocket server;
  private final SSLContext tls;
  private final boolean needClientAuth;
  private final boolean deflate;
  /** A Sec-WebSocket-Extensions answer sent whatever the client offered, or null. */
  private final String extensionsAnswer;
  private final int sendBuffer;
  private final List<Scenario> scenarios;
  private final Thread acceptor;
  private final long deadlineNanos;
  /** Every accepted connection, in order. */
  final List<Conn> connections = new CopyOnWriteArrayList<>();

  private volatile boolean closed;

  private HostileServer(Builder b) throws IOException {
    this.name = b.name;
    this.tls = b.tls;
    this.needClientAuth = b.needClientAuth;
    this.deflate = b.deflate;
    this.extensionsAnswer = b.extensionsAnswer;
    this.sendBuffer = b.sendBuffer;
    this.scenarios = new ArrayList<>(b.scenarios);
    if (scenarios.isEmpty()) scenarios.add(HostileServer::echo);
    ServerSocket ss = new ServerSocket();
    // Before bind, so the window scale matches: a small receive buffer makes "never reads" bite soon.
    if (b.receiveBuffer > 0) ss.setReceiveBufferSize(b.receiveBuffer);
    ss.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
    ss.setSoTimeout(200);
    this.server = ss;
    this.deadlineNanos = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(MAX_LIFETIME_MILLIS);
    this.acceptor = new Thread(this::acceptLoop, "hostile-" + name + "-acceptor");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  static Builder builder(String name) {
    return new Builder(name);
  }

  static final class Builder {
    private final String name;
    private final List<Scenario> scenarios = new ArrayList<>();
    private SSLContext tls;
    private boolean needClientAuth;
    private boolean deflate;
    private String extensionsAnswer;
    private int receiveBuffer;
    private int sendBuffer;

    private Builder(String name) {
      this.name = name;
    }

    /** The scenario of the next connection (the last one given repeats). */
    Builder then(Scenario s) {
      scenarios.add(s);
      return this;
    }

    /** Speaks TLS (wss://) with this context's server certificate. */
    Builder tls(SSLContext context) {
      this.tls = context;
      return this;
    }

    /** With TLS: the client must present a certificate the context trusts. */
    Builder needClientAuth() {
      this.needClientAuth = true;
      return this;
    }

    /** Answers an offer of permessage-deflate (RFC 7692) by accepting it. */
    Builder deflate() {
      this.deflate = true;
      return this;
    }

    /**
     * Answers every upgrade with this Sec-WebSocket-Extensions value (written as UTF-8), whatever
     * the client offered: a lookalike of permessage-deflate, for one.
     */
    Builder extensionsAnswer(String value) {
      this.extensionsAnswer = value;
      return this;
    }

    /** SO_SNDBUF of accepted sockets: what the kernel holds of the server's writes. */
    Builder sendBuffer(int bytes) {
      this.sendBuffer = bytes;
      return this;
    }

    /** SO_RCVBUF of accepted sockets (set before bind). */
    Builder receiveBuffer(int bytes) {
      this.receiveBuffer = bytes;
      return this;
    }

    HostileServer start() throws IOException {
      return new HostileServer(this);
    }
  }

  int port() {
    return server.getLocalPort();
  }

  /** ws:// (or wss://) 127.0.0.1:port + path. */
  String url(String path) {
    return (tls != null ? "wss" : "ws") + "://127.0.0.1:" + port() + path;
  }

  /** The same origin as http(s)://, as a Location header would name it. */
  String httpUrl(String path) {
    return (tls != null ? "https" : "http") + "://127.0.0.1:" + port() + path;
  }

  int accepted() {
    return connections.size();
  }

  /** Connection {@code i}, waiting up to {@code millis} for it to be accepted. */
  Conn connection(int i, long millis) {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
    synchronized (connections) {
      while (connections.size() <= i) {
        long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
        if (left <= 0) {
          throw new AssertionError(name + ": connection #" + (i + 1) + " never came (" + connections.size() + " accepted)");
        }
        try {
          connections.wait(left);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new AssertionError(e);
        }
      }
      return connections.get(i);
    }
  }

  private void acceptLoop() {
    try {
      while (!closed && connections.size() < MAX_CONNECTIONS && System.nanoTime() < deadlineNanos) {
        Socket s;
        try {
          s = server.accept();
        } catch (SocketTimeoutException idle) {
          continue;
        }
        Conn c = new Conn(connections.size(), s);
        synchronized (connections) {
          connections.add(c);
          connections.notifyAll();
        }
        Scenario scenario = scenarios.get(Math.min(c.index, scenarios.size() - 1));
        Thread t = new Thread(() -> c.run(scenario), "hostile-" + name + "-" + (c.index + 1));
        t.setDaemon(true);
        t.start();
      }
    } catch (IOException e) {
      // closed
    } finally {
      if (!closed) close(); // lifetime or connection budget spent: stop by itself
    }
  }

  @Override
  public void close() {
    closed = true;
    try {
      server.close();
    } catch (IOException ignored) {
      // nothing to do
    }
    for (Conn c : connections) c.drop();
  }

  @Override
  public String toString() {
    return "HostileServer(" + name + ", port " + port() + ", " + connections.size() + " connections)";
  }

  // ------------------------------------------------------------------ one connection

  /** A frame the client sent. */
  static final class Frame {
    final int opcode;
    final boolean fin;
    final boolean rsv1;
    final long length;
    /** The unmasked payload, or null if it was longer than {@link #MAX_KEPT_PAYLOAD}. */
    final byte[] payload;

    Frame(int opcode, boolean fin, boolean rsv1, long length, byte[] payload) {
      this.opcode = opcode;
      this.fin = fin;
      this.rsv1 = rsv1;
      this.length = length;
      this.payload = payload;
    }

    String text() {
      return payload == null ? null : new String(payload, StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
      return "Frame(op " + opcode + ", " + length + " bytes)";
    }
  }

  /** One accepted connection and what it saw. */
  final class Conn {
    final int index;
    /** The thread of {@link #startReader}, once started. */
    private volatile Thread reader;
    final Socket raw;
    private Socket socket;
    private InputStream in;
    private OutputStream out;
    private final ReentrantLock writeLock = new ReentrantLock();

    /** The request line and headers as received (ISO-8859-1), or null. */
    volatile String requestHead;
    /** Lower-case header name to its values, in order. */
    final Map<String, List<String>> headers = Collections.synchronizedMap(new LinkedHashMap<>());

    volatile boolean deflateNegotiated;
    /** The client's frames (not pings answered while never reading: then nothing is read). */
    final List<Frame> frames = new CopyOnWriteArrayList<>();

    private final CountDownLatch textFrame = new CountDownLatch(1);
    private final CountDownLatch closeFrame = new CountDownLatch(1);
    volatile int clientCloseCode = -1;
    /** The TLS handshake failed: what the server's SSLSocket said. */
    volatile Throwable tlsFailure;
    /** What ended the scenario, if it ended with an exception. */
    volatile Throwable failure;
    /** System.nanoTime() when the scenario began its hostile writes (see {@link #markStart}). */
    volatile long startNanos;

    final AtomicLong bytesWritten = new AtomicLong();
    final AtomicLong messagesWritten = new AtomicLong();
    volatile boolean stop;

    Conn(int index, Socket raw) {
      this.index = index;
      this.raw = raw;
      this.socket = raw;
    }

    private void run(Scenario scenario) {
      try {
        raw.setTcpNoDelay(true);
        if (sendBuffer > 0) raw.setSendBufferSize(sendBuffer);
        if (tls != null) {
          SSLSocket ssl = (SSLSocket) tls.getSocketFactory().createSocket(raw, null, false);
          ssl.setUseClientMode(false);
          ssl.setNeedClientAuth(needClientAuth);
          raw.setSoTimeout(15_000);
          try {
            ssl.startHandshake();
          } catch (IOException e) {
            tlsFailure = e;
            lingerAndClose();
            return;
          }
          raw.setSoTimeout(0);
          socket = ssl;
        }
        in = new BufferedInputStream(socket.getInputStream(), 64 * 1024);
        out = new BufferedOutputStream(socket.getOutputStream(), 64 * 1024);
        scenario.run(this);
      } catch (Throwable t) {
        failure = t;
        // A write usually fails because the client closed: let the reader take what the client sent
        // first (its close frame) before dropping the connection under it.
        Thread r = reader;
        if (r != null) {
          try {
            r.join(5_000);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        }
        drop();
      }
    }

    /** Marks the start of the hostile part, for time-to-error figures. */
    void markStart() {
      startNanos = System.nanoTime();
    }

    String header(String name) {
      List<String> v = headers.get(name.toLowerCase(Locale.ROOT));
      return v == null ? null : String.join(", ", v);
    }

    /**
     * Reads the request head. A head over {@link #MAX_REQUEST_HEAD} is answered 431 and the
     * connection closed (false).
     */
    boolean readRequest() throws IOException {
      ByteArrayOutputStream head = new ByteArrayOutputStream();
      int matched = 0;
      while (matched < 4) {
        int b = in.read();
        if (b < 0) throw new EOFException("the client closed before the end of its request head");
        head.write(b);
        matched = (b == (matched % 2 == 0 ? '\r' : '\n')) ? matched + 1 : (b == '\r' ? 1 : 0);
        if (head.size() > MAX_REQUEST_HEAD) {
          requestHead = head.toString(StandardCharsets.ISO_8859_1);
          respond(431, "Request Header Fields Too Large");
          return false;
        }
      }
      String text = head.toString(StandardCharsets.ISO_8859_1);
      requestHead = text;
      String[] lines = text.split("\r\n");
      for (int i = 1; i < lines.length; i++) {
        int colon = lines[i].indexOf(':');
        if (colon <= 0) continue;
        headers.computeIfAbsent(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT), k -> new ArrayList<>())
            .add(lines[i].substring(colon + 1).trim());
      }
      return true;
    }

    /** Reads the request and answers 101 (accepting permessage-deflate if the server does); false if not an upgrade. */
    boolean upgrade() throws IOException {
      if (!readRequest()) return false;
      String key = header("Sec-WebSocket-Key");
      if (key == null) {
        respond(400, "Bad Request");
        return false;
      }
      String offered = header("Sec-WebSocket-Extensions");
      deflateNegotiated = deflate && offered != null && offered.toLowerCase(Locale.ROOT).contains("permessage-deflate");
      String extensions = extensionsAnswer != null ? extensionsAnswer : deflateNegotiated ? "permessage-deflate" : null;
      String response = "HTTP/1.1 101 Switching Protocols\r\n"
          + "Upgrade: websocket\r\n"
          + "Connection: Upgrade\r\n"
          + "Sec-WebSocket-Accept: " + acceptKey(key) + "\r\n"
          + (extensions != null ? "Sec-WebSocket-Extensions: " + extensions + "\r\n" : "")
          + "\r\n";
      writeLock.lock();
      try {
        out.write(response.getBytes(StandardCharsets.UTF_8));
        out.flush();
      } finally {
        writeLock.unlock();
      }
      return true;
    }

    /** Answers with a status and no body, then closes the connection gracefully. */
    void respond(int status, String reason, String... headerLines) throws IOException {
      StringBuilder r = new StringBuilder("HTTP/1.1 ").append(status).append(' ').append(reason).append("\r\n");
      for (String h : headerLines) r.append(h).append("\r\n");
      r.append("Content-Length: 0\r\nConnection: close\r\n\r\n");
      writeLock.lock();
      try {
        out.write(r.toString().getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
      } finally {
        writeLock.unlock();
      }
      lingerAndClose();
    }

    /**
     * Answers a TLS ClientHello the way a server that speaks only TLS 1.0 does (an OpenSSL server
     * limited to TLSv1): a ServerHello for version 3.1 and TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA.
     * The JDK itself cannot be such a server any more (TLSv1 is in jdk.tls.disabledAlgorithms).
     */
    void tls10ServerHello() throws IOException {
      DataInputStream data = new DataInputStream(in);
      byte[] record = new byte[5];
      data.readFully(record);
      if (record[0] != 0x16) throw new IOException("not a TLS handshake record: " + record[0]);
      int length = (record[3] & 0xff) << 8 | (record[4] & 0xff);
      if (length > MAX_REQUEST_HEAD) throw new IOException("ClientHello record too long: " + length);
      data.readFully(new byte[length]);
      requestHead = "TLS ClientHello (" + length + " bytes)";
      ByteArrayOutputStream hello = new ByteArrayOutputStream();
      hello.write(new byte[] {3, 1}); // server_version TLS 1.0
      byte[] random = new byte[32];
      new java.security.SecureRandom().nextBytes(random);
      hello.write(random);
      hello.write(0); // no session id
      hello.write(new byte[] {(byte) 0xc0, 0x14}); // TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA
      hello.write(0); // no compression
      byte[] body = hello.toByteArray();
      ByteArrayOutputStream rec = new ByteArrayOutputStream();
      int hs = body.length + 4;
      rec.write(new byte[] {0x16, 3, 1, (byte) (hs >> 8), (byte) hs, 2, 0, (byte) (body.length >> 8), (byte) body.length});
      rec.write(body);
      writeLock.lock();
      try {
        out.write(rec.toByteArray());
        out.flush();
      } finally {
        writeLock.unlock();
      }
      lingerAndClose();
    }

    // -------------------------------------------------------------- writing (server frames are unmasked)

    /** Writes a frame's payload; runs while the frame holds the connection's write lock. */
    interface Body {
      void write() throws IOException;
    }

    /**
     * One frame: header, then {@code body} writes exactly {@code length} bytes (or fails), all
     * under the write lock, so a pong the reader sends never lands inside it.
     */
    void frame(boolean fin, boolean rsv1, int opcode, long length, Body body) throws IOException {
      writeLock.lock();
      try {
        writeHeader(fin, rsv1, opcode, length);
        body.write();
      } finally {
        writeLock.unlock();
      }
    }

    /** A frame header for a payload of {@code length} bytes (any length up to 2^63 - 1). */
    void writeHeader(boolean fin, boolean rsv1, int opcode, long length) throws IOException {
      byte[] h = new byte[10];
      int p = 0;
      h[p++] = (byte) ((fin ? 0x80 : 0) | (rsv1 ? 0x40 : 0) | opcode);
      if (length < 126) {
        h[p++] = (byte) length;
      } else if (length <= 0xffff) {
        h[p++] = 126;
        h[p++] = (byte) (length >>> 8);
        h[p++] = (byte) length;
      } else {
        h[p++] = 127;
        for (int shift = 56; shift >= 0; shift -= 8) h[p++] = (byte) (length >>> shift);
      }
      write(h, 0, p);
    }

    /** Raw bytes (a frame's payload, or frames built elsewhere). */
    void write(byte[] b, int off, int len) throws IOException {
      writeLock.lock();
      try {
        out.write(b, off, len);
      } finally {
        writeLock.unlock();
      }
      bytesWritten.addAndGet(len);
    }

    void flush() throws IOException {
      writeLock.lock();
      try {
        out.flush();
      } finally {
        writeLock.unlock();
      }
    }

    /**
     * Writes {@code length} payload bytes by repeating {@code buffer}, stopping early once the
     * client closed (see {@link #stop}). Returns the bytes written.
     */
    long stream(long length, byte[] buffer) throws IOException {
      long left = length;
      while (left > 0 && !stop) {
        int n = (int) Math.min(left, buffer.length);
        write(buffer, 0, n);
        left -= n;
      }
      flush();
      return length - left;
    }

    /** One whole text frame (a message). */
    void sendText(String text) throws IOException {
      byte[] b = text.getBytes(StandardCharsets.UTF_8);
      writeLock.lock();
      try {
        writeHeader(true, false, TEXT, b.length);
        write(b, 0, b.length);
        out.flush();
      } finally {
        writeLock.unlock();
      }
      messagesWritten.incrementAndGet();
    }

    // -------------------------------------------------------------- reading the client's frames

    /** Reads client frames on a thread of its own (see {@link #serve}). */
    void startReader(boolean echo) {
      Thread t = reader = new Thread(() -> {
        try {
          serve(echo);
        } catch (IOException e) {
          // the connection ended
        }
      }, "hostile-" + name + "-" + (index + 1) + "-reader");
      t.setDaemon(true);
      t.start();
    }

    /**
     * Reads the client's frames until the connection ends: records them, answers pings, echoes
     * text frames if {@code echo}; on the client's close frame records its code, sets {@link
     * #stop}, answers the close if no write is in progress and closes the connection (a scenario
     * blocked in a write is released by that).
     */
    void serve(boolean echo) throws IOException {
      DataInputStream data = new DataInputStream(in);
      try {
        while (true) {
          int b0 = data.readUnsignedByte();
          int b1 = data.readUnsignedByte();
          int opcode = b0 & 0x0f;
          long len = b1 & 0x7f;
          if (len == 126) len = data.readUnsignedShort();
          else if (len == 127) len = data.readLong();
          byte[] mask = new byte[4];
          if ((b1 & 0x80) != 0) data.readFully(mask);
          byte[] payload = null;
          if (len <= MAX_KEPT_PAYLOAD) {
            payload = new byte[(int) len];
            data.readFully(payload);
            for (int i = 0; i < payload.length; i++) payload[i] ^= mask[i & 3];
          } else {
            skip(data, len);
          }
          Frame f = new Frame(opcode, (b0 & 0x80) != 0, (b0 & 0x40) != 0, len, payload);
          frames.add(f);
          if (opcode == CLOSE) {
            clientCloseCode = payload != null && payload.length >= 2 ? (payload[0] & 0xff) << 8 | (payload[1] & 0xff) : 1005;
            stop = true;
            closeFrame.countDown();
            if (writeLock.tryLock()) {
              try {
                byte[] echoClose = new byte[] {(byte) 0x88, 2, payload != null && payload.length >= 2 ? payload[0] : 0x03,
                    payload != null && payload.length >= 2 ? payload[1] : (byte) 0xe8};
                out.write(echoClose);
                out.flush();
              } catch (IOException ignored) {
                // the client may be gone already
              } finally {
                writeLock.unlock();
              }
            }
            drop();
            return;
          }
          if (opcode == PING && payload != null) {
            writeControl(PONG, payload);
          } else if (opcode == TEXT) {
            textFrame.countDown();
            if (echo && payload != null && !f.rsv1) {
              writeLock.lock();
              try {
                writeHeader(true, false, TEXT, payload.length);
                write(payload, 0, payload.length);
                out.flush();
              } finally {
                writeLock.unlock();
              }
            }
          }
        }
      } catch (EOFException | java.net.SocketException e) {
        // the connection ended
      } finally {
        closeFrame.countDown();
      }
    }

    /** One ping frame (at most 125 bytes of payload). */
    void ping(byte[] payload) throws IOException {
      writeControl(PING, payload);
    }

    /**
     * From now on reads at most {@code bytesPerSecond} (in reads of at most 4 KiB): a slow
     * reader. Call before {@link #startReader}.
     */
    void throttleReads(long bytesPerSecond) {
      InputStream raw = in;
      in = new InputStream() {
        private final long start = System.nanoTime();
        private long total;

        @Override
        public int read() throws IOException {
          byte[] one = new byte[1];
          return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
          int n = raw.read(b, off, Math.min(len, 4096));
          if (n > 0) {
            total += n;
            long due = start + total * 1_000_000_000L / bytesPerSecond;
            for (long wait; !stop && (wait = due - System.nanoTime()) > 0; ) java.util.concurrent.locks.LockSupport.parkNanos(wait);
          }
          return n;
        }
      };
    }

    private void writeControl(int opcode, byte[] payload) throws IOException {
      writeLock.lock();
      try {
        writeHeader(true, false, opcode, payload.length);
        write(payload, 0, payload.length);
        out.flush();
      } finally {
        writeLock.unlock();
      }
    }

    private void skip(DataInputStream data, long n) throws IOException {
      byte[] sink = new byte[8192];
      while (n > 0) {
        int r = data.read(sink, 0, (int) Math.min(n, sink.length));
        if (r < 0) throw new EOFException();
        n -= r;
      }
    }

    /** The client's close code once its close frame arrived (or the connection ended: -1), waiting up to {@code millis}. */
    int awaitClientClose(long millis) throws InterruptedException {
      closeFrame.await(millis, TimeUnit.MILLISECONDS);
      return clientCloseCode;
    }

    /** The first text frame the client sent, waiting up to {@code millis}; null if none came. */
    String awaitFirstText(long millis) throws InterruptedException {
      textFrame.await(millis, TimeUnit.MILLISECONDS);
      for (Frame f : frames) if (f.opcode == TEXT) return f.text();
      return null;
    }

    /** Closes the connection at once, without a close frame (FIN, or RST if bytes are unread). */
    void drop() {
      stop = true;
      try {
        socket.close();
      } catch (IOException ignored) {
        // closing anyway
      }
      try {
        raw.close();
      } catch (IOException ignored) {
        // closing anyway
      }
    }

    /**
     * Closes the way careful servers do (nginx's lingering close): our output first, then reads
     * what the client still sends for up to a second, so the client reads our last bytes (a TLS
     * alert, an HTTP response) instead of meeting a reset caused by its own unread request.
     */
    void lingerAndClose() {
      try {
        raw.shutdownOutput();
        raw.setSoTimeout(1000);
        InputStream r = raw.getInputStream();
        byte[] sink = new byte[8192];
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
        while (System.nanoTime() < deadline && r.read(sink) >= 0) {
          // discard
        }
      } catch (IOException ignored) {
        // closing anyway
      } finally {
        drop();
      }
    }

    @Override
    public String toString() {
      return "connection #" + (index + 1) + " (" + bytesWritten.get() + " bytes written, close code " + clientCloseCode + ")";
    }
  }

  // ------------------------------------------------------------------ helpers

  static String acceptKey(String key) {
    try {
      byte[] sha1 = MessageDigest.getInstance("SHA-1").digest((key.trim() + GUID).getBytes(StandardCharsets.US_ASCII));
      return Base64.getEncoder().encodeToString(sha1);
    } catch (NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
  }

  /**
   * A raw-deflate chunk (RFC 1951) that inflates to {@code zeros} zero bytes and ends with a sync
   * flush (an empty stored block, 00 00 ff ff): copies of it concatenate into one valid stream,
   * so a deflate bomb of any inflated size is streamed from this one buffer. A permessage-deflate
   * message is such a stream without its final 00 00 ff ff (RFC 7692 7.2.1).
   */
  static byte[] zeroDeflateChunk(int zeros) {
    Deflater d = new Deflater(Deflater.BEST_COMPRESSION, true);
    try {
      d.setInput(new byte[zeros]);
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      byte[] buf = new byte[8192];
      int n;
      while ((n = d.deflate(buf, 0, buf.length, Deflater.SYNC_FLUSH)) > 0) out.write(buf, 0, n);
      byte[] chunk = out.toByteArray();
      byte[] tail = Arrays.copyOfRange(chunk, chunk.length - 4, chunk.length);
      if (!Arrays.equals(tail, new byte[] {0, 0, (byte) 0xff, (byte) 0xff})) throw new AssertionError("no sync flush tail");
      // Proof that two copies inflate to twice the zeros.
      Inflater inf = new Inflater(true);
      try {
        byte[] two = new byte[chunk.length * 2];
        System.arraycopy(chunk, 0, two, 0, chunk.length);
        System.arraycopy(chunk, 0, two, chunk.length, chunk.length);
        inf.setInput(two);
        long total = 0;
        byte[] o = new byte[1 << 16];
        int k;
        while ((k = inf.inflate(o)) > 0) {
          total += k;
          for (int i = 0; i < k; i++) if (o[i] != 0) throw new AssertionError("not zeros");
        }
        if (total != 2L * zeros) throw new AssertionError("two chunks inflate to " + total + ", not " + 2L * zeros);
      } catch (DataFormatException e) {
        throw new AssertionError(e);
      } finally {
        inf.end();
      }
      return chunk;
    } finally {
      d.end();
    }
  }
}
