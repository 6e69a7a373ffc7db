package dev.steadysocket.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.DelayQueue;
import java.util.concurrent.Delayed;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A TCP relay on 127.0.0.1 that injects network faults between the client and a server:
 *
 * <ul>
 *   <li>{@link #blackholeAll()}: open links silently swallow everything, both ways, while both
 *       TCP connections stay up (a half-open link, as after a NAT or Wi-Fi drop);
 *   <li>{@link #resetDownstreamAfter(long)}: open links forward a few more bytes from the server,
 *       then reset both sides (RST in the middle of a frame);
 *   <li>{@link #latency(Duration)} and {@link #bandwidth(long)}: every byte is delayed, or
 *       trickles at a fixed rate, in each direction;
 *   <li>{@link #acceptThenClose(boolean)}: new connections are accepted and closed at once;
 *   <li>{@link #resetAll()}: open links are reset at once, the way a dying server, NAT or load
 *       balancer cuts them, while new connections are still relayed.
 * </ul>
 *
 * Each link has a reader and a writer thread per direction; the writer releases chunks from a
 * {@link DelayQueue} at their due time, so latency does not limit throughput. Every thread is a
 * daemon and ends when its sockets close; {@link #close()} closes them all and waits for them.
 */
public final class FaultProxy implements AutoCloseable {
  private static final int CHUNK = 16 * 1024;

  private final ServerSocket listener;
  private final InetSocketAddress upstream;
  private final Set<Link> links = ConcurrentHashMap.newKeySet();
  private final List<Thread> threads = new CopyOnWriteArrayList<>();
  private final BlockingQueue<Long> acceptNanos = new LinkedBlockingQueue<>();
  private volatile boolean acceptThenClose;
  private volatile long latencyNanos;
  private volatile long bytesPerSecond;

  public FaultProxy(InetSocketAddress upstream) throws IOException {
    this.upstream = upstream;
    this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    spawn("FaultProxy accept", this::acceptLoop);
  }

  public FaultProxy(int upstreamPort) throws IOException {
    this(new InetSocketAddress(InetAddress.getLoopbackAddress(), upstreamPort));
  }

  public int port() {
    return listener.getLocalPort();
  }

  public String url(String pathAndQuery) {
    return "ws://127.0.0.1:" + port() + pathAndQuery;
  }

  /** Waits for the next accepted connection; returns its System.nanoTime(), or -1 on timeout. */
  public long awaitAccept(Duration timeout) throws InterruptedException {
    Long t = acceptNanos.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
    return t == null ? -1 : t;
  }

  public void acceptThenClose(boolean on) {
    acceptThenClose = on;
  }

  /** One-way delay added to every chunk, in both directions. */
  public void latency(Duration oneWay) {
    latencyNanos = oneWay.toNanos();
  }

  /** Rate limit per direction; 0 = unlimited. */
  public void bandwidth(long bytesPerSecond) {
    this.bytesPerSecond = bytesPerSecond;
  }

  /** Open links from now on swallow everything both ways; their sockets stay open. */
  public void blackholeAll() {
    for (Link l : links) l.blackhole = true;
  }

  /** Open links are reset (RST) both ways now; connections made later are relayed as usual. */
  public void resetAll() {
    for (Link l : links) l.reset();
  }

  /** Open links forward {@code bytes} more bytes from the server, then reset both sides. */
  public void resetDownstreamAfter(long bytes) {
    for (Link l : links) l.resetAfter.set(bytes);
  }

  private void acceptLoop() {
    while (!listener.isClosed()) {
      Socket client;
      try {
        client = listener.accept();
      } catch (IOException e) {
        return; // listener closed
      }
      acceptNanos.add(System.nanoTime());
      if (acceptThenClose) {
        closeQuietly(client);
        continue;
      }
      Socket server = new Socket();
      try {
        server.connect(upstream, 2_000);
      } catch (IOException e) {
        closeQuietly(server);
        closeQuietly(client); // upstream down: the client sees the connection close
        continue;
      }
      Link link = new Link(client, server);
      links.add(link);
      link.start();
    }
  }

  private Thread spawn(String name, Runnable r) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    threads.add(t);
    t.start();
    return t;
  }

  /** Closes the listener and every link, and waits (bounded) for all their threads to end. */
  @Override
  public void close() {
    closeQuietly(listener);
    for (Link l : links) l.close();
    try {
      for (Thread t : threads) t.join(10_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void closeQuietly(java.io.Closeable c) {
    try {
      c.close();
    } catch (IOException ignored) {
      // already closed
    }
  }

  /** A chunk of bytes due at {@code due}; or, with no bytes, an instruction to end the link. */
  private static final class Chunk implements Delayed {
    final long due;
    final byte[] bytes;
    final boolean eof;
    final boolean reset;

    Chunk(long due, byte[] bytes, boolean eof, boolean reset) {
      this.due = due;
      this.bytes = bytes;
      this.eof = eof;
      this.reset = reset;
    }

    @Override
    public long getDelay(TimeUnit unit) {
      if (due == Long.MIN_VALUE) return -1; // a stop signal: due before everything
      return unit.convert(due - System.nanoTime(), TimeUnit.NANOSECONDS);
    }

    @Override
    public int compareTo(Delayed o) {
      return Long.compare(due, ((Chunk) o).due);
    }
  }

  /** One relayed connection: client and server sockets, and a pump per direction. */
  private final class Link {
    final Socket client;
    final Socket server;
    volatile boolean blackhole;
    /** Bytes still to forward from the server before a reset; -1: no reset planned. */
    final AtomicLong resetAfter = new AtomicLong(-1);
    /** The writers' queues, so that close() can stop them before their chunks fall due. */
    final List<DelayQueue<Chunk>> queues = new CopyOnWriteArrayList<>();

    Link(Socket client, Socket server) {
      this.client = client;
      this.server = server;
    }

    void start() {
      pump(client, server, false);
      pump(server, client, true);
    }

    private void pump(Socket from, Socket to, boolean downstream) {
      DelayQueue<Chunk> queue = new DelayQueue<>();
      queues.add(queue);
      long[] lastDue = {0};
      String dir = downstream ? "down" : "up";
      spawn("FaultProxy read " + dir, () -> {
        byte[] buf = new byte[CHUNK];
        try (InputStream in = from.getInputStream()) {
          for (int n; (n = in.read(buf)) != -1; ) {
            if (blackhole) continue;
            int forward = n;
            boolean resetNow = false;
            if (downstream) {
              long left = resetAfter.get();
              if (left >= 0) {
                forward = (int) Math.min(n, left);
                resetAfter.set(left - forward);
                resetNow = left - forward == 0;
              }
            }
            enqueue(queue, lastDue, buf, forward);
            if (resetNow) {
              queue.add(new Chunk(next(lastDue, System.nanoTime()), null, false, true));
              return;
            }
          }
        } catch (IOException ignored) {
          // closed, by us or by the peer
        } finally {
          queue.add(new Chunk(next(lastDue, System.nanoTime()), null, true, false));
        }
      });
      spawn("FaultProxy write " + dir, () -> {
        try (OutputStream out = to.getOutputStream()) {
          while (true) {
            Chunk c = queue.take();
            if (c.reset) {
              reset();
              return;
            }
            if (c.eof) return;
            out.write(c.bytes);
            out.flush();
          }
        } catch (IOException ignored) {
          // the other side is gone
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        } finally {
          close();
        }
      });
    }

    /** Splits the bytes into chunks due after the latency and, if throttled, at the rate. */
    private void enqueue(DelayQueue<Chunk> queue, long[] lastDue, byte[] buf, int n) {
      long rate = bytesPerSecond;
      int piece = rate > 0 ? (int) Math.max(256, Math.min(CHUNK, rate / 50)) : CHUNK;
      long arrival = System.nanoTime() + latencyNanos;
      for (int off = 0; off < n; off += piece) {
        int len = Math.min(piece, n - off);
        byte[] copy = new byte[len];
        System.arraycopy(buf, off, copy, 0, len);
        long due = Math.max(arrival, lastDue[0]);
        if (rate > 0) due += len * 1_000_000_000L / rate;
        queue.add(new Chunk(next(lastDue, due), copy, false, false));
      }
    }

    /** Due times strictly increase, so the DelayQueue keeps the byte order. */
    private long next(long[] lastDue, long due) {
      long d = Math.max(due, lastDue[0] + 1);
      lastDue[0] = d;
      return d;
    }

    void reset() {
      for (Socket s : new Socket[] {client, server}) {
        try {
          s.setSoLinger(true, 0); // close() now sends RST, not FIN
        } catch (IOException ignored) {
          // already closed
        }
      }
      close();
    }

    void close() {
      links.remove(this);
      closeQuietly(client);
      closeQuietly(server);
      for (DelayQueue<Chunk> q : queues) q.add(new Chunk(Long.MIN_VALUE, null, true, false)); // due at once
    }
  }
}
