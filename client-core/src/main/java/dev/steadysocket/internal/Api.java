package dev.steadysocket.internal;

import dev.steadysocket.AuthenticationException;
import dev.steadysocket.CloseReason;
import dev.steadysocket.ConnectionLostException;
import dev.steadysocket.DeadLinkException;
import dev.steadysocket.Disconnect;
import dev.steadysocket.HandshakeException;
import dev.steadysocket.ListenerException;
import dev.steadysocket.MessageTooLargeException;
import dev.steadysocket.OutboxOverflowException;
import dev.steadysocket.ProtocolViolationException;
import dev.steadysocket.ReconnectAttemptsExhaustedException;
import dev.steadysocket.RequestTimeoutException;
import dev.steadysocket.SocketClosedException;
import dev.steadysocket.SteadySocketException;
import dev.steadysocket.TlsException;
import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * The one bridge from the implementation to the public package: it creates the public types whose
 * constructors are package-private there (errors, {@link CloseReason}, {@link Disconnect}), so
 * applications cannot create or misuse them. The implementation is installed by {@code
 * dev.steadysocket} when {@code SteadySocket} or {@code SteadySocketException} is initialized, which
 * every socket does before any code here runs.
 */
public abstract class Api {
  private static volatile @Nullable Api instance;

  /** Installs the bridge; called by {@code dev.steadysocket} only. */
  public static void install(Api api) {
    instance = api;
  }

  /** The bridge. */
  public static Api get() {
    Api api = instance;
    if (api != null) return api;
    new SteadySocketException("initializes the public package, which installs the bridge");
    api = instance;
    if (api == null) throw new IllegalStateException("dev.steadysocket did not install its API bridge");
    return api;
  }

  public abstract CloseReason closeReason(
      int code, String reason, boolean byApp, @Nullable SteadySocketException error);

  public abstract Disconnect disconnect(Disconnect.Kind kind, int httpStatus, int closeCode,
      @Nullable Duration retryAfter, boolean wasOpen, SteadySocketException error);

  public abstract AuthenticationException authentication(int statusCode, int closeCode, String message);

  public abstract HandshakeException handshake(int statusCode, String message);

  public abstract ProtocolViolationException protocolViolation(
      int closeCode, String message, @Nullable Throwable cause);

  public abstract TlsException tls(String message, Throwable cause);

  public abstract ConnectionLostException connectionLost(String message, @Nullable Throwable cause);

  public abstract DeadLinkException deadLink(String message);

  public abstract ReconnectAttemptsExhaustedException attemptsExhausted(
      int attempts, int max, @Nullable Throwable last);

  public abstract MessageTooLargeException messageTooLarge(String message);

  public abstract OutboxOverflowException outboxOverflow(String message);

  public abstract SocketClosedException socketClosed(String message);

  public abstract RequestTimeoutException requestTimeout(String requestId, Duration timeout);

  public abstract ListenerException listener(String message, Throwable cause);

  public abstract dev.steadysocket.SetupRejectedException setupRejected(
      dev.steadysocket.SetupRegistration registration, dev.steadysocket.Envelope reply);

  public abstract dev.steadysocket.SetupTimeoutException setupTimeout(
      dev.steadysocket.SetupRegistration registration, Duration timeout);

  /** A setup message's envelope for one connection: the application's function may run here. */
  public abstract dev.steadysocket.Envelope setupEnvelope(
      dev.steadysocket.SetupMessage message, @Nullable String token, String id);

  /** {@code envelope} as a socket sends it at {@code nowMillis}: see {@code Envelope.stampedAt}. */
  public abstract dev.steadysocket.Envelope stampedAt(dev.steadysocket.Envelope envelope, long nowMillis);

  /**
   * Wires {@code builder} to a stand-in for time and the network: the testing module's way in. It
   * is released with this version of client-core and also implements {@link Scheduler} and {@link
   * Transport}, reads {@link SocketCore#state()} and {@link SocketCore#metrics()}, and builds {@link
   * #messageTooLarge}; a change to any of them is a change to the kit.
   *
   * @param onBuild told of each socket the builder builds
   */
  public abstract dev.steadysocket.SteadySocketBuilder wire(dev.steadysocket.SteadySocketBuilder builder,
      Scheduler scheduler, Transport.Factory transports, java.util.concurrent.Executor dispatch,
      java.util.function.Consumer<SocketCore> onBuild);
}
