package dev.steadysocket;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.steadysocket.internal.SocketCore;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * A WebSocket connection that stays up: it reconnects with backoff when the link drops, detects
 * dead links with heartbeats, queues messages while disconnected and delivers typed envelopes.
 *
 * <pre>{@code
 * SteadySocket socket = SteadySocket.builder("wss://example.com/feed")
 *     .listener(new SteadySocketListener() {
 *       @Override public void onMessage(Envelope e) { System.out.println(e.type() + " " + e.content()); }
 *     })
 *     .build();
 * socket.connect();
 * socket.send(Envelope.of("subscribe", Map.of("symbol", "ACME")));
 * ...
 * socket.close();
 * }</pre>
 *
 * <p><b>Threading:</b> every method is thread-safe and returns without waiting for the network.
 * Listener callbacks run on the callback executor ({@link SteadySocketBuilder#callbackExecutor}), in order.
 * All state lives on one internal serial loop; see the README's "Threading" section.
 */
public final class SteadySocket implements AutoCloseable {
  private final SocketCore core;
  private final String redactedUrl;

  SteadySocket(SocketCore core, String redactedUrl) {
    this.core = core;
    this.redactedUrl = redactedUrl;
  }

  /**
   * Starts building a socket for {@code url}.
   *
   * @param url a {@code ws://}, {@code wss://}, {@code http://} or {@code https://} URL
   * @throws IllegalArgumentException if {@code url} is not one
   */
  public static SteadySocketBuilder builder(String url) {
    return new SteadySocketBuilder(url);
  }

  /** Starts connecting: IDLE → CONNECTING (or PAUSED while paused). Later calls do nothing. */
  public void connect() {
    core.connect();
  }

  /**
   * Sends {@code envelope}: at once if OPEN, otherwise after the next connection opens. Messages
   * leave in the order of the {@code send} calls that queued them.
   *
   * <p>The future completes when the message was handed to OkHttp for writing. That is not
   * delivery: OkHttp discards what it has not written when the link dies. A message written at once
   * (OPEN, nothing queued ahead of it) or refused at once returns an already completed future, so
   * stages chained onto it run on the calling thread; otherwise it completes later on the callback
   * executor, never on SteadySocket's loop thread. In acknowledgement mode it completes on the
   * server's acknowledgement, on the callback executor.
   * It fails with {@link EncodeException}, {@link MessageTooLargeException}, {@link
   * OutboxOverflowException} or {@link SocketClosedException} (at once after {@link #close()}); a
   * message is never dropped without its future failing, and every future is complete by the time
   * {@link SteadySocketListener#onClosed} runs.
   */
  public CompletableFuture<Void> send(Envelope envelope) {
    Objects.requireNonNull(envelope, "envelope == null");
    return core.send(envelope);
  }

  /**
   * Sends {@code text} as one text frame, exactly as given: no envelope, no codec, for servers
   * that speak their own format beside (or instead of) envelopes. Queued, ordered and bounded like
   * {@link #send(Envelope)}; in acknowledgement mode it completes when written (it carries no id to
   * acknowledge).
   */
  public CompletableFuture<Void> send(String text) {
    return core.sendText(Objects.requireNonNull(text, "text == null"));
  }

  /**
   * Sends {@code bytes} as one binary frame (the array is copied). Queued, ordered and bounded like
   * {@link #send(Envelope)}; the peer's {@link SteadySocketListener#onBinaryMessage} receives it.
   */
  public CompletableFuture<Void> send(byte[] bytes) {
    return core.sendBinary(Objects.requireNonNull(bytes, "bytes == null").clone());
  }

  /**
   * Sends {@code request} and completes with the server's reply: the first envelope whose {@code
   * meta.replyTo} equals the request's id (an id is assigned if it has none). The reply completes
   * the future, on the callback executor, and is not passed to {@code onMessage}.
   *
   * <p>Fails with {@link RequestTimeoutException} after {@code timeout}; with the send's own error
   * if the request cannot be sent; and, if the connection is lost before the reply, as {@link
   * SteadySocketBuilder#requestRetention} says (by default with the disconnect's error).
   */
  public CompletableFuture<Envelope> request(Envelope request, Duration timeout) {
    Objects.requireNonNull(request, "request == null");
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("timeout <= 0: " + timeout);
    }
    return core.request(request, timeout);
  }

  /**
   * The subprotocol the server chose when the current (or last) connection opened, from those
   * offered with {@link SteadySocketBuilder#subprotocols}; null before the first OPEN or if none.
   */
  public @Nullable String subprotocol() {
    return core.subprotocol();
  }

  /**
   * The extensions negotiated when the current (or last) connection opened, as the server's {@code
   * Sec-WebSocket-Extensions} said them (for example {@code permessage-deflate}); empty if none.
   */
  public String extensions() {
    return core.extensions();
  }

  /** The current state; may change the moment after it is read. */
  public ConnectionState state() {
    return core.state();
  }

  /** Closes gracefully with code 1000. See {@link #close(int, String)}. */
  @Override
  public void close() {
    core.close(1000, "");
  }

  /**
   * Closes for good: queued messages fail with {@link SocketClosedException}, an open connection
   * is closed with a close handshake (at most the close timeout), then the socket is CLOSED and
   * releases its threads. Returns at once; {@link #closeFuture()} tells when it is done. Later
   * calls do nothing.
   *
   * @throws IllegalArgumentException if {@code code} may not be sent or {@code reason} is longer
   *     than 123 UTF-8 bytes
   */
  public void close(int code, String reason) {
    core.close(code, reason);
  }

  /** Completes, on the callback executor after {@link SteadySocketListener#onClosed}, when CLOSED. */
  public CompletableFuture<CloseReason> closeFuture() {
    return core.closeFuture();
  }

  public Metrics metrics() {
    return core.metrics();
  }

  /** Adds a listener; it sees events from now on. */
  public void addListener(SteadySocketListener listener) {
    core.addListener(Objects.requireNonNull(listener, "listener == null"));
  }

  public void removeListener(SteadySocketListener listener) {
    core.removeListener(listener);
  }

  /**
   * Calls {@code handler} with the content of every envelope of {@code type}, converted to {@code
   * cls}. Runs on the callback executor after {@link SteadySocketListener#onMessage}. Content that
   * does not convert is reported to onError as a {@link DecodeException}.
   */
  public <T> Subscription on(String type, Class<T> cls, Consumer<? super T> handler) {
    return core.on(type, cls, handler);
  }

  /** Like {@link #on(String, Class, Consumer)}, keeping generic type arguments. */
  public <T> Subscription on(String type, TypeReference<T> ref, Consumer<? super T> handler) {
    return core.on(type, ref, handler);
  }

  /**
   * While RECONNECTING, starts the next attempt now instead of after the backoff delay. Call it
   * when the network comes back. Does nothing in other states.
   */
  public void reconnectNow() {
    core.reconnectNow();
  }

  /**
   * Drops the current connection (closing it with 1001 if open) and connects afresh at once,
   * without counting a failure. Call it when the device switched networks: the old socket is
   * bound to a network that is gone and would otherwise only be noticed by the heartbeat.
   */
  public void replaceConnection() {
    core.replaceConnection();
  }

  /**
   * Disconnects and stops reconnecting until every pause reason is resumed (state PAUSED).
   * Reasons let independent signals, such as "offline" and "background", pause without
   * resuming each other. Sends are queued while paused.
   */
  public void pause(String reason) {
    core.pause(Objects.requireNonNull(reason, "reason == null"));
  }

  /** Releases {@code reason}; when none is left, connects at once with a fresh backoff. */
  public void resume(String reason) {
    core.resume(Objects.requireNonNull(reason, "reason == null"));
  }

  /**
   * The URL as logged: scheme, host and port only, e.g. {@code wss://example.com/...}. Paths,
   * queries and user info are hidden because they often carry tokens.
   */
  public String redactedUrl() {
    return redactedUrl;
  }

  @Override
  public String toString() {
    return "SteadySocket{" + redactedUrl + ", " + state() + "}";
  }
}
