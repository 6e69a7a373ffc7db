package dev.steadysocket.samples;

import dev.steadysocket.CloseReason;
import dev.steadysocket.SocketObserver;
import dev.steadysocket.SteadySocket;
import dev.steadysocket.samples.support.ErrorText;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import org.jspecify.annotations.Nullable;

/**
 * feed-cli {@code --metrics}: a {@link MetricsLine} every second while the socket lives. A {@link
 * SocketObserver} for the two round trips (a ping frame's and the heartbeat envelope's, as measured
 * by the socket), {@link SteadySocket#metrics()} and {@link SteadySocket#state()} for the rest.
 *
 * <p>Threads: the observer events write one volatile field each and never block; {@link #tick}
 * runs on the ticker's one daemon thread ("feed-cli metrics"), which {@link #closed} stops, so the
 * thread ends with the socket. Tests call {@link #tick} themselves, with their own clock.
 */
final class FeedMetrics extends SocketObserver {
  static final Duration INTERVAL = Duration.ofSeconds(1);

  private final SteadySocket socket;
  private final LongSupplier nanoTime;
  private final Consumer<String> out;
  private volatile long pingRttNanos = -1;
  private volatile long echoRttNanos = -1;
  /** Only the ticking thread (one at a time: a fixed-rate task never overlaps itself). */
  private MetricsLine.Sample last;
  /** Set once by {@link #start}; null when the test drives {@link #tick}. */
  private volatile @Nullable ScheduledExecutorService ticker;

  FeedMetrics(SteadySocket socket, LongSupplier nanoTime, Consumer<String> out) {
    this.socket = socket;
    this.nanoTime = nanoTime;
    this.out = out;
    // A socket's counters start at zero when it is built; it must not be called from create().
    this.last = MetricsLine.Sample.start(nanoTime.getAsLong());
  }

  /** The observer factory of {@code --metrics}: each socket's lines go to {@code out} every second. */
  static SocketObserver.Factory everySecond(Consumer<String> out) {
    return socket -> new FeedMetrics(socket, System::nanoTime, out).start(INTERVAL);
  }

  /** Starts ticking every {@code interval} on a daemon thread of its own, until the socket is CLOSED. */
  FeedMetrics start(Duration interval) {
    ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor(task -> {
      Thread thread = new Thread(task, "feed-cli metrics");
      thread.setDaemon(true); // never keeps the JVM alive, whatever happens to the socket
      return thread;
    });
    ticker = executor;
    long nanos = interval.toNanos();
    executor.scheduleAtFixedRate(this::tick, nanos, nanos, TimeUnit.NANOSECONDS);
    return this;
  }

  /** Prints the line for now. */
  void tick() {
    try {
      MetricsLine.Sample now = MetricsLine.Sample.of(nanoTime.getAsLong(), socket.state(), socket.metrics(),
          pingRttNanos, echoRttNanos);
      out.accept(MetricsLine.format(last, now));
      last = now;
    } catch (RuntimeException e) {
      // A fixed-rate task that throws is never run again: say so rather than go silent.
      out.accept("[metrics] unavailable: " + ErrorText.describe(e));
    }
  }

  @Override
  public void pongReceived(long rttNanos) {
    pingRttNanos = rttNanos;
  }

  @Override
  public void heartbeatEchoed(long rttNanos) {
    echoRttNanos = rttNanos;
  }

  @Override
  public void closed(CloseReason reason) {
    ScheduledExecutorService executor = ticker;
    if (executor != null) {
      executor.shutdown(); // does not wait: a tick under way ends by itself, no other starts
    }
  }
}
