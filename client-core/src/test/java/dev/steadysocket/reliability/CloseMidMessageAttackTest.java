package dev.steadysocket.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.steadysocket.CloseReason;
import dev.steadysocket.Envelope;
import dev.steadysocket.Heartbeat;
import dev.steadysocket.ProtocolViolationException;
import dev.steadysocket.SteadySocket;
import dev.steadysocket.SteadySocketException;
import dev.steadysocket.SteadySocketListener;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.zip.Deflater;
import org.junit.jupiter.api.Test;

/**
 * attack17: interleavings around a close between the fragments of a message (RFC 6455 5.4, 5.5.1),
 * each written by a raw server in one write, through OkHttp's real reader over a real socket.
 */
class CloseMidMessageAttackTest {
  private static final int FIN = 0x80, RSV1 = 0x40, TEXT = 0x1, BINARY = 0x2, CONT = 0x0, CLOSE = 0x8, PING = 0x9;

  static byte[] frame(int b0, byte[] payload) {
    ByteArrayOutputStream o = new ByteArrayOutputStream();
    o.write(b0);
    if (payload.length < 126) {
      o.write(payload.length);
    } else {
      o.write(126);
      o.write(payload.length >> 8);
      o.write(payload.length & 0xff);
    }
    o.writeBytes(payload);
    return o.toByteArray();
  }

  static byte[] close(int code, byte[] reason) {
    byte[] p = new byte[2 + reason.length];
    p[0] = (byte) (code >> 8);
    p[1] = (byte) code;
    System.arraycopy(reason, 0, p, 2, reason.length);
    return frame(FIN | CLOSE, p);
  }

  static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream o = new ByteArrayOutputStream();
    for (byte[] p : parts) o.writeBytes(p);
    return o.toByteArray();
  }

  static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  static byte[] deflate(byte[] data) {
    Deflater d = new Deflater(Deflater.DEFAULT_COMPRESSION, true);
    d.setInput(data);
    byte[] out = new byte[data.length + 64];
    int n = d.deflate(out, 0, out.length, Deflater.SYNC_FLUSH);
    d.end();
    return Arrays.copyOf(out, n - 4);
  }

  /** What one connection showed. */
  static final class Seen {
    final List<String> messages = new CopyOnWriteArrayList<>();
    final List<SteadySocketException> errors = new CopyOnWriteArrayList<>();
    int clientCloseCode;
    CloseReason closed;
    List<HostileServer.Frame> clientFrames;

    @Override
    public String toString() {
      return "messages " + messages + ", errors " + errors + ", client close " + clientCloseCode + ", closed " + closed
          + ", client frames " + clientFrames;
    }
  }

  static Seen run(byte[] wire, boolean deflate) throws Exception {
    Seen seen = new Seen();
    // Every run ends the connection, reported to onError; callbacks run one at a time in order, so
    // once it is reported, whatever the reader delivered before it has reached the listener.
    CountDownLatch reported = new CountDownLatch(1);
    HostileServer.Builder b = HostileServer.builder("close-mid-attack").then(c -> {
      if (!c.upgrade()) return;
      c.write(wire, 0, wire.length);
      c.flush();
      c.serve(false);
    }).then(c -> {
      if (!c.upgrade()) return;
      c.serve(false);
    });
    if (deflate) b.deflate();
    try (HostileServer server = b.start()) {
      SteadySocket socket = SteadySocket.builder(server.url("/")).heartbeat(Heartbeat.disabled())
          .listener(new SteadySocketListener() {
            @Override public void onMessage(Envelope e) {
              seen.messages.add(e.toString());
            }

            @Override public void onBinaryMessage(byte[] bytes) {
              seen.messages.add("binary " + new String(bytes, StandardCharsets.UTF_8));
            }

            @Override public void onError(SteadySocketException e) {
              seen.errors.add(e);
              reported.countDown();
            }
          }).build();
      try {
        socket.connect();
        HostileServer.Conn conn = server.connection(0, 10_000);
        seen.clientCloseCode = conn.awaitClientClose(10_000);
        assertTrue(reported.await(10, TimeUnit.SECONDS), "the connection's end was reported");
        seen.clientFrames = List.copyOf(conn.frames);
        try {
          seen.closed = socket.closeFuture().get(300, TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.TimeoutException stillOpen) {
          // the policy reconnected: a clean close
        }
      } finally {
        socket.close();
      }
    }
    return seen;
  }

  private static final byte[] FIRST = utf8("{\"type\":\"t\",\"content\":\"hel");
  private static final byte[] REST = utf8("lo\"}");

  @Test
  void aCloseWithItsOwnCodeBetweenFragmentsIsAnsweredWithThatCode() throws Exception {
    Seen s = run(concat(frame(TEXT, FIRST), close(4001, utf8("bye")), frame(FIN | CONT, REST)), false);
    assertEquals(4001, s.clientCloseCode, s.toString());
    assertEquals(List.of(), s.messages, s.toString());
  }

  @Test
  void aPingBetweenFragmentsThenACloseIsAnsweredAndNothingDelivered() throws Exception {
    Seen s = run(concat(frame(TEXT, FIRST), frame(FIN | PING, utf8("p")), close(1001, new byte[0])), false);
    assertEquals(1001, s.clientCloseCode, s.toString());
    assertEquals(List.of(), s.messages, s.toString());
  }

  @Test
  void aBinaryMessageInterruptedByACloseIsNotDelivered() throws Exception {
    Seen s = run(concat(frame(BINARY, utf8("half")), close(1000, new byte[0]), frame(FIN | CONT, utf8("rest"))), false);
    assertEquals(1000, s.clientCloseCode, s.toString());
    assertEquals(List.of(), s.messages, s.toString());
  }

  @Test
  void aCloseReasonThatIsNotUtf8BetweenFragmentsFailsWith1007() throws Exception {
    Seen s = run(concat(frame(TEXT, FIRST), close(1000, new byte[] {'a', (byte) 0xed, (byte) 0xa0, (byte) 0x80})), false);
    assertEquals(1007, s.clientCloseCode, s.toString());
    assertEquals(List.of(), s.messages, s.toString());
    assertTrue(s.closed != null && s.closed.error() instanceof ProtocolViolationException, s.toString());
  }

  @Test
  void anOversizedCloseBetweenFragmentsFailsTheConnection() throws Exception {
    byte[] big = new byte[126];
    big[0] = 0x03;
    big[1] = (byte) 0xe8;
    Arrays.fill(big, 2, big.length, (byte) '*');
    Seen s = run(concat(frame(TEXT, FIRST), frame(FIN | CLOSE, big)), false);
    assertNotEquals(1000, s.clientCloseCode, "a malformed close is not answered as a normal one: " + s);
    assertEquals(List.of(), s.messages, s.toString());
    assertTrue(s.closed != null && s.closed.error() instanceof ProtocolViolationException, s.toString());
  }

  @Test
  void aFragmentedMessageCompletedInTheSameWriteAsTheCloseIsDeliveredOnce() throws Exception {
    Seen s = run(concat(frame(TEXT, FIRST), frame(FIN | CONT, REST), close(4002, new byte[0])), false);
    assertEquals(4002, s.clientCloseCode, s.toString());
    assertEquals(1, s.messages.size(), s.toString());
  }

  @Test
  void aCloseBetweenFragmentsOfACompressedMessageIsAnsweredAndNothingDelivered() throws Exception {
    byte[] c = deflate(utf8("{\"type\":\"t\",\"content\":\"hello hello hello\"}"));
    Seen s = run(concat(frame(RSV1 | TEXT, Arrays.copyOf(c, c.length / 2)), close(4003, new byte[0]),
        frame(FIN | CONT, Arrays.copyOfRange(c, c.length / 2, c.length))), true);
    assertEquals(4003, s.clientCloseCode, s.toString());
    assertEquals(List.of(), s.messages, s.toString());
  }

  /**
   * A compressed message started inside a fragmented plain one is a protocol error (RFC 6455 5.4:
   * "the fragments of one message MUST NOT be interleaved"); the filter swallows the compressed
   * frames (OkHttp never sees the new opcode), so a close that follows is answered as if nothing
   * happened.
   */
  @Test
  void aCompressedMessageStartedInsideAFragmentedPlainOneFailsTheConnectionEvenIfACloseFollows() throws Exception {
    byte[] c = deflate(utf8("{\"type\":\"t\",\"content\":\"x\"}"));
    Seen s = run(concat(frame(TEXT, FIRST), frame(RSV1 | TEXT, Arrays.copyOf(c, c.length / 2)),
        close(1000, new byte[0])), true);
    assertEquals(List.of(), s.messages, s.toString());
    assertTrue(s.clientCloseCode != 1000, "answered the close as a clean one after a protocol violation: " + s);
    assertTrue(s.closed != null && s.closed.error() instanceof ProtocolViolationException, s.toString());
  }

  /** The same interleaving, the compressed message finished: OkHttp sees a new opcode and fails. */
  @Test
  void aCompressedMessageFinishedInsideAFragmentedPlainOneFailsTheConnection() throws Exception {
    byte[] c = deflate(utf8("{\"type\":\"t\",\"content\":\"x\"}"));
    Seen s = run(concat(frame(TEXT, FIRST), frame(FIN | RSV1 | TEXT, c), frame(FIN | CONT, REST)), true);
    assertEquals(List.of(), s.messages, s.toString());
    assertTrue(s.clientCloseCode != 1000, s.toString());
    assertTrue(s.closed != null && s.closed.error() instanceof ProtocolViolationException, s.toString());
  }
}
