package dev.steadysocket;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A TCP relay on 127.0.0.1 between the client and a server. {@link #dropAll()} kills every relayed
 * connection with a reset, the way a dying server, NAT or load balancer does, while the listener
 * stays up so the client can reconnect through it. Threads are daemons and end with their sockets.
 */
final class TcpProxy implements AutoCloseable {
  private final ServerSocket listener;
  private final InetSocketAddress upstream;
  private final List<Socket> sockets = new CopyOnWriteArrayList<>();

  TcpProxy(InetSocketAddress upstream) throws IOException {
    this.upstream = upstream;
    this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread acceptor = new Thread(this::acceptLoop, "TcpProxy accept");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  int port() {
    return listener.getLocalPort();
  }

  private void acceptLoop() {
    while (!listener.isClosed()) {
      try {
        Socket client = listener.accept();
        Socket server = new Socket(upstream.getAddress(), upstream.getPort());
        sockets.add(client);
        sockets.add(server);
        pipe(client, server);
        pipe(server, client);
      } catch (IOException e) {
        return; // listener closed
      }
    }
  }

  private void pipe(Socket from, Socket to) {
    Thread t = new Thread(() -> {
      byte[] buf = new byte[8192];
      try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
        for (int n; (n = in.read(buf)) != -1; ) out.write(buf, 0, n);
      } catch (IOException ignored) {
        // one side went away; the other is closed below
      } finally {
        closeQuietly(from);
        closeQuietly(to);
      }
    }, "TcpProxy pipe");
    t.setDaemon(true);
    t.start();
  }

  /** Resets every open connection; new ones are still accepted. */
  void dropAll() {
    List<Socket> victims = new java.util.ArrayList<>(sockets);
    // Only these: a reconnect may already be relaying new sockets while we close the old ones.
    sockets.removeAll(victims);
    for (Socket s : victims) {
      try {
        s.setSoLinger(true, 0); // RST, not FIN
      } catch (IOException ignored) {
        // already closed
      }
      closeQuietly(s);
    }
  }

  @Override
  public void close() {
    closeQuietly(listener);
    dropAll();
  }

  private static void closeQuietly(java.io.Closeable c) {
    try {
      c.close();
    } catch (IOException ignored) {
      // nothing to do
    }
  }
}
