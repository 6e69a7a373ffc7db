package dev.steadysocket.bench.jmh;

import dev.steadysocket.ConnectionState;
import dev.steadysocket.Envelope;
import dev.steadysocket.Heartbeat;
import dev.steadysocket.MessageCodec;
import dev.steadysocket.SocketObserver;
import dev.steadysocket.SteadySocket;
import dev.steadysocket.SteadySocketBuilder;
import dev.steadysocket.SteadySocketListener;
import dev.steadysocket.bench.Codec;
import dev.steadysocket.testing.FakeServer;
import dev.steadysocket.testing.ServerConnection;
import dev.steadysocket.testing.TestClock;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * A real {@link SteadySocket} on one thread, on the test kit: its own in-memory {@link FakeServer},
 * whose {@link TestClock} runs the socket's loop, and listeners inline ({@code
 * callbackExecutor(Runnable::run)}, so a frame is decoded and delivered inside the clock task that
 * carries it, with no further task). No thread hand-off and no I/O.
 *
 * <p>What the kit adds is its in-memory link: each frame is one clock task and a few uncontended
 * locks. A frame is therefore compared only with a frame that crossed the same link: {@link
 * #rawOnLink} builds a socket whose codec does the raw OkHttp peer's {@code onMessage} work and
 * then reports a heartbeat echo, which the socket drops at once (heartbeats are disabled here, so
 * no round is waiting for it). See benchmarks/README.md, "JMH".
 *
 * <p>One thread: the benchmark's. Close it when done.
 */
final class Harness implements AutoCloseable {
  /** What the raw peer's codec returns to the socket: consumed by SteadySocket itself, never delivered. */
  private static final Envelope ECHO = Envelope.builder("heartbeat").build();

  final FakeServer server;
  final TestClock clock;
  final SteadySocket socket;
  /** The server's side of the socket's connection. */
  final ServerConnection connection;

  private Harness(FakeServer server, SteadySocketBuilder builder) {
    this.server = server;
    this.clock = server.clock();
    this.socket = builder.heartbeat(Heartbeat.disabled()).callbackExecutor(Runnable::run).build();
    socket.connect();
    clock.runUntilIdle();
    if (socket.state() != ConnectionState.OPEN) throw new IllegalStateException("not open: " + socket.state());
    this.connection = server.connection();
  }

  /** SteadySocket with its defaults but for the inline callbacks and no heartbeat: the path measured. */
  static Harness steady(FakeServer server, SteadySocketListener listener) {
    return new Harness(server, server.newSocket().listener(listener));
  }

  /** {@link #steady}, with {@code observer} installed ({@code builder.observer(…)}); null: none. */
  static Harness steady(FakeServer server, SteadySocketListener listener, SocketObserver.@Nullable Factory observer) {
    SteadySocketBuilder builder = server.newSocket().listener(listener);
    if (observer != null) builder.observer(observer);
    return new Harness(server, builder);
  }

  /**
   * The baseline on the same link: the socket's codec decodes each frame with the shared codec and
   * hands the envelope to {@code consumer} (what the raw OkHttp peer does in {@code onMessage}), so
   * the frame costs the link, that work, and SteadySocket's entry into its codec and nothing more.
   */
  static Harness rawOnLink(FakeServer server, Consumer<Envelope> consumer) {
    MessageCodec raw = new MessageCodec() {
      @Override
      public String encode(Envelope envelope) {
        return Codec.CODEC.encode(envelope);
      }

      @Override
      public Envelope decode(String text) {
        consumer.accept(Codec.CODEC.decode(text));
        return ECHO;
      }
    };
    return new Harness(server, server.newSocket().codec(raw));
  }

  /** The server sends {@code texts}, then the clock runs once: one task per frame reaches the socket's reader path. */
  void receive(List<String> texts) {
    for (int i = 0, n = texts.size(); i < n; i++) connection.sendRaw(texts.get(i));
    clock.runUntilIdle();
  }

  /**
   * From now on the link drops what the socket sends where it enters the link (after two lock
   * checks: no clock task, no server work, nothing kept), so {@code send} measures SteadySocket's
   * path up to its transport. The socket is not told (its heartbeat is off), and stays OPEN.
   */
  Harness sinkSends() {
    connection.goHalfOpen();
    return this;
  }

  @Override
  public void close() {
    socket.close();
    clock.advanceBy(Duration.ofMinutes(1)); // a half-open link never answers the close: let it time out
    server.close();
  }
}
