package dev.steadysocket.reliability;

import dev.steadysocket.SteadySocketBuilder;
import static dev.steadysocket.ConnectionState.CLOSED;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.steadysocket.DecodeException;
import dev.steadysocket.Envelope;
import dev.steadysocket.SteadySocket;
import dev.steadysocket.TlsException;
import dev.steadysocket.reliability.Report.Section;
import dev.steadysocket.testkit.RecordingListener;
import java.io.Serializable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import okhttp3.OkHttpClient;
import okhttp3.WebSocket;
import okhttp3.WebSocketListener;
import okhttp3.tls.HandshakeCertificates;
import okhttp3.tls.HeldCertificate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Issue item 6: TLS failures are clear, typed and terminal; payloads never choose a class for
 * Jackson. (Secrets at TRACE level: {@link TraceLogSecretsTest}, in its own JVM.)
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SecurityTest extends RealPeerTest {
  private static final HeldCertificate ROOT =
      new HeldCertificate.Builder().certificateAuthority(0).commonName("SteadySocket test root").build();

  private static NodeServer node;

  /**
   * The Node peer, started by the first test that needs it: the TLS tests do not, and run (and
   * count) without Node.
   */
  private static NodeServer node() throws Exception {
    if (node == null) node = NodeServer.start();
    return node;
  }

  @AfterAll
  static void stopNode() throws Exception {
    if (node != null) node.close();
  }

  // ------------------------------------------------------------------ TLS

  /** A wss:// echo server on MockWebServer with {@code certificate} (and its chain). */
  private MockWebServer tlsServer(HeldCertificate certificate, java.security.cert.X509Certificate... chain)
      throws Exception {
    MockWebServer server = track(new MockWebServer());
    HandshakeCertificates serverCerts =
        new HandshakeCertificates.Builder().heldCertificate(certificate, chain).build();
    server.useHttps(serverCerts.sslSocketFactory());
    server.enqueue(new MockResponse.Builder().webSocketUpgrade(new WebSocketListener() {
      @Override
      public void onMessage(WebSocket webSocket, String text) {
        webSocket.send(text);
      }

      @Override
      public void onClosing(WebSocket webSocket, int code, String reason) {
        webSocket.close(1000, null);
      }
    }).build());
    server.start();
    return server;
  }

  /** A client that trusts only our test root. Its threads are shut down after the test. */
  private OkHttpClient trustingRoot() {
    HandshakeCertificates clientCerts =
        new HandshakeCertificates.Builder().addTrustedCertificate(ROOT.certificate()).build();
    OkHttpClient client =
        new OkHttpClient.Builder().sslSocketFactory(clientCerts.sslSocketFactory(), clientCerts.trustManager()).build();
    client.dispatcher().setMaxRequestsPerHost(64);
    track(() -> {
      client.dispatcher().executorService().shutdown();
      client.connectionPool().evictAll();
    });
    return client;
  }

  private TlsException assertTlsFailure(String url, OkHttpClient client, String scenario, String why) {
    RecordingListener events = new RecordingListener(RecordingListener.REAL_PEER_TIMEOUT_MILLIS);
    SteadySocketBuilder b = builder(url, events);
    if (client != null) b.okHttpClient(client);
    SteadySocket socket = track(b.build());
    long t0 = System.nanoTime();
    socket.connect();
    RecordingListener.Closed closed = events.awaitClosed();
    TlsException tls = assertInstanceOf(TlsException.class, closed.reason.error());
    assertTrue(tls.getMessage().startsWith("TLS certificate rejected"), tls.getMessage());
    assertEquals(CLOSED, socket.state());
    assertEquals(1, socket.metrics().connectionAttempts(), "a certificate problem is not retried");
    assertTrue(events.skipped(RecordingListener.Reconnecting.class).isEmpty(), "no reconnect scheduled");
    Report.row(Section.SECURITY, scenario,
        "CLOSED with TlsException (terminal: no retry)", "CLOSED: " + tls.getMessage() + " — " + why,
        "1 attempt, CLOSED after " + Report.ms(closed.nanos - t0));
    return tls;
  }

  private static String wss(MockWebServer server) {
    return server.url("/feed").toString().replaceFirst("^https:", "wss:");
  }

  @Order(1)
  @Test
  void selfSignedCertificateFailsWithATlsExceptionAndNoRetry() throws Exception {
    HeldCertificate selfSigned =
        new HeldCertificate.Builder().commonName("localhost").addSubjectAlternativeName("localhost").build();
    MockWebServer server = tlsServer(selfSigned);
    assertTlsFailure(wss(server), null,
        "wss:// to a server with a self-signed certificate (SDK's default client, system trust store)",
        "not trusted by the JDK's trust store");
  }

  @Order(2)
  @Test
  void wrongHostCertificateFailsWithATlsExceptionAndNoRetry() throws Exception {
    HeldCertificate otherHost =
        new HeldCertificate.Builder().signedBy(ROOT).addSubjectAlternativeName("wrong.example").build();
    MockWebServer server = tlsServer(otherHost, ROOT.certificate());
    assertTlsFailure(wss(server), trustingRoot(),
        "wss:// to a server whose trusted certificate is for another host (wrong.example)",
        "hostname verification failed although the chain is trusted");
  }

  @Order(3)
  @Test
  void expiredCertificateFailsWithATlsExceptionAndNoRetry() throws Exception {
    long now = System.currentTimeMillis();
    HeldCertificate expired =
        new HeldCertificate.Builder().signedBy(ROOT).addSubjectAlternativeName("localhost")
            .validityInterval(now - Duration.ofDays(30).toMillis(), now - Duration.ofDays(1).toMillis())
            .build();
    MockWebServer server = tlsServer(expired, ROOT.certificate());
    assertTlsFailure(wss(server), trustingRoot(),
        "wss:// to a server whose trusted certificate expired yesterday", "expired");
  }

  @Order(4)
  @Test
  void validCertificateForTheRightHostConnects() throws Exception {
    HeldCertificate good = new HeldCertificate.Builder().signedBy(ROOT).addSubjectAlternativeName("localhost").build();
    MockWebServer server = tlsServer(good, ROOT.certificate());
    RecordingListener events = new RecordingListener(RecordingListener.REAL_PEER_TIMEOUT_MILLIS);
    SteadySocket socket = open(builder(wss(server), events).okHttpClient(trustingRoot()), events);
    echo(socket, events, "over-tls");
    Report.row(Section.SECURITY, "Control: wss:// with a trusted certificate for the right host",
        "OPEN, messages flow", "OPEN, echo works (so the failures above are the certificates')", "—");
  }

  // ------------------------------------------------------------------ payload typing

  /** A typed-handler class with untyped members, the classic polymorphic-deserialization target. */
  public static final class Holder {
    public Object value;
    public Serializable serializable;
    public Map<String, Object> map;
    public List<Object> list;
  }

  @Order(5)
  @Test
  void payloadsNeverChooseTheClassJacksonInstantiates() throws Exception {
    String canary = "dev.steadysocket.reliability.PayloadCanary";
    ObjectMapper json = new ObjectMapper();
    List<JsonNode> payloads = List.of(
        json.readTree("{\"@class\":\"" + canary + "\",\"note\":\"x\"}"),
        json.readTree("{\"@type\":\"" + canary + "\"}"),
        json.readTree("{\"@c\":\".PayloadCanary\"}"),
        json.readTree("[\"" + canary + "\",{\"note\":\"x\"}]"),
        json.readTree("{\"value\":[\"" + canary + "\",{}],\"serializable\":[\"" + canary + "\",{}],"
            + "\"map\":{\"@class\":\"" + canary + "\"},\"list\":[[\"" + canary + "\",{}]]}"),
        json.readTree("[\"java.lang.ProcessBuilder\",{\"command\":[\"false\"]}]"));
    List<Object> asObject = Collections.synchronizedList(new ArrayList<>());
    List<Holder> asHolder = Collections.synchronizedList(new ArrayList<>());
    List<Map<String, Object>> asMap = Collections.synchronizedList(new ArrayList<>());
    RecordingListener events = new RecordingListener(RecordingListener.REAL_PEER_TIMEOUT_MILLIS);
    SteadySocket socket =
        open(builder(node().url("/echo"), events)
            .on("poly", Object.class, asObject::add)
            .on("poly", Holder.class, asHolder::add)
            .on("poly", new TypeReference<Map<String, Object>>() {}, asMap::add), events);
    int decodeErrors = 0;
    for (JsonNode p : payloads) {
      socket.send(Envelope.of("poly", p));
      events.awaitMessage("poly");
      // Handlers that cannot take this shape report a DecodeException; the rest get plain data.
      socket.send(Envelope.of("sync", null));
      events.awaitMessage("sync");
      for (RecordingListener.Error e : events.skipped(RecordingListener.Error.class)) {
        assertInstanceOf(DecodeException.class, e.error);
        decodeErrors++;
      }
    }
    assertEquals(payloads.size(), asObject.size());
    for (Object o : asObject) {
      assertTrue(o instanceof Map || o instanceof List, "plain JSON containers only: " + o.getClass());
    }
    for (Holder h : asHolder) {
      if (h.value != null) assertTrue(h.value instanceof List, String.valueOf(h.value.getClass()));
      if (h.serializable != null) assertTrue(h.serializable instanceof List, String.valueOf(h.serializable.getClass()));
    }
    assertFalse(PayloadCanary.Log.INITIALIZED.get(), "a payload made Jackson load and initialize " + canary);
    assertEquals(0, PayloadCanary.Log.CONSTRUCTED.get());
    Report.row(Section.SECURITY,
        payloads.size() + " payloads naming classes (`@class`, `@type`, `@c`, [\"class\", {…}] wrappers, in Object,"
            + " Serializable, Map and List members; one naming java.lang.ProcessBuilder) to typed handlers for"
            + " Object, a POJO with untyped fields and Map<String, Object>",
        "Jackson never instantiates a class named by the payload (default typing is never enabled)",
        "handlers got only LinkedHashMap/ArrayList/String values or a DecodeException; the canary class named"
            + " by the payloads was never initialized or constructed",
        asObject.size() + " Object, " + asHolder.size() + " POJO, " + asMap.size() + " Map deliveries; "
            + decodeErrors + " DecodeExceptions (shape mismatch)");
  }

}
