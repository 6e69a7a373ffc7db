package dev.steadysocket.samples;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import javax.net.ServerSocketFactory;

/** A server socket factory that records every accepted socket, so they can be cut below WebSocket. */
final class TrackingServerSocketFactory extends ServerSocketFactory {
  /** Added to by the accepting thread, emptied by {@link #resetAll}. */
  private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();

  /**
   * Cuts every accepted connection without a close handshake, as a network failure would: the TCP
   * sockets are reset (SO_LINGER 0), since server-side OkHttp web sockets have no {@code cancel()}.
   */
  void resetAll() {
    for (Socket socket : sockets) {
      sockets.remove(socket);
      try {
        socket.setSoLinger(true, 0);
      } catch (IOException ignored) {
        // Already closed: nothing to reset.
      }
      try {
        socket.close();
      } catch (IOException ignored) {
        // Closing is all we want; a failure to do so cleanly changes nothing.
      }
    }
  }

  @Override
  public ServerSocket createServerSocket() throws IOException {
    return new ServerSocket() {
      @Override
      public Socket accept() throws IOException {
        Socket socket = new Socket();
        implAccept(socket);
        sockets.add(socket);
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
}
