package dev.steadysocket.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.steadysocket.Compression;
import dev.steadysocket.Envelope;
import dev.steadysocket.SteadySocket;
import dev.steadysocket.testkit.RecordingListener;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Compression control against Node's {@code ws} with permessage-deflate on (it accepts what the
 * client offers and compresses every message it sends) and off (it declines): what the server saw offered, what it
 * agreed to, what the client reports, and (from the server's TCP byte count) whether the client's
 * messages travelled compressed. The server's own compressed messages, with the windows and
 * context-takeover settings the client asked for, must arrive intact.
 */
class CompressionPeerTest extends RealPeerTest {
  /** 64 KiB of ticker-like JSON text: compresses to a few hundred bytes. */
  private static final String BIG = "ACME 101.25 +0.5% ".repeat(64 * 1024 / 18);

  private static NodeServer node;

  @BeforeAll
  static void start() throws Exception {
    node = NodeServer.start(0, Map.of("DEFLATE", "1"));
  }

  @AfterAll
  static void stop() {
    if (node != null) node.close();
  }

  private SteadySocket open(Compression compression, RecordingListener events) {
    return open(builder(node.url("/echo"), events).compression(compression), events);
  }

  private static JsonNode whoami(SteadySocket socket, RecordingListener events) {
    socket.send(command("whoami"));
    return events.awaitMessage("whoami").envelope.content();
  }

  /** TCP bytes the server read while {@link #BIG} went out and came back. */
  private static long bytesForBigMessage(SteadySocket socket, RecordingListener events) {
    long before = whoami(socket, events).get("bytesRead").asLong();
    socket.send(Envelope.of("big", BIG));
    assertEquals(BIG, events.awaitMessage("big").envelope.content().asText(), "echoed intact");
    return whoami(socket, events).get("bytesRead").asLong() - before;
  }

  @Test
  void disabledMakesNoOfferAndSendsUncompressed() {
    RecordingListener events = new RecordingListener(RecordingListener.REAL_PEER_TIMEOUT_MILLIS);
    SteadySocket socket = open(Compression.disabled(), events);
    JsonNode seen = whoami(socket, events);
    assertTrue(seen.get("offered").isNull(), "no offer: " + seen);
    assertTrue(seen.get("deflate").isNull(), "nothing agreed: " + seen);
    assertEquals("", socket.extensions());
    assertEquals(Compression.disabled(), socket.compression());
    long bytes = bytesForBigMessage(socket, events);
    assertTrue(bytes > BIG.length(), "sent uncompressed: " + bytes + " bytes");
  }

  @Test
  void defaultsOfferAsOkHttpDoesAndCompressLargeMessages() {
    RecordingListener events = new RecordingListener(RecordingListener.REAL_PEER_TIMEOUT_MILLIS);
    SteadySocket socket = open(Compression.defaults(), events);
    JsonNode seen = whoami(socket, events);
    assertEquals("permessage-deflate", seen.get("offered").asText());
    assertEquals("permessage-deflate", socket.extensions());
    assertEquals(Compression.defaults(), socket.compression());
    long bytes = bytesForBigMessage(socket, events);
    assertTrue(bytes < BIG.length() / 10, "sent compressed: " + bytes + " bytes for " + BIG.length());
  }

  @Test
  void tunedParametersAreOfferedAgreedAndHonoured() {
    Compression tuned = Compression.defaults().withClientNoContextTakeover().withServerNoContextTakeover()
        .withServerMaxWindowBits(9).withMinimumSize(0);
    RecordingListener events = new RecordingListener(RecordingListener.REAL_PEER_TIMEOUT_MILLIS);
    SteadySocket socket = open(tuned, events);
    JsonNode seen = whoami(socket, events);
    assertEquals("permessage-deflate; client_no_context_takeover; server_no_context_takeover; server_max_window_bits=9",
        seen.get("offered").asText());
    JsonNode agreed = seen.get("deflate");
    assertTrue(agreed.get("client_no_context_takeover").asBoolean()
        && agreed.get("server_no_context_takeover").asBoolean()
        && agreed.get("server_max_window_bits").asInt() == 9, "agreed: " + agreed);
    assertEquals(tuned, socket.compression());
    // The server compresses every message with a 512-byte window and no context takeover; the
    // client compresses even the smallest and resets its window after each.
    for (String text : new String[] {"a", "ACME 101.25", BIG.substring(0, 3000), BIG.substring(0, 3000), BIG}) {
      socket.send(Envelope.of("t", text));
      assertEquals(text, events.awaitMessage("t").envelope.content().asText());
    }
    long bytes = bytesForBigMessage(socket, events);
    assertTrue(bytes < BIG.length() / 10, "sent compressed: " + bytes + " bytes for " + BIG.length());
  }

  @Test
  void aServerWithoutDeflateDeclinesAndNothingIsCompressed() throws Exception {
    NodeServer plain = track(NodeServer.start());
    RecordingListener events = new RecordingListener(RecordingListener.REAL_PEER_TIMEOUT_MILLIS);
    SteadySocket socket = open(builder(plain.url("/echo"), events).compression(Compression.defaults()), events);
    JsonNode seen = whoami(socket, events);
    assertEquals("permessage-deflate", seen.get("offered").asText());
    assertTrue(seen.get("deflate").isNull(), "declined: " + seen);
    assertEquals("", socket.extensions());
    assertEquals(Compression.disabled(), socket.compression());
    long bytes = bytesForBigMessage(socket, events);
    assertTrue(bytes > BIG.length(), "sent uncompressed: " + bytes + " bytes");
  }

  @Test
  void aMinimumSizeAboveTheMessageSendsItUncompressed() {
    RecordingListener events = new RecordingListener(RecordingListener.REAL_PEER_TIMEOUT_MILLIS);
    SteadySocket socket = open(Compression.defaults().withMinimumSize(1 << 20), events);
    assertEquals("permessage-deflate", whoami(socket, events).get("offered").asText());
    long bytes = bytesForBigMessage(socket, events);
    assertTrue(bytes > BIG.length(), "below the minimum size: uncompressed, " + bytes + " bytes");
  }

  /** Window 8 asked (zlib deflates raw with 9), context kept: many messages referring back. */
  @Test
  void aWindowOf8WithContextTakeoverInflates() {
    RecordingListener events = new RecordingListener(RecordingListener.REAL_PEER_TIMEOUT_MILLIS);
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
    RecordingListener events = new RecordingListener(RecordingListener.REAL_PEER_TIMEOUT_MILLIS);
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
