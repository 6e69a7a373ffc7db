package dev.steadysocket.bench.peers;

import dev.steadysocket.Envelope;
import java.util.List;
import java.util.function.Consumer;

/**
 * One WebSocket client under test. Every peer does the same work: it decodes each text frame into
 * an {@link Envelope} with the shared codec ({@link dev.steadysocket.bench.Codec}) and hands it to
 * the same consumer; it encodes outgoing envelopes with the same codec.
 */
public interface Peer {
  String name();

  /** Connects to {@code url} and returns once the connection is open. */
  Client open(String url, Consumer<Envelope> onMessage) throws Exception;

  /** An open connection. */
  interface Client extends AutoCloseable {
    /**
     * Encodes and sends {@code envelope}. Blocks, by this client's own means, while its send
     * buffer is full, so that a fast producer never makes it fail or drop.
     */
    void send(Envelope envelope) throws Exception;

    /** Closes gracefully and waits (briefly) for the close to finish. */
    @Override
    void close();
  }

  /** The four peers of the issue, raw OkHttp first (the floor every ratio is taken against). */
  static List<Peer> all() {
    return List.of(new OkHttpPeer(), new SteadySocketPeer(), new JdkPeer(), new JavaWebSocketPeer());
  }

  /** The peers of the issue plus the diagnostic {@code steadysocket-inline}. */
  static List<Peer> withDiagnostics() {
    return List.of(new OkHttpPeer(), new SteadySocketPeer(), new JdkPeer(), new JavaWebSocketPeer(),
        new SteadySocketPeer(true));
  }

  /**
   * Raw OkHttp, then SteadySocket without an observer and with each {@link Instrumentation}:
   * {@code steadysocket+counting}, {@code +micrometer}, {@code +otel}, {@code +otel-receive}.
   */
  static List<Peer> observed() {
    List<Peer> peers = new java.util.ArrayList<>(List.of(new OkHttpPeer()));
    for (Instrumentation i : Instrumentation.values()) peers.add(new SteadySocketPeer(i));
    return peers;
  }

  static Peer byName(String name) {
    for (Peer p : withDiagnostics()) if (p.name().equals(name)) return p;
    for (Instrumentation i : Instrumentation.values()) {
      if (!i.suffix().isEmpty() && name.equals("steadysocket" + i.suffix())) return new SteadySocketPeer(i);
    }
    throw new IllegalArgumentException("no peer " + name);
  }
}
