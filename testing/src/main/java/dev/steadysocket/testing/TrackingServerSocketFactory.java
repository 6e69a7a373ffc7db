package dev.steadysocket.testing;

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
 * A server socket factory that keeps every socket MockWebServer accepts, so a connection can be cut
 * below WebSocket, and knows which socket a thread is serving: MockWebServer reads a connection's
 * requests, and then its WebSocket frames, on that connection's own thread, so the socket whose
 * stream the current thread last read is the one the request in hand arrived on. (Its connection
 * index is counted in another order, so it cannot name the socket.) Thread-safe.
 */
final class TrackingServerSocketFactory extends ServerSocketFactory {
  private final List<TrackedSocket> sockets = new ArrayList<>();

  /** The accepted socket the calling thread reads from, or null. */
  @Nullable Socket servedByCurrentThread() {
    Thread me = Thread.currentThread();
    synchronized (sockets) {
      for (TrackedSocket s : sockets) {
        if (s.reader == me) return s;
      }
    }
    return null;
  }

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

  @Override
  public ServerSocket createServerSocket(int port) {
    throw new UnsupportedOperationException("MockWebServer binds an unbound socket");
  }

  @Override
  public ServerSocket createServerSocket(int port, int backlog) {
    throw new UnsupportedOperationException("MockWebServer binds an unbound socket");
  }

  @Override
  public ServerSocket createServerSocket(int port, int backlog, InetAddress address) {
    throw new UnsupportedOperationException("MockWebServer binds an unbound socket");
  }

  /** A socket that remembers the thread that last read from it. */
  private static final class TrackedSocket extends Socket {
    volatile @Nullable Thread reader;

    @Override
    public InputStream getInputStream() throws IOException {
      return new FilterInputStream(super.getInputStream()) {
        @Override
        public int read() throws IOException {
          reader = Thread.currentThread();
          return super.read();
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
          reader = Thread.currentThread();
          return super.read(b, off, len);
        }
      };
    }
  }
}
