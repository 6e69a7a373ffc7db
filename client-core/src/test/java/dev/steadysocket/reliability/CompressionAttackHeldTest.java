package dev.steadysocket.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.steadysocket.Compression;
import dev.steadysocket.ConnectionState;
import dev.steadysocket.Heartbeat;
import dev.steadysocket.SteadySocket;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.zip.Deflater;
import org.junit.jupiter.api.Test;

/** Hostile probes of compression control that held (kept as regression tests). */
class CompressionAttackHeldTest {
  static void answer(HostileServer.Conn c, String extensions) throws Exception {
    CompressionAttackTest.answer(c, extensions);
  }

  static byte[] deflate(String text) {
    Deflater d = new Deflater(Deflater.DEFAULT_COMPRESSION, true);
    d.setInput(text.getBytes(StandardCharsets.UTF_8));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] buf = new byte[4096];
    int n;
    while ((n = d.deflate(buf, 0, buf.length, Deflater.SYNC_FLUSH)) > 0) out.write(buf, 0, n);
    d.end();
    byte[] b = out.toByteArray();
    return java.util.Arrays.copyOf(b, b.length - 4); // strip 00 00 ff ff
  }

  /** Promise 4: compression() reports what the current connection agreed, after a reconnect too. */
  @Test
  void compressionIsReportedAgainAfterAReconnectToAServerThatDeclines() throws Exception {
    List<ConnectionState> states = new CopyOnWriteArrayList<>();
    CountDownLatch firstChecked = new CountDownLatch(1);
    try (HostileServer server = HostileServer.builder("reconnect")
        .then(c -> {
          answer(c, "permessage-deflate; server_no_context_takeover");
          firstChecked.await(10, TimeUnit.SECONDS); // drops once the test has read the first agreement
          c.drop();
        })
        .then(c -> {
          answer(c, null);
          c.serve(false);
        }).start()) {
      SteadySocket socket = SteadySocket.builder(server.url("/")).heartbeat(Heartbeat.disabled())
          .compression(Compression.defaults().withServerNoContextTakeover()).listener(CompressionAttackTest.recording(states)).build();
      try {
        socket.connect();
        CompressionAttackTest.awaitOpen(socket, 1, states);
        assertEquals(Compression.defaults().withServerNoContextTakeover(), socket.compression());
        firstChecked.countDown();
        CompressionAttackTest.awaitOpen(socket, 2, states);
        assertEquals(Compression.disabled(), socket.compression(), "second connection declined");
        assertEquals("", socket.extensions());
      } finally {
        socket.close();
      }
    }
  }

  /** Promise 1: disabled (no offer) or declined (no answer): an RSV1 frame is a protocol error, 1002. */
  @Test
  void anRsv1FrameWithoutAgreementFailsWith1002() throws Exception {
    for (Compression c : new Compression[] {Compression.disabled(), Compression.defaults()}) {
      List<ConnectionState> states = new CopyOnWriteArrayList<>();
      try (HostileServer server = HostileServer.builder("rsv1").then(conn -> {
        answer(conn, null);
        byte[] p = deflate("hello hello hello");
        conn.writeHeader(true, true, HostileServer.TEXT, p.length);
        conn.write(p, 0, p.length);
        conn.flush();
        conn.serve(false);
      }).start()) {
        SteadySocket socket = SteadySocket.builder(server.url("/")).heartbeat(Heartbeat.disabled())
            .compression(c).listener(CompressionAttackTest.recording(states)).build();
        try {
          socket.connect();
          HostileServer.Conn conn = server.connection(0, 10_000);
          long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
          while (conn.clientCloseCode == -1) {
            assertTrue(System.nanoTime() < deadline, "no close from the client: " + states);
            LockSupport.parkNanos(1_000_000);
          }
          assertEquals(1002, conn.clientCloseCode, "for " + c);
          assertEquals(Compression.disabled(), socket.compression());
        } finally {
          socket.close();
        }
      }
    }
  }

  /** The server names client_no_context_takeover unasked (RFC 7692 allows it): accepted and honoured. */
  @Test
  void anUnaskedClientNoContextTakeoverIsAcceptedAndReported() throws Exception {
    List<ConnectionState> states = new CopyOnWriteArrayList<>();
    try (HostileServer server = HostileServer.builder("cnct").then(conn -> {
      answer(conn, "PerMessage-Deflate ;CLIENT_NO_CONTEXT_TAKEOVER ; server_max_window_bits=\"15\"");
      conn.serve(false);
    }).start()) {
      SteadySocket socket = SteadySocket.builder(server.url("/")).heartbeat(Heartbeat.disabled())
          .compression(Compression.defaults()).listener(CompressionAttackTest.recording(states)).build();
      try {
        socket.connect();
        CompressionAttackTest.awaitOpen(socket, 1, states);
        assertEquals(Compression.defaults().withClientNoContextTakeover(), socket.compression());
      } finally {
        socket.close();
      }
    }
  }
}
