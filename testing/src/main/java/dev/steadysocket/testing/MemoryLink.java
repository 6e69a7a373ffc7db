package dev.steadysocket.testing;

import dev.steadysocket.internal.Transport;
import java.io.EOFException;
import java.io.IOException;
import java.net.SocketException;
import okhttp3.Request;
import okhttp3.WebSocket;
import okhttp3.WebSocketListener;
import okio.ByteString;
import org.jspecify.annotations.Nullable;

/**
 * One in-memory WebSocket connection: the client's end is the core's {@link Transport}, the
 * server's end an OkHttp {@link WebSocket} handed to the server's listener, as MockWebServer would.
 * Frames travel on the {@link TestClock}, one per task in each direction, so the listener callbacks
 * a frame causes run before the next frame arrives (the core's inbound back-pressure, which would
 * hold a reader thread, never engages on the single test thread).
 *
 * <p>Close handshakes follow OkHttp: a close frame received is reported with {@code onClosing}
 * (the client's end answers it, as the core's OkHttp transport does); {@code onClosed} follows once
 * a close frame went each way. A severed link (drop, reset, cancel) reports one failure to each
 * end that had not finished. Half-open: everything sent either way from then on is lost, pings
 * included, and neither end is told.
 *
 * <p>Threads: any thread may call; state is guarded by {@code lock}; callbacks run on clock tasks,
 * never under the lock.
 */
final class MemoryLink implements ServerConnection.Wire {
  private final TestClock clock;
  private final Request handshake;
  private final Object lock = new Object();
  final ClientEnd client = new ClientEnd();
  final ServerEnd server = new ServerEnd();

  private final Transport.Listener clientListener;
  /** The socket's inbound message limit, enforced here as the OkHttp transport's guard enforces it. */
  private final long maxInbound;
  /** The subprotocol the server chose, set before the client's onOpen. */
  private volatile @Nullable String subprotocol;
  /** Set once the server accepted, before any frame moves. */
  private volatile @Nullable WebSocketListener serverListener;

  /** Guarded by lock. */
  private boolean halfOpen;
  /** Guarded by lock: true once dropped, reset or cancelled: nothing moves any more. */
  private boolean severed;
  /** Guarded by lock: the server closed its TCP socket (a drop): it reads nothing more, even before the client knows. */
  private boolean serverGone;
  /** Guarded by lock. */
  private boolean clientSentClose, clientGotClose, serverSentClose, serverGotClose;
  /** Guarded by lock: whether each end was told it ended (onClosed or onFailure). */
  private boolean clientEnded, serverEnded;
  /** Guarded by lock: the close frame each end received. */
  private int clientCloseCode, serverCloseCode;
  private String clientCloseReason = "", serverCloseReason = "";
  /** Guarded by lock. */
  private long pongs;
  /** Frames on their way to each end. */
  private final FramePump toClient, toServer;

  MemoryLink(TestClock clock, Request handshake, long maxInbound, Transport.Listener clientListener) {
    this.clock = clock;
    this.toClient = new FramePump(clock);
    this.toServer = new FramePump(clock);
    this.maxInbound = maxInbound;
    this.handshake = handshake;
    this.clientListener = clientListener;
  }

  /** The server accepted: both ends open (server first, so what it sends in onOpen follows the client's onOpen). */
  void open(WebSocketListener listener, @Nullable String subprotocol) {
    serverListener = listener;
    this.subprotocol = subprotocol;
    okhttp3.Response.Builder answer = new okhttp3.Response.Builder().request(handshake)
        .protocol(okhttp3.Protocol.HTTP_1_1).code(101).message("Switching Protocols");
    if (subprotocol != null) answer.header("Sec-WebSocket-Protocol", subprotocol);
    listener.onOpen(server, answer.build());
    clientListener.onOpen();
  }

  /** OkHttp's rules for a close frame it sends (RealWebSocket's validateCloseCode), so both modes refuse alike. */
  static void checkClose(int code, @Nullable String reason) {
    if (code < 1000 || code >= 5000) throw new IllegalArgumentException("Code must be in range [1000,5000): " + code);
    if ((code >= 1004 && code <= 1006) || (code >= 1015 && code <= 2999)) {
      throw new IllegalArgumentException("Code " + code + " is reserved and may not be used.");
    }
    if (reason != null && okio.ByteString.encodeUtf8(reason).size() > 123) {
      throw new IllegalArgumentException("reason.size() > 123: " + reason);
    }
  }

  /** True once the client cancelled (or the link was severed) before or after opening. */
  boolean cancelled() {
    synchronized (lock) {
      return severed;
    }
  }

  /** Everything sent from now on, either way, is lost; neither end notices. */
  @Override
  public void halfOpen() {
    synchronized (lock) {
      halfOpen = true;
      toClient.clear();
      toServer.clear();
    }
  }

  /**
   * Ends the connection without a close handshake: {@code reset} fails both ends at once with
   * "Connection reset" (frames in flight are lost); otherwise the client reads an end of stream
   * after the frames already on their way (a FIN).
   */
  @Override
  public void sever(boolean reset) {
    IOException clientSees = reset ? new SocketException("Connection reset") : new EOFException("end of stream (FIN)");
    synchronized (lock) {
      if (severed) return;
      serverGone = true;
      if (reset) {
        severed = true;
        toClient.clear();
        toServer.clear();
      } else {
        toServer.clear();
      }
    }
    if (reset) {
      clock.executor().execute(() -> failBoth(clientSees, new SocketException("Connection reset")));
    } else {
      Runnable fin = () -> {
        synchronized (lock) {
          severed = true;
        }
        failBoth(clientSees, new EOFException("closed by the server (FIN)"));
      };
      boolean silent;
      synchronized (lock) {
        silent = halfOpen;
      }
      // After the frames on their way; on a half-open link nothing is on its way, and the test
      // that drops it wants it gone: the end arrives at once.
      if (silent) clock.executor().execute(fin);
      else enqueue(true, fin);
    }
  }

  private void failBoth(IOException client, IOException server) {
    boolean tellClient, tellServer;
    synchronized (lock) {
      tellClient = !clientEnded;
      tellServer = !serverEnded && serverListener != null;
      clientEnded = serverEnded = true;
    }
    if (tellServer) serverListener.onFailure(this.server, server, null);
    if (tellClient) clientListener.onFailure(client, -1, null);
  }

  /** Queues {@code frame} for the client ({@code toClientSide}) or the server; lost if the link is half-open. */
  private void enqueue(boolean toClientSide, Runnable frame) {
    synchronized (lock) {
      if (halfOpen) return;
    }
    (toClientSide ? toClient : toServer).add(frame);
  }

  /** The client's reader takes data frames: not after the link ended or a close frame arrived. */
  private boolean clientReads() {
    synchronized (lock) {
      return !severed && !clientGotClose;
    }
  }

  /**
   * As the OkHttp transport's guard does with a message over the limit: it ends the message with a
   * close frame of its own (1009), the client answers it to the server, reports the refusal, and
   * the connection is finished on the client's side.
   */
  private void refuseTooLarge(long bytes) {
    synchronized (lock) {
      if (severed || clientEnded || clientGotClose) return;
      clientGotClose = true;
      clientCloseCode = 1009;
      clientCloseReason = "message too large";
    }
    client.sendClose(1009, "");
    clientListener.onRefused(dev.steadysocket.internal.Api.get().messageTooLarge("the server sent a message of "
        + bytes + " bytes; the limit is " + maxInbound + " (SteadySocketBuilder.maxInboundMessageSize)"), 1009);
    finish();
  }

  private boolean serverReads() {
    synchronized (lock) {
      return !severed && !serverGone;
    }
  }

  /** A close frame reached the client: answer it (as the core's OkHttp transport does), report, finish. */
  private void clientReceivesClose(int code, String reason) {
    boolean answer;
    synchronized (lock) {
      if (severed || clientEnded) return;
      clientGotClose = true;
      clientCloseCode = code;
      clientCloseReason = reason;
      answer = !clientSentClose;
    }
    if (answer) client.sendClose(code == 1005 ? 1000 : code, ""); // finished below, after onClosing
    clientListener.onClosing(code, reason);
    finish();
  }

  private void serverReceivesClose(int code, String reason) {
    WebSocketListener l = serverListener;
    synchronized (lock) {
      if (severed || serverGone || serverEnded || l == null) return;
      serverGotClose = true;
      serverCloseCode = code;
      serverCloseReason = reason;
    }
    l.onClosing(server, code, reason);
    finish();
  }

  /** Reports onClosed to each end that has sent a close frame and received one, with the code it received. */
  private void finish() {
    boolean tellClient, tellServer;
    synchronized (lock) {
      tellClient = !clientEnded && clientSentClose && clientGotClose;
      tellServer = !serverEnded && serverSentClose && serverGotClose;
      if (tellClient) clientEnded = true;
      if (tellServer) serverEnded = true;
    }
    if (tellServer) serverListener.onClosed(server, serverCloseCode, serverCloseReason);
    if (tellClient) clientListener.onClosed(clientCloseCode, clientCloseReason);
  }

  /** The core's view of the connection. */
  final class ClientEnd implements Transport {
    @Override
    public @Nullable String subprotocol() {
      return subprotocol;
    }

    @Override
    public boolean send(String text) {
      synchronized (lock) {
        if (severed || clientSentClose) return false;
      }
      enqueue(false, () -> {
        if (serverReads()) serverListener.onMessage(server, text);
      });
      return true;
    }

    @Override
    public boolean sendBinary(byte[] bytes) {
      synchronized (lock) {
        if (severed || clientSentClose) return false;
      }
      ByteString copy = ByteString.of(bytes);
      enqueue(false, () -> {
        if (serverReads()) serverListener.onMessage(server, copy);
      });
      return true;
    }

    @Override
    public long queueSize() {
      return 0;
    }

    @Override
    public long pongCount() {
      synchronized (lock) {
        return pongs;
      }
    }

    /**
     * The server's reader answers every ping it reads, as OkHttp's does; the client's reader counts
     * the pong and reports it ({@code onPong}, outside the lock), as the core's OkHttp transport's
     * frame guard does, so the core times pongs in memory too.
     */
    @Override
    public boolean ping() {
      synchronized (lock) {
        if (severed || clientSentClose) return false;
      }
      enqueue(false, () -> {
        if (serverReads()) {
          enqueue(true, () -> {
            boolean counted;
            synchronized (lock) {
              counted = !severed;
              if (counted) pongs++;
            }
            if (counted) clientListener.onPong();
          });
        }
      });
      return true;
    }

    @Override
    public void close(int code, String reason) {
      if (sendClose(code, reason)) finish();
    }

    /** Queues the client's close frame; false if one was sent already or the link is gone. */
    private boolean sendClose(int code, String reason) {
      synchronized (lock) {
        if (severed || clientSentClose) return false;
        clientSentClose = true;
      }
      enqueue(false, () -> serverReceivesClose(code, reason));
      return true;
    }

    @Override
    public void cancel() {
      synchronized (lock) {
        if (severed) return;
        severed = true;
        toClient.clear();
        toServer.clear();
      }
      clock.executor().execute(() -> failBoth(new IOException("Canceled"), new EOFException("the client went away")));
    }
  }

  /** The server's view, as MockWebServer hands it to a {@link WebSocketListener}. */
  final class ServerEnd implements WebSocket {
    @Override
    public Request request() {
      return handshake;
    }

    @Override
    public long queueSize() {
      return 0;
    }

    @Override
    public boolean send(String text) {
      synchronized (lock) {
        if (severed || serverSentClose) return false;
      }
      long size = okio.ByteString.encodeUtf8(text).size();
      enqueue(true, () -> {
        if (!clientReads()) return;
        if (size > maxInbound) refuseTooLarge(size);
        else clientListener.onText(text);
      });
      return true;
    }

    @Override
    public boolean send(ByteString bytes) {
      synchronized (lock) {
        if (severed || serverSentClose) return false;
      }
      byte[] copy = bytes.toByteArray();
      enqueue(true, () -> {
        if (!clientReads()) return;
        if (copy.length > maxInbound) refuseTooLarge(copy.length);
        else clientListener.onBinary(copy);
      });
      return true;
    }

    @Override
    public boolean close(int code, @Nullable String reason) {
      checkClose(code, reason);
      synchronized (lock) {
        if (severed || serverSentClose) return false;
        serverSentClose = true;
      }
      String r = reason == null ? "" : reason;
      enqueue(true, () -> clientReceivesClose(code, r));
      finish();
      return true;
    }

    /** The server walks away: the client reads an end of stream. */
    @Override
    public void cancel() {
      sever(false);
    }
  }
}
