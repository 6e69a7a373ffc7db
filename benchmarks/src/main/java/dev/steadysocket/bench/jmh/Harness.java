package dev.steadysocket.bench.jmh;

import dev.steadysocket.SteadySocketBuilder;
import dev.steadysocket.BenchSeams;
import dev.steadysocket.ConnectionState;
import dev.steadysocket.Heartbeat;
import dev.steadysocket.SteadySocket;
import dev.steadysocket.SteadySocketListener;
import dev.steadysocket.internal.Scheduler;
import dev.steadysocket.internal.Transport;

/**
 * A real {@link SteadySocket} (ConnectionLoop, ListenerBus, SerialExecutor) on one thread: the
 * scheduler and the callback executor run tasks inline and the transport is a stub, so a benchmark
 * measures the CPU cost of SteadySocket's own message path without any thread hand-off or I/O.
 */
final class Harness {
  final SteadySocket socket;
  final Stub transport = new Stub();
  Transport.Listener reader;

  Harness(SteadySocketListener listener) {
    SteadySocketBuilder b = SteadySocket.builder("ws://bench.invalid/")
        .heartbeat(Heartbeat.disabled())
        .callbackExecutor(Runnable::run)
        .listener(listener);
    socket = BenchSeams.withSeams(b, new Inline(), (refresh, headers, l) -> {
      reader = l;
      return transport;
    }).build();
    socket.connect();
    reader.onOpen();
    if (socket.state() != ConnectionState.OPEN) throw new IllegalStateException("not open: " + socket.state());
  }
  static final class Stub implements Transport {
    long sent;

    @Override public boolean send(String text) {
      sent += text.length();
      return true;
    }

    @Override public long queueSize() {
      return 0;
    }

    @Override public long pongCount() {
      return 0;
    }

    @Override public boolean sendBinary(byte[] bytes) {
      return true;
    }

    @Override public boolean ping() {
      return true;
    }

    @Override public void close(int code, String reason) {}

    @Override public void cancel() {}
  }

  static final class Inline implements Scheduler {
    @Override public long nanoTime() {
      return System.nanoTime();
    }

    @Override public long currentTimeMillis() {
      return System.currentTimeMillis();
    }

    @Override public boolean execute(Runnable task) {
      task.run();
      return true;
    }

    @Override public Cancellable schedule(Runnable task, long delayNanos) {
      return () -> {};
    }
  }
}
