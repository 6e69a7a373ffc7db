package dev.steadysocket.internal;

import dev.steadysocket.ConnectionState;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * One connection attempt and, if it opens, that connection. The loop replaces it with a new one on
 * every attempt; events from a connection that is no longer the loop's current one are ignored,
 * which is how late events from a dead socket are kept out of the new one's life.
 *
 * <p><b>Threading:</b> transport events arrive on OkHttp's threads and are posted to the loop;
 * frames go to {@link Inbound} on the reader thread. The lock orders the reader's deliveries
 * against the loop's publication of OPEN (frames that arrive first are held back) and of the
 * connection's retirement (frames after it are dropped), so listeners see OPEN, then the
 * messages, then the next state. Under the lock deliveries are only queued on the bus; the bus is
 * started after the lock is released, so no application code ever runs under it.
 */
final class Connection implements Transport.Listener {
  private final ConnectionLoop loop;
  private final LoopTasks tasks;
  private final Inbound inbound;
  private final ListenerBus bus;
  private final Events events;
  final long id;

  /** Set by the loop once the transport is created; loop thread only. */
  @Nullable Transport transport;
  /** Loop thread only. */
  boolean wasOpen;
  /** Loop thread only: open for the minimum uptime (it ends the outage once its setup is complete too). */
  boolean uptimeReached;
  /** Loop thread only: the token this attempt connected with, for setup messages; a secret, never printed. */
  @Nullable String token;
  /** Loop thread only: the attempt is waiting for the token provider, not yet for the handshake. */
  boolean awaitingToken;
  /** Loop thread only: the transport's pong count at the last heartbeat check. */
  long pongsAtCheck;
  /** Loop thread only: heartbeat rounds started on this connection. */
  long heartbeatRounds;
  /** Loop thread only: when the attempt started. */
  long startedNanos;
  /**
   * When the last ping was sent, and whether its pong is still awaited: written by the loop,
   * read and cleared by the reader; -1 when no pong is awaited (a pong without a ping is not timed).
   */
  volatile long pingSentNanos = -1;

  /** Frames received. Written only by the reader thread; read by the loop's heartbeat check. */
  volatile long framesReceived;
  /**
   * The id and send time of the last heartbeat envelope: written by the loop, read by the reader,
   * which takes the id back ({@link #echoed}) so only the first echo of a heartbeat is timed.
   */
  volatile @Nullable String heartbeatId;

  volatile long heartbeatSentNanos;

  private static final java.util.concurrent.atomic.AtomicReferenceFieldUpdater<Connection, String> HEARTBEAT_ID =
      java.util.concurrent.atomic.AtomicReferenceFieldUpdater.newUpdater(Connection.class, String.class, "heartbeatId");

  /** Reader thread: true once, for the first echo of the last heartbeat sent; a repeat is only a sign of life. */
  boolean echoed(@Nullable String id) {
    String awaited = heartbeatId;
    return awaited != null && awaited.equals(id) && HEARTBEAT_ID.compareAndSet(this, awaited, null);
  }

  /**
   * When the transport reported OPEN, read on its thread: OkHttp's ping timer starts just before,
   * so heartbeat ticks counted from here line up with its pings.
   */
  volatile long openedNanos;

  /**
   * Inbound back-pressure: when this many messages, or bytes, wait for the listeners, the reader
   * thread stops reading (TCP then slows the server) until half of them are delivered.
   */
  static final int BACKLOG_MESSAGES = 1_000;

  static final long BACKLOG_BYTES = 16L << 20;

  /** True while the reader is held by back-pressure; read by the heartbeat, which must not judge then. */
  volatile boolean readerHeld;
  /** Times the reader was held; the heartbeat sees a hold that began and ended within a round. */
  volatile long holds;

  private final Object lock = new Object();
  /** Guarded by lock. False once retired; frames are then dropped. */
  private boolean live = true;
  /** Guarded by lock: messages (and their bytes) queued for the listeners, not yet delivered. */
  private int backlog;

  private long backlogBytes;
  /** Guarded by lock. True once the loop has published OPEN. */
  private boolean opened;
  /** Guarded by lock. Deliveries that arrived before OPEN was published. */
  private @Nullable List<Runnable> early;

  Connection(ConnectionLoop loop, LoopTasks tasks, Inbound inbound, ListenerBus bus, Events events, long id) {
    this.loop = loop;
    this.events = events;
    this.tasks = tasks;
    this.inbound = inbound;
    this.bus = bus;
    this.id = id;
  }

  /**
   * Reader thread: queues {@code delivery} ({@code bytes} of message) on the bus now, after OPEN, or
   * never (retired); then holds the reader while too much waits for the listeners.
   */
  void deliver(Runnable delivery, long bytes) {
    // The share taken here is given back by the bus however the delivery ends (SerialExecutor.Held):
    // delivered, skipped after onClosed, or dropped by a callback executor that refused it.
    Runnable held = bus.held(delivery, () -> delivered(bytes));
    synchronized (lock) {
      if (!live) return;
      backlog++;
      backlogBytes += bytes;
      if (!opened) {
        if (early == null) early = new ArrayList<>();
        early.add(held);
      } else {
        bus.enqueueHeld(held);
      }
    }
    bus.kick(); // outside the lock: an inline executor runs listeners right here
    holdWhileBacklogged();
  }

  /**
   * Callback executor (or the fallback pool, for a dropped delivery): a message left the backlog;
   * wakes the reader once half the backlog is gone.
   */
  private void delivered(long bytes) {
    synchronized (lock) {
      backlog--;
      backlogBytes -= bytes;
      if (readerHeld && backlog <= BACKLOG_MESSAGES / 2 && backlogBytes <= BACKLOG_BYTES / 2) lock.notifyAll();
    }
  }

  /**
   * Reader thread: waits (no lock held but this one, released while waiting) while backlogged. An
   * observer hears of the hold outside the lock, before and after it; the listeners may catch up
   * while it is told, so the hold is decided again after (no hold counted that did not happen).
   */
  private void holdWhileBacklogged() {
    long since = -1;
    if (events.observed()) {
      int messages;
      long bytes;
      synchronized (lock) {
        if (!backlogged()) return;
        messages = backlog;
        bytes = backlogBytes;
      }
      events.inboundPaused(messages, bytes);
      since = tasks.nanoTime();
    }
    synchronized (lock) {
      boolean hold = since == -1 ? backlogged() : overHalf();
      if (hold) {
        holds++;
        readerHeld = true;
        try {
          while (live && overHalf()) lock.wait();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt(); // OkHttp cancelled the reader: let it finish
        } finally {
          readerHeld = false;
        }
      }
    }
    if (since != -1) events.inboundResumed(tasks.nanoTime() - since);
  }

  /** Under lock: the backlog reached one of its bounds. */
  private boolean backlogged() {
    return backlog >= BACKLOG_MESSAGES || backlogBytes >= BACKLOG_BYTES;
  }

  /** Under lock: more than half the backlog's bounds still wait for the listeners. */
  private boolean overHalf() {
    return backlog > BACKLOG_MESSAGES / 2 || backlogBytes > BACKLOG_BYTES / 2;
  }

  /** Loop thread: publishes the transition to OPEN, then the frames that were held back. */
  void publishOpen(ConnectionState previous) {
    synchronized (lock) {
      bus.enqueueStateChanged(previous, ConnectionState.OPEN);
      if (early != null) {
        for (Runnable r : early) bus.enqueueHeld(r);
        early = null;
      }
      opened = true;
    }
    bus.kick();
  }

  /** Loop thread: from now on this connection's frames are dropped (and a held reader released). */
  void retire() {
    synchronized (lock) {
      live = false;
      early = null;
      lock.notifyAll();
    }
  }

  @Override
  public void onOpen() {
    openedNanos = tasks.nanoTime(); // on the reader thread, right after OkHttp started its pinger
    tasks.post(() -> loop.onOpen(this));
  }

  @Override
  public void onText(String text) {
    framesReceived++; // single writer: the reader thread
    inbound.text(this, text);
  }

  @Override
  public void onBinary(byte[] bytes) {
    framesReceived++;
    inbound.binary(this, bytes);
  }

  /** Reader thread: the first pong after a ping is timed; others are only signs of life. */
  @Override
  public void onPong() {
    long sent = pingSentNanos;
    // Taken with a CAS: the loop may have judged the round and sent the next ping meanwhile.
    if (sent != -1 && PING_SENT.compareAndSet(this, sent, -1)) events.pongReceived(tasks.nanoTime() - sent);
  }

  private static final java.util.concurrent.atomic.AtomicLongFieldUpdater<Connection> PING_SENT =
      java.util.concurrent.atomic.AtomicLongFieldUpdater.newUpdater(Connection.class, "pingSentNanos");

  @Override
  public void onClosing(int code, String reason) {
    tasks.post(() -> loop.onServerClose(this, Failures.fromServerClose(code, reason, wasOpen)));
  }

  @Override
  public void onRefused(dev.steadysocket.SteadySocketException error, int closeCode) {
    tasks.post(() -> loop.onServerClose(this, Failures.refused(error, closeCode, wasOpen)));
  }

  @Override
  public void onClosed(int code, String reason) {
    tasks.post(() -> loop.onClosed(this));
  }

  @Override
  public void onFailure(Throwable error, int httpStatus, @Nullable String retryAfter) {
    tasks.post(() -> loop.onFailure(this, error, httpStatus, retryAfter));
  }

  @Override
  public String toString() {
    return "connection #" + id;
  }
}
