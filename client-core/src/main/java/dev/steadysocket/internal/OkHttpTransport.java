package dev.steadysocket.internal;

import dev.steadysocket.Compression;
import dev.steadysocket.SteadySocketException;
import java.io.IOException;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import okhttp3.Response;
import okhttp3.WebSocket;
import okhttp3.WebSocketListener;
import okio.ByteString;
import org.jspecify.annotations.Nullable;

/**
 * A {@link Transport} on an OkHttp {@link WebSocket}, whose upgraded socket is wrapped in a {@link
 * GuardedSocket} (by {@link OkHttpTransportFactory}'s interceptor) for limits, pong counts and our
 * own pings.
 */
final class OkHttpTransport extends WebSocketListener implements Transport, GuardEvents {
  private final Transport.Listener listener;
  private final Executor dispatch;
  /** Null only until {@link Factory#connect} assigns it, before any callback can matter. */
  @Nullable WebSocket webSocket;
  /** Set on OkHttp's dispatcher thread during the handshake; null until the 101 response. */
  volatile @Nullable GuardedSocket guard;
  /** Set on the reader thread when the guard refused what the server sent. */
  private volatile @Nullable SteadySocketException refused;

  private volatile int refusedCode;
  /** Set by {@link #endedMidMessage}; OkHttp's reader thread only. */
  private boolean dropNextMessage;

  private final AtomicBoolean pinging = new AtomicBoolean();
  /** Set during the handshake, before onOpen. */
  private volatile @Nullable String subprotocol;

  private volatile String extensions = "";
  private volatile Compression compression = Compression.disabled();

  OkHttpTransport(Transport.Listener listener, Executor dispatch) {
    this.listener = listener;
    this.dispatch = dispatch;
  }

  /** The handshake's outcome, recorded by the factory's interceptor before OkHttp reports OPEN. */
  void negotiated(@Nullable String subprotocol, String extensions, Compression compression) {
    this.subprotocol = subprotocol;
    this.extensions = extensions;
    this.compression = compression;
  }

  @Override
  public @Nullable String subprotocol() {
    return subprotocol;
  }

  @Override
  public String extensions() {
    return extensions;
  }

  @Override
  public Compression compression() {
    return compression;
  }

  /** The guard's report, on the reader thread, just before OkHttp reads the synthetic close frame. */
  @Override
  public void tripped(SteadySocketException error, int closeCode) {
    refusedCode = closeCode;
    refused = error;
  }

  /** On the reader thread: a pong, timed by the connection if it answers its ping. */
  @Override
  public void pong() {
    listener.onPong();
  }

  /** On the reader thread, before OkHttp delivers the message the guard ended unfinished. */
  @Override
  public void endedMidMessage() {
    dropNextMessage = true;
  }

  /** Whether this message is the one the guard ended unfinished (reader thread only). */
  private boolean unfinished() {
    boolean drop = dropNextMessage;
    dropNextMessage = false;
    return drop;
  }

  @Override
  public boolean send(String text) {
    return webSocket().send(text);
  }

  @Override
  public boolean sendBinary(byte[] bytes) {
    return webSocket().send(ByteString.of(bytes));
  }

  @Override
  public long queueSize() {
    return webSocket().queueSize();
  }

  /** Pings count as signs of life too: a server that pings is there. */
  @Override
  public long pongCount() {
    GuardedSocket g = guard;
    return g == null ? -1 : g.inbound.pongsReceived + g.inbound.pingsReceived;
  }

  /** Writes the ping on a dispatch thread (the write may block on the network); one at a time. */
  @Override
  public boolean ping() {
    GuardedSocket g = guard;
    if (g == null) return false;
    if (!pinging.compareAndSet(false, true)) return true; // the previous one is still being written
    try {
      dispatch.execute(() -> {
        try {
          g.outbound.ping();
        } catch (IOException e) {
          // the writer meets the same failure and reports it
        } finally {
          pinging.set(false);
        }
      });
    } catch (RuntimeException noThread) {
      pinging.set(false);
      return false;
    }
    return true;
  }

  @Override
  public void close(int code, String reason) {
    webSocket().close(code, reason);
  }

  @Override
  public void cancel() {
    webSocket().cancel();
  }

  private WebSocket webSocket() {
    WebSocket ws = webSocket;
    if (ws == null) throw new IllegalStateException("not connected");
    return ws;
  }

  @Override
  public void onOpen(WebSocket webSocket, Response response) {
    listener.onOpen();
  }

  @Override
  public void onMessage(WebSocket webSocket, String text) {
    if (unfinished() || refused != null) return; // ended before a close, or after a refusal
    listener.onText(text);
  }

  @Override
  public void onMessage(WebSocket webSocket, ByteString bytes) {
    if (unfinished() || refused != null) return; // ended before a close, or after a refusal
    listener.onBinary(bytes.toByteArray());
  }

  @Override
  public void onClosing(WebSocket webSocket, int code, String reason) {
    // OkHttp leaves answering the close frame to us; without it the connection lingers until
    // OkHttp's own close timeout. 1005/1006 mean "no code" and may not be sent back.
    webSocket.close(Closes.isSendable(code) ? code : 1000, null);
    SteadySocketException error = refused;
    if (error != null) listener.onRefused(error, refusedCode); // the "close frame" was the guard's
    else listener.onClosing(code, reason);
  }

  @Override
  public void onClosed(WebSocket webSocket, int code, String reason) {
    listener.onClosed(code, reason);
  }

  @Override
  public void onFailure(WebSocket webSocket, Throwable t, @Nullable Response response) {
    int status = response != null ? response.code() : -1;
    String retryAfter = response != null ? response.header("Retry-After") : null;
    if (t instanceof HandshakePasses.StatusNotFollowed) { // the response OkHttp closed or lost
      status = ((HandshakePasses.StatusNotFollowed) t).status;
      retryAfter = ((HandshakePasses.StatusNotFollowed) t).retryAfter;
    }
    listener.onFailure(t, status, retryAfter);
  }
}
