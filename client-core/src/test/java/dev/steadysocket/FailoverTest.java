package dev.steadysocket;

import static dev.steadysocket.ConnectionState.CLOSED;
import static dev.steadysocket.ConnectionState.CONNECTING;
import static dev.steadysocket.ConnectionState.IDLE;
import static dev.steadysocket.ConnectionState.OPEN;
import static dev.steadysocket.ConnectionState.RECONNECTING;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.steadysocket.testkit.RecordingListener;
import dev.steadysocket.testkit.ServerPeer;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockWebServer;
import org.junit.jupiter.api.Test;

/** Endpoint failover against real servers: a dead primary and a live secondary. */
class FailoverTest {

  private static int deadPort() throws Exception {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort(); // closed on return: connections to it are refused
    }
  }

  @Test
  void failedAttemptsMoveToTheNextUrlAndAWorkingUrlIsKept() throws Exception {
    try (MockWebServer secondary = new MockWebServer()) {
      ServerPeer peer = new ServerPeer(false);
      secondary.enqueue(peer.upgrade());
      secondary.enqueue(peer.upgrade());
      secondary.start();
      RecordingListener listener = new RecordingListener();
      SteadySocket socket =
          SteadySocket.builder("ws://127.0.0.1:" + deadPort() + "/feed")
              .failoverUrls(secondary.url("/feed").toString())
              .backoff(Backoff.exponential(Duration.ofMillis(5), Duration.ofMillis(20)))
              .heartbeat(Heartbeat.disabled())
              .listener(listener)
              .build();
      socket.connect();
      listener.assertState(IDLE, CONNECTING);
      listener.assertError(ConnectionLostException.class); // primary refused
      listener.assertState(CONNECTING, RECONNECTING);
      listener.assertReconnecting(1);
      listener.assertState(RECONNECTING, CONNECTING);
      listener.assertState(CONNECTING, OPEN); // secondary
      assertEquals(1, secondary.getRequestCount());

      // Losing the secondary moves on to the primary (still dead), then back to the secondary.
      peer.awaitOpen().close(1001, "going away");
      listener.assertError(ConnectionLostException.class);
      listener.assertState(OPEN, RECONNECTING);
      listener.assertReconnecting(2);
      listener.assertState(RECONNECTING, CONNECTING);
      listener.assertError(ConnectionLostException.class); // primary refused again
      listener.assertState(CONNECTING, RECONNECTING);
      listener.assertReconnecting(3);
      listener.assertState(RECONNECTING, CONNECTING);
      listener.assertState(CONNECTING, OPEN);
      assertEquals(2, secondary.getRequestCount());

      socket.close();
      socket.closeFuture().get(10, TimeUnit.SECONDS);
      listener.awaitState(CLOSED);
      listener.assertClosed();
    }
  }
}
