package dev.steadysocket.micrometer;

import static java.util.concurrent.TimeUnit.NANOSECONDS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.steadysocket.ConnectionState;
import dev.steadysocket.SteadySocket;
import dev.steadysocket.testing.FakeServer;
import dev.steadysocket.testing.SocketEvents;
import dev.steadysocket.testing.SteadySocketExtension;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * On a real port, through SteadySocket's own OkHttp transport: the handshake phases and the ping
 * round trip, which only that transport reports, reach their timers. Real time, so the figures
 * are checked for presence and sign, not value.
 */
@ExtendWith(SteadySocketExtension.class)
class LoopbackMetersTest {
  private final MeterRegistry registry = new SimpleMeterRegistry();

  @Test
  void handshakePhasesAndPingRoundTripsAreTimed(@SteadySocketExtension.Loopback FakeServer server) {
    SocketEvents events = new SocketEvents();
    SteadySocket socket = SteadySocket.builder(server.url()).listener(events)
        .observer(SteadySocketMeters.bindTo(registry, "loopback")).build();
    try {
      socket.connect();
      events.awaitState(ConnectionState.OPEN, Duration.ofSeconds(10));
      assertEquals(1, phase("connect").count(), "one TCP connect");
      assertTrue(phase("connect").totalTime(NANOSECONDS) > 0);
      assertEquals(1, phase("upgrade").count(), "one upgrade (millisecond resolution: may be 0 ms)");
      assertEquals(0, phase("tls").count(), "ws://, no TLS");

      socket.checkLiveness(Duration.ofSeconds(5)); // a ping now
      Timer ping = registry.get("steadysocket.ping.rtt").timer();
      events.await(e -> ping.count() == 1, "the pong", Duration.ofSeconds(10));
      assertTrue(ping.totalTime(NANOSECONDS) > 0);
      assertEquals(1, registry.get("steadysocket.connection.attempts").tag("outcome", "opened").counter().count());
    } finally {
      socket.close();
    }
    socket.closeFuture().join();
    assertEquals(List.of(), registry.getMeters(), "removed at close");
  }

  private Timer phase(String phase) {
    return registry.get("steadysocket.handshake.phase").tag("phase", phase).timer();
  }
}
