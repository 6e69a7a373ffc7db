package dev.steadysocket.conformance;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.zip.DataFormatException;

/**
 * One connection of the {@link RawServer}: the handshake (answering the case's extensions, keeping
 * the client's offer), the script's writes (whole frames, or chopped into pieces each flushed),
 * and a reader that unmasks the client's frames, reassembles and inflates messages, answers pings
 * and the client's close, and records each as an {@link Event}, up to the end of the TCP
 * connection.
 *
 * <p><b>Threading:</b> the script thread runs the handshake and the script; the reader thread
 * reads and answers; writes hold {@link #writeLock}; {@link #events} is guarded by {@code this}
 * (waits use its monitor, with timeouts). {@link #close} from any thread.
 */
final class Peer {
  /** What the server does on a connection after the handshake. */
  interface Script {
    void run(Peer p) throws Exception;
  }

  /** A script whose first frames go out in the same write as the 101 response. */
  interface Greeting extends Script {
    byte[] greeting();
  }

  private static final String GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
  /** How long the server waits for the client, at most, where a wait ends a case. */
  static final long PATIENCE_MILLIS = 4_000;

  final int index;
  private final Socket socket;
  private final String extensionsAnswer;
  private final Script script;
  private final long deadlineNanos;
  private final Object writeLock = new Object();
  private final List<Event> events = new ArrayList<>();
  private Thread scriptThread;
  private Thread readerThread;
  private OutputStream out;
  private InputStream in;
  /** The request's Sec-WebSocket-Extensions, or null; set before the reader starts. */
  volatile String offered;
  private volatile boolean closeSent;
  private volatile boolean ended;
  /** The client's close frame arrived; guarded by writeLock. */
  private boolean clientClosed;
  /** Write each frame in pieces of this many bytes, each flushed; 0: whole. */
  int chop;
  private Deflate.Compressor compressor;
  private Deflate.Decompressor decompressor;

  Peer(int index, Socket socket, String extensionsAnswer, Script script, long deadlineNanos) {
    this.index = index;
    this.socket = socket;
    this.extensionsAnswer = extensionsAnswer;
    this.script = script;
    this.deadlineNanos = deadlineNanos;
  }

  void start() {
    scriptThread = new Thread(this::runScript, "conformance-script-" + index);
    scriptThread.setDaemon(true);
    scriptThread.start();
  }

  private void runScript() {
    try {
      socket.setTcpNoDelay(true);
      socket.setSoTimeout((int) PATIENCE_MILLIS * 2);
      in = new BufferedInputStream(socket.getInputStream(), 64 * 1024);
      out = socket.getOutputStream();
      handshake();
      readerThread = new Thread(this::readLoop, "conformance-reader-" + index);
      readerThread.setDaemon(true);
      readerThread.start();
      try {
        script.run(this);
      } catch (IOException e) {
        // A write failed or was refused: the client closed. Its frames up to then reach the reader.
        awaitEnd(PATIENCE_MILLIS);
      }
      // The script's end: a case that expects the client to fail has waited for that already.
      if (!ended && !closeSent) {
        mark(Expect.SERVER_CLOSED);
        try {
          sendClose(1000, "");
        } catch (IOException e) {
          // the client closed meanwhile: the reader records how
        }
      }
      if (!awaitEnd(PATIENCE_MILLIS)) record(Event.note(Event.Kind.END, "client kept the connection open; server closed it"));
    } catch (Exception e) {
      if (!ended) record(Event.note(Event.Kind.END, "server script: " + e.getClass().getSimpleName()));
    } finally {
      close();
    }
  }

  private void handshake() throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    int matched = 0;
    while (matched < 4) {
      int b = in.read();
      if (b < 0) throw new EOFException("no request");
      head.write(b);
      matched = (b == (matched % 2 == 0 ? '\r' : '\n')) ? matched + 1 : (b == '\r' ? 1 : 0);
      if (head.size() > 16384) throw new IOException("request head too long");
    }
    String key = null;
    for (String line : head.toString(StandardCharsets.ISO_8859_1).split("\r\n")) {
      int colon = line.indexOf(':');
      if (colon <= 0) continue;
      String name = line.substring(0, colon).trim().toLowerCase(Locale.ROOT);
      String value = line.substring(colon + 1).trim();
      if (name.equals("sec-websocket-key")) key = value;
      if (name.equals("sec-websocket-extensions")) offered = offered == null ? value : offered + ", " + value;
    }
    if (key == null) throw new IOException("no Sec-WebSocket-Key");
    String answer = extensionsAnswer == null ? "" : extensionsAnswer.toLowerCase(Locale.ROOT);
    compressor = new Deflate.Compressor(windowBits(answer), answer.contains("server_no_context_takeover"));
    decompressor = new Deflate.Decompressor(answer.contains("client_no_context_takeover"));
    String response = "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        + "Sec-WebSocket-Accept: " + acceptKey(key) + "\r\n"
        + (extensionsAnswer != null ? "Sec-WebSocket-Extensions: " + extensionsAnswer + "\r\n" : "") + "\r\n";
    byte[] ok = response.getBytes(StandardCharsets.ISO_8859_1);
    write(script instanceof Greeting ? Frames.concat(ok, ((Greeting) script).greeting()) : ok, 0);
  }

  private static int windowBits(String answer) {
    int i = answer.indexOf("server_max_window_bits=");
    if (i < 0) return 15;
    int start = i + "server_max_window_bits=".length();
    int end = start;
    while (end < answer.length() && Character.isDigit(answer.charAt(end))) end++;
    return Integer.parseInt(answer.substring(start, end));
  }

  static String acceptKey(String key) {
    try {
      byte[] sha1 = MessageDigest.getInstance("SHA-1").digest((key + GUID).getBytes(StandardCharsets.ISO_8859_1));
      return Base64.getEncoder().encodeToString(sha1);
    } catch (NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
  }

  // ------------------------------------------------------------------ the script's writes

  /** One frame, {@code b0} = FIN | RSV | opcode, written whole or in {@link #chop} pieces. */
  void send(int b0, byte[] payload) throws IOException {
    if ((b0 & 0x0f) == Frames.CLOSE) closeSent = true;
    write(Frames.frame(b0, payload), chop);
  }

  /** Bytes as they are (several frames, or a frame cut short), whole or chopped. */
  void sendRaw(byte[] bytes) throws IOException {
    write(bytes, chop);
  }

  void text(String s) throws IOException {
    send(Frames.FIN | Frames.TEXT, Frames.utf8(s));
  }

  void ping(byte[] payload) throws IOException {
    send(Frames.FIN | Frames.PING, payload);
  }

  void sendClose(int code, String reason) throws IOException {
    send(Frames.FIN | Frames.CLOSE, Frames.closePayload(code, Frames.utf8(reason)));
  }

  /** The message deflated with the negotiated server window and context rules. */
  byte[] compress(byte[] message) {
    return compressor.compress(message);
  }

  /** A compressed message in one frame (RSV1 set). */
  void sendCompressed(int opcode, byte[] message) throws IOException {
    send(Frames.FIN | Frames.RSV1 | opcode, compress(message));
  }

  /** The farthest back-reference the server's compressor has written. */
  int farthestReference() {
    return compressor.farthest;
  }

  /**
   * The script's writes stop once the client's close frame arrived (the reader answers it, and the
   * client then closes the TCP connection): a write after that would draw a reset, which can discard
   * the client's close frame before the reader has it.
   */
  private void write(byte[] bytes, int pieces) throws IOException {
    synchronized (writeLock) {
      if (clientClosed) throw new IOException("the client sent its close frame");
      if (pieces <= 0) {
        out.write(bytes);
        out.flush();
        return;
      }
      for (int i = 0; i < bytes.length; i += pieces) {
        if (clientClosed) throw new IOException("the client sent its close frame");
        out.write(bytes, i, Math.min(pieces, bytes.length - i));
        out.flush();
      }
    }
  }

  // ------------------------------------------------------------------ waiting for the client

  /** Waits until {@code done} holds for the events so far, or the connection ended, or the time is up. */
  boolean await(Predicate<List<Event>> done, long millis) throws InterruptedException {
    long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
    synchronized (this) {
      while (!done.test(events) && !ended) {
        long left = end - System.nanoTime();
        if (left <= 0) return false;
        TimeUnit.NANOSECONDS.timedWait(this, left);
      }
      return done.test(events);
    }
  }

  /** Waits for {@code n} messages from the client in all (false if the connection ended first). */
  boolean awaitMessages(int n) throws InterruptedException {
    return await(es -> es.stream().filter(Event::isMessage).count() >= n, PATIENCE_MILLIS);
  }

  /** Waits for {@code n} pongs from the client in all. */
  boolean awaitPongs(int n) throws InterruptedException {
    return await(es -> es.stream().filter(e -> e.kind == Event.Kind.PONG).count() >= n, PATIENCE_MILLIS);
  }

  /** Waits for the end of the TCP connection. */
  boolean awaitEnd(long millis) throws InterruptedException {
    return await(es -> ended, millis);
  }

  boolean ended() {
    return ended;
  }

  /** A marker in the event list (deterministic text only). */
  void mark(String note) {
    record(Event.note(Event.Kind.MARK, note));
  }

  synchronized List<Event> events() {
    return new ArrayList<>(events);
  }

  private synchronized void record(Event e) {
    if (ended) return;
    if (e.kind == Event.Kind.END) ended = true;
    events.add(e);
    notifyAll();
  }

  // ------------------------------------------------------------------ the reader

  private void readLoop() {
    DataInputStream data = new DataInputStream(in);
    ByteArrayOutputStream message = null;
    boolean messageText = false, messageCompressed = false;
    try {
      while (System.nanoTime() < deadlineNanos) {
        int b0 = data.readUnsignedByte();
        int b1 = data.readUnsignedByte();
        int opcode = b0 & 0x0f;
        long length = b1 & 0x7f;
        if (length == 126) length = data.readUnsignedShort();
        else if (length == 127) length = data.readLong();
        if ((b1 & 0x80) == 0) throw new Bad("unmasked frame");
        if (length > 64L << 20 || length < 0) throw new Bad("frame of " + length + " bytes");
        byte[] mask = new byte[4];
        data.readFully(mask);
        byte[] payload = new byte[(int) length];
        data.readFully(payload);
        for (int i = 0; i < payload.length; i++) payload[i] ^= mask[i & 3];
        if ((b0 & 0x30) != 0 || ((b0 & 0x40) != 0 && (opcode & 0x8) != 0)) throw new Bad("reserved bits");
        if (opcode >= 0x8) {
          if ((b0 & 0x80) == 0 || length > 125) throw new Bad("bad control frame");
          control(opcode, payload);
          continue;
        }
        if (opcode == Frames.CONTINUATION) {
          if (message == null) throw new Bad("continuation without a message");
          if ((b0 & 0x40) != 0) throw new Bad("RSV1 on a continuation");
        } else {
          if (message != null) throw new Bad("new message inside a fragmented one");
          if (opcode != Frames.TEXT && opcode != Frames.BINARY) throw new Bad("opcode " + opcode);
          message = new ByteArrayOutputStream();
          messageText = opcode == Frames.TEXT;
          messageCompressed = (b0 & 0x40) != 0;
        }
        message.writeBytes(payload);
        if ((b0 & 0x80) != 0) {
          byte[] bytes = message.toByteArray();
          message = null;
          if (messageCompressed) {
            try {
              bytes = decompressor.decompress(bytes);
            } catch (DataFormatException e) {
              throw new Bad("client's deflate data does not inflate");
            }
          }
          record(Event.message(messageText, bytes, messageCompressed));
        }
      }
      record(Event.note(Event.Kind.END, "server lifetime over"));
    } catch (Bad e) {
      record(Event.note(Event.Kind.BAD, e.getMessage()));
      record(Event.note(Event.Kind.END, "server dropped the connection"));
    } catch (java.net.SocketTimeoutException e) {
      record(Event.note(Event.Kind.END, "client silent; server closed"));
    } catch (IOException e) {
      record(Event.note(Event.Kind.END, ""));
    } finally {
      close();
    }
  }

  private void control(int opcode, byte[] payload) throws IOException {
    if (opcode == Frames.PING) {
      record(Event.control(Event.Kind.PING, payload));
      if (!closeSent) write(Frames.frame(Frames.FIN | Frames.PONG, payload), 0); // never after the client's close
    } else if (opcode == Frames.PONG) {
      record(Event.control(Event.Kind.PONG, payload));
    } else if (opcode == Frames.CLOSE) {
      Event close = Event.control(Event.Kind.CLOSE, payload);
      record(close);
      synchronized (writeLock) {
        clientClosed = true;
        if (!closeSent) { // answer with the client's code: the close handshake (RFC 6455 5.5.1)
          closeSent = true;
          out.write(Frames.frame(Frames.FIN | Frames.CLOSE, close.code < 0 ? new byte[0] : Frames.closePayload(close.code, new byte[0])));
          out.flush();
        }
      }
    } else {
      throw new Bad("opcode " + opcode);
    }
  }

  /** The client sent something the server does not accept. */
  private static final class Bad extends IOException {
    Bad(String message) {
      super(message);
    }
  }

  void close() {
    try {
      socket.close();
    } catch (IOException ignored) {
      // closing
    }
  }

  void join(long millis) throws InterruptedException {
    if (scriptThread != null) scriptThread.join(millis);
    if (readerThread != null) readerThread.join(millis);
  }
}
