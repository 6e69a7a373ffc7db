package dev.steadysocket.reliability;

import static dev.steadysocket.ConnectionState.CLOSED;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.steadysocket.ConnectionLostException;
import dev.steadysocket.ReconnectAttemptsExhaustedException;
import dev.steadysocket.SteadySocket;
import dev.steadysocket.TlsException;
import dev.steadysocket.reliability.Report.Section;
import dev.steadysocket.testkit.RecordingListener;
import java.net.InetAddress;
import java.util.List;
import okhttp3.OkHttpClient;
import okhttp3.tls.HandshakeCertificates;
import okhttp3.tls.HeldCertificate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Real TLS servers that speak only TLS 1.0 (OpenSSL, through Python's ssl module), which SteadySocket's
 * JDK client never speaks: the socket ends with a {@link TlsException} instead of retrying forever,
 * however the refusal reaches it. A peer that merely hangs up mid-handshake is still retried.
 * Every socket here allows a few reconnects only, so a client that would retry forever fails the
 * test with {@link ReconnectAttemptsExhaustedException} instead of hanging it.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TlsVersionPeerTest extends RealPeerTest {
  private static final HeldCertificate CERT = new HeldCertificate.Builder()
      .rsa2048().commonName("tls.test").addSubjectAlternativeName("tls.test").addSubjectAlternativeName("127.0.0.1")
      .build();
  /** Reconnects allowed: more than the attempts a repeated alert takes to end the socket. */
  private static final int RECONNECTS = 5;

  private static Tls10Server server;

  @BeforeAll
  static void start() throws Exception {
    server = Tls10Server.start(CERT);
    Report.note("OpenSSL (TLS 1.0 peers)", Tls10Server.openSslVersion(Tls10Server.python()));
  }

  @AfterAll
  static void stop() {
    if (server != null) server.close();
  }

  /** A client that trusts CERT and resolves tls.test to {@code addresses}; released after the test. */
  private OkHttpClient client(String... addresses) {
    HandshakeCertificates certs = new HandshakeCertificates.Builder().addTrustedCertificate(CERT.certificate()).build();
    OkHttpClient client = new OkHttpClient.Builder()
        .sslSocketFactory(certs.sslSocketFactory(), certs.trustManager())
        .dns(host -> {
          List<InetAddress> out = new java.util.ArrayList<>();
          for (String a : addresses) out.add(InetAddress.getByName(a));
          return out;
        })
        .build();
    track(() -> {
      client.dispatcher().executorService().shutdown();
      client.connectionPool().evictAll();
    });
    return client;
  }

  /** Connects to {@code scenario}'s listener and waits for CLOSED. */
  private Outcome run(String scenario, String... addresses) throws InterruptedException {
    RecordingListener events = new RecordingListener(RecordingListener.REAL_PEER_TIMEOUT_MILLIS);
    SteadySocket socket = track(builder("wss://tls.test:" + server.port(scenario) + "/feed", events)
        .okHttpClient(client(addresses))
        .maxReconnectAttempts(RECONNECTS)
        .build());
    server.outcomes(); // an earlier test's
    long t0 = System.nanoTime();
    socket.connect();
    RecordingListener.Closed closed = events.awaitClosed();
    assertEquals(CLOSED, socket.state());
    long attempts = socket.metrics().connectionAttempts();
    return new Outcome(closed, attempts, closed.nanos - t0, server.outcomes(attempts));
  }

  private static final class Outcome {
    final RecordingListener.Closed closed;
    final long attempts;
    final long nanos;
    final List<String> serverSaw;

    Outcome(RecordingListener.Closed closed, long attempts, long nanos, List<String> serverSaw) {
      this.closed = closed;
      this.attempts = attempts;
      this.nanos = nanos;
      this.serverSaw = serverSaw;
    }

    TlsException tls() {
      return assertInstanceOf(TlsException.class, closed.reason.error(),
          "the typed error after " + attempts + " attempts; the server saw " + serverSaw);
    }

    String server() {
      return serverSaw.isEmpty() ? "?" : serverSaw.get(serverSaw.size() - 1).replaceFirst("^CONN \\S+ ", "");
    }
  }

  @Order(1)
  @Test
  void anOpenSslServerLimitedToTls10EndsInATlsExceptionAfterOneAttempt() throws Exception {
    Outcome o = run("tls10", "127.0.0.1");
    TlsException tls = o.tls();
    assertTrue(tls.getMessage().contains("protocol_version"), tls.getMessage());
    assertEquals(1, o.attempts, "attempts");
    Report.row(Section.SECURITY,
        "wss:// to an OpenSSL server limited to TLSv1 (Python ssl: minimum = maximum = TLSv1)",
        "TlsException after exactly one attempt, CLOSED",
        "CLOSED: " + tls.getMessage() + " (server: " + o.server() + ")",
        "1 attempt, CLOSED after " + Report.ms(o.nanos));
  }

  // #16 item 11: OkHttp reports the first route's failure; the TLS refusal is a suppressed exception
  @Order(2)
  @Test
  void aTls10ServerBehindAnAddressThatRefusesEndsInATlsExceptionAfterOneAttempt() throws Exception {
    // As `localhost` resolving to ::1 and 127.0.0.1 with a server listening on IPv4 only.
    Outcome o = run("tls10", "127.0.0.2", "127.0.0.1");
    TlsException tls = o.tls();
    assertTrue(tls.getMessage().contains("protocol_version"), tls.getMessage());
    assertEquals(1, o.attempts, "attempts");
    Report.row(Section.SECURITY,
        "the same server under a name whose first address refuses connections (127.0.0.2, then 127.0.0.1):"
            + " OkHttp reports the refused route and attaches the TLS alert as a suppressed exception",
        "TlsException after exactly one attempt, CLOSED",
        "CLOSED: " + tls.getMessage(),
        "1 attempt, CLOSED after " + Report.ms(o.nanos));
  }

  // #16 item 11: the reviewer's server: OpenSSL 3 answers with internal_error, on every attempt
  @Order(3)
  @Test
  void aTls10ServerAnsweringEveryAttemptWithTheSameAlertEndsInATlsException() throws Exception {
    Outcome o = run("tls10-legacy", "127.0.0.1");
    TlsException tls = o.tls();
    assertTrue(tls.getMessage().contains("internal_error"), tls.getMessage());
    assertEquals(3, o.attempts, "the same fatal alert ends the socket on the third consecutive attempt");
    Report.row(Section.SECURITY,
        "wss:// to an OpenSSL 3 server with the TLSv1-only method at its default security level: it answers"
            + " every ClientHello with the fatal alert internal_error (server: " + o.server() + ")",
        "TlsException once the same fatal alert ended 3 consecutive attempts, CLOSED (an alert that may be"
            + " transient is not terminal at once)",
        "CLOSED: " + tls.getMessage(),
        o.attempts + " attempts, CLOSED after " + Report.ms(o.nanos));
  }

  // #16 item 11: what must stay retryable
  @Order(4)
  @Test
  void aPeerThatHangsUpMidHandshakeIsRetried() throws Exception {
    Outcome o = run("hangup", "127.0.0.1");
    ReconnectAttemptsExhaustedException e = assertInstanceOf(ReconnectAttemptsExhaustedException.class,
        o.closed.reason.error(), "retried until the test's limit; the server saw " + o.serverSaw);
    assertInstanceOf(ConnectionLostException.class, e.getCause());
    assertEquals(RECONNECTS + 1, o.attempts, "attempts");
    Report.row(Section.SECURITY,
        "wss:// to a peer that reads the ClientHello and hangs up without an alert (as a JDK server whose only"
            + " protocol is disabled does, or one restarting)",
        "ConnectionLostException, retried with backoff (a hang-up may heal)",
        "retried until the test's limit of " + RECONNECTS + " reconnects: " + e.getCause().getMessage(),
        o.attempts + " attempts in " + Report.ms(o.nanos));
  }
}
