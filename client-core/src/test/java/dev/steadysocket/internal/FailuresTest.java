package dev.steadysocket.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.steadysocket.AuthenticationException;
import dev.steadysocket.ConnectionLostException;
import dev.steadysocket.DeadLinkException;
import dev.steadysocket.Disconnect;
import dev.steadysocket.HandshakeException;
import dev.steadysocket.ListenerException;
import dev.steadysocket.ProtocolViolationException;
import dev.steadysocket.SteadySocketException;
import dev.steadysocket.TlsException;
import java.io.IOException;
import java.net.ProtocolException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.security.cert.CertificateException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLPeerUnverifiedException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class FailuresTest {
  static final Duration CEILING = Duration.ofSeconds(30);
  static final long NOW = 1_700_000_000_000L;

  static Duration retryAfter(String value) {
    return Failures.parseRetryAfter(value, CEILING, NOW);
  }

  static String httpDate(long epochMillis) {
    return DateTimeFormatter.RFC_1123_DATE_TIME.format(Instant.ofEpochMilli(epochMillis).atOffset(ZoneOffset.UTC));
  }

  // ------------------------------------------------------------------ Retry-After

  @Test
  void retryAfterDeltaSeconds() {
    assertEquals(Duration.ofSeconds(0), retryAfter("0"));
    assertEquals(Duration.ofSeconds(7), retryAfter("7"));
    assertEquals(Duration.ofSeconds(12), retryAfter("  12\t"));
    assertEquals(CEILING, retryAfter("30"));
    assertEquals(CEILING, retryAfter("31"), "clamped to the ceiling");
    assertEquals(CEILING, retryAfter("86400"));
  }

  @Test
  void retryAfterWithMoreThanEighteenDigitsIsTheCeilingWithoutParsing() {
    assertEquals(CEILING, retryAfter("99999999999999999999999")); // beyond a long: must not throw
    assertEquals(CEILING, retryAfter("0000000000000000005"), "19 digits");
    Duration huge = Duration.ofSeconds(Long.MAX_VALUE);
    assertEquals(Duration.ofSeconds(100_000_000_000_000_000L),
        Failures.parseRetryAfter("100000000000000000", huge, NOW), "18 digits are parsed");
    assertEquals(huge, Failures.parseRetryAfter("1000000000000000000", huge, NOW), "19 are not");
  }

  @Test
  void retryAfterLongerThanSixtyFourCharsIsIgnored() {
    String padded = " ".repeat(62) + "12";
    assertEquals(64, padded.length());
    assertEquals(Duration.ofSeconds(12), retryAfter(padded));
    assertNull(retryAfter(" " + padded));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "   ", "-5", "+5", "1.5", "5s", "soon", "Wed, 32 Oct 2015 07:28:00 GMT", "٣"})
  void unreadableRetryAfterIsNull(String value) {
    assertNull(retryAfter(value));
  }

  @Test
  void absentRetryAfterIsNull() {
    assertNull(Failures.parseRetryAfter(null, CEILING, NOW));
  }

  @Test
  void retryAfterAsAnHttpDate() {
    long now = 1_700_000_000_000L; // whole seconds, so the date is exact
    assertEquals(Duration.ofSeconds(20), Failures.parseRetryAfter(httpDate(now + 20_000), CEILING, now));
    assertEquals(Duration.ofMillis(19_750), Failures.parseRetryAfter(httpDate(now + 20_000), CEILING, now + 250));
    assertEquals(Duration.ZERO, Failures.parseRetryAfter(httpDate(now), CEILING, now));
    assertEquals(Duration.ZERO, Failures.parseRetryAfter(httpDate(now - 60_000), CEILING, now), "a past date: now");
    assertEquals(CEILING, Failures.parseRetryAfter(httpDate(now + 3_600_000), CEILING, now));
    assertEquals(CEILING, Failures.parseRetryAfter(httpDate(now + 30_000), CEILING, now));
  }

  @Test
  void anHttpDateAtTheCeilingIsTheCeilingItself() {
    long now = 1_700_000_000_000L;
    Duration ceiling = Duration.ofSeconds(30).plusNanos(500); // not a whole millisecond
    assertEquals(ceiling, Failures.parseRetryAfter(httpDate(now + 30_000), ceiling, now));
    assertEquals(Duration.ofSeconds(29), Failures.parseRetryAfter(httpDate(now + 29_000), ceiling, now));
  }

  // ------------------------------------------------------------------ handshake

  @Test
  void handshake401And403AreAuthenticationFailures() {
    for (int status : new int[] {401, 403}) {
      Disconnect d = Failures.fromFailure(new ProtocolException("x"), status, "5", true, CEILING, NOW);
      assertEquals(Disconnect.Kind.HANDSHAKE_REJECTED, d.kind());
      AuthenticationException e = assertInstanceOf(AuthenticationException.class, d.error());
      assertEquals(status, e.statusCode());
      assertEquals(-1, e.closeCode());
      assertEquals(status, d.httpStatus());
      assertEquals(-1, d.closeCode());
      assertEquals(Duration.ofSeconds(5), d.retryAfter());
      assertTrue(d.wasOpen());
      assertEquals("server rejected the credentials: HTTP " + status, e.getMessage());
    }
  }

  @ParameterizedTest
  @ValueSource(ints = {199, 400, 404, 429, 500, 503})
  void otherStatusesAreHandshakeRejections(int status) {
    Disconnect d = Failures.fromFailure(new ProtocolException("x"), status, "3", false, CEILING, NOW);
    assertEquals(Disconnect.Kind.HANDSHAKE_REJECTED, d.kind());
    HandshakeException e = assertInstanceOf(HandshakeException.class, d.error());
    assertEquals(status, e.statusCode());
    assertEquals("server rejected the WebSocket handshake: HTTP " + status, e.getMessage());
    assertEquals(Duration.ofSeconds(3), d.retryAfter());
    assertFalse(d.wasOpen());
  }

  @ParameterizedTest
  @ValueSource(ints = {200, 204, 302, 399})
  void aNonUpgradeAnswerSaysItIsNotAWebSocketEndpoint(int status) {
    Disconnect d = Failures.fromFailure(new ProtocolException("x"), status, null, false, CEILING, NOW);
    assertEquals(
        "server answered HTTP " + status + " instead of upgrading to WebSocket (is this a WebSocket endpoint?)",
        d.error().getMessage());
    assertNull(d.retryAfter());
  }

  // ------------------------------------------------------------------ transport failures

  static SteadySocketException transport(Throwable t) {
    Disconnect d = Failures.fromFailure(t, -1, "5", true, CEILING, NOW);
    assertEquals(Disconnect.Kind.TRANSPORT_FAILURE, d.kind());
    assertNull(d.retryAfter(), "Retry-After is read only from a handshake response");
    assertEquals(-1, d.httpStatus());
    assertTrue(d.wasOpen());
    assertSame(t, d.error().getCause());
    return d.error();
  }

  @Test
  void aStatusOf101IsATransportFailureNotARejection() {
    Disconnect d = Failures.fromFailure(new IOException("bad accept header"), 101, null, false, CEILING, NOW);
    assertEquals(Disconnect.Kind.TRANSPORT_FAILURE, d.kind());
    assertEquals(101, d.httpStatus());
  }

  @Test
  void protocolErrorsAreViolations() {
    ProtocolViolationException e =
        assertInstanceOf(ProtocolViolationException.class, transport(new ProtocolException("bad frame")));
    assertEquals(-1, e.closeCode());
    assertEquals("protocol error: bad frame", e.getMessage());
  }

  @Test
  void certificateProblemsAnywhereInTheChainAreTlsErrors() {
    TlsException direct = assertInstanceOf(TlsException.class, transport(new SSLPeerUnverifiedException("wrong host")));
    assertEquals("TLS certificate rejected: wrong host", direct.getMessage());

    SSLHandshakeException wrapped = new SSLHandshakeException("handshake failed");
    wrapped.initCause(new IOException("middle", new CertificateException("untrusted root")));
    TlsException nested = assertInstanceOf(TlsException.class, transport(wrapped));
    assertEquals("TLS certificate rejected: untrusted root", nested.getMessage());

    SSLHandshakeException noMessage = new SSLHandshakeException("outer");
    noMessage.initCause(new CertificateException());
    assertEquals("TLS certificate rejected: CertificateException", transport(noMessage).getMessage());

    IOException pathCheck = new IOException("outer", new java.security.cert.CertPathValidatorException("expired"));
    assertEquals("TLS certificate rejected: expired", assertInstanceOf(TlsException.class, transport(pathCheck)).getMessage());

    // #16 part 2: the message is the root cause's, also below the node that was recognised.
    SSLPeerUnverifiedException withCause = new SSLPeerUnverifiedException("peer not verified");
    withCause.initCause(new IOException("hostname example.org not in the certificate"));
    assertEquals("TLS certificate rejected: hostname example.org not in the certificate", transport(withCause).getMessage());
  }

  @Test
  void aHandshakeThatSimplyHungUpIsNotATlsError() {
    SSLHandshakeException e = new SSLHandshakeException("Remote host terminated the handshake");
    e.initCause(new java.io.EOFException("eof"));
    assertInstanceOf(ConnectionLostException.class, transport(e));
  }

  @ParameterizedTest
  @ValueSource(strings = {
    "Received fatal alert: protocol_version", "Received fatal alert: handshake_failure",
    "No appropriate protocol (protocol is disabled or cipher suites are inappropriate)",
    "The server selected protocol version TLS10 is not accepted by client preferences [TLS13, TLS12]",
    "Read error: ssl=0x7a: Failure in SSL library, usually a protocol error\n"
        + "error:10000410:SSL routines:OPENSSL_internal:TLSV1_ALERT_PROTOCOL_VERSION"})
  void handshakesThatCannotAgreeAreTlsErrors(String message) {
    TlsException e = assertInstanceOf(TlsException.class, transport(new SSLHandshakeException(message)));
    assertEquals("TLS handshake cannot succeed: " + message, e.getMessage());
  }

  // #16 item 11: OkHttp 5 throws the first route's failure and attaches the others as suppressed
  @Test
  void aHandshakeThatCannotAgreeBehindAnotherRoutesFailureIsATlsError() {
    java.net.ConnectException refused = new java.net.ConnectException("Failed to connect to /[::1]:8443");
    refused.initCause(new java.net.ConnectException("Connection refused"));
    refused.addSuppressed(new SSLHandshakeException("Received fatal alert: protocol_version"));
    TlsException e = assertInstanceOf(TlsException.class, transport(refused));
    assertEquals("TLS handshake cannot succeed: Received fatal alert: protocol_version", e.getMessage());
    assertSame(refused, e.getCause(), "the whole failure, every route's");
  }

  // #16 item 11
  @Test
  void aCertificateProblemBehindAnotherRoutesFailureIsATlsError() {
    IOException reset = new IOException("reset");
    SSLHandshakeException untrusted = new SSLHandshakeException("PKIX path building failed");
    untrusted.initCause(new CertificateException("unable to find valid certification path"));
    reset.addSuppressed(untrusted);
    assertEquals("TLS certificate rejected: unable to find valid certification path",
        assertInstanceOf(TlsException.class, transport(reset)).getMessage());
  }

  @Test
  void aSuppressedHangUpIsNotATlsError() {
    java.net.ConnectException refused = new java.net.ConnectException("Connection refused");
    SSLHandshakeException hungUp = new SSLHandshakeException("Remote host terminated the handshake");
    hungUp.initCause(new java.io.EOFException("SSL peer shut down incorrectly"));
    refused.addSuppressed(hungUp);
    assertInstanceOf(ConnectionLostException.class, transport(refused));
  }

  /** An exception that suppresses itself and its cause: the walk must end. */
  @Test
  void aFailureTreeWithCyclesIsWalkedToTheEnd() {
    IOException a = new IOException("a");
    IOException b = new IOException("b", a);
    a.addSuppressed(b);
    b.addSuppressed(new IOException("c"));
    assertEquals("connection failed: IOException: a", transport(a).getMessage());
  }

  // #16 item 11: what a fatal alert from the server says, for the repeated-alert rule
  @Test
  void theFatalAlertAServerSentIsReadFromTheWholeFailure() {
    assertEquals("internal_error", Failures.receivedAlert(new javax.net.ssl.SSLException("Received fatal alert: internal_error")));
    IOException refused = new IOException("refused");
    refused.addSuppressed(new javax.net.ssl.SSLException("Received fatal alert: decode_error"));
    assertEquals("decode_error", Failures.receivedAlert(refused));
    assertEquals("internal_error", Failures.receivedAlert(new javax.net.ssl.SSLException(
        "Read error: ssl=0x1: Failure in SSL library, usually a protocol error\n"
            + "error:10000438:SSL routines:OPENSSL_internal:TLSV1_ALERT_INTERNAL_ERROR")));
    assertNull(Failures.receivedAlert(new javax.net.ssl.SSLException("Received fatal alert: close_notify")),
        "a closure, not a refusal");
    assertNull(Failures.receivedAlert(new SSLHandshakeException("Remote host terminated the handshake")));
    assertNull(Failures.receivedAlert(new IOException("Received fatal alert: internal_error")), "not TLS's");
  }

  /** #16 part 2: the first fatal alert of the walk counts; a closure before it does not hide it. */
  @Test
  void theFirstFatalAlertOfTheWalkIsTheOneReported() {
    assertEquals("internal_error", Failures.receivedAlert(
        new IOException("route failed", new javax.net.ssl.SSLException("Received fatal alert: internal_error"))));
    javax.net.ssl.SSLException closed = new javax.net.ssl.SSLException("Received fatal alert: close_notify");
    closed.addSuppressed(new javax.net.ssl.SSLException("Received fatal alert: decode_error"));
    assertEquals("decode_error", Failures.receivedAlert(closed));
    assertEquals("handshake_failure", Failures.receivedAlert(new javax.net.ssl.SSLException(
        "Received fatal alert: handshake_failure",
        new javax.net.ssl.SSLException("Received fatal alert: internal_error"))));
  }

  /** #16 part 2: the walk looks at 64 nodes at most, whatever the failure holds. */
  @Test
  void theWalkLooksAtSixtyFourNodes() {
    assertEquals("internal_error", Failures.receivedAlert(behind(63)), "the 64th node");
    assertNull(Failures.receivedAlert(behind(64)), "the 65th node is not looked at");
  }

  /** A fatal alert behind {@code hops} plain I/O errors, each the cause of the one before. */
  private static Throwable behind(int hops) {
    Throwable t = new javax.net.ssl.SSLException("Received fatal alert: internal_error");
    for (int i = 0; i < hops; i++) t = new IOException("hop " + i, t);
    return t;
  }

  /** An exception whose cause is itself: the chain walks must end. */
  static final class SelfCaused extends IOException {
    SelfCaused() {
      super("loop");
    }

    @Override
    public synchronized Throwable getCause() {
      return this;
    }
  }

  @Test
  void aSelfCausedExceptionDoesNotLoop() {
    SteadySocketException e = Failures.fromFailure(new SelfCaused(), -1, null, false, CEILING, NOW).error();
    assertEquals("connection failed: SelfCaused: loop", e.getMessage());
  }

  @Test
  void unknownHostAndOtherIoErrors() {
    assertEquals("unknown host: example.invalid",
        assertInstanceOf(ConnectionLostException.class, transport(new UnknownHostException("example.invalid"))).getMessage());
    assertEquals("connection failed: IOException: reset",
        assertInstanceOf(ConnectionLostException.class, transport(new IOException("reset"))).getMessage());
  }

  // ------------------------------------------------------------------ closes and the rest

  @ParameterizedTest
  @ValueSource(ints = {1002, 1003, 1007, 1009, 1010})
  void protocolCloseCodesAreViolations(int code) {
    Disconnect d = Failures.fromServerClose(code, "bad", true);
    assertEquals(Disconnect.Kind.CLOSED_BY_SERVER, d.kind());
    ProtocolViolationException e = assertInstanceOf(ProtocolViolationException.class, d.error());
    assertEquals(code, e.closeCode());
    assertEquals("server closed the connection: " + code + " bad", e.getMessage());
    assertEquals(code, d.closeCode());
    assertEquals(-1, d.httpStatus());
    assertTrue(d.wasOpen());
  }

  @Test
  void closeCode1008IsAnAuthenticationFailure() {
    Disconnect d = Failures.fromServerClose(1008, "", false);
    AuthenticationException e = assertInstanceOf(AuthenticationException.class, d.error());
    assertEquals(1008, e.closeCode());
    assertEquals(-1, e.statusCode());
    assertEquals("server closed the connection: 1008", e.getMessage());
    assertFalse(d.wasOpen());
  }

  @ParameterizedTest
  @ValueSource(ints = {1000, 1001, 1006, 1011, 1012, 1013, 4000})
  void otherCloseCodesAreLostConnections(int code) {
    Disconnect d = Failures.fromServerClose(code, "restart", true);
    assertEquals(ConnectionLostException.class, d.error().getClass());
    assertEquals("server closed the connection: " + code + " restart", d.error().getMessage());
    assertNull(d.retryAfter());
  }

  @Test
  void deadLinkSaysHowLongItWasSilent() {
    Disconnect d = Failures.deadLink(Duration.ofSeconds(10));
    assertEquals(Disconnect.Kind.DEAD_LINK, d.kind());
    assertInstanceOf(DeadLinkException.class, d.error());
    assertEquals("no frame or pong for 10000 ms after a heartbeat", d.error().getMessage());
    assertTrue(d.wasOpen());
  }

  @Test
  void connectTimeoutSaysWhatItWaitedFor() {
    Disconnect token = Failures.connectTimeout(Duration.ofSeconds(15), true);
    assertEquals(Disconnect.Kind.TRANSPORT_FAILURE, token.kind());
    assertEquals("the token provider did not answer within 15000 ms", token.error().getMessage());
    assertInstanceOf(SocketTimeoutException.class, token.error().getCause());
    assertFalse(token.wasOpen());
    Disconnect handshake = Failures.connectTimeout(Duration.ofMillis(1500), false);
    assertEquals("handshake did not complete within 1500 ms", handshake.error().getMessage());
    assertEquals("handshake did not complete", handshake.error().getCause().getMessage());
  }

  @Test
  void localFailureKeepsTheError() {
    SteadySocketException e = Api.get().connectionLost("no thread", null);
    Disconnect d = Failures.localFailure(e);
    assertSame(e, d.error());
    assertEquals(Disconnect.Kind.TRANSPORT_FAILURE, d.kind());
    assertFalse(d.wasOpen());
  }

  @Test
  void tokenFailuresAreTypedAndNeverQuoteTheMessage() {
    SteadySocketException io = Failures.tokenFailure(new IOException("secret-token-123"));
    assertInstanceOf(ConnectionLostException.class, io);
    assertEquals("token provider failed: java.io.IOException", io.getMessage());
    SteadySocketException bug = Failures.tokenFailure(new IllegalStateException("secret-token-123"));
    assertInstanceOf(ListenerException.class, bug);
    assertEquals("token provider threw java.lang.IllegalStateException", bug.getMessage());
    assertInstanceOf(IllegalStateException.class, bug.getCause());
  }
}
