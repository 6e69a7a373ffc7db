package dev.steadysocket.internal;

import dev.steadysocket.ConnectionLostException;
import dev.steadysocket.Disconnect;
import org.jspecify.annotations.Nullable;

/**
 * The rule for fatal TLS alerts that may be transient: a server that refuses {@link #ATTEMPTS}
 * consecutive handshakes with the same fatal alert will refuse the next one too, and the attempt
 * that completes the run ends in a {@code TlsException} instead of a retry.
 *
 * <p>Alerts that always mean the two sides cannot agree (protocol_version, handshake_failure, a
 * client certificate required...) end the first attempt ({@link Failures}). Others, internal_error
 * above all, may come from a server's passing trouble, but are also what a misconfigured server
 * sends on every attempt: OpenSSL 3 limited to TLS 1.0 answers a modern ClientHello with
 * internal_error because it may not sign a TLS 1.0 handshake at its default security level. A
 * peer that hangs up without an alert is never counted: that is also what a restarting server or
 * a proxy without a backend does, and it may heal.
 *
 * <p>Any other outcome in between (a hang-up, a timeout, a different alert, a connection that
 * opened) starts the count again. Owned by {@link ConnectionLoop}: loop thread only.
 */
final class RepeatedTlsAlert {
  /** Consecutive attempts refused with the same alert that end the socket. */
  static final int ATTEMPTS = 3;

  private @Nullable String last;
  private int run;

  /**
   * A connection opened: the count starts again. Called at every open, because a connection that
   * opened may end without a disconnect reaching {@link #observe} (pause, replaceConnection).
   */
  void opened() {
    run = 0;
    last = null;
  }

  /** Every disconnect of the socket, in order: {@code d} itself, or the TLS failure it completes. */
  Disconnect observe(Disconnect d) {
    Throwable cause = d.error().getCause();
    String alert = !d.wasOpen() && d.error() instanceof ConnectionLostException && cause != null
        ? Failures.receivedAlert(cause)
        : null;
    run = alert != null && alert.equals(last) ? run + 1 : 1;
    last = alert;
    if (alert == null || run < ATTEMPTS) return d;
    return Failures.repeatedAlert(alert, run, cause);
  }
}
