package dev.steadysocket.bench.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.steadysocket.bench.Payloads;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The servers against the raw client, with small counts: seconds, not a benchmark. */
class LoopbackServerTest {
  @Test
  void blastSinkAndEcho() throws Exception {
    try (LoopbackServer server = LoopbackServer.start()) {
      try (RawClient c = new RawClient(server.port(), "/blast?size=small&count=1000")) {
        c.sendText("go".getBytes(StandardCharsets.US_ASCII));
        c.discard(server.blast(Payloads.Size.SMALL).wireBytes(1000));
      }
      var done = server.expectSink("t", 500);
      try (RawClient c = new RawClient(server.port(), "/sink?id=t&count=500")) {
        c.writeFrames(Payloads.utf8(Payloads.Size.MEDIUM), 500);
        assertTrue(done.get(10, TimeUnit.SECONDS) > 0);
      }
      try (RawClient c = new RawClient(server.port(), "/echo")) {
        Frames.Header h = new Frames.Header();
        long rtt = c.roundTrip(Frames.clientFrame(Frames.TEXT, "hi".getBytes(StandardCharsets.US_ASCII), 5), h);
        assertTrue(rtt > 0);
        assertEquals(2, h.payloadLength);
        assertEquals(Frames.TEXT, h.opcode);
      }
    }
  }

  @Test
  void holdServerCountsKillsAndListensAgain() throws Exception {
    try (HoldServer server = HoldServer.start(0)) {
      try (RawClient c = new RawClient(server.port(), "/hold?id=a")) {
        Frames.Header h = new Frames.Header();
        c.roundTrip(Frames.clientFrame(Frames.PING, new byte[0], 9), h);
        assertEquals(Frames.PONG, h.opcode);
        assertEquals(1, server.openConnections());
        server.kill().get(5, TimeUnit.SECONDS);
        assertEquals(0, server.openConnections());
      }
      try (ServerSocket probe = new ServerSocket()) {
        probe.setReuseAddress(true);
        probe.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), server.port()));
      } // the port is free once kill completes: nothing still listens on it
      server.listen().get(5, TimeUnit.SECONDS);
      try (RawClient c = new RawClient(server.port(), "/hold?id=b")) {
        assertTrue(server.freeze("b").get(5, TimeUnit.SECONDS) > 0);
      }
    }
  }
}
