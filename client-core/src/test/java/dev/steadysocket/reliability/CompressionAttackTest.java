package dev.steadysocket.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.steadysocket.CloseReason;
import dev.steadysocket.Compression;
import dev.steadysocket.ConnectionState;
import dev.steadysocket.Heartbeat;
import dev.steadysocket.ProtocolViolationException;
import dev.steadysocket.SteadySocket;
import dev.steadysocket.SteadySocketListener;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;

/** Hostile tests of compression control (#17 part 3). */
class CompressionAttackTest {

  /** Reads the request and answers 101 with exactly {@code extensions} (null: no header). */
  static void answer(HostileServer.Conn c, String extensions) throws Exception {
    c.readRequest();
    String key = c.header("Sec-WebSocket-Key");
    String response = "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        + "Sec-WebSocket-Accept: " + HostileServer.acceptKey(key) + "\r\n"
        + (extensions != null ? "Sec-WebSocket-Extensions: " + extensions + "\r\n" : "") + "\r\n";
    byte[] b = response.getBytes(StandardCharsets.UTF_8);
    c.write(b, 0, b.length);
    c.flush();
  }

  static void awaitOpen(SteadySocket socket, int opens, List<ConnectionState> states) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (states.stream().filter(s -> s == ConnectionState.OPEN).count() < opens) {
      assertTrue(System.nanoTime() < deadline, "never OPEN x" + opens + ": " + states);
      assertFalse(socket.closeFuture().isDone(), "closed: " + socket.closeFuture().getNow(null));
      LockSupport.parkNanos(1_000_000);
    }
  }

  static SteadySocketListener recording(List<ConnectionState> states) {
    return new SteadySocketListener() {
      @Override public void onStateChanged(ConnectionState previous, ConnectionState current) {
        states.add(current);
      }
    };
  }

  /**
   * Promise 4 and 7: an answer the client must refuse fails the attempt with a
   * ProtocolViolationException and the default policy stops, promptly. A 200,000-character answer
   * (under OkHttp's 256 KiB header limit) of empty extension tokens makes Extensions.of scan to the
   * end of the header for a ',' once per token: quadratic, seconds of CPU on OkHttp's thread.
   */
  @Test
  void aHugeExtensionsAnswerIsRefusedPromptly() throws Exception {
    List<ConnectionState> states = new CopyOnWriteArrayList<>();
    List<String> errors = new CopyOnWriteArrayList<>();
    try (HostileServer server = HostileServer.builder("huge-answer").extensionsAnswer(";".repeat(200_000)).start()) {
      SteadySocket socket = SteadySocket.builder(server.url("/")).heartbeat(Heartbeat.disabled())
          .connectTimeout(Duration.ofSeconds(3)).listener(new SteadySocketListener() {
            @Override public void onStateChanged(ConnectionState previous, ConnectionState current) {
              states.add(current);
            }
            @Override public void onError(dev.steadysocket.SteadySocketException error) {
              errors.add(error.getClass().getSimpleName() + ": " + error.getMessage());
            }
          }).build();
      try {
        long t0 = System.nanoTime();
        socket.connect();
        CloseReason closed;
        try {
          closed = socket.closeFuture().get(30, TimeUnit.SECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
          throw new AssertionError("not closed after 30 s; states " + states + ", errors " + errors
              + ", attempts " + server.accepted());
        }
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        assertInstanceOf(ProtocolViolationException.class, closed.error(), closed + " after " + millis + " ms");
        assertEquals(1, server.accepted(), "stopped: no reconnect");
        assertFalse(states.contains(ConnectionState.OPEN), "never OPEN: " + states);
        assertTrue(millis < 1_500, "refusing a 200 KB header took " + millis + " ms");
      } finally {
        socket.close();
      }
    }
  }

  /** Promise 4: a malformed server_max_window_bits value (RFC 7692 7.1.2.2: 8..15, no sign, no leading zero) is refused. */
  @Test
  void aMalformedWindowValueIsRefused() throws Exception {
    for (String answer : new String[] {"permessage-deflate; server_max_window_bits=+9",
        "permessage-deflate; server_max_window_bits=09", "permessage-deflate; server_max_window_bits=\u0669"}) {
      try (HostileServer server = HostileServer.builder("malformed-window").extensionsAnswer(answer).start()) {
        List<ConnectionState> states = new CopyOnWriteArrayList<>();
        SteadySocket socket = SteadySocket.builder(server.url("/")).heartbeat(Heartbeat.disabled())
            .compression(Compression.defaults().withServerMaxWindowBits(10)).listener(recording(states)).build();
        try {
          socket.connect();
          long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
          while (!socket.closeFuture().isDone() && !states.contains(ConnectionState.OPEN)) {
            assertTrue(System.nanoTime() < deadline, "neither OPEN nor closed: " + states);
            LockSupport.parkNanos(1_000_000);
          }
          assertFalse(states.contains(ConnectionState.OPEN),
              answer + " was accepted: OPEN, compression() = " + socket.compression());
          CloseReason closed = socket.closeFuture().get(20, TimeUnit.SECONDS);
          assertInstanceOf(ProtocolViolationException.class, closed.error(), answer + ": " + closed);
        } finally {
          socket.close();
        }
      }
    }
  }

  /**
   * The application's OkHttpClient says compress every message ({@code minWebSocketMessageToCompress(0)})
   * and the builder's compression is left at its default. Before #17 part 3 the derived client
   * inherited the setting; now OkHttpTransportFactory overwrites it with Compression.defaults()'s
   * 1,024 whenever compression is enabled, silently: okHttpClient(...)'s Javadoc lists what the
   * derived client changes, and this is not in the list.
   */
  @Test
  void theApplicationClientsMinimumCompressSizeIsNotSilentlyOverwritten() throws Exception {
    okhttp3.OkHttpClient app = new okhttp3.OkHttpClient.Builder().minWebSocketMessageToCompress(0).build();
    List<ConnectionState> states = new CopyOnWriteArrayList<>();
    try (HostileServer server = HostileServer.builder("min-size").deflate().then(c -> {
      if (c.upgrade()) c.serve(false);
    }).start()) {
      SteadySocket socket = SteadySocket.builder(server.url("/")).heartbeat(Heartbeat.disabled())
          .okHttpClient(app).listener(recording(states)).build();
      try {
        socket.connect();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!states.contains(ConnectionState.OPEN)) {
          assertTrue(System.nanoTime() < deadline, "never OPEN: " + states);
          LockSupport.parkNanos(1_000_000);
        }
        socket.send("tiny");
        HostileServer.Conn conn = server.connection(0, 10_000);
        HostileServer.Frame text = null;
        while (text == null) {
          for (HostileServer.Frame f : conn.frames) if (f.opcode == HostileServer.TEXT) text = f;
          assertTrue(System.nanoTime() < deadline, "no text frame");
          LockSupport.parkNanos(1_000_000);
        }
        assertTrue(text.rsv1, "the application's client compresses every message; the 4-byte message went uncompressed");
      } finally {
        socket.close();
        app.dispatcher().executorService().shutdown();
        app.connectionPool().evictAll();
      }
    }
  }
}
