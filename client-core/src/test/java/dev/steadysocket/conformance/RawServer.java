package dev.steadysocket.conformance;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The conformance suite's raw RFC 6455 server on 127.0.0.1 (port 0): accepts connections, each a
 * {@link Peer} that performs the handshake itself, answers {@code extensions} as its {@code
 * Sec-WebSocket-Extensions} and runs the case's {@link Peer.Script}.
 *
 * <p>Bounded: at most {@link #MAX_CONNECTIONS} connections (a client that reconnects shows up as
 * a second one, which the judge sees) and {@link #MAX_LIFETIME_MILLIS} of life, after which it
 * closes itself; {@link #close()} closes the listening socket and every connection.
 *
 * <p><b>Threading:</b> one daemon acceptor thread; each peer has a daemon script thread and a
 * daemon reader thread; {@link #close} and the getters from the test's thread.
 */
final class RawServer implements AutoCloseable {
  static final int MAX_CONNECTIONS = 4;
  static final long MAX_LIFETIME_MILLIS = 60_000;

  private final ServerSocket server;
  private final String extensions;
  private final Peer.Script script;
  private final Thread acceptor;
  private final long deadlineNanos;
  final List<Peer> peers = new CopyOnWriteArrayList<>();
  private final CountDownLatch firstPeer = new CountDownLatch(1);
  private volatile boolean closed;

  RawServer(String extensions, Peer.Script script) throws IOException {
    this.extensions = extensions;
    this.script = script;
    ServerSocket ss = new ServerSocket();
    ss.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 8);
    ss.setSoTimeout(100);
    this.server = ss;
    this.deadlineNanos = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(MAX_LIFETIME_MILLIS);
    this.acceptor = new Thread(this::acceptLoop, "conformance-acceptor");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  String url() {
    return "ws://127.0.0.1:" + server.getLocalPort() + "/";
  }

  private void acceptLoop() {
    try {
      while (!closed && System.nanoTime() < deadlineNanos && peers.size() < MAX_CONNECTIONS) {
        Socket s;
        try {
          s = server.accept();
        } catch (SocketTimeoutException e) {
          continue;
        }
        Peer p = new Peer(peers.size(), s, extensions, script, deadlineNanos);
        peers.add(p);
        firstPeer.countDown();
        if (closed) p.close();
        else p.start();
      }
      // Lifetime over: the script threads notice the deadline; make sure every socket ends.
      while (!closed && System.nanoTime() < deadlineNanos) {
        try {
          server.accept().close(); // over the connection limit: refused
        } catch (SocketTimeoutException e) {
          // keep waiting for the deadline or close()
        }
      }
    } catch (IOException e) {
      // the listening socket was closed
    } finally {
      close();
    }
  }

  /** The first connection, once accepted, or null after {@code millis}. */
  Peer awaitPeer(long millis) throws InterruptedException {
    firstPeer.await(millis, TimeUnit.MILLISECONDS);
    return peers.isEmpty() ? null : peers.get(0);
  }

  @Override
  public void close() {
    closed = true;
    try {
      server.close();
    } catch (IOException ignored) {
      // closing
    }
    for (Peer p : peers) p.close();
  }

  /** Waits for the acceptor to end (after close()); for the leak check. */
  void join(long millis) throws InterruptedException {
    acceptor.join(millis);
    for (Peer p : peers) p.join(millis);
  }
}
