package dev.steadysocket.bench.peers;

import dev.steadysocket.SteadySocketBuilder;
import dev.steadysocket.ConnectionState;
import dev.steadysocket.Envelope;
import dev.steadysocket.SocketObserver;
import dev.steadysocket.SteadySocket;
import dev.steadysocket.SteadySocketListener;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * SteadySocket built with default settings (its default codec uses the shared mapper). The
 * diagnostic variant {@code steadysocket-inline} differs only by {@code
 * callbackExecutor(Runnable::run)}: listeners then run on OkHttp's reader thread like the raw peer's,
 * which separates the cost of the callback-executor hop from the rest of the wrapper. The observed
 * variants ({@code steadysocket+counting}, {@code +micrometer}, {@code +otel}) differ only by the
 * {@link Instrumentation} installed with {@code builder.observer(…)}.
 */
public final class SteadySocketPeer implements Peer {
  private final boolean inline;
  private final Instrumentation instrumentation;

  public SteadySocketPeer() {
    this(false);
  }

  public SteadySocketPeer(boolean inline) {
    this(inline, Instrumentation.NONE);
  }

  public SteadySocketPeer(Instrumentation instrumentation) {
    this(false, instrumentation);
  }

  private SteadySocketPeer(boolean inline, Instrumentation instrumentation) {
    this.inline = inline;
    this.instrumentation = instrumentation;
  }

  /**
   * Sends in flight (future not yet complete). The default outbox holds 1,000 messages / 1 MiB
   * and only fills while OkHttp's own buffer is past its high water; 128 in flight of at most
   * ~4 KB each can never overflow it, so no send fails with OutboxOverflowException.
   */
  static final int WINDOW = 128;

  @Override
  public String name() {
    return inline ? "steadysocket-inline" : "steadysocket" + instrumentation.suffix();
  }

  @Override
  public Client open(String url, Consumer<Envelope> onMessage) throws Exception {
    CompletableFuture<Void> opened = new CompletableFuture<>();
    SteadySocketBuilder builder = SteadySocket.builder(url);
    if (inline) builder.callbackExecutor(Runnable::run);
    SocketObserver.Factory observer = instrumentation.factory();
    if (observer != null) builder.observer(observer);
    SteadySocket socket = builder
        .listener(new SteadySocketListener() {
          @Override
          public void onStateChanged(ConnectionState previous, ConnectionState current) {
            if (current == ConnectionState.OPEN) opened.complete(null);
          }

          @Override
          public void onMessage(Envelope envelope) {
            onMessage.accept(envelope);
          }
        })
        .build();
    socket.connect();
    opened.get(10, TimeUnit.SECONDS);
    Semaphore window = new Semaphore(WINDOW);
    return new Client() {
      @Override
      public void send(Envelope envelope) throws InterruptedException {
        window.acquire();
        socket.send(envelope).whenComplete((v, t) -> {
          window.release();
          if (t != null) t.printStackTrace();
        });
      }

      @Override
      public void close() {
        socket.close();
        try {
          socket.closeFuture().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
          throw new IllegalStateException("SteadySocket did not close", e);
        }
      }
    };
  }
}
