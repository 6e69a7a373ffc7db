package dev.steadysocket;

import dev.steadysocket.internal.Api;
import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * Lets the implementation create the public types whose constructors are not API. Installed when
 * {@link SteadySocket} (or {@link SteadySocketException}) is first initialized, before any socket
 * exists; see {@link Api}.
 */
final class ApiBridge extends Api {
  static void install() {
    Api.install(new ApiBridge());
  }

  private ApiBridge() {}

  @Override
  public CloseReason closeReason(int code, String reason, boolean byApp, @Nullable SteadySocketException error) {
    return new CloseReason(code, reason, byApp, error);
  }

  @Override
  public Disconnect disconnect(Disconnect.Kind kind, int httpStatus, int closeCode,
      @Nullable Duration retryAfter, boolean wasOpen, SteadySocketException error) {
    return new Disconnect(kind, httpStatus, closeCode, retryAfter, wasOpen, error);
  }

  @Override
  public AuthenticationException authentication(int statusCode, int closeCode, String message) {
    return new AuthenticationException(statusCode, closeCode, message);
  }

  @Override
  public HandshakeException handshake(int statusCode, String message) {
    return new HandshakeException(statusCode, message);
  }

  @Override
  public ProtocolViolationException protocolViolation(int closeCode, String message, @Nullable Throwable cause) {
    return new ProtocolViolationException(closeCode, message, cause);
  }

  @Override
  public TlsException tls(String message, Throwable cause) {
    return new TlsException(message, cause);
  }

  @Override
  public ConnectionLostException connectionLost(String message, @Nullable Throwable cause) {
    return new ConnectionLostException(message, cause);
  }

  @Override
  public DeadLinkException deadLink(String message) {
    return new DeadLinkException(message);
  }

  @Override
  public ReconnectAttemptsExhaustedException attemptsExhausted(int attempts, int max, @Nullable Throwable last) {
    return new ReconnectAttemptsExhaustedException(attempts, max, last);
  }

  @Override
  public MessageTooLargeException messageTooLarge(String message) {
    return new MessageTooLargeException(message);
  }

  @Override
  public OutboxOverflowException outboxOverflow(String message) {
    return new OutboxOverflowException(message);
  }

  @Override
  public SocketClosedException socketClosed(String message) {
    return new SocketClosedException(message);
  }

  @Override
  public RequestTimeoutException requestTimeout(String requestId, Duration timeout) {
    return new RequestTimeoutException(requestId, timeout);
  }

  @Override
  public ListenerException listener(String message, Throwable cause) {
    return new ListenerException(message, cause);
  }

  @Override
  public SetupRejectedException setupRejected(SetupRegistration registration, Envelope reply) {
    return new SetupRejectedException(registration, reply);
  }

  @Override
  public SetupTimeoutException setupTimeout(SetupRegistration registration, Duration timeout) {
    return new SetupTimeoutException(registration, timeout);
  }

  @Override
  public Envelope setupEnvelope(SetupMessage message, @Nullable String token, String id) {
    return message.build(token, id);
  }

  @Override
  public Envelope stampedAt(Envelope envelope, long nowMillis) {
    return envelope.stampedAt(nowMillis);
  }

  @Override
  public SteadySocketBuilder wire(SteadySocketBuilder builder, dev.steadysocket.internal.Scheduler scheduler,
      dev.steadysocket.internal.Transport.Factory transports, java.util.concurrent.Executor dispatch,
      java.util.function.Consumer<dev.steadysocket.internal.SocketCore> onBuild) {
    return builder.scheduler(scheduler).transportFactory(transports).sharedDispatch(dispatch).onBuild(onBuild);
  }

  /**
   * {@code build()}'s last step: asks each factory for {@code socket}'s observer and installs them
   * (in the order added). A factory that throws fails {@code build()}, after the socket is closed
   * so it gives back the shared thread and client it acquired.
   */
  static SteadySocket observed(
      dev.steadysocket.internal.SocketCore core, SteadySocket socket, java.util.List<SocketObserver.Factory> factories) {
    if (factories.isEmpty()) return socket;
    java.util.List<SocketObserver> observers = new java.util.ArrayList<>(factories.size());
    try {
      for (SocketObserver.Factory f : factories) {
        observers.add(java.util.Objects.requireNonNull(f.create(socket), "SocketObserver.Factory.create returned null"));
      }
    } catch (RuntimeException | Error e) {
      core.observe(observers); // those created so far hear of the close (closed), and let go of what they hold
      socket.close();
      throw e;
    }
    core.observe(observers);
    return socket;
  }
}
