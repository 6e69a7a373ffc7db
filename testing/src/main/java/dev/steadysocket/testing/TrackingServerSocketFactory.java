package dev.steadysocket.testing;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import javax.net.ServerSocketFactory;

/** A server socket factory that records every accepted socket, so they can be cut below WebSocket. */
final class TrackingServerSocketFactory extends ServerSocketFactory {
  private final List<Socket> sockets;

  TrackingServerSocketFactory(List<Socket> sockets) {
    this.sockets = sockets;
  }

  @Override
  public ServerSocket createServerSocket() throws IOException {
    return new ServerSocket() {
      @Override
      public Socket accept() throws IOException {
        Socket socket = new Socket();
        implAccept(socket);
        synchronized (sockets) {
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
}
