package dev.steadysocket.testing.server;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import javax.net.ServerSocketFactory;
import org.jspecify.annotations.Nullable;

/**
 * For MockWebServer ({@code setServerSocketFactory}): keeps every socket it accepts, so connections
 * can be cut below WebSocket as a network failure would ({@link #resetAll}; server-side OkHttp web
 * sockets have no {@code cancel()}), and knows which socket a thread is serving: MockWebServer reads a connection's
 * requests, and then its WebSocket frames, on that connection's own thread, so the socket whose
 * stream the current thread last read is the one the request in hand arrived on. (Its connection
 * index is counted in another order, so it cannot name the socket.) Thread-safe.
 */
public final class TrackingServerSocketFactory extends ServerSocketFactory {
  private final List<TrackedSocket> sockets = new ArrayList<>();

  /**
   * The accepted socket the calling thread reads from: call it on the thread MockWebServer serves a
   * connection on (in a {@code Dispatcher} or a server-side {@code WebSocketListener} callback).
   *
   * @return that socket, or null if the thread reads none
   */
  public @Nullable Socket servedByCurrentThread() {
    Thread me = Thread.currentThread();
    TrackedSocket latest = null;
    synchronized (sockets) {
      for (TrackedSocket s : sockets) {
        // MockWebServer's threads are pooled: one may have served an older connection before.
        if (s.reader == me && (latest == null || s.lastRead > latest.lastRead)) latest = s;
      }
    }
    return latest;
  }

  /**
   * Cuts every open connection with a TCP reset (SO_LINGER 0), without a close handshake. Any
   * thread; a socket already closed is skipped.
   */
  public void resetAll() {
    List<TrackedSocket> all;
    synchronized (sockets) {
      all = new ArrayList<>(sockets);
      sockets.clear();
    }
    for (Socket socket : all) {
      try {
        socket.setSoLinger(true, 0);
        socket.close();
      } catch (IOException ignored) {
        // already closed: nothing to reset
      }
    }
  }

  /** The unbound server socket MockWebServer binds itself; each accepted socket is kept. */
  @Override
  public ServerSocket createServerSocket() throws IOException {
    return new ServerSocket() {
      @Override
      public Socket accept() throws IOException {
        TrackedSocket socket = new TrackedSocket();
        implAccept(socket);
        synchronized (sockets) {
          sockets.removeIf(Socket::isClosed);
          sockets.add(socket);
        }
        return socket;
      }
    };
  }

  /** Not used by MockWebServer. @throws UnsupportedOperationException always */
  @Override
  public ServerSocket createServerSocket(int port) {
    throw new UnsupportedOperationException("MockWebServer binds an unbound socket");
  }

  /** Not used by MockWebServer. @throws UnsupportedOperationException always */
  @Override
  public ServerSocket createServerSocket(int port, int backlog) {
    throw new UnsupportedOperationException("MockWebServer binds an unbound socket");
  }

  /** Not used by MockWebServer. @throws UnsupportedOperationException always */
  @Override
  public ServerSocket createServerSocket(int port, int backlog, InetAddress address) {
    throw new UnsupportedOperationException("MockWebServer binds an unbound socket");
  }

  /** A socket that remembers the thread that last read from it. */
  private static final class TrackedSocket extends Socket {
    private static final java.util.concurrent.atomic.AtomicLong READS = new java.util.concurrent.atomic.AtomicLong();
    volatile @Nullable Thread reader;
    /** When it was last read, in the order of all reads: the newest read decides. */
    volatile long lastRead;

    private void reading() {
      reader = Thread.currentThread();
      lastRead = READS.incrementAndGet();
    }

    @Override
    public InputStream getInputStream() throws IOException {
      return new FilterInputStream(super.getInputStream()) {
        @Override
        public int read() throws IOException {
          reading();
          return super.read();
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
          reading();
          return super.read(b, off, len);
        }
      };
    }
  }
}
