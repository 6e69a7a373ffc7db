package dev.steadysocket.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.steadysocket.ConnectionLostException;
import dev.steadysocket.Disconnect;
import dev.steadysocket.TlsException;
import java.io.EOFException;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.Test;

/** {@link RepeatedTlsAlert}: the same fatal alert on consecutive attempts ends in a TlsException. */
class RepeatedTlsAlertTest {
  private final RepeatedTlsAlert alerts = new RepeatedTlsAlert();

  private static Disconnect failed(Throwable t, boolean wasOpen) {
    return Failures.fromFailure(t, -1, null, wasOpen, FailuresTest.CEILING, FailuresTest.NOW);
  }

  private static Disconnect alert(String name) {
    return failed(new SSLException("Received fatal alert: " + name), false);
  }

  private static Disconnect hangUp() {
    SSLHandshakeException e = new SSLHandshakeException("Remote host terminated the handshake");
    e.initCause(new EOFException("SSL peer shut down incorrectly"));
    return failed(e, false);
  }

  /** Observes {@code d}, expecting it back unchanged. */
  private void passes(Disconnect d) {
    assertSame(d, alerts.observe(d));
  }

  // #16 item 11
  @Test
  void theSameAlertOnThreeConsecutiveAttemptsEndsInATlsException() {
    passes(alert("internal_error"));
    passes(alert("internal_error"));
    Disconnect third = alert("internal_error");
    Disconnect d = alerts.observe(third);
    TlsException e = assertInstanceOf(TlsException.class, d.error());
    assertEquals("TLS handshake cannot succeed: the server answered 3 consecutive attempts with the fatal"
        + " alert internal_error", e.getMessage());
    assertSame(third.error().getCause(), e.getCause(), "what OkHttp reported");
    assertEquals(Disconnect.Kind.TRANSPORT_FAILURE, d.kind());
    assertFalse(d.wasOpen());
  }

  @Test
  void anotherFailureInBetweenStartsTheCountAgain() {
    passes(alert("internal_error"));
    passes(alert("internal_error"));
    passes(hangUp());
    passes(alert("internal_error"));
    passes(alert("internal_error"));
    assertInstanceOf(TlsException.class, alerts.observe(alert("internal_error")).error());
  }

  @Test
  void aDifferentAlertStartsTheCountAgain() {
    passes(alert("internal_error"));
    passes(alert("internal_error"));
    passes(alert("decode_error"));
    passes(alert("internal_error"));
  }

  @Test
  void anAlertOnAConnectionThatWasOpenIsNotAHandshakeRefusal() {
    passes(alert("internal_error"));
    passes(alert("internal_error"));
    passes(failed(new SSLException("Received fatal alert: internal_error"), true));
    passes(alert("internal_error"));
  }

  @Test
  void aHangUpIsNeverCounted() {
    for (int i = 0; i < 10; i++) {
      assertInstanceOf(ConnectionLostException.class, alerts.observe(hangUp()).error());
    }
  }
}
