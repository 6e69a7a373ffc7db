package dev.steadysocket.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import dev.steadysocket.CloseReason;
import dev.steadysocket.ConnectionState;
import dev.steadysocket.Envelope;
import dev.steadysocket.Heartbeat;
import dev.steadysocket.ProtocolViolationException;
import dev.steadysocket.SteadySocket;
import dev.steadysocket.SteadySocketException;
import dev.steadysocket.SteadySocketListener;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.zip.Deflater;
import okio.ByteString;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A server that sends a text message that is not UTF-8 (issue #17's four sequences, plain and
 * compressed) through OkHttp's real reader over a real socket: the connection fails with 1007 (the
 * server receives our close 1007), the application gets a ProtocolViolationException and never a
 * message with replacement characters, and the default policy stops.
 */
// #17: the message was delivered with U+FFFD and no error (8 of 8).
class InvalidUtf8Test {
  @ParameterizedTest(name = "{0}, deflate {1}")
  @CsvSource({
      "C328, false", "EDA080, false", "F4908080, false", "C0AF, false",
      "C328, true", "EDA080, true", "F4908080, true", "C0AF, true"})
  void invalidUtf8FailsTheConnectionWith1007(String hex, boolean deflate) throws Exception {
    byte[] payload = new okio.Buffer().writeUtf8("{\"type\":\"t\",\"content\":\"a")
        .write(ByteString.decodeHex(hex.toLowerCase())).writeUtf8("b\"}").readByteArray();
    HostileServer.Builder b = HostileServer.builder("utf8").then(c -> {
      if (!c.upgrade()) return;
      byte[] wire = deflate ? deflate(payload) : payload;
      c.writeHeader(true, deflate, HostileServer.TEXT, wire.length);
      c.write(wire, 0, wire.length);
      c.flush();
      c.serve(false);
    });
    if (deflate) b.deflate();
    List<Envelope> messages = new CopyOnWriteArrayList<>();
    List<SteadySocketException> errors = new CopyOnWriteArrayList<>();
    try (HostileServer server = b.start()) {
      SteadySocket socket = SteadySocket.builder(server.url("/"))
          .heartbeat(Heartbeat.disabled())
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
        CloseReason closed = socket.closeFuture().get(20, TimeUnit.SECONDS);
        ProtocolViolationException e = assertInstanceOf(ProtocolViolationException.class, closed.error(),
            "errors " + errors + ", messages " + messages);
        assertEquals(1007, e.closeCode());
        assertEquals(List.of(), messages, "nothing delivered");
        HostileServer.Conn conn = server.connection(0, 10_000);
        assertNotNull(conn);
        assertEquals(1007, conn.awaitClientClose(10_000), "the close code the server received");
        assertEquals(ConnectionState.CLOSED, socket.state());
        assertEquals(1, server.accepted(), "stopped: no reconnect");
      } finally {
        socket.close();
      }
    }
  }

  private static byte[] deflate(byte[] data) {
    Deflater d = new Deflater(Deflater.DEFAULT_COMPRESSION, true);
    d.setInput(data);
    byte[] out = new byte[data.length + 64];
    int n = d.deflate(out, 0, out.length, Deflater.SYNC_FLUSH);
    d.end();
    return java.util.Arrays.copyOf(out, n - 4);
  }
}
