package dev.steadysocket;

import static dev.steadysocket.ConnectionState.CLOSED;
import static dev.steadysocket.ConnectionState.CLOSING;
import static dev.steadysocket.ConnectionState.CONNECTING;
import static dev.steadysocket.ConnectionState.IDLE;
import static dev.steadysocket.ConnectionState.OPEN;
import static dev.steadysocket.ConnectionState.RECONNECTING;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** Handshake statuses, close codes, Retry-After, auth refresh and timeouts, in virtual time. */
class PolicyTest extends VirtualTimeTest {

  private SteadySocket connecting(SteadySocket socket) {
    socket.connect();
    clock.runUntilIdle();
    listener.assertState(IDLE, CONNECTING);
    return socket;
  }

  @ParameterizedTest
  @ValueSource(ints = {400, 404, 405, 410, 426, 200, 302})
  void otherStatusesStopWithHandshakeException(int status) {
    SteadySocket socket = connecting(builder().build());
    transports.last().reject(status, null);
    clock.runUntilIdle();
    HandshakeException e = listener.assertError(HandshakeException.class);
    assertEquals(status, e.statusCode());
    listener.assertState(CONNECTING, CLOSED);
    assertSame(e, listener.assertClosed().error());
    clock.advanceBy(Duration.ofMinutes(5));
    assertEquals(1, transports.count(), "must not retry a " + status);
    assertEquals(CLOSED, socket.state());
  }

  @ParameterizedTest
  @ValueSource(ints = {408, 500, 502, 504, 429, 503})
  void transientStatusesRetryWithBackoff(int status) {
    connecting(builder().build());
    transports.last().reject(status, null);
    clock.runUntilIdle();
    assertEquals(status, listener.assertError(HandshakeException.class).statusCode());
    listener.assertState(CONNECTING, RECONNECTING);
    clock.advanceBy(listener.assertReconnecting(1).delay);
    listener.assertState(RECONNECTING, CONNECTING);
    assertEquals(2, transports.count());
  }

  @Test
  void retryAfterSecondsIsTheNextDelay() {
    connecting(builder().build());
    transports.last().reject(503, "7");
    clock.runUntilIdle();
    listener.assertError(HandshakeException.class);
    listener.assertState(CONNECTING, RECONNECTING);
    assertEquals(Duration.ofSeconds(7), listener.assertReconnecting(1).delay);
    clock.advanceBy(Duration.ofSeconds(7).minusMillis(1));
    assertEquals(1, transports.count());
    clock.advanceByMillis(1);
    assertEquals(2, transports.count());
    listener.assertState(RECONNECTING, CONNECTING);
  }

  @Test
  void retryAfterHttpDateIsHonouredUpToTheCeiling() {
    connecting(builder().maxRetryAfter(Duration.ofMinutes(5)).build());
    String date = DateTimeFormatter.RFC_1123_DATE_TIME.format(
        Instant.ofEpochMilli(clock.currentTimeMillis()).atZone(ZoneOffset.UTC).plusSeconds(120));
    transports.last().reject(429, date);
    clock.runUntilIdle();
    listener.assertError(HandshakeException.class);
    listener.assertState(CONNECTING, RECONNECTING);
    long delay = listener.assertReconnecting(1).delay.getSeconds();
    assertTrue(delay >= 118 && delay <= 120, "delay " + delay);
  }

  @Test
  void retryAfterBeyondTheCeilingWaitsTheCeiling() {
    connecting(builder().backoff(Backoff.exponential(Duration.ofSeconds(1), Duration.ofSeconds(8))).build());
    transports.last().reject(503, "3600");
    clock.runUntilIdle();
    listener.assertError(HandshakeException.class);
    listener.assertState(CONNECTING, RECONNECTING);
    assertEquals(Duration.ofSeconds(8), listener.assertReconnecting(1).delay, "the backoff's cap");
    clock.advanceBy(Duration.ofSeconds(8));
    listener.assertState(RECONNECTING, CONNECTING);
    assertEquals(2, transports.count());
  }

  @ParameterizedTest
  @ValueSource(ints = {401, 403})
  void authRejectionRefreshesTheTokenOnceThenStops(int status) {
    AtomicInteger refreshes = new AtomicInteger();
    connecting(
        builder()
            .tokenProvider(refresh -> {
              if (refresh) refreshes.incrementAndGet();
              return "t";
            })
            .build());
    assertFalse(transports.last().refreshToken);
    transports.last().reject(status, null);
    clock.runUntilIdle();
    listener.assertError(AuthenticationException.class);
    listener.assertState(CONNECTING, RECONNECTING);
    // A refresh retries at once in spirit, but never with zero delay after a failed attempt.
    assertEquals(Backoff.defaults().minimum(), listener.assertReconnecting(1).delay);
    assertEquals(1, transports.count());
    clock.advanceBy(Backoff.defaults().minimum());
    listener.assertState(RECONNECTING, CONNECTING);
    assertTrue(transports.last().refreshToken, "second attempt must ask for a fresh token");

    transports.last().reject(status, null);
    clock.runUntilIdle();
    AuthenticationException e = listener.assertError(AuthenticationException.class);
    assertEquals(status, e.statusCode());
    listener.assertState(CONNECTING, CLOSED);
    assertSame(e, listener.assertClosed().error());
    assertEquals(2, transports.count());
  }

  @Test
  void authRejectionWithoutTokenProviderStopsAtOnce() {
    connecting(builder().build());
    transports.last().reject(401, null);
    clock.runUntilIdle();
    AuthenticationException e = listener.assertError(AuthenticationException.class);
    listener.assertState(CONNECTING, CLOSED);
    assertSame(e, listener.assertClosed().error());
  }

  @Test
  void aConnectionThatStaysUpEarnsAnotherRefresh() {
    open(builder().tokenProvider(refresh -> "t").build());
    clock.advanceBy(Duration.ofSeconds(5)); // the minimum uptime: no outage in progress
    transports.last().serverClose(1008, "token expired");
    clock.runUntilIdle();
    assertEquals(1008, listener.assertError(AuthenticationException.class).closeCode());
    listener.assertState(OPEN, RECONNECTING);
    assertEquals(Duration.ZERO, listener.assertReconnecting(1).delay, "first failure of a healthy link");
    listener.assertState(RECONNECTING, CONNECTING);
    assertTrue(transports.last().refreshToken);
    transports.last().open();
    clock.runUntilIdle();
    listener.assertState(CONNECTING, OPEN);
    clock.advanceBy(Duration.ofSeconds(5));
    transports.last().serverClose(1008, "token expired again");
    clock.runUntilIdle();
    listener.assertError(AuthenticationException.class);
    listener.assertState(OPEN, RECONNECTING);
    listener.assertReconnecting(1);
    listener.assertState(RECONNECTING, CONNECTING);
    assertTrue(transports.last().refreshToken);
  }

  @ParameterizedTest
  @ValueSource(ints = {1000, 1001, 1011, 1012, 1013, 1014, 4000, 4999, 3000})
  void retryableCloseCodesReconnect(int code) {
    open(builder().build());
    transports.last().serverClose(code, "bye");
    clock.runUntilIdle();
    listener.assertError(ConnectionLostException.class);
    listener.assertState(OPEN, RECONNECTING);
    listener.assertReconnecting(1);
    assertFalse(transports.last().cancelled, "a closed connection is not cancelled mid-handshake");
  }

  @ParameterizedTest
  @ValueSource(ints = {1002, 1003, 1007, 1009, 1010})
  void protocolCloseCodesStop(int code) {
    open(builder().build());
    transports.last().serverClose(code, "no");
    clock.runUntilIdle();
    ProtocolViolationException e = listener.assertError(ProtocolViolationException.class);
    assertEquals(code, e.closeCode());
    listener.assertState(OPEN, CLOSED);
    CloseReason r = listener.assertClosed();
    assertEquals(code, r.code());
    assertEquals(e.getMessage(), r.reason(), "the reason is the message of the error that ended it"); // #16 part 2
    assertFalse(r.initiatedByApp());
  }

  @Test
  void userPolicyOverridesTheDefaults() {
    ReconnectPolicy policy =
        d -> d.httpStatus() == 404
            ? ReconnectPolicy.Decision.retryAfter(Duration.ofSeconds(3))
            : ReconnectPolicy.defaults().decide(d);
    connecting(builder().reconnectPolicy(policy).build());
    transports.last().reject(404, null);
    clock.runUntilIdle();
    listener.assertError(HandshakeException.class);
    listener.assertState(CONNECTING, RECONNECTING);
    assertEquals(Duration.ofSeconds(3), listener.assertReconnecting(1).delay);
  }

  @Test
  void throwingPolicyFallsBackToDefaults() {
    connecting(builder().reconnectPolicy(d -> { throw new IllegalStateException("bug"); }).build());
    transports.last().fail(new IOException("reset"));
    clock.runUntilIdle();
    listener.assertError(ConnectionLostException.class);
    listener.assertError(ListenerException.class);
    listener.assertState(CONNECTING, RECONNECTING);
    listener.assertReconnecting(1);
  }

  @Test
  void handshakeThatNeverCompletesTimesOut() {
    SteadySocket socket = connecting(builder().connectTimeout(Duration.ofSeconds(15)).build());
    clock.advanceBy(Duration.ofSeconds(15).minusMillis(1));
    assertEquals(CONNECTING, socket.state());
    clock.advanceByMillis(1);
    transports.last().assertCancelled();
    listener.assertError(ConnectionLostException.class);
    listener.assertState(CONNECTING, RECONNECTING);
    listener.assertReconnecting(1);
    // The cancelled attempt's late failure belongs to a retired connection: ignored.
    transports.created.get(0).fail(new IOException("Canceled"));
    clock.runUntilIdle();
  }

  @Test
  void closeTimesOutWhenTheServerNeverAnswers() {
    SteadySocket socket = open(builder().closeTimeout(Duration.ofSeconds(5)).build());
    socket.close(1000, "bye");
    clock.runUntilIdle();
    listener.assertState(OPEN, CLOSING);
    assertEquals(1000, transports.last().closeCode);
    clock.advanceBy(Duration.ofSeconds(5).minusMillis(1));
    assertEquals(CLOSING, socket.state());
    clock.advanceByMillis(1);
    transports.last().assertCancelled();
    listener.assertState(CLOSING, CLOSED);
    CloseReason r = listener.assertClosed();
    assertTrue(r.initiatedByApp());
    assertNull(r.error());
    assertTrue(socket.closeFuture().isDone());
  }

  @Test
  void closeCompletesWhenTheServerAnswers() {
    SteadySocket socket = open(builder().build());
    socket.close();
    clock.runUntilIdle();
    listener.assertState(OPEN, CLOSING);
    transports.last().serverClose(1000, "");
    clock.runUntilIdle();
    listener.assertState(CLOSING, CLOSED);
    assertTrue(listener.assertClosed().initiatedByApp());
    // Nothing after the terminal callback, whatever arrives late.
    transports.last().receive("{\"type\":\"late\"}");
    transports.last().fail(new IOException("late"));
    socket.close();
    socket.connect();
    clock.advanceBy(Duration.ofMinutes(1));
    assertEquals(1, transports.count());
  }

  @Test
  void closeWhileReconnectingCancelsTheAttempt() {
    SteadySocket socket = open(builder().build());
    dropOpenConnection();
    socket.close();
    clock.runUntilIdle();
    listener.assertState(RECONNECTING, CLOSING);
    listener.assertState(CLOSING, CLOSED);
    listener.assertClosed();
    clock.advanceBy(Duration.ofMinutes(1));
    assertEquals(1, transports.count());
  }

  @Test
  void invalidCloseArgumentsThrowAtOnce() {
    SteadySocket socket = builder().build();
    org.junit.jupiter.api.Assertions.assertThrows(
        IllegalArgumentException.class, () -> socket.close(1005, ""));
    org.junit.jupiter.api.Assertions.assertThrows(
        IllegalArgumentException.class, () -> socket.close(999, ""));
    org.junit.jupiter.api.Assertions.assertThrows(
        IllegalArgumentException.class, () -> socket.close(1000, "x".repeat(124)));
  }

  @Test
  void aTlsVersionTheClientRefusesStops() {
    // What the JDK throws when a server that speaks only TLS 1.0 answers with a TLS 1.0 ServerHello.
    connecting(builder().build());
    transports.last().fail(new javax.net.ssl.SSLHandshakeException(
        "The server selected protocol version TLS10 is not accepted by client preferences [TLS13, TLS12]"));
    clock.runUntilIdle();
    listener.assertError(TlsException.class);
    listener.assertState(CONNECTING, CLOSED);
    listener.assertClosed();
  }

  @Test
  void tlsCertificateErrorsStop() {
    connecting(builder().build());
    transports.last().fail(
        new javax.net.ssl.SSLHandshakeException("PKIX path building failed") {
          {
            initCause(new java.security.cert.CertificateException("unable to find valid certification path"));
          }
        });
    clock.runUntilIdle();
    listener.assertError(TlsException.class);
    listener.assertState(CONNECTING, CLOSED);
    listener.assertClosed();
  }
}
