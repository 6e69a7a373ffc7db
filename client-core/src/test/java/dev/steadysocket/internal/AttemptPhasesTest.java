package dev.steadysocket.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.steadysocket.SocketObserver;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import javax.net.SocketFactory;
import okhttp3.CipherSuite;
import okhttp3.Handshake;
import okhttp3.OkHttpClient;
import okhttp3.Protocol;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.TlsVersion;
import org.junit.jupiter.api.Test;

/** The phases SteadySocket times itself on the client it derives: DNS, TCP connect, TLS, upgrade. */
class AttemptPhasesTest {
  static final long MS = 1_000_000L;
  /** A clock that moves 3 ms every time it is read. */
  long now;
  final Events events = TestEvents.of(null);
  final List<String> phases = new ArrayList<>();
  final AttemptPhases timed = new AttemptPhases(events, () -> now += 3 * MS);

  AttemptPhasesTest() {
    events.observe(List.of(new SocketObserver() {
      @Override
      public void phaseEnded(Phase phase, long durationNanos) {
        phases.add(phase + " " + durationNanos / MS);
      }
    }));
  }

  OkHttpClient derive(OkHttpClient base) {
    OkHttpClient.Builder b = base.newBuilder();
    timed.install(base, b);
    return b.build();
  }

  @Test
  void dnsIsTimedAroundTheClientsOwnDns() throws Exception {
    List<InetAddress> answer = List.of(InetAddress.getLoopbackAddress());
    OkHttpClient c = derive(new OkHttpClient.Builder().dns(host -> answer).build());
    assertSame(answer, c.dns().lookup("example.com"));
    assertEquals(List.of("DNS 3"), phases);
  }

  @Test
  void theDefaultFactorysSocketsTimeTheirConnect() throws Exception {
    OkHttpClient c = derive(new OkHttpClient());
    assertNotSame(SocketFactory.getDefault(), c.socketFactory());
    try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        Socket s = c.socketFactory().createSocket()) {
      s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), server.getLocalPort()), 1_000);
      assertTrue(s.isConnected());
    }
    assertEquals(List.of("CONNECT 3"), phases);
  }

  @Test
  void anApplicationsSocketFactoryIsLeftAlone() {
    SocketFactory own = new SocketFactory() {
      @Override public Socket createSocket() { return new Socket(); }
      @Override public Socket createSocket(String h, int p) { throw new UnsupportedOperationException(); }
      @Override public Socket createSocket(String h, int p, InetAddress l, int lp) { throw new UnsupportedOperationException(); }
      @Override public Socket createSocket(InetAddress h, int p) { throw new UnsupportedOperationException(); }
      @Override public Socket createSocket(InetAddress h, int p, InetAddress l, int lp) { throw new UnsupportedOperationException(); }
    };
    assertSame(own, derive(new OkHttpClient.Builder().socketFactory(own).build()).socketFactory());
  }

  static Response response(long sentAt, long receivedAt, boolean tls) {
    Response.Builder b = new Response.Builder()
        .request(new Request.Builder().url("https://example.com/").build())
        .protocol(Protocol.HTTP_1_1).code(101).message("Switching Protocols")
        .sentRequestAtMillis(sentAt).receivedResponseAtMillis(receivedAt);
    if (tls) b.handshake(Handshake.get(TlsVersion.TLS_1_3, CipherSuite.TLS_AES_128_GCM_SHA256, List.of(), List.of()));
    return b.build();
  }

  /** Connects once on loopback, so the TCP connect's end (wall clock) is recorded; returns when. */
  long connectOnce() throws Exception {
    OkHttpClient c = derive(new OkHttpClient());
    long before = System.currentTimeMillis();
    try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        Socket s = c.socketFactory().createSocket()) {
      s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), server.getLocalPort()), 1_000);
    }
    phases.clear();
    return before;
  }

  @Test
  void tlsRunsFromTheConnectToTheRequestSentAndTheUpgradeToTheResponse() throws Exception {
    long before = connectOnce();
    long after = System.currentTimeMillis();
    timed.answered(response(after + 40, after + 65, true));
    assertEquals(2, phases.size(), phases.toString());
    long tls = Long.parseLong(phases.get(0).substring(4));
    assertTrue(phases.get(0).startsWith("TLS ") && tls >= 40 && tls <= 40 + (after - before), phases.toString());
    assertEquals("UPGRADE 25", phases.get(1));
    timed.answered(response(after + 100, after + 101, true));
    assertEquals("UPGRADE 1", phases.get(2), "no TLS without a connect of its own: " + phases);
  }

  @Test
  void noTlsPhaseForPlainTextOrARequestSentBeforeTheConnectEnded() throws Exception {
    long before = connectOnce();
    timed.answered(response(System.currentTimeMillis() + 5, System.currentTimeMillis() + 5, false));
    assertEquals(List.of("UPGRADE 0"), phases, "ws://: no TLS");
    connectOnce();
    timed.answered(response(before - 1_000, before - 990, true));
    assertEquals(List.of("UPGRADE 10"), phases, "sent before the connect ended: not this attempt's");
    timed.answered(response(before, before - 1, true));
    assertEquals(List.of("UPGRADE 10"), phases, "a response before its request: no upgrade figure");
  }
}
