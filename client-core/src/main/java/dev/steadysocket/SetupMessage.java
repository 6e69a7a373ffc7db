package dev.steadysocket;

import java.time.Duration;
import java.util.Objects;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * A message SteadySocket sends first on every connection, such as {@code subscribe ACME}, a chat
 * room's {@code join} or a first-frame authentication: register it with {@link
 * SteadySocket#setup(SetupMessage)}. On every connection the socket writes the resume frame (if
 * {@link SteadySocketBuilder#resumeStreams resuming}), then the setup messages in registration
 * order, then what waits to be sent again and the outbox; nothing sent with {@link
 * SteadySocket#send} is written before the setup messages registered before it.
 *
 * <p>Each connection's copy gets a fresh random id (an id set on the envelope is replaced), so a
 * server that drops repeated ids never drops a re-subscription, and a reply names the connection
 * it belongs to. A setup message may {@link #awaitReply await its reply}: an envelope whose {@code
 * meta.replyTo} is that id confirms it, unless its type is {@code "error"}, which rejects it. Such a
 * reply (and a repeat of one of the latest 256) is consumed; a reply to a message that awaits none
 * reaches {@code onMessage} like any message.
 *
 * <p>Setup messages are never logged, and {@link #toString()} shows the envelope's type only: a
 * token inside one stays out of logs, exceptions and {@code toString()}. Setup messages are not
 * application messages: they are not acknowledged, not kept in the outbox, not re-sent (each
 * connection builds its own copies) and not counted in {@link Metrics#messagesSent()} ({@link
 * Metrics#setupMessagesSent()} counts them).
 *
 * <p>Immutable and thread-safe; every {@code with…} method returns a new value.
 */
public final class SetupMessage {
  /** What a rejection does to the connection it happened on. */
  public enum OnRejection {
    /**
     * The default: the rejection is reported to {@code onError} as a {@link
     * SetupRejectedException}, the connection stays open and what waited for the reply goes on.
     * The message stays registered and is sent again on the next connection.
     */
    KEEP_CONNECTION,
    /**
     * The connection is closed as failed, with a {@link SetupRejectedException} ({@link
     * Disconnect.Kind#SETUP_FAILED}), and the reconnect policy decides; the default one retries
     * with backoff. For a message built {@link #fromToken from the token} on a socket with a {@link
     * TokenProvider}, it asks for a fresh token first, once per outage, as for an HTTP 401: a
     * second rejection in the same outage stops the socket with an {@link AuthenticationException}.
     * For messages the rest of the session depends on, such as authentication. Only for a message
     * that {@link #awaitReply awaits its reply}.
     */
    CLOSE_CONNECTION
  }

  private final @Nullable Envelope envelope;
  private final @Nullable Function<@Nullable String, Envelope> fromToken;
  private final @Nullable Duration replyTimeout;
  private final boolean holdsSends;
  private final OnRejection onRejection;
  private final @Nullable Envelope cancelMessage;

  private SetupMessage(@Nullable Envelope envelope, @Nullable Function<@Nullable String, Envelope> fromToken,
      @Nullable Duration replyTimeout, boolean holdsSends, OnRejection onRejection, @Nullable Envelope cancelMessage) {
    this.envelope = envelope;
    this.fromToken = fromToken;
    this.replyTimeout = replyTimeout;
    this.holdsSends = holdsSends;
    this.onRejection = onRejection;
    this.cancelMessage = cancelMessage;
  }

  /**
   * The same envelope on every connection (with a fresh id each time).
   *
   * @param envelope the message, for example {@code Envelope.of("subscribe", Map.of("symbol", "ACME"))}
   * @return a setup message that awaits no reply
   */
  public static SetupMessage of(Envelope envelope) {
    return new SetupMessage(Objects.requireNonNull(envelope, "envelope == null"), null, null, false,
        OnRejection.KEEP_CONNECTION, null);
  }

  /**
   * An envelope built for each connection from the token its attempt used, for servers that
   * authenticate by first frame: every connection carries a fresh token. The function runs on a
   * SteadySocket dispatch thread (never the loop thread, never under a lock), once per connection,
   * after it opened; it must not block. If it throws or returns null the connection fails ({@link
   * Disconnect.Kind#SETUP_FAILED}, a {@link ListenerException}) and the socket retries with backoff.
   * To keep the token out of the handshake, give {@link SteadySocketBuilder#tokenHeader} an empty name.
   *
   * @param build receives the token from the {@link TokenProvider} for this attempt, or null if the
   *     socket has no provider (or it returned null)
   * @return a setup message that awaits no reply
   */
  public static SetupMessage fromToken(Function<@Nullable String, Envelope> build) {
    return new SetupMessage(null, Objects.requireNonNull(build, "build == null"), null, false,
        OnRejection.KEEP_CONNECTION, null);
  }

  /**
   * Awaits the server's reply on every connection: {@link SetupStatus#CONFIRMED} or {@link
   * SetupStatus#REJECTED}. No reply within {@code timeout} fails the connection with a {@link
   * SetupTimeoutException} (it is closed and the reconnect policy decides): never a silent gap.
   * Until every awaited reply is in, the connection does not end an outage, whatever its uptime.
   * Sends are not held back for the reply; see {@link #awaitReplyBeforeSends}.
   *
   * @param timeout how long each connection waits for the reply, from the moment the message is
   *     handed to it (written at once, unless over 4 MiB wait in OkHttp's buffer)
   * @return a copy that awaits its reply
   * @throws IllegalArgumentException if {@code timeout} is zero or negative
   */
  public SetupMessage awaitReply(Duration timeout) {
    return new SetupMessage(envelope, fromToken, positive(timeout), false, onRejection, cancelMessage);
  }

  /**
   * Like {@link #awaitReply}, and on every connection nothing after this message (later setup
   * messages, messages sent again, the outbox, the heartbeat envelope; the ping frame still goes) is
   * written until its reply arrives, it is cancelled or the connection ends: for an authentication
   * the server must have accepted before anything else. A rejection that keeps the connection
   * ({@link OnRejection#KEEP_CONNECTION}, the default) lets what waited go on: choose {@link
   * OnRejection#CLOSE_CONNECTION} if nothing may follow a refused authentication.
   *
   * @param timeout how long each connection waits for the reply, from the moment the message is
   *     handed to it
   * @return a copy that awaits its reply before anything newer is written
   * @throws IllegalArgumentException if {@code timeout} is zero or negative
   */
  public SetupMessage awaitReplyBeforeSends(Duration timeout) {
    return new SetupMessage(envelope, fromToken, positive(timeout), true, onRejection, cancelMessage);
  }

  /**
   * What a rejection does to the connection. Default {@link OnRejection#KEEP_CONNECTION}. {@link
   * OnRejection#CLOSE_CONNECTION} needs {@link #awaitReply}: {@link SteadySocket#setup} refuses it
   * otherwise (a message that awaits no reply is never rejected).
   *
   * @param onRejection keep the connection or close it as failed
   * @return a copy with this choice
   */
  public SetupMessage onRejection(OnRejection onRejection) {
    return new SetupMessage(envelope, fromToken, replyTimeout, holdsSends,
        Objects.requireNonNull(onRejection, "onRejection == null"), cancelMessage);
  }

  /**
   * The message written when the registration is {@link SetupRegistration#cancel() cancelled}
   * while it stands on the open connection (it was written there), such as {@code unsubscribe}.
   * Sent like a setup message: ahead of the outbox, with a fresh id, never queued for a later
   * connection.
   *
   * @param closing the closing message
   * @return a copy that sends {@code closing} when cancelled
   */
  public SetupMessage cancelWith(Envelope closing) {
    return new SetupMessage(envelope, fromToken, replyTimeout, holdsSends, onRejection,
        Objects.requireNonNull(closing, "closing == null"));
  }

  /**
   * The fixed envelope of {@link #of}.
   *
   * @return the envelope, or null for a message built {@link #fromToken from the token}
   */
  public @Nullable Envelope envelope() {
    return envelope;
  }

  /**
   * Whether the message is built from each attempt's token.
   *
   * @return true for {@link #fromToken}
   */
  public boolean usesToken() {
    return fromToken != null;
  }

  /**
   * How long each connection waits for the reply.
   *
   * @return the timeout, or null if no reply is awaited
   */
  public @Nullable Duration replyTimeout() {
    return replyTimeout;
  }

  /**
   * Whether newer messages wait for this one's reply ({@link #awaitReplyBeforeSends}).
   *
   * @return true if the reply holds back what follows
   */
  public boolean holdsSends() {
    return holdsSends;
  }

  /**
   * What a rejection does.
   *
   * @return the choice, never null
   */
  public OnRejection rejection() {
    return onRejection;
  }

  /**
   * The message sent when the registration is cancelled.
   *
   * @return the closing message, or null for none
   */
  public @Nullable Envelope cancelMessage() {
    return cancelMessage;
  }

  /**
   * This connection's envelope: the fixed one or the function's, with {@code id}. Called by the
   * socket on a dispatch thread.
   */
  Envelope build(@Nullable String token, String id) {
    Envelope e = envelope;
    if (e == null) {
      e = Objects.requireNonNull(fromToken).apply(token);
      if (e == null) throw new NullPointerException("the setup message's function returned null");
    }
    return e.toBuilder().id(id).build();
  }

  private static Duration positive(Duration timeout) {
    Objects.requireNonNull(timeout, "timeout == null");
    if (timeout.isNegative() || timeout.isZero()) throw new IllegalArgumentException("timeout <= 0: " + timeout);
    return timeout;
  }

  /** The type only, never the content: a setup message may carry a secret. */
  @Override
  public String toString() {
    Envelope e = envelope;
    return "SetupMessage{" + (e != null ? e.type() : "from token")
        + (replyTimeout != null ? (holdsSends ? ", awaitReplyBeforeSends=" : ", awaitReply=") + replyTimeout : "")
        + (onRejection == OnRejection.CLOSE_CONNECTION ? ", closeOnRejection" : "")
        + (cancelMessage != null ? ", cancelWith=" + cancelMessage.type() : "") + "}";
  }
}
