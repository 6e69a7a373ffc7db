package dev.steadysocket;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.steadysocket.internal.Transport;
import dev.steadysocket.testkit.FakeScheduler;
import java.io.IOException;
import java.net.ProtocolException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * A transport factory whose connections the test drives by hand. Each connection keeps a log of
 * what was done to it, stamped with the test's virtual time, for tests that check when things
 * happened (the model test): when it was created, closed and cancelled, every frame written with
 * the send buffer it found, every ping.
 */
final class FakeTransports implements Transport.Factory {
  final List<Fake> created = new ArrayList<>();
  private final LongSupplier clock;
  /** Told of each connection as it is created, before the socket sees it; may be null. */
  volatile Consumer<Fake> onConnect;

  FakeTransports() {
    this(() -> 0);
  }

  /** @param clock the virtual time that stamps the log (a {@link FakeScheduler}'s nanoTime) */
  FakeTransports(LongSupplier clock) {
    this.clock = clock;
  }

  @Override
  public synchronized Transport connect(
      boolean refreshToken, Map<String, String> headers, Transport.Listener listener) {
    Fake f = new Fake(listener, refreshToken, headers, clock);
    created.add(f);
    Consumer<Fake> hook = onConnect;
    if (hook != null) hook.accept(f);
    return f;
  }

  synchronized int count() {
    return created.size();
  }

  synchronized Fake last() {
    assertFalse(created.isEmpty(), "no connection attempt was made");
    return created.get(created.size() - 1);
  }

  static final class Fake implements Transport {
    final Transport.Listener listener;
    final boolean refreshToken;
    final Map<String, String> headers;
    final List<String> sent = new ArrayList<>();
    long queueSize;
    long pongs;
    int pings;
    boolean acceptSends = true;
    int closeCode = -1;
    String closeReason;
    boolean cancelled;
    /** Makes cancel() throw, as a transport bug would, to exercise the loop's crash path. */
    boolean throwOnCancel;
    /**
     * A link that does not drain: every frame accepted adds its size to {@link #queueSize}, and,
     * as OkHttp does, a frame that would take it past 16 MiB is refused.
     */
    boolean slowLink;

    private final LongSupplier clock;
    /** Virtual time of creation, of our first close frame, of cancel(); -1 until it happens. */
    final long createdAt;

    long closedAt = -1;
    long cancelledAt = -1;
    /** Frames and pongs received (signs of life), counted by the receiving helpers below. */
    long lifeSigns;
    /** {@link #lifeSigns} when cancel() was first called. */
    long lifeSignsAtCancel = -1;
    /** Every frame written, text and binary, in order. */
    final List<Frame> frames = new ArrayList<>();
    /** Every ping sent, in order. */
    final List<Ping> pingLog = new ArrayList<>();

    /** A frame written: its text (null for binary) or bytes, and the send buffer it found. */
    record Frame(String text, byte[] binary, long queueBefore, long at) {}

    /** A ping: when, and how many signs of life had arrived by then. */
    record Ping(long at, long lifeSignsBefore) {}
    /** What the handshake negotiated (Sec-WebSocket-Extensions), as the transport reports it. */
    String extensions = "";

    Fake(Transport.Listener listener, boolean refreshToken, Map<String, String> headers) {
      this(listener, refreshToken, headers, () -> 0);
    }

    Fake(Transport.Listener listener, boolean refreshToken, Map<String, String> headers, LongSupplier clock) {
      this.listener = listener;
      this.refreshToken = refreshToken;
      this.headers = headers;
      this.clock = clock;
      this.createdAt = clock.getAsLong();
    }

    private boolean accepts(long size) {
      if (!acceptSends || closeCode != -1 || cancelled) return false;
      return !slowLink || queueSize + size <= 16L << 20;
    }

    private void written(String text, byte[] binary, long size) {
      frames.add(new Frame(text, binary, queueSize, clock.getAsLong()));
      if (slowLink) queueSize += size;
    }

    @Override
    public boolean send(String text) {
      long size = text.getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
      if (!accepts(size)) return false;
      sent.add(text);
      written(text, null, size);
      return true;
    }

    /** Binary frames sent, in order. */
    final List<byte[]> sentBinary = new ArrayList<>();

    @Override
    public boolean sendBinary(byte[] bytes) {
      if (!accepts(bytes.length)) return false; // the same acceptance rules as text frames
      sentBinary.add(bytes);
      written(null, bytes, bytes.length);
      return true;
    }

    /** Whether our side ended this connection, or the server did ({@link #endedByServer}). */
    boolean ended() {
      return cancelled || closeCode != -1 || endedByServer;
    }

    /** Set by a test that made the server end this connection (close or refuse), and when. */
    boolean endedByServer;

    long endedByServerAt = -1;

    @Override
    public String extensions() {
      return extensions;
    }

    @Override
    public long queueSize() {
      return queueSize;
    }

    @Override
    public long pongCount() {
      return pongs;
    }

    @Override
    public boolean ping() {
      if (closeCode != -1 || cancelled) return false;
      pings++;
      pingLog.add(new Ping(clock.getAsLong(), lifeSigns));
      return true;
    }

    @Override
    public void close(int code, String reason) {
      if (closedAt == -1) closedAt = clock.getAsLong();
      closeCode = code;
      closeReason = reason;
    }

    @Override
    public void cancel() {
      if (cancelledAt == -1) {
        cancelledAt = clock.getAsLong();
        lifeSignsAtCancel = lifeSigns;
      }
      cancelled = true;
      if (throwOnCancel) throw new IllegalStateException("fake transport: cancel failed");
    }

    void open() {
      listener.onOpen();
    }

    void receive(String text) {
      lifeSigns++;
      listener.onText(text);
    }

    void receiveBinary(byte[] bytes) {
      lifeSigns++;
      listener.onBinary(bytes);
    }

    /** The server answered a ping: OkHttp's pong count goes up. */
    void pong() {
      lifeSigns++;
      pongs++;
    }

    /** The server sends a close frame and then finishes the handshake. */
    void serverClose(int code, String reason) {
      listener.onClosing(code, reason);
      listener.onClosed(code, reason);
    }

    /** The transport refused what the server sent (a limit) and closed with {@code code}. */
    void refuse(SteadySocketException error, int code) {
      listener.onRefused(error, code);
    }

    void fail(IOException e) {
      listener.onFailure(e, -1, null);
    }

    void reject(int status, String retryAfter) {
      listener.onFailure(
          new ProtocolException("Expected HTTP 101 response but was '" + status + "'"), status, retryAfter);
    }

    /** The sent frames that are not heartbeats. */
    List<String> sentMessages() {
      List<String> out = new ArrayList<>();
      for (String s : sent) if (!s.contains("\"type\":\"heartbeat\"")) out.add(s);
      return out;
    }

    List<String> sentHeartbeats() {
      List<String> out = new ArrayList<>();
      for (String s : sent) if (s.contains("\"type\":\"heartbeat\"")) out.add(s);
      return out;
    }

    void assertCancelled() {
      assertTrue(cancelled, "expected the transport to be cancelled");
    }
  }
}
