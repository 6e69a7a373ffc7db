package dev.steadysocket.internal;

import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * One connection attempt and, if it opens, that connection. The loop replaces it with a new one on
 * every reconnect; callbacks from a connection that is no longer the loop's current one are
 * ignored, which is how late events from a dead socket are kept out of the new one's life.
 *
 * <p>Inbound frames are delivered straight from OkHttp's reader thread to the listener bus,
 * without a hop through the loop. The lock orders those deliveries against the loop's publication
 * of OPEN (frames that arrive first are held back) and of the connection's retirement (frames
 * after it are dropped), so listeners always see OPEN, then the messages, then the next state.
 */
final class Connection implements Transport.Listener {
  private final ConnectionLoop loop;
  final long id;

  /** Set by the loop right after the factory returns; used only on the loop thread. */
  @Nullable Transport transport;
  /** Loop thread only. */
  boolean wasOpen;
  /** Loop thread only: the transport's pong count at the last heartbeat check. */
  long pongsAtCheck;

  /** Frames received. Written only by the reader thread; read by the loop's heartbeat check. */
  volatile long framesReceived;
  /** The id and send time of the last heartbeat envelope: written by the loop, read by the reader. */
  volatile @Nullable String heartbeatId;

  volatile long heartbeatSentNanos;
  /**
   * When the transport reported OPEN, read on its thread: OkHttp's ping timer starts just before,
   * so heartbeat ticks counted from here line up with its pings.
   */
  volatile long openedNanos;
  /** Loop thread only: heartbeat rounds started on this connection. */
  long heartbeatRounds;

  private final Object lock = new Object();
  /** Guarded by lock. False once retired; frames are then dropped. */
  private boolean live = true;
  /** Guarded by lock. True once the loop has published OPEN. */
  private boolean opened;
  /** Guarded by lock. Deliveries that arrived before OPEN was published. */
  private @Nullable List<Runnable> early;

  Connection(ConnectionLoop loop, long id) {
    this.loop = loop;
    this.id = id;
  }

  /** Reader thread: hands {@code delivery} to the bus now, later (before OPEN), or never (retired). */
  void deliver(Runnable delivery) {
    synchronized (lock) {
      if (!live) return;
      if (!opened) {
        if (early == null) early = new ArrayList<>();
        early.add(delivery);
        return;
      }
      delivery.run(); // only enqueues on the bus; listeners run elsewhere
    }
  }

  /** Loop thread: publishes OPEN (via {@code publish}), then the frames that were held back. */
  void publishOpen(Runnable publish) {
    synchronized (lock) {
      publish.run();
      if (early != null) {
        for (Runnable r : early) r.run();
        early = null;
      }
      opened = true;
    }
  }

  /** Loop thread: from now on this connection's frames are dropped. */
  void retire() {
    synchronized (lock) {
      live = false;
      early = null;
    }
  }

  @Override
  public void onOpen() {
    openedNanos = loop.nanoTime(); // on the reader thread, right after OkHttp started its pinger
    loop.post(() -> loop.onOpen(this));
  }

  @Override
  public void onText(String text) {
    framesReceived++; // single writer: the reader thread
    loop.onText(this, text);
  }

  @Override
  public void onBinary(byte[] bytes) {
    framesReceived++;
    loop.onBinary(this, bytes);
  }

  @Override
  public void onClosing(int code, String reason) {
    loop.post(() -> loop.onServerClose(this, code, reason));
  }

  @Override
  public void onClosed(int code, String reason) {
    loop.post(() -> loop.onClosed(this, code, reason));
  }

  @Override
  public void onFailure(Throwable error, int httpStatus, @Nullable String retryAfter) {
    loop.post(() -> loop.onFailure(this, error, httpStatus, retryAfter));
  }

  @Override
  public String toString() {
    return "connection #" + id;
  }
}
