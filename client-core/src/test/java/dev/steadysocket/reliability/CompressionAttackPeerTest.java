package dev.steadysocket.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.steadysocket.Compression;
import dev.steadysocket.Envelope;
import dev.steadysocket.SteadySocket;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Hostile probes against Node ws with deflate: zlib's 8-bit window quirk, context takeover kept. */
class CompressionAttackPeerTest extends RealPeerTest {
  private static NodeServer node;

  @BeforeAll
  static void start() throws Exception {
    node = NodeServer.start(0, Map.of("DEFLATE", "1"));
  }

  @AfterAll
  static void stop() {
    if (node != null) node.close();
  }

  private static JsonNode whoami(SteadySocket socket, Events events) {
    socket.send(command("whoami"));
    return events.awaitMessage("whoami").envelope.content();
  }

  /** Window 8 asked (zlib deflates raw with 9), context kept: many messages referring back. */
  @Test
  void aWindowOf8WithContextTakeoverInflates() {
    Events events = new Events();
    SteadySocket socket = open(builder(node.url("/echo"), events)
        .compression(Compression.defaults().withServerMaxWindowBits(8).withMinimumSize(0)), events);
    JsonNode seen = whoami(socket, events);
    assertEquals("permessage-deflate; server_max_window_bits=8", seen.get("offered").asText());
    assertTrue(seen.get("deflate").get("server_max_window_bits").asInt() == 8, "agreed: " + seen);
    Random r = new Random(7);
    String alphabet = "ACMEXYZ0123456789 .+-%";
    for (int i = 0; i < 60; i++) {
      StringBuilder b = new StringBuilder();
      int n = 1 + r.nextInt(i % 3 == 0 ? 5000 : 300);
      for (int k = 0; k < n; k++) b.append(alphabet.charAt(r.nextInt(r.nextBoolean() ? 3 : alphabet.length())));
      String text = b.toString();
      socket.send(Envelope.of("t", text));
      assertEquals(text, events.awaitMessage("t").envelope.content().asText(), "message " + i);
    }
    assertEquals(Compression.defaults().withServerMaxWindowBits(8).withMinimumSize(0), socket.compression());
  }

  /** Failover: every URL gets the same offer. */
  @Test
  void theFailoverUrlGetsTheSameOffer() {
    Events events = new Events();
    Compression c = Compression.defaults().withServerNoContextTakeover().withClientNoContextTakeover()
        .withServerMaxWindowBits(11);
    SteadySocket socket = open(builder("ws://127.0.0.1:1/", events).failoverUrls(node.url("/echo"))
        .compression(c), events);
    JsonNode seen = whoami(socket, events);
    assertEquals("permessage-deflate; client_no_context_takeover; server_no_context_takeover; server_max_window_bits=11",
        seen.get("offered").asText());
    assertEquals(c, socket.compression());
  }
}
