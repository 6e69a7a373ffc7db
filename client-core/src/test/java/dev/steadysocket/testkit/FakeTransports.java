package dev.steadysocket.testkit;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.steadysocket.SteadySocketException;
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
 * The one fake {@link Transport} of client-core's tests, and the factory that makes them. The test
 * drives each connection by hand (open, receive, fail, close from the server) and sets what it
 * answers (refuse sends, a send buffer that fills, a close or cancel that throws). Each connection
 * keeps a log of what was done to it, stamped with the test's virtual time, for tests that check
 * when things happened (the model test): when it was created, closed and cancelled, every frame
 * written with the send buffer it found, every ping. Unit tests of the internal classes that need
 * no factory make a {@link Fake} directly. Not thread-safe: the test's thread drives it (the
 * factory's list is guarded by the factory).
 */
public final class FakeTransports implements Transport.Factory {
  public final List<Fake> created = new ArrayList<>();
  private final LongSupplier clock;
  /** Told of each connection as it is created, before the socket sees it; may be null. */
  public volatile Consumer<Fake> onConnect;
  /** Thrown from connect() while set (a RuntimeException or Error): a factory that fails. */
  public volatile Throwable failConnect;

  public FakeTransports() {
    this(() -> 0);
  }

  /** @param clock the virtual time that stamps the log (a {@link FakeScheduler}'s nanoTime) */
  public FakeTransports(LongSupplier clock) {
    this.clock = clock;
  }

  @Override
  public synchronized Transport connect(
      boolean refreshToken, Map<String, String> headers, Transport.Listener listener) {
    Throwable fail = failConnect;
    if (fail instanceof RuntimeException) throw (RuntimeException) fail;
    if (fail != null) throw (Error) fail;
    Fake f = new Fake(listener, refreshToken, headers, clock);
    created.add(f);
    Consumer<Fake> hook = onConnect;
    if (hook != null) hook.accept(f);
    return f;
  }

  public synchronized int count() {
    return created.size();
  }

  /** The headers of each connection made, in order. */
  public synchronized List<Map<String, String>> headers() {
    List<Map<String, String>> out = new ArrayList<>();
    for (Fake f : created) out.add(f.headers);
    return out;
  }

  /** Whether each connection made was asked to refresh the token, in order. */
  public synchronized List<Boolean> refreshes() {
    List<Boolean> out = new ArrayList<>();
    for (Fake f : created) out.add(f.refreshToken);
    return out;
  }

  public synchronized Fake last() {
    assertFalse(created.isEmpty(), "no connection attempt was made");
    return created.get(created.size() - 1);
  }

  public static final class Fake implements Transport {
    public final Transport.Listener listener;
    public final boolean refreshToken;
    public final Map<String, String> headers;
    public final List<String> sent = new ArrayList<>();
    public long queueSize;
    public long pongs;
    public int pings;
    public boolean acceptSends = true;
    public int closeCode = -1;
    public String closeReason;
    public boolean cancelled;
    /** Thrown from cancel() while set, as a transport bug would, to exercise the loop's crash path. */
    public RuntimeException failCancel;
    /** Thrown from close() while set. */
    public RuntimeException failClose;
    /** Sends accepted before it starts refusing them (it is closing); then send() returns false. */
    public int sendsLeft = Integer.MAX_VALUE;
    /** How many times cancel() was called. */
    public int cancels;
    /** What the handshake negotiated (Sec-WebSocket-Protocol), as the transport reports it; may be null. */
    public String subprotocol;
    /**
     * A link that does not drain: every frame accepted adds its size to {@link #queueSize}, and,
     * as OkHttp does, a frame that would take it past 16 MiB is refused.
     */
    public boolean slowLink;

    private final LongSupplier clock;
    /** Virtual time of creation, of our first close frame, of cancel(); -1 until it happens. */
    public final long createdAt;

    public long closedAt = -1;
    public long cancelledAt = -1;
    /** Frames and pongs received (signs of life), counted by the receiving helpers below. */
    public long lifeSigns;
    /** {@link #lifeSigns} when cancel() was first called. */
    public long lifeSignsAtCancel = -1;
    /** Every frame written, text and binary, in order. */
    public final List<Frame> frames = new ArrayList<>();
    /** Every ping sent, in order. */
    public final List<Ping> pingLog = new ArrayList<>();

    /** A frame written: its text (null for binary) or bytes, and the send buffer it found. */
    public record Frame(String text, byte[] binary, long queueBefore, long at) {}

    /** A ping: when, and how many signs of life had arrived by then. */
    public record Ping(long at, long lifeSignsBefore) {}
    /** What the handshake negotiated (Sec-WebSocket-Extensions), as the transport reports it. */
    public String extensions = "";

    /** A connection no factory made, for unit tests that drive the transport's listener themselves. */
    public Fake() {
      this(null, false, Map.of());
    }

    public Fake(Transport.Listener listener, boolean refreshToken, Map<String, String> headers) {
      this(listener, refreshToken, headers, () -> 0);
    }

    public Fake(Transport.Listener listener, boolean refreshToken, Map<String, String> headers, LongSupplier clock) {
      this.listener = listener;
      this.refreshToken = refreshToken;
      this.headers = headers;
      this.clock = clock;
      this.createdAt = clock.getAsLong();
    }

    private boolean accepts(long size) {
      if (!acceptSends || sendsLeft <= 0 || closeCode != -1 || cancelled) return false;
      return !slowLink || queueSize + size <= 16L << 20;
    }

    private void written(String text, byte[] binary, long size) {
      sendsLeft--;
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
    public final List<byte[]> sentBinary = new ArrayList<>();

    @Override
    public boolean sendBinary(byte[] bytes) {
      if (!accepts(bytes.length)) return false; // the same acceptance rules as text frames
      sentBinary.add(bytes);
      written(null, bytes, bytes.length);
      return true;
    }

    /** Whether our side ended this connection, or the server did ({@link #endedByServer}). */
    public boolean ended() {
      return cancelled || closeCode != -1 || endedByServer;
    }

    /** Set by a test that made the server end this connection (close or refuse), and when. */
    public boolean endedByServer;

    public long endedByServerAt = -1;

    @Override
    public String extensions() {
      return extensions;
    }

    @Override
    public String subprotocol() {
      return subprotocol;
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
      if (failClose != null) throw failClose; // logged, then failed
    }

    @Override
    public void cancel() {
      if (cancelledAt == -1) {
        cancelledAt = clock.getAsLong();
        lifeSignsAtCancel = lifeSigns;
      }
      cancelled = true;
      cancels++;
      if (failCancel != null) throw failCancel; // logged, then failed
    }

    public void open() {
      listener.onOpen();
    }

    public void receive(String text) {
      lifeSigns++;
      listener.onText(text);
    }

    public void receiveBinary(byte[] bytes) {
      lifeSigns++;
      listener.onBinary(bytes);
    }

    /** The server answered a ping: OkHttp's pong count goes up. */
    public void pong() {
      lifeSigns++;
      pongs++;
      if (listener != null) listener.onPong();
    }

    /** The server sends a close frame and then finishes the handshake. */
    public void serverClose(int code, String reason) {
      listener.onClosing(code, reason);
      listener.onClosed(code, reason);
    }

    /** The transport refused what the server sent (a limit) and closed with {@code code}. */
    public void refuse(SteadySocketException error, int code) {
      listener.onRefused(error, code);
    }

    public void fail(IOException e) {
      listener.onFailure(e, -1, null);
    }

    public void reject(int status, String retryAfter) {
      listener.onFailure(
          new ProtocolException("Expected HTTP 101 response but was '" + status + "'"), status, retryAfter);
    }

    /** The sent frames that are not heartbeats. */
    public List<String> sentMessages() {
      List<String> out = new ArrayList<>();
      for (String s : sent) if (!s.contains("\"type\":\"heartbeat\"")) out.add(s);
      return out;
    }

    public List<String> sentHeartbeats() {
      List<String> out = new ArrayList<>();
      for (String s : sent) if (s.contains("\"type\":\"heartbeat\"")) out.add(s);
      return out;
    }

    public void assertCancelled() {
      assertTrue(cancelled, "expected the transport to be cancelled");
    }
  }
}
