package dev.steadysocket;

/** The TLS handshake failed in a way retrying cannot fix (untrusted or wrong-host certificate). Terminal by default. */
public final class TlsException extends SteadySocketException {
  private static final long serialVersionUID = 1L;

  TlsException(String message, Throwable cause) {
    super(message, cause);
  }
}
