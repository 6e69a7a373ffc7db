package dev.steadysocket.internal;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.steadysocket.CloseReason;
import dev.steadysocket.ConnectionState;
import dev.steadysocket.Envelope;
import dev.steadysocket.Metrics;
import dev.steadysocket.SteadySocketListener;
import dev.steadysocket.Subscription;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * What the public {@code SteadySocket} delegates to. Any thread may call every method; none
 * blocks. Commands are posted to the {@link ConnectionLoop}; sends and requests go straight to the
 * outbound path, which orders them under its own lock.
 */
public final class SocketCore {
  private final ConnectionLoop loop;
  private final LoopTasks tasks;
  private final Outbound outbound;
  private final Requests requests;
  private final ListenerBus bus;
  private final Assembly.Parts parts;
  private final Object heartbeatLock = new Object();
  /** Written under {@link #heartbeatLock} by any thread calling {@link #heartbeat(dev.steadysocket.Heartbeat)}. */
  private volatile dev.steadysocket.Heartbeat heartbeat;

  SocketCore(Assembly.Parts p, ConnectionLoop loop) {
    this.loop = loop;
    this.tasks = p.tasks;
    this.outbound = p.outbound;
    this.requests = p.requests;
    this.bus = p.bus;
    this.parts = p;
    this.heartbeat = p.config.heartbeat;
  }

  public @org.jspecify.annotations.Nullable String subprotocol() {
    return parts.subprotocol;
  }

  public String extensions() {
    return parts.extensions;
  }

  public dev.steadysocket.Compression compression() {
    return parts.compression;
  }

  public ConnectionState state() {
    return loop.state();
  }

  public Metrics metrics() {
    return parts.events.recorder.snapshot(outbound, parts.events.failures.get());
  }

  /** {@code build()}'s thread, once, before the socket is returned: installs the application's observers. */
  public void observe(java.util.List<dev.steadysocket.SocketObserver> observers) {
    parts.events.observe(observers);
  }

  public CompletableFuture<CloseReason> closeFuture() {
    return loop.closeFuture();
  }

  public void connect() {
    tasks.post(loop::doConnect);
  }

  public CompletableFuture<Void> send(Envelope envelope) {
    return outbound.send(envelope, null);
  }

  public CompletableFuture<Void> sendText(String text) {
    return outbound.sendRaw(text, null);
  }

  public CompletableFuture<Void> sendBinary(byte[] bytes) {
    return outbound.sendRaw(null, bytes);
  }

  public dev.steadysocket.SetupRegistration setup(dev.steadysocket.SetupMessage message) {
    return parts.setups.register(message);
  }

  public CompletableFuture<Envelope> request(Envelope request, Duration timeout) {
    return requests.request(request, timeout);
  }

  /** Sends fail from the moment this returns; the close handshake follows on the loop. */
  public void close(int code, String reason) {
    Closes.validate(code, reason);
    outbound.refuseNewSends();
    parts.setups.refuse();
    tasks.post(() -> loop.doClose(code, reason));
  }

  public void reconnectNow() {
    tasks.post(loop::doReconnectNow);
  }

  public void replaceConnection() {
    tasks.post(loop::doReplaceConnection);
  }

  public void checkLiveness(Duration timeout) {
    if (timeout.isNegative() || timeout.isZero()) throw new IllegalArgumentException("timeout <= 0: " + timeout);
    tasks.post(() -> loop.doCheckLiveness(timeout));
  }

  /**
   * Records the schedule for {@code SteadySocket.heartbeat()} and posts it to the loop, both under
   * one lock, so that racing callers' values reach the field and the loop in the same order (the
   * post only queues: no application code runs under the lock). Once closed, neither changes.
   */
  public void heartbeat(dev.steadysocket.Heartbeat heartbeat) {
    synchronized (heartbeatLock) {
      if (loop.state() == ConnectionState.CLOSED) return;
      this.heartbeat = heartbeat;
      tasks.post(() -> loop.doHeartbeat(heartbeat));
    }
  }

  public dev.steadysocket.Heartbeat heartbeat() {
    return heartbeat;
  }

  public void pause(String reason) {
    tasks.post(() -> loop.doPause(reason));
  }

  public void resume(String reason) {
    tasks.post(() -> loop.doResume(reason));
  }

  public void addListener(SteadySocketListener listener) {
    bus.addListener(listener);
  }

  public void removeListener(SteadySocketListener listener) {
    bus.removeListener(listener);
  }

  public <T> Subscription on(String type, Class<T> cls, Consumer<? super T> handler) {
    return bus.on(type, cls, handler);
  }

  public <T> Subscription on(String type, TypeReference<T> ref, Consumer<? super T> handler) {
    return bus.on(type, ref, handler);
  }
}
