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
 * Create one with {@link #builder(String)}; it starts in {@link ConnectionState#IDLE} and connects
 * on {@link #connect()}.
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
 * All state lives on one internal serial loop; see docs/threading.md.
 *
 * <p><b>Lifetime:</b> a socket holds a share of SteadySocket's loop thread and OkHttp client from
 * {@link SteadySocketBuilder#build()} until it is {@link ConnectionState#CLOSED}, so close every
 * socket you build, even one that never connected.
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
   * @param url a {@code ws://}, {@code wss://}, {@code http://} or {@code https://} URL with a host;
   *     it may carry a path and a query (they are never logged)
   * @return a new builder with the default settings, not thread-safe
   * @throws IllegalArgumentException if {@code url} is not one (the message does not quote it)
   */
  public static SteadySocketBuilder builder(String url) {
    return new SteadySocketBuilder(url);
  }

  /**
   * Starts connecting: IDLE → CONNECTING, or IDLE → PAUSED if a {@link #pause pause} reason is held.
   * Returns at once; the handshake runs in the background. Later calls, and after close, do nothing.
   */
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
   *
   * <p>The envelope is encoded on the calling thread, by the socket's {@link MessageCodec}. Never
   * wait for the future inside a callback: one that completes later completes on that same
   * callback executor, after the callback returns.
   *
   * @param envelope the message; in acknowledgement mode it is sent with {@code meta.ack = true}
   *     and, if it has no id, a random one
   * @return a future that completes (with null) when the message was written or, in
   *     acknowledgement mode, acknowledged; it never completes on the loop thread
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
   *
   * @param text the frame's payload; its UTF-8 size counts against the outbox's byte limit
   * @return a future that completes when the frame was written, or fails as for {@link
   *     #send(Envelope)} (never with {@link EncodeException})
   */
  public CompletableFuture<Void> send(String text) {
    return core.sendText(Objects.requireNonNull(text, "text == null"));
  }

  /**
   * Sends {@code bytes} as one binary frame (the array is copied). Queued, ordered and bounded like
   * {@link #send(Envelope)}; the peer's {@link SteadySocketListener#onBinaryMessage} receives it.
   *
   * @param bytes the frame's payload; copied before this returns, so the caller may reuse the
   *     array; its length counts against the outbox's byte limit
   * @return a future that completes when the frame was written (in acknowledgement mode too), or
   *     fails as for {@link #send(Envelope)} (never with {@link EncodeException})
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
   * SteadySocketBuilder#requestRetention} says (by default with the disconnect's error). Fails with
   * {@link SocketClosedException} if the socket closes first, and with {@link
   * IllegalArgumentException} if a request with the same id is already waiting.
   *
   * @param request the request; sent like {@link #send(Envelope)}, with a random id if it has none
   * @param timeout how long to wait for the reply, counted from this call (time spent queued while
   *     disconnected included); must be positive
   * @return a future completed with the reply envelope on the callback executor, or failed as above
   * @throws IllegalArgumentException if {@code timeout} is zero or negative
   */
  public CompletableFuture<Envelope> request(Envelope request, Duration timeout) {
    Objects.requireNonNull(request, "request == null");
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("timeout <= 0: " + timeout);
    }
    return core.request(request, timeout);
  }

  /**
   * Registers a message to send first on every connection — after the resume frame, before what
   * waits to be sent and anything newer — in registration order, until the registration is
   * cancelled: subscriptions, room joins, first-frame authentication. If a connection is open it is
   * sent on it at once, ahead of the outbox. Messages sent after this call are written after it on
   * every connection. See {@link SetupMessage} for replies, rejections and the token form, and
   * docs/delivery.md, "Setup messages".
   *
   * @param message what to send on every connection
   * @return the registration: its status on the current connection, and {@code cancel()}; after
   *     {@link #close()} it is born {@link SetupStatus#CANCELLED}
   * @throws EncodeException if the codec cannot encode the message's envelope or its closing message
   * @throws IllegalArgumentException if it closes the connection on rejection but awaits no reply
   */
  public SetupRegistration setup(SetupMessage message) {
    return core.setup(Objects.requireNonNull(message, "message == null"));
  }

  /**
   * The subprotocol the server chose when the current (or last) connection opened, from those
   * offered with {@link SteadySocketBuilder#subprotocols}.
   *
   * @return the chosen subprotocol, or null before the first OPEN or if none was negotiated
   */
  public @Nullable String subprotocol() {
    return core.subprotocol();
  }

  /**
   * The extensions negotiated when the current (or last) connection opened, as the server's {@code
   * Sec-WebSocket-Extensions} said them (for example {@code permessage-deflate}).
   *
   * @return the header values joined with {@code ", "}; empty before the first OPEN or if none
   */
  public String extensions() {
    return core.extensions();
  }

  /**
   * The compression in force on the current (or last) connection: what the server agreed to of
   * the offer made with {@link SteadySocketBuilder#compression}, with the offer's minimum size.
   *
   * @return {@link Compression#disabled()} before the first OPEN, when nothing was offered or the
   *     server declined; never null
   */
  public Compression compression() {
    return core.compression();
  }

  /**
   * The current state; may change the moment after it is read ({@link SteadySocketListener#onStateChanged}).
   *
   * @return the state at the time of the call
   */
  public ConnectionState state() {
    return core.state();
  }

  /** Closes gracefully with code 1000 and an empty reason. See {@link #close(int, String)}. */
  @Override
  public void close() {
    core.close(1000, "");
  }

  /**
   * Closes for good. New sends fail with {@link SocketClosedException} from the moment this
   * returns. If OPEN, messages still waiting in the outbox are written before the close frame as
   * far as OkHttp's buffer allows, and the close handshake runs for at most the close timeout
   * ({@link SteadySocketBuilder#closeTimeout}), after which the connection is cancelled; in any
   * other state the socket closes at once, without a close frame. The socket then becomes CLOSED:
   * what is still queued or unacknowledged fails with {@link SocketClosedException}, requests
   * awaiting a reply fail too, {@link SteadySocketListener#onClosed} runs and the socket releases
   * its share of SteadySocket's threads. Returns at once; {@link #closeFuture()} tells when it is
   * done. Later calls do nothing.
   *
   * @param code the close code to send and report in {@link CloseReason#code()}: 1000–1003,
   *     1007–1014 or 3000–4999
   * @param reason the close reason to send, at most 123 UTF-8 bytes; may be empty
   * @throws IllegalArgumentException if {@code code} may not be sent or {@code reason} is longer
   *     than 123 UTF-8 bytes (checked on every call, even after the socket closed)
   */
  public void close(int code, String reason) {
    core.close(code, reason);
  }

  /**
   * The socket's end, as a future.
   *
   * @return a future that completes with the {@link CloseReason} when the socket is CLOSED, on the
   *     callback executor right after {@link SteadySocketListener#onClosed} (on SteadySocket's own
   *     threads if that executor refuses work); it never fails, and the same instance is returned
   *     on every call
   */
  public CompletableFuture<CloseReason> closeFuture() {
    return core.closeFuture();
  }

  /**
   * Takes a snapshot of the socket's counters; cheap, and callable at any time, after CLOSED too.
   *
   * @return an immutable snapshot taken now
   */
  public Metrics metrics() {
    return core.metrics();
  }

  /**
   * Adds a listener; it receives every callback delivered from now on, which may include events
   * that happened just before this call and were still queued. Listeners are called in the order
   * they were added.
   *
   * @param listener the listener to add; adding one twice makes it receive every callback twice
   */
  public void addListener(SteadySocketListener listener) {
    core.addListener(Objects.requireNonNull(listener, "listener == null"));
  }

  /**
   * Removes a listener added here or with {@link SteadySocketBuilder#listener}. Callbacks that
   * start after this call skip it; one already running may still reach it.
   *
   * @param listener the listener to remove (by {@code equals}); nothing happens if it is not
   *     registered
   */
  public void removeListener(SteadySocketListener listener) {
    core.removeListener(listener);
  }

  /**
   * Calls {@code handler} with the content of every envelope of {@code type}, converted to {@code
   * cls}. Runs on the callback executor after {@link SteadySocketListener#onMessage}. Content that
   * does not convert is reported to onError as a {@link DecodeException}; a handler that throws is
   * reported as a {@link ListenerException}. The conversion runs before delivery (on OkHttp's reader
   * thread or a SteadySocket dispatch thread), with the codec's {@code ObjectMapper}.
   *
   * @param <T> the type the content is converted to
   * @param type the envelope type to handle, such as {@code "ticker"}
   * @param cls the class to convert the content to with Jackson
   * @param handler receives each converted content, on the callback executor
   * @return a subscription whose {@link Subscription#cancel()} removes the handler
   */
  public <T> Subscription on(String type, Class<T> cls, Consumer<? super T> handler) {
    return core.on(type, cls, handler);
  }

  /**
   * Like {@link #on(String, Class, Consumer)}, keeping generic type arguments.
   *
   * @param <T> the type the content is converted to
   * @param type the envelope type to handle
   * @param ref the generic type to convert the content to, e.g. {@code new TypeReference<List<Tick>>() {}}
   * @param handler receives each converted content, on the callback executor
   * @return a subscription whose {@link Subscription#cancel()} removes the handler
   */
  public <T> Subscription on(String type, TypeReference<T> ref, Consumer<? super T> handler) {
    return core.on(type, ref, handler);
  }

  /**
   * While RECONNECTING, starts the next attempt now instead of after the backoff delay. Call it
   * when the network comes back. Does nothing in other states, nor during a wait the server
   * imposed: after a handshake rejected with {@code Retry-After}, 429 or 503, or a close with 1012
   * or 1013, the attempt still starts when the server asked (a debug log says so).
   */
  public void reconnectNow() {
    core.reconnectNow();
  }

  /**
   * Drops the current connection (closing it with 1001 if open) and connects afresh at once,
   * without counting a failure. Call it when the device switched networks: the old socket is
   * bound to a network that is gone and would otherwise only be noticed by the heartbeat. Acts in
   * CONNECTING, OPEN and RECONNECTING (where it starts the next attempt at once, unless in a
   * server-imposed wait, see {@link #reconnectNow()}); does nothing in other states. Requests
   * awaiting a reply are treated as {@link RequestRetention} says.
   */
  public void replaceConnection() {
    core.replaceConnection();
  }

  /**
   * Disconnects and stops reconnecting until every pause reason is resumed (state PAUSED).
   * Reasons let independent signals, such as "offline" and "background", pause without
   * resuming each other. Sends are queued while paused.
   *
   * <p>Acts in CONNECTING, OPEN and RECONNECTING (an open connection is closed with 1001); while
   * IDLE the reason is held and {@link #connect()} goes to PAUSED; after {@link #close()} it does
   * nothing. No attempt is made, or counted against the maximum, while paused.
   *
   * @param reason why the socket is paused; reasons form a set, so pausing twice for the same
   *     reason needs one {@link #resume} for it
   */
  public void pause(String reason) {
    core.pause(Objects.requireNonNull(reason, "reason == null"));
  }

  /**
   * Releases {@code reason}; when none is left and the socket is PAUSED, connects at once with a
   * fresh backoff (the attempt count starts over; the one token refresh of the outage, if spent,
   * is not given back). If paused during a server-imposed wait ({@link #reconnectNow()}) not over
   * yet, it goes to RECONNECTING, reports {@code onReconnecting} (the planned attempt, the remaining
   * delay) and connects when the wait ends; the attempt count then goes on.
   *
   * @param reason a reason given to {@link #pause}; nothing happens if it is not held
   */
  public void resume(String reason) {
    core.resume(Objects.requireNonNull(reason, "reason == null"));
  }

  /**
   * While OPEN, sends a ping now and, if nothing (a frame, a ping or pong) arrives within {@code
   * timeout}, declares the link dead as the heartbeat does ({@link DeadLinkException}, {@link
   * Disconnect.Kind#DEAD_LINK}, reconnect by policy; no verdict while listeners hold the reader
   * back). For an app back from deep sleep: a dead link is found in {@code timeout}, not {@link
   * Heartbeat#worstCaseDetection()}. Works with the heartbeat disabled; a pending check keeps its
   * deadline if sooner; a retired connection's check is dropped. Other states: nothing. Any thread.
   *
   * @param timeout how long to wait for a sign of life; positive
   * @throws IllegalArgumentException if {@code timeout} is zero or negative
   */
  public void checkLiveness(Duration timeout) {
    core.checkLiveness(Objects.requireNonNull(timeout, "timeout == null"));
  }

  /**
   * Replaces the {@link SteadySocketBuilder#heartbeat} from now on: while OPEN the next round comes
   * when it was due or one new interval after this call, if sooner (calls never postpone a round);
   * later connections use it; {@link Heartbeat#disabled()} stops rounds. Any thread; no-op if closed.
   *
   * @param heartbeat the new schedule, e.g. a longer interval while the app is in the background
   */
  public void heartbeat(Heartbeat heartbeat) {
    core.heartbeat(Objects.requireNonNull(heartbeat, "heartbeat == null"));
  }

  /** @return the heartbeat in use: the builder's, or the last given to {@link #heartbeat(Heartbeat)}. Any thread. */
  public Heartbeat heartbeat() {
    return core.heartbeat();
  }

  /**
   * @return the primary URL as logged: scheme, host and port only, e.g. {@code wss://example.com/...}
   *     (paths, queries and user info are hidden: they often carry tokens)
   */
  public String redactedUrl() {
    return redactedUrl;
  }

  @Override
  public String toString() {
    return "SteadySocket{" + redactedUrl + ", " + state() + "}";
  }
}
