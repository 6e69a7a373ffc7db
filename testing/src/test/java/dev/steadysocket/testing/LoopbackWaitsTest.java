package dev.steadysocket.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.steadysocket.ConnectionState;
import dev.steadysocket.Envelope;
import dev.steadysocket.Heartbeat;
import dev.steadysocket.SteadySocket;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The loopback FakeServer's real-time waits on the server's side: what a test can see of each connection without sleeping. */
@ExtendWith(SteadySocketExtension.class)
class LoopbackWaitsTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(10);

  @Test
  void aListedConnectionTakesCommandsAndSeesTheClientsCloseCode(@SteadySocketExtension.Loopback FakeServer server) {
    SocketEvents events = new SocketEvents();
    SteadySocket socket = server.newSocket().heartbeat(Heartbeat.disabled()).listener(events).build();
    try {
      socket.connect();
      // Listed once its handshake is answered: a send right away waits for the server's side to open.
      ServerConnection c = server.await(s -> s.connections().size() == 1, "a connection", TIMEOUT).connection();
      assertTrue(c.send("tick", 1));
      events.awaitMessages("tick", 1, TIMEOUT);
      assertEquals(List.of("state IDLE -> CONNECTING", "state CONNECTING -> OPEN", "message tick"), events.log());
      assertNull(c.closeCode());
      assertEquals(1, server.handshakes());
    } finally {
      socket.close();
    }
    server.await(s -> s.connections().isEmpty(), "the connection to end", TIMEOUT);
  }

  @Test
  void closeCodeArrivesWithTheClientsCloseFrame(@SteadySocketExtension.Loopback FakeServer server) {
    SocketEvents events = new SocketEvents();
    SteadySocket socket = server.newSocket().heartbeat(Heartbeat.disabled()).listener(events).build();
    socket.connect();
    events.awaitState(ConnectionState.OPEN, TIMEOUT); // closed while CONNECTING, it sends no close frame (-1)
    ServerConnection c = server.connection();
    socket.close();
    server.await(s -> c.closeCode() != null, "the close frame", TIMEOUT);
    assertEquals(1000, c.closeCode());
  }

  @Test
  void aHalfOpenConnectionStallsAtTheNextFrameAndStopsAnsweringPings(@SteadySocketExtension.Loopback FakeServer server) {
    SocketEvents events = new SocketEvents();
    SteadySocket socket = server.newSocket().heartbeat(Heartbeat.disabled()).listener(events).build();
    try {
      socket.connect();
      ServerConnection c = server.await(s -> s.connections().size() == 1, "a connection", TIMEOUT).connection();
      c.goHalfOpen();
      assertFalse(c.isStalled(), "loopback: nothing read yet");
      socket.send(Envelope.of("chat", "held"));
      server.await(s -> c.isStalled(), "the reader held", TIMEOUT);
      assertEquals(List.of(), server.received("chat"), "the held frame is not read");
      socket.checkLiveness(Duration.ofMillis(200));
      events.awaitState(ConnectionState.RECONNECTING, TIMEOUT);
    } finally {
      socket.close();
    }
  }

  @Test
  void awaitNamesWhatItWaitedFor(@SteadySocketExtension.Loopback FakeServer server) {
    AssertionError e = assertThrows(AssertionError.class,
        () -> server.await(s -> s.handshakes() > 0, "a handshake", Duration.ofMillis(50)));
    assertTrue(e.getMessage().contains("a handshake"), e.getMessage());
  }
}
