package dev.steadysocket.testing;

import dev.steadysocket.Envelope;
import dev.steadysocket.testing.server.Envelopes;
import dev.steadysocket.testing.server.FeedEntry;
import dev.steadysocket.testing.server.FeedStream;
import dev.steadysocket.testing.server.ServerSession;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import okhttp3.Response;
import okhttp3.WebSocket;
import okhttp3.WebSocketListener;
import okio.ByteString;
import org.jspecify.annotations.Nullable;

/**
 * The server's side of one client connection to a {@link FakeServer}: what it received, and
 * commands to send to it or break it. Obtain it from {@link FakeServer#connection()} or {@link
 * FakeServer#connections()}.
 *
 * <p>Threads: every method may be called from any thread. What it received and whether it ended
 * are guarded by one lock; the rest is fixed at the handshake or volatile. In memory, a command
 * takes effect on the {@link TestClock} (run it to see the client react); on loopback, at once on
 * the real socket. Nothing here blocks the caller; on loopback a {@link #goHalfOpen() half-open}
 * connection holds its own reader thread until it ends or the server closes.
 */
public final class ServerConnection {
  /** How a connection's commands reach the wire: the in-memory link or a real socket. */
  interface Wire {
    /** The link starts losing what the server sends; in memory what the client sends too. */
    void halfOpen();

    /** Ends the TCP connection: {@code reset} with an RST, otherwise with a FIN. */
    void sever(boolean reset);
  }

  private final FakeServer server;
  private final int index;
  private final String path;
  private final Map<String, String> headers;
  private final ServerSession session;
  private final Wire wire;
  private final Object lock = new Object();
  /** Guarded by lock. */
  private final List<Envelope> received = new ArrayList<>();
  /** Guarded by lock: the close code the client sent, -1 for a failure, or null while open. */
  private @Nullable Integer ended;
  /** Guarded by lock: the code of the client's close frame as it arrived, else as {@link #ended}. */
  private @Nullable Integer closeCode;
  /** Guarded by lock: true once a half-open loopback connection's reader is held. */
  private boolean stalled;
  /** Released when the connection ends or the server closes: a loopback reader held by half-open waits on it. */
  private final CountDownLatch released = new CountDownLatch(1);
  /**
   * Counted down once the server's side is open (or ended): on loopback the client may see OPEN, and
   * the test command this connection, a moment before MockWebServer's onOpen; commands wait for it.
   */
  private final CountDownLatch opened = new CountDownLatch(1);
  private volatile boolean halfOpen;
  /** Set on the server's first callback (onOpen), before anything is received. */
  private volatile @Nullable WebSocket socket;

  ServerConnection(FakeServer server, int index, String path, Map<String, String> headers, ServerSession session,
      Wire wire) {
    this.server = server;
    this.index = index;
    this.path = path;
    this.headers = headers;
    this.session = session;
    this.wire = wire;
  }

  /**
   * This connection's place among those the server accepted.
   *
   * @return 0 for the first connection the server accepted, then 1, 2… (rejected and refused
   *     handshakes take no number)
   */
  public int index() {
    return index;
  }

  /**
   * The handshake's request target.
   *
   * @return the path and query as sent, still percent-encoded, such as {@code /feed?from=0}
   */
  public String path() {
    return path;
  }

  /**
   * A handshake request header, such as {@code Authorization} or {@code X-SteadySocket-Resume}.
   *
   * @param name the header's name, matched case-insensitively
   * @return its value (several values of one name joined with {@code ", "}), or null if the
   *     handshake had no such header
   */
  public @Nullable String header(String name) {
    for (Map.Entry<String, String> h : headers.entrySet()) {
      if (h.getKey().equalsIgnoreCase(name)) return h.getValue();
    }
    return null;
  }

  /**
   * Whether the connection is still up on the server's side.
   *
   * @return true until the close handshake finished or the connection failed (a connection in its
   *     close handshake, or half-open, is still open)
   */
  public boolean isOpen() {
    synchronized (lock) {
      return ended == null;
    }
  }

  /**
   * How the client ended this connection, as the server saw it first: for a wait on the server's
   * side (the client may still be in its close handshake).
   *
   * @return the code of the close frame the client sent, as soon as it arrived; -1 if the connection
   *     ended without one (a drop, reset or failure); null while neither happened
   */
  public @Nullable Integer closeCode() {
    synchronized (lock) {
      return closeCode;
    }
  }

  /**
   * Whether this {@link #goHalfOpen() half-open} connection has stopped reading, so that the
   * client's pings go unanswered. In memory that holds as soon as it went half-open; on loopback
   * once the server's reader is held at the first frame the client sent after that (pings before it
   * are still answered, and a client's ping may overtake its messages: wait for this first).
   *
   * @return true once the link no longer answers pings
   */
  public boolean isStalled() {
    synchronized (lock) {
      return stalled || (halfOpen && server.isInMemory());
    }
  }

  /**
   * The envelopes this connection received (heartbeats, resume frames and frames that are no
   * envelope left out), in order, repeats included.
   *
   * @return a new list
   */
  public List<Envelope> received() {
    synchronized (lock) {
      return new ArrayList<>(received);
    }
  }

  /**
   * Sends an envelope of {@code type} with a random id, the server's sender, no receiver, empty
   * {@code meta} and the real wall time as {@code timestamp}.
   *
   * @param type the envelope's {@code type}, sent as given
   * @param content the envelope's {@code content}, converted to JSON by Jackson; null sends JSON
   *     {@code null}
   * @return true if the frame was queued (half-open, it is then lost); false if the connection is
   *     not open yet, closing or gone, or (loopback) its send buffer is full
   * @throws IllegalArgumentException if Jackson cannot convert {@code content}
   */
  public boolean send(String type, @Nullable Object content) {
    return sendRaw(Envelopes.envelope(type, Envelopes.JSON.valueToTree(content), null, server.sender(), null,
        server.nowMillis()).toString());
  }

  /**
   * Sends {@code text} as one text frame, as it is (malformed input too): to test how the client
   * takes what is not an envelope.
   *
   * @param text the frame's payload, not checked
   * @return as for {@link #send}
   */
  public boolean sendRaw(String text) {
    awaitOpened();
    return session.send(text);
  }

  /**
   * Starts a close handshake with {@code code} and {@code reason}; {@link #isOpen()} turns false
   * once the client answered. Does nothing before the server's side has opened, or once it closed.
   *
   * @param code the close code the client receives; it decides what the socket does next (see
   *     docs/policies.md). Both modes refuse, as OkHttp does, one outside 1000 to 4999 or reserved
   *     (1004 to 1006, 1015 to 2999)
   * @param reason the close reason, at most 123 UTF-8 bytes; may be empty
   * @throws IllegalArgumentException if {@code code} or {@code reason} is refused (not checked
   *     while half-open, when nothing is sent)
   */
  public void close(int code, String reason) {
    awaitOpened();
    WebSocket ws = socket;
    if (ws != null) ws.close(code, reason);
  }

  /**
   * Ends the TCP connection with a FIN, without a close frame: the client reads an end of stream,
   * after the frames the server already sent. Also ends a {@link #goHalfOpen() half-open}
   * connection. Does nothing once the connection is gone.
   */
  public void drop() {
    awaitOpened();
    released.countDown();
    wire.sever(false);
  }

  /**
   * Ends the TCP connection with an RST: the client sees "connection reset"; frames in flight either
   * way are lost. Does nothing once the connection is gone.
   */
  public void reset() {
    awaitOpened();
    released.countDown();
    wire.sever(true);
  }

  /**
   * The link goes silent both ways without telling either end: nothing the server sends arrives,
   * nothing the client sends (pings included) is read. Only the client's dead-link detection or a
   * {@link #drop()} ends it. In memory this holds at once; on loopback the server stops reading at
   * the next text frame the client sends (pings until then are still answered by the server's
   * reader). There is no way back.
   */
  public void goHalfOpen() {
    awaitOpened();
    halfOpen = true;
    wire.halfOpen();
  }

  /**
   * Sends the newest {@code count} entries of {@code stream} again, as a server replaying history
   * to a client that already has them (its de-duplication should drop the repeats). They go out
   * whatever the session's per-entry filter says and whether or not its streams have started.
   *
   * @param stream the stream's name
   * @param count how many of the newest entries to send, not negative; more than the stream keeps
   *     sends all it keeps
   * @throws IllegalArgumentException if the server has no such stream
   */
  public void replay(String stream, int count) {
    if (count < 0) throw new IllegalArgumentException("count < 0: " + count);
    FeedStream s = server.stream(stream);
    for (FeedEntry e : s.recent(count)) sendRaw(e.text());
  }

  @Override
  public String toString() {
    return "ServerConnection{#" + index + " " + path + (isOpen() ? ", open" : ", ended") + "}";
  }

  /**
   * The listener MockWebServer or the in-memory link calls: records, then hands over to the protocol
   * session. Called on the thread carrying this connection's frames, one callback at a time.
   */
  WebSocketListener listener() {
    return new WebSocketListener() {
      @Override
      public void onOpen(WebSocket webSocket, Response response) {
        SilentWhenHalfOpen gated = new SilentWhenHalfOpen(webSocket, () -> halfOpen);
        socket = gated;
        session.onOpen(gated, response);
        opened.countDown(); // after the session has its socket: commands go through it
      }

      @Override
      public void onMessage(WebSocket webSocket, String text) {
        if (halfOpen) {
          stall(); // loopback: stop reading, so pings go unanswered too
          return;
        }
        Envelope e = server.state.record(text);
        if (e != null) {
          synchronized (lock) {
            received.add(e);
          }
        }
        session.onMessage(webSocket, text);
        if (e != null) server.state.handled(ServerConnection.this, e);
      }

      @Override
      public void onMessage(WebSocket webSocket, ByteString bytes) {
        if (halfOpen) {
          stall();
          return;
        }
        session.onMessage(webSocket, bytes);
      }

      @Override
      public void onClosing(WebSocket webSocket, int code, String reason) {
        synchronized (lock) {
          if (closeCode == null) closeCode = code;
        }
        server.state.changed();
        session.onClosing(webSocket, code, reason);
      }

      @Override
      public void onClosed(WebSocket webSocket, int code, String reason) {
        end(code);
        session.onClosed(webSocket, code, reason);
      }

      @Override
      public void onFailure(WebSocket webSocket, Throwable t, @Nullable Response response) {
        end(-1);
        session.onFailure(webSocket, t, response);
      }
    };
  }

  /** Lets a loopback reader held by half-open go (the server is closing). */
  void release() {
    released.countDown();
  }

  /** Waits (bounded) until the server's side is open or ended; at once in memory, where both happen in one task. */
  private void awaitOpened() {
    try {
      opened.await(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void awaitRelease() {
    try {
      released.await(10, TimeUnit.MINUTES); // bounded: a forgotten connection cannot hold a thread forever
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** A half-open loopback reader: held here (until the connection ends or the server closes). */
  private void stall() {
    synchronized (lock) {
      stalled = true;
    }
    server.state.changed();
    awaitRelease();
  }

  private void end(int code) {
    synchronized (lock) {
      if (ended == null) ended = code;
      if (closeCode == null) closeCode = code;
    }
    released.countDown();
    opened.countDown();
    server.state.ended(this);
  }
}
