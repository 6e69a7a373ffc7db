package dev.steadysocket;

/**
 * The TLS handshake failed in a way retrying cannot fix: an untrusted or wrong-host certificate,
 * or two sides that cannot agree (no common protocol version or cipher suite, a client certificate
 * required or refused). Terminal by default. A peer that hangs up mid-handshake is a {@link
 * ConnectionLostException} instead, which is retried. The cause is the TLS stack's exception.
 * Created by SteadySocket only.
 */
public final class TlsException extends SteadySocketException {
  private static final long serialVersionUID = 1L;

  TlsException(String message, Throwable cause) {
    super(message, cause);
  }
}
