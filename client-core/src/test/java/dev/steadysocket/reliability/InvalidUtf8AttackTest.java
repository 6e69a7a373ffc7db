package dev.steadysocket.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import dev.steadysocket.CloseReason;
import dev.steadysocket.Envelope;
import dev.steadysocket.Heartbeat;
import dev.steadysocket.ProtocolViolationException;
import dev.steadysocket.SteadySocket;
import dev.steadysocket.SteadySocketException;
import dev.steadysocket.SteadySocketListener;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import okio.ByteString;
import org.junit.jupiter.api.Test;

/** Hostile servers against #17's UTF-8 checks, through OkHttp's real reader over a real socket. */
class InvalidUtf8AttackTest {
  private static byte[] hex(String h) {
    return ByteString.decodeHex(h.toLowerCase()).toByteArray();
  }

  /**
   * Three valid messages, then a text message {"type":"t","c":"a E2 | ping | 82 whose final
   * fragment is the single continuation byte 82, so the message ends inside the euro sign (E2 82 of
   * E2 82 AC). All in one TCP write. Expected: the three valid messages, then 1007, and no text with
   * U+FFFD ever handed to the codec.
   */
  @Test
  void truncatedCharacterEndingAFragmentedMessageFailsWith1007() throws Exception {
    HostileServer.Builder b = HostileServer.builder("utf8-attack").then(c -> {
      if (!c.upgrade()) return;
      for (int i = 0; i < 3; i++) {
        byte[] ok = ("{\"type\":\"t\",\"n\":" + i + "}").getBytes(java.nio.charset.StandardCharsets.UTF_8);
        c.writeHeader(true, false, HostileServer.TEXT, ok.length);
        c.write(ok, 0, ok.length);
      }
      byte[] first = new okio.Buffer().writeUtf8("{\"type\":\"t\",\"c\":\"a").write(hex("E2")).readByteArray();
      c.writeHeader(false, false, HostileServer.TEXT, first.length);
      c.write(first, 0, first.length);
      byte[] ping = hex("FFFE");
      c.writeHeader(true, false, HostileServer.PING, ping.length);
      c.write(ping, 0, ping.length);
      byte[] last = hex("82");
      c.writeHeader(true, false, HostileServer.CONTINUATION, last.length);
      c.write(last, 0, last.length);
      c.flush();
      c.serve(false);
    });
    List<Envelope> messages = new CopyOnWriteArrayList<>();
    List<SteadySocketException> errors = new CopyOnWriteArrayList<>();
    List<String> decoded = new CopyOnWriteArrayList<>();
    dev.steadysocket.MessageCodec jackson = dev.steadysocket.MessageCodec.jackson();
    dev.steadysocket.MessageCodec recording = new dev.steadysocket.MessageCodec() {
      @Override public String encode(Envelope e) {
        return jackson.encode(e);
      }

      @Override public Envelope decode(String text) {
        decoded.add(text);
        return jackson.decode(text);
      }
    };
    try (HostileServer server = b.start()) {
      SteadySocket socket = SteadySocket.builder(server.url("/"))
          .heartbeat(Heartbeat.disabled())
          .codec(recording)
          .listener(new SteadySocketListener() {
            @Override public void onMessage(Envelope e) {
              messages.add(e);
            }

            @Override public void onError(SteadySocketException e) {
              errors.add(e);
            }
          })
          .build();
      try {
        socket.connect();
        CloseReason closed;
        try {
          closed = socket.closeFuture().get(10, TimeUnit.SECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
          throw new AssertionError("no close in 10 s; texts handed to the codec " + decoded + ", errors " + errors);
        }
        ProtocolViolationException e = assertInstanceOf(ProtocolViolationException.class, closed.error(),
            "texts handed to the codec " + decoded + ", errors " + errors);
        assertEquals(1007, e.closeCode());
        assertEquals(3, decoded.size(), "only the three valid messages: " + decoded);
        assertEquals(3, messages.size(), "only the three valid messages: " + messages);
        HostileServer.Conn conn = server.connection(0, 10_000);
        assertNotNull(conn);
        assertEquals(1007, conn.awaitClientClose(10_000), "the close code the server received");
      } finally {
        socket.close();
      }
    }
  }
}
