package dev.steadysocket.reliability;

import static dev.steadysocket.ConnectionState.OPEN;
import static dev.steadysocket.ConnectionState.RECONNECTING;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.steadysocket.Backoff;
import dev.steadysocket.ConnectionLostException;
import dev.steadysocket.HandshakeException;
import dev.steadysocket.Heartbeat;
import dev.steadysocket.SteadySocket;
import dev.steadysocket.reliability.Report.Section;
import dev.steadysocket.testkit.RecordingListener;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * nginx as the WebSocket reverse proxy most deployments have, with a short idle timeout: the
 * heartbeat must keep an idle connection alive through it, and when nginx drops a connection (idle
 * timeout, upstream gone) the client must come back.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class NginxProxyTest extends RealPeerTest {
  private static final Duration READ_TIMEOUT = Duration.ofSeconds(2);

  @TempDir static Path dir;
  private static NodeServer node;
  private static Nginx nginx;

  @BeforeAll
  static void start() throws Exception {
    Peers.requireNginx();
    node = NodeServer.start();
    nginx = Nginx.start(dir.resolve("nginx"), node.port, READ_TIMEOUT);
    Report.note("nginx", String.valueOf(Peers.version(Peers.nginxBinary(), "-v")));
  }

  @AfterAll
  static void stop() throws Exception {
    try {
      if (nginx != null) nginx.close();
    } finally {
      if (node != null) node.close();
    }
  }

  @Order(1)
  @Test
  void heartbeatsKeepAnIdleConnectionAliveThroughNginx() throws Exception {
    RecordingListener events = new RecordingListener(RecordingListener.REAL_PEER_TIMEOUT_MILLIS);
    Heartbeat heartbeat = Heartbeat.every(Duration.ofMillis(700)); // timeout 700 ms; nginx's is 2 s
    SteadySocket socket = open(builder(nginx.url("/echo?trace=1"), events).heartbeat(heartbeat), events);
    int beats = 9;
    int falseAlarms = 0;
    long idle;
    while (true) {
      long start = System.nanoTime();
      node.drainStdout();
      // Idle apart from heartbeats for 3 × proxy_read_timeout, measured in heartbeats answered.
      for (int i = 0; i < beats; i++) node.awaitStdout("^HB$", Duration.ofSeconds(10));
      idle = System.nanoTime() - start;
      RecordingListener.Event e = events.poll(0);
      if (e == null) break;
      // Nginx closing would be a ConnectionLostException (EOF). All that may happen instead is our
      // own heartbeat giving up during a stall of a heavily loaded machine; then measure again.
      assertDeadLinkDetection(assertInstanceOf(RecordingListener.Error.class, e, "first event while idle").error);
      assertTrue(++falseAlarms <= 2, "the heartbeat kept failing through nginx");
      events.awaitState(OPEN);
    }
    assertTrue(idle > 2 * READ_TIMEOUT.toNanos(), "idle only " + millis(idle) + " ms");
    assertEquals(OPEN, socket.state());
    assertEquals(1 + falseAlarms, socket.metrics().connectionAttempts());
    echo(socket, events, "after-idle");
    Report.row(Section.NGINX,
        "Idle connection through nginx, Heartbeat every 700 ms (timeout 700 ms)",
        "heartbeats are traffic both ways: nginx never sees 2 s of silence, the connection survives",
        "same connection OPEN after " + beats + " answered heartbeats, echo works" + falseAlarms(falseAlarms),
        "idle for " + Report.ms(idle) + " = " + String.format(java.util.Locale.ROOT, "%.1f", idle / (double) READ_TIMEOUT.toNanos())
            + " × proxy_read_timeout");
  }

  @Order(2)
  @Test
  void whenNginxDropsAnIdleConnectionTheClientRecovers() {
    RecordingListener events = new RecordingListener(RecordingListener.REAL_PEER_TIMEOUT_MILLIS);
    SteadySocket socket =
        open(builder(nginx.url("/echo"), events).heartbeat(Heartbeat.disabled()), events);
    long openAt = events.recorded(RecordingListener.State.class).get(1).nanos;
    RecordingListener.Error lost = events.await(RecordingListener.Error.class, e -> true, 15_000);
    assertInstanceOf(ConnectionLostException.class, lost.error);
    long dropAfter = lost.nanos - openAt;
    assertTrue(dropAfter >= Duration.ofSeconds(1).toNanos(), "dropped after " + millis(dropAfter) + " ms, before any timeout");
    events.awaitState(RECONNECTING);
    RecordingListener.State open = events.awaitState(OPEN);
    echo(socket, events, "after-nginx-drop");
    Report.row(Section.NGINX,
        "Idle connection through nginx without heartbeats",
        "nginx closes it after proxy_read_timeout; ConnectionLostException, reconnect with backoff",
        "ConnectionLostException (" + lost.error.getMessage() + "), reconnected, echo works",
        "dropped by nginx " + Report.ms(dropAfter) + " after OPEN; OPEN again "
            + Report.ms(open.nanos - lost.nanos) + " later");
  }

  @Order(3)
  @Test
  void upstreamGoneMeans502RetriedWithBackoffUntilItIsBack() throws Exception {
    RecordingListener events = new RecordingListener(RecordingListener.REAL_PEER_TIMEOUT_MILLIS);
    SteadySocket socket =
        open(builder(nginx.url("/echo"), events)
            .backoff(Backoff.exponential(Duration.ofMillis(50), Duration.ofMillis(400)).withoutJitter()), events);
    int port = node.port;
    long killedAt = System.nanoTime();
    node.kill();
    assertInstanceOf(ConnectionLostException.class, events.await(RecordingListener.Error.class, e -> true).error);
    HandshakeException bad = events.awaitError(HandshakeException.class);
    assertEquals(502, bad.statusCode());
    events.await(RecordingListener.Reconnecting.class, r -> r.attempt == 3);
    node = NodeServer.start(port);
    RecordingListener.State open = events.awaitState(OPEN);
    echo(socket, events, "after-upstream-restart");
    Report.row(Section.NGINX,
        "Upstream (Node ws) killed behind nginx, restarted on the same port",
        "nginx answers 502: HandshakeException(502), retry with backoff, OPEN when the upstream is back",
        "ConnectionLostException, then HandshakeException(502) per attempt, then OPEN, echo works",
        (socket.metrics().connectionAttempts() - 1) + " attempts, outage " + Report.ms(open.nanos - killedAt));
  }
}
