package dev.steadysocket.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.steadysocket.Envelope;
import dev.steadysocket.Heartbeat;
import dev.steadysocket.SteadySocket;
import dev.steadysocket.SteadySocketListener;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * A server closes between the fragments of a text message (control frames may come between
 * fragments, RFC 6455 5.4): the client answers the close (5.5.1) with the server's code, and the
 * unfinished message is never delivered. Autobahn's case 7.1.5.
 */
// #17 part 2 (the conformance suite's 7.1.5): OkHttp's reader read the close, then threw "Expected
// continuation opcode" and dropped the connection, usually before our answer was written.
class CloseMidMessageTest {
  @Test
  void aCloseBetweenFragmentsIsAnsweredAndTheUnfinishedMessageDropped() throws Exception {
    for (int run = 0; run < 10; run++) {
      byte[] first = "{\"type\":\"t\",\"content\":\"hel".getBytes(StandardCharsets.UTF_8);
      byte[] rest = "lo\"}".getBytes(StandardCharsets.UTF_8);
      List<Envelope> messages = new CopyOnWriteArrayList<>();
      try (HostileServer server = HostileServer.builder("close-mid").then(c -> {
        if (!c.upgrade()) return;
        c.writeHeader(false, false, HostileServer.TEXT, first.length);
        c.write(first, 0, first.length);
        c.writeHeader(true, false, HostileServer.CLOSE, 2);
        c.write(new byte[] {0x03, (byte) 0xe8}, 0, 2); // 1000
        c.writeHeader(true, false, HostileServer.CONTINUATION, rest.length);
        c.write(rest, 0, rest.length);
        c.flush();
        c.serve(false);
      }).then(HostileServer::echo).start()) {
        SteadySocket socket = SteadySocket.builder(server.url("/")).heartbeat(Heartbeat.disabled())
            .listener(new SteadySocketListener() {
              @Override public void onMessage(Envelope e) {
                messages.add(e);
              }
            }).build();
        try {
          socket.connect();
          assertEquals(1000, server.connection(0, 10_000).awaitClientClose(10_000), "run " + run + ": the answer");
          assertEquals(List.of(), messages, "run " + run + ": nothing delivered");
        } finally {
          socket.close();
        }
      }
    }
  }
}
