package dev.steadysocket.testing;

import static dev.steadysocket.testing.ObserverFixtures.utf8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.steadysocket.Envelope;
import dev.steadysocket.Heartbeat;
import dev.steadysocket.SocketObserver.Phase;
import dev.steadysocket.SteadySocket;
import dev.steadysocket.SteadySocketListener;
import dev.steadysocket.testing.server.Envelopes;
import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import javax.net.SocketFactory;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import okhttp3.Dns;
import okhttp3.OkHttpClient;
import okhttp3.WebSocket;
import okhttp3.WebSocketListener;
import okhttp3.tls.HandshakeCertificates;
import okhttp3.tls.HeldCertificate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * What needs real OkHttp, on loopback in real time: the attempt's phases (DNS, CONNECT, TLS,
 * UPGRADE), timed by SteadySocket on the client it derives; pongs timed from the frame guard;
 * inbound back-pressure holding OkHttp's reader thread; the threads events come on; and the lock
 * probe with real threads. Real time, so figures are bounded, not exact: each phase lies within
 * the attempt, the attempt within the wall time the test measured around it.
 */
@ExtendWith(SteadySocketExtension.class)
class ObserverLoopbackTest {
  private static final long MS = 1_000_000L;

  static void await(BooleanSupplier condition, String what) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) throw new AssertionError("timed out waiting for " + what);
      try {
        Thread.sleep(2);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
  }

  /** A host name only this Dns knows: it resolves to 127.0.0.1, after {@code delayMillis}. */
  private static Dns slowDns(long delayMillis) {
    return host -> {
      if (!host.equals("steadysocket.test") && !host.equals("localhost")) return Dns.SYSTEM.lookup(host);
      try {
        Thread.sleep(delayMillis);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return List.of(InetAddress.getByName("127.0.0.1"));
    };
  }

  private static void release(OkHttpClient client) {
    client.dispatcher().executorService().shutdown();
    client.connectionPool().evictAll();
  }

  private static List<String> attemptEvents(RecordingObserver rec) {
    return rec.events().stream()
        .filter(e -> List.of("attemptStarted", "phaseEnded", "handshakeResponse", "connectionOpened", "disconnected").contains(e.name))
        .map(e -> e.name.equals("phaseEnded") ? "phaseEnded(" + e.arg(0) + ")" : e.name)
        .collect(Collectors.toList());
  }

  private static long phase(RecordingObserver rec, int index) {
    return rec.named("phaseEnded").get(index).nanos(1);
  }

  @Test
  void dnsConnectAndUpgradeAreTimedInsideTheAttempt(@SteadySocketExtension.Loopback FakeServer server) {
    OkHttpClient base = new OkHttpClient.Builder().dns(slowDns(50)).build();
    RecordingObserver rec = new RecordingObserver();
    long before = System.nanoTime();
    SteadySocket socket = SteadySocket.builder(server.url().replace("127.0.0.1", "steadysocket.test"))
        .okHttpClient(base).observer(rec.factory()).heartbeat(Heartbeat.disabled()).build();
    try {
      socket.connect();
      await(() -> rec.count("connectionOpened") == 1, "the connection");
      long wall = System.nanoTime() - before;
      assertEquals(List.of("attemptStarted", "phaseEnded(DNS)", "phaseEnded(CONNECT)", "phaseEnded(UPGRADE)",
          "handshakeResponse", "connectionOpened"), attemptEvents(rec));
      long dns = phase(rec, 0);
      long connect = phase(rec, 1);
      long upgrade = phase(rec, 2);
      long attempt = rec.only("connectionOpened").nanos(2);
      assertTrue(dns >= 50 * MS, "DNS took the resolver's 50 ms at least: " + dns);
      assertTrue(connect > 0, "connect: " + connect);
      assertTrue(upgrade >= 0, "upgrade (milliseconds, as OkHttp stamps them): " + upgrade);
      assertTrue(attempt >= dns + connect, "the phases lie within the attempt: " + attempt + " < " + dns + " + " + connect);
      assertTrue(attempt + MS >= dns + connect + upgrade, "with the upgrade (to its millisecond)");
      assertTrue(attempt <= wall, "and the attempt within the wall time: " + attempt + " > " + wall);
      assertEquals(List.of(Phase.DNS, Phase.CONNECT, Phase.UPGRADE),
          rec.named("phaseEnded").stream().map(e -> e.arg(0)).collect(Collectors.toList()));
      Thread loop = rec.only("attemptStarted").thread;
      assertTrue(loop.getName().startsWith("SteadySocket loop"), loop.getName());
      assertSame(loop, rec.only("handshakeResponse").thread);
      assertSame(loop, rec.only("connectionOpened").thread);
      for (RecordingObserver.Event p : rec.named("phaseEnded")) {
        assertNotSame(loop, p.thread, "phases come on OkHttp's thread running the call");
      }
      assertEquals(socket.extensions(), ((String) rec.only("connectionOpened").arg(1)).replace("'", ""));
    } finally {
      socket.close();
      release(base);
    }
  }

  @Test
  void aRejectedHandshakeHasItsPhasesThenItsStatus(@SteadySocketExtension.Loopback FakeServer server) {
    OkHttpClient base = new OkHttpClient.Builder().dns(slowDns(0)).build();
    RecordingObserver rec = new RecordingObserver();
    SteadySocket socket = SteadySocket.builder(server.url().replace("127.0.0.1", "steadysocket.test"))
        .okHttpClient(base).observer(rec.factory()).heartbeat(Heartbeat.disabled()).build();
    try {
      server.rejectNextHandshakes(1, 503, Duration.ofSeconds(1));
      socket.connect();
      await(() -> rec.count("connectionOpened") == 1, "the second attempt's connection");
      assertEquals(List.of(
          "attemptStarted", "phaseEnded(DNS)", "phaseEnded(CONNECT)", "phaseEnded(UPGRADE)", "handshakeResponse", "disconnected",
          "attemptStarted", "phaseEnded(DNS)", "phaseEnded(CONNECT)", "phaseEnded(UPGRADE)", "handshakeResponse", "connectionOpened"),
          attemptEvents(rec));
      assertEquals(List.of("handshakeResponse(503)", "handshakeResponse(101)"), rec.lines("handshakeResponse"));
      assertEquals(List.of("attemptStarted(0, 1)", "attemptStarted(0, 2)"), rec.lines("attemptStarted"));
      long waited = rec.named("attemptStarted").get(1).at - rec.named("attemptStarted").get(0).at;
      assertTrue(waited >= 1_000 * MS, "the Retry-After was waited: " + waited);
    } finally {
      socket.close();
      release(base);
    }
  }

  /** An IP literal is not resolved, and an application's own socket factory is left alone: neither phase is reported. */
  @Test
  void noDnsPhaseForAnAddressAndNoConnectPhaseWithTheApplicationsSocketFactory(
      @SteadySocketExtension.Loopback FakeServer server) {
    SocketFactory own = new SocketFactory() {
      @Override public Socket createSocket() throws IOException { return new Socket(); }
      @Override public Socket createSocket(String h, int p) throws IOException { return new Socket(h, p); }
      @Override public Socket createSocket(String h, int p, InetAddress l, int lp) throws IOException { return new Socket(h, p, l, lp); }
      @Override public Socket createSocket(InetAddress h, int p) throws IOException { return new Socket(h, p); }
      @Override public Socket createSocket(InetAddress h, int p, InetAddress l, int lp) throws IOException { return new Socket(h, p, l, lp); }
    };
    OkHttpClient base = new OkHttpClient.Builder().socketFactory(own).build();
    RecordingObserver rec = new RecordingObserver();
    SteadySocket socket = SteadySocket.builder(server.url()).okHttpClient(base).observer(rec.factory())
        .heartbeat(Heartbeat.disabled()).build();
    try {
      socket.connect();
      await(() -> rec.count("connectionOpened") == 1, "the connection");
      assertEquals(List.of("attemptStarted", "phaseEnded(UPGRADE)", "handshakeResponse", "connectionOpened"), attemptEvents(rec));
    } finally {
      socket.close();
      release(base);
    }
  }

  @Test
  void overTlsTheHandshakeIsItsOwnPhase() throws Exception {
    HeldCertificate root = new HeldCertificate.Builder().certificateAuthority(0).commonName("observer test root").build();
    HeldCertificate cert = new HeldCertificate.Builder().signedBy(root).addSubjectAlternativeName("localhost").build();
    HandshakeCertificates serverSide = new HandshakeCertificates.Builder().heldCertificate(cert, root.certificate()).build();
    HandshakeCertificates clientSide = new HandshakeCertificates.Builder().addTrustedCertificate(root.certificate()).build();
    OkHttpClient base = new OkHttpClient.Builder().dns(slowDns(0))
        .sslSocketFactory(clientSide.sslSocketFactory(), clientSide.trustManager()).build();
    RecordingObserver rec = new RecordingObserver();
    try (MockWebServer web = new MockWebServer()) {
      web.useHttps(serverSide.sslSocketFactory());
      web.enqueue(new MockResponse.Builder().headersDelay(100, TimeUnit.MILLISECONDS).webSocketUpgrade(new WebSocketListener() {
        @Override
        public void onClosing(WebSocket ws, int code, String reason) {
          ws.close(1000, null);
        }
      }).build());
      web.start(InetAddress.getByName("127.0.0.1"), 0);
      long before = System.nanoTime();
      SteadySocket socket = SteadySocket.builder("wss://localhost:" + web.getPort() + "/").okHttpClient(base)
          .observer(rec.factory()).heartbeat(Heartbeat.disabled()).build();
      try {
        socket.connect();
        await(() -> rec.count("connectionOpened") == 1, "the wss connection");
        long wall = System.nanoTime() - before;
        assertEquals(List.of("attemptStarted", "phaseEnded(DNS)", "phaseEnded(CONNECT)", "phaseEnded(TLS)", "phaseEnded(UPGRADE)",
            "handshakeResponse", "connectionOpened"), attemptEvents(rec));
        long tls = phase(rec, 2);
        long upgrade = phase(rec, 3);
        long attempt = rec.only("connectionOpened").nanos(2);
        assertTrue(tls >= 0, "TLS, to the millisecond: " + tls);
        assertTrue(upgrade >= 100 * MS, "the server's 100 ms before its 101 is in the upgrade: " + upgrade);
        assertTrue(attempt + 2 * MS >= phase(rec, 0) + phase(rec, 1) + tls + upgrade, "the phases lie within the attempt");
        assertTrue(attempt <= wall);
      } finally {
        socket.close();
        await(() -> rec.count("closed") == 1, "the close");
      }
    } finally {
      release(base);
    }
  }

  @Test
  void aPongIsTimedOnTheReaderThread(@SteadySocketExtension.Loopback FakeServer server) {
    RecordingObserver rec = new RecordingObserver();
    SteadySocket socket = SteadySocket.builder(server.url()).observer(rec.factory()).heartbeat(Heartbeat.disabled()).build();
    try {
      socket.connect();
      await(() -> rec.count("connectionOpened") == 1, "the connection");
      long before = System.nanoTime();
      socket.checkLiveness(Duration.ofSeconds(5));
      await(() -> rec.count("pongReceived") == 1, "the pong");
      long wall = System.nanoTime() - before;
      long rtt = rec.only("pongReceived").nanos(0);
      assertTrue(rtt > 0 && rtt <= wall, "0 < " + rtt + " <= " + wall);
      assertEquals(List.of("pingSent()", "pongReceived"), rec.events().stream()
          .filter(e -> e.name.equals("pingSent") || e.name.equals("pongReceived"))
          .map(e -> e.name.equals("pingSent") ? e.toString() : e.name).collect(Collectors.toList()));
      assertTrue(rec.only("pingSent").thread.getName().startsWith("SteadySocket loop"));
      assertNotSame(rec.only("pingSent").thread, rec.only("pongReceived").thread, "the pong on the reader");
    } finally {
      socket.close();
    }
  }

  /**
   * Back-pressure holds OkHttp's reader: a listener blocked on the first message lets the backlog
   * reach its bound; the reader is held (inboundPaused, on the reader) until the test releases the
   * listener and half the backlog is delivered (inboundResumed, with how long it was held).
   */
  @Test
  void backPressureHoldsTheReaderUntilTheListenersCatchUp(@SteadySocketExtension.Loopback FakeServer server)
      throws InterruptedException {
    CountDownLatch release = new CountDownLatch(1);
    RecordingObserver rec = new RecordingObserver();
    SteadySocket socket = SteadySocket.builder(server.url()).observer(rec.factory()).heartbeat(Heartbeat.disabled())
        .listener(new SteadySocketListener() {
          @Override
          public void onMessage(Envelope envelope) {
            try {
              release.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
          }
        }).build();
    try {
      socket.connect();
      await(() -> rec.count("connectionOpened") == 1, "the connection");
      String frame = Envelopes.envelope("tick", Envelopes.JSON.valueToTree(Map.of("text", "ünïcødé")), "t", "server", null, 0)
          .toString();
      for (int i = 0; i < 1_100; i++) server.connection().sendRaw(frame);
      await(() -> rec.count("inboundPaused") == 1, "the reader held");
      long heldAt = System.nanoTime();
      Thread.sleep(300);
      release.countDown();
      await(() -> rec.count("inboundResumed") == 1, "the reader released");
      long sinceHeld = System.nanoTime() - heldAt;
      await(() -> rec.count("messageReceived") == 1_100, "every message");
      assertEquals("inboundPaused(1000, " + 1_000 * utf8(frame) + ")", rec.only("inboundPaused").toString());
      long paused = rec.only("inboundResumed").nanos(0);
      assertTrue(paused >= 300 * MS, "held while the listener was: " + paused);
      long between = rec.only("inboundResumed").at - rec.only("inboundPaused").at;
      assertTrue(paused <= between && between <= sinceHeld + 300 * MS + TimeUnit.SECONDS.toNanos(1),
          "measured between the two events: " + paused + " <= " + between);
      Thread reader = rec.only("inboundPaused").thread;
      assertSame(reader, rec.only("inboundResumed").thread);
      assertTrue(reader.getName().contains("OkHttp"), "OkHttp's reader: " + reader.getName());
      assertEquals(1, rec.count("inboundPaused"), "once");
    } finally {
      release.countDown();
      socket.close();
    }
  }

  @Test
  void beforeSendAndMessageQueuedComeOnTheSendingThread(@SteadySocketExtension.Loopback FakeServer server)
      throws InterruptedException {
    RecordingObserver rec = new RecordingObserver();
    SteadySocket socket = SteadySocket.builder(server.url()).observer(rec.factory()).heartbeat(Heartbeat.disabled()).build();
    try {
      socket.connect();
      await(() -> rec.count("connectionOpened") == 1, "the connection");
      CompletableFuture<?>[] sent = new CompletableFuture<?>[1];
      Thread app = new Thread(() -> sent[0] = socket.send(Envelope.of("order", 1)), "app sender");
      app.start();
      app.join();
      await(() -> sent[0].isDone(), "the send");
      assertSame(app, rec.only("beforeSend").thread);
      assertSame(app, rec.only("messageQueued").thread);
      assertSame(app, rec.only("messageWritten").thread, "written at once, on the sending thread");
      await(() -> server.received("order").size() == 1, "the server's copy");
    } finally {
      socket.close();
    }
  }

  /**
   * A message's events come in order — queued, written, acknowledged — even when the sending
   * thread is held up between handing the message to OkHttp (under Outbound's lock) and reporting
   * the write, and the server's ack is read meanwhile on the reader. The hold-up is forced here by
   * a first observer that takes 300 ms over that one messageWritten (standing for a preemption of
   * the sending thread at that point, which a loaded machine makes happen now and then).
   */
  @Test
  void anAcknowledgementIsNeverReportedBeforeTheWriteItAcknowledges(@SteadySocketExtension.Loopback FakeServer server) {
    java.util.concurrent.atomic.AtomicBoolean first = new java.util.concurrent.atomic.AtomicBoolean();
    RecordingObserver slow = new RecordingObserver().onEvent(e -> {
      if (e.name.equals("messageWritten") && first.compareAndSet(false, true)) {
        try {
          Thread.sleep(300);
        } catch (InterruptedException x) {
          Thread.currentThread().interrupt();
        }
      }
    });
    RecordingObserver rec = new RecordingObserver();
    SocketEvents listener = new SocketEvents();
    SteadySocket socket = SteadySocket.builder(server.url()).acknowledgedSends(true).heartbeat(Heartbeat.disabled())
        .observer(slow.factory()).observer(rec.factory()).listener(listener).build();
    try {
      socket.connect();
      listener.awaitState(dev.steadysocket.ConnectionState.OPEN, Duration.ofSeconds(5)); // the lane is open
      CompletableFuture<Void> sent = socket.send(Envelope.builder("order").id("o-1").build());
      await(() -> sent.isDone() && rec.count("messageAcknowledged") == 1 && rec.count("messageWritten") == 1,
          "the write and the ack reported");
      assertEquals(List.of("messageQueued", "messageWritten", "messageAcknowledged"), rec.events().stream()
          .map(e -> e.name).filter(n -> n.startsWith("message")).collect(Collectors.toList()));
    } finally {
      socket.close();
    }
  }

  /** The lock probe with real threads: the loop, OkHttp's reader and dispatcher, the dispatch pool, senders. */
  @Test
  void noEventIsFiredUnderALockOfTheSocketOnRealThreads(@SteadySocketExtension.Loopback FakeServer server) {
    LockProbe probe = new LockProbe(5);
    RecordingObserver rec = new RecordingObserver();
    server.replyTo("ask", request -> Map.of("answer", 42));
    OkHttpClient base = new OkHttpClient.Builder().dns(slowDns(0)).build();
    SteadySocket socket = SteadySocket.builder(server.url().replace("127.0.0.1", "steadysocket.test")).okHttpClient(base)
        .observer(probe.install(rec)).acknowledgedSends(true).deduplicate(16)
        .heartbeat(Heartbeat.every(Duration.ofMillis(200))).build();
    try {
      socket.connect();
      await(() -> rec.count("heartbeatEchoed") >= 1, "the connection, its lane open (a heartbeat came back)");
      server.connection().send("tick", 1);
      server.connection().sendRaw("{not json");
      CompletableFuture<Void> sent = socket.send(Envelope.of("order", 1));
      CompletableFuture<Envelope> reply = socket.request(Envelope.of("ask", 1), Duration.ofSeconds(5));
      socket.checkLiveness(Duration.ofSeconds(5));
      await(() -> sent.isDone() && reply.isDone() && rec.count("heartbeatEchoed") >= 1 && rec.count("pongReceived") >= 1,
          "acks, the reply, echoes and pongs");
      server.connection().drop();
      await(() -> rec.count("connectionOpened") == 2, "the reconnect");
      socket.pause("p");
      socket.resume("p");
      await(() -> rec.count("connectionOpened") == 3, "the resume");
    } finally {
      socket.close();
      await(() -> rec.count("closed") == 1, "the close");
      release(base);
    }
    await(() -> probe.running.get() == 0 && probe.probed.containsAll(LockProbe.firedOutsideProbes(rec)), "the last probes");
    assertEquals(List.of(), probe.violations);
    Set<String> fired = LockProbe.firedOutsideProbes(rec);
    assertEquals(fired, new TreeSet<>(probe.probed));
    assertTrue(fired.containsAll(List.of("phaseEnded", "pongReceived", "heartbeatEchoed", "messageReceived", "decodeFailed",
        "messageWritten", "messageAcknowledged", "requestCompleted", "disconnected", "paused", "resumed", "closed")), fired.toString());
  }
}
