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
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;
import org.junit.jupiter.api.Test;

/**
 * The offer the builder's {@link Compression} makes, as a raw server receives it, and what the
 * client does with the server's answer: what it agreed to is reported, what it may not say fails
 * the attempt, and the parameters OkHttp honours are honoured on the wire (the server inflates
 * what the client sent).
 */
class CompressionControlTest {
  private static final String TEXT = "ACME 101.25 +0.5% ".repeat(120); // 2,160 bytes: above 1 KiB

  /** Connects with {@code compression} to a server answering {@code answer} (null: permessage-deflate if offered). */
  private static SteadySocket connect(HostileServer server, Compression compression) {
    SteadySocket socket = SteadySocket.builder(server.url("/")).heartbeat(Heartbeat.disabled())
        .compression(compression).build();
    socket.connect();
    return socket;
  }

  private static void awaitOpen(SteadySocket socket) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (socket.state() != ConnectionState.OPEN) {
      assertTrue(System.nanoTime() < deadline, "never OPEN: " + socket.state());
      assertFalse(socket.closeFuture().isDone(), "closed: " + socket.closeFuture().getNow(null));
      LockSupport.parkNanos(1_000_000);
    }
  }

  /** The text frames the client sent, once there are {@code n}. */
  private static List<HostileServer.Frame> awaitTextFrames(HostileServer.Conn conn, int n) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (true) {
      List<HostileServer.Frame> text = new ArrayList<>();
      for (HostileServer.Frame f : conn.frames) if (f.opcode == HostileServer.TEXT) text.add(f);
      if (text.size() >= n) return text;
      assertTrue(System.nanoTime() < deadline, "only " + text.size() + " text frames");
      LockSupport.parkNanos(1_000_000);
    }
  }

  private static HostileServer serve(String answer) throws Exception {
    HostileServer.Builder b = HostileServer.builder("compression").then(c -> {
      if (c.upgrade()) c.serve(false);
    });
    return (answer == null ? b.deflate() : b.extensionsAnswer(answer)).start();
  }

  @Test
  void theOfferIsWhatTheBuilderAsked() throws Exception {
    Object[][] cases = {
        {Compression.defaults(), "permessage-deflate"},
        {Compression.disabled(), null},
        {Compression.defaults().withServerNoContextTakeover(), "permessage-deflate; server_no_context_takeover"},
        {Compression.defaults().withClientNoContextTakeover().withServerMaxWindowBits(10),
            "permessage-deflate; client_no_context_takeover; server_max_window_bits=10"},
        {Compression.defaults().withServerMaxWindowBits(15).withMinimumSize(0), "permessage-deflate"},
    };
    for (Object[] c : cases) {
      try (HostileServer server = serve(null)) {
        SteadySocket socket = connect(server, (Compression) c[0]);
        try {
          HostileServer.Conn conn = server.connection(0, 10_000);
          awaitOpen(socket);
          assertEquals(c[1], conn.header("Sec-WebSocket-Extensions"), "for " + c[0]);
        } finally {
          socket.close();
        }
      }
    }
  }

  @Test
  void whatTheServerAgreedToIsReportedAndADeclinedParameterIsAccepted() throws Exception {
    Compression offer = Compression.defaults().withServerNoContextTakeover().withServerMaxWindowBits(10)
        .withMinimumSize(100);
    try (HostileServer server = serve("permessage-deflate; server_max_window_bits=9; client_no_context_takeover")) {
      SteadySocket socket = connect(server, offer);
      try {
        awaitOpen(socket);
        // server_no_context_takeover declined: the client inflates with context takeover.
        assertEquals(Compression.defaults().withServerMaxWindowBits(9).withClientNoContextTakeover()
            .withMinimumSize(100), socket.compression());
      } finally {
        socket.close();
      }
    }
  }

  @Test
  void aServerWindowLargerThanOfferedOrAnyAnswerToNoOfferFailsTheAttempt() throws Exception {
    Object[][] cases = {
        {Compression.defaults().withServerMaxWindowBits(10), "permessage-deflate; server_max_window_bits=11"},
        {Compression.disabled(), "permessage-deflate"},
        {Compression.disabled(), "x-webkit-deflate-frame"},
    };
    for (Object[] c : cases) {
      try (HostileServer server = serve((String) c[1])) {
        SteadySocket socket = connect(server, (Compression) c[0]);
        try {
          CloseReason closed = socket.closeFuture().get(20, TimeUnit.SECONDS);
          assertInstanceOf(ProtocolViolationException.class, closed.error(), c[0] + " answered " + c[1]);
          assertEquals(Compression.disabled(), socket.compression(), "never opened");
        } finally {
          socket.close();
        }
      }
    }
  }

  /**
   * With {@code client_no_context_takeover} agreed, each compressed message the client sends
   * inflates on its own; without it, a repeated message refers back into the previous one (the
   * control, which shows the check can tell).
   */
  @Test
  void clientNoContextTakeoverIsHonouredOnTheWire() throws Exception {
    assertTrue(eachInflatesAlone(Compression.defaults().withClientNoContextTakeover(),
        "permessage-deflate; client_no_context_takeover"));
    assertFalse(eachInflatesAlone(Compression.defaults(), "permessage-deflate"), "control: context kept");
  }

  private static boolean eachInflatesAlone(Compression compression, String answer) throws Exception {
    try (HostileServer server = serve(answer)) {
      SteadySocket socket = connect(server, compression);
      try {
        awaitOpen(socket);
        socket.send(TEXT);
        socket.send(TEXT);
        boolean alone = true;
        for (HostileServer.Frame f : awaitTextFrames(server.connection(0, 10_000), 2)) {
          assertTrue(f.rsv1, "compressed");
          alone &= TEXT.equals(inflateAlone(f.payload));
        }
        return alone;
      } finally {
        socket.close();
      }
    }
  }

  @Test
  void theMinimumSizeDecidesWhatIsCompressed() throws Exception {
    assertEquals(List.of(false, true), compressed(Compression.defaults(), "tiny", TEXT));
    assertEquals(List.of(true, true), compressed(Compression.defaults().withMinimumSize(0), "tiny", TEXT));
    assertEquals(List.of(false), compressed(Compression.defaults().withMinimumSize(TEXT.length() + 1), TEXT));
    assertEquals(List.of(false), compressed(Compression.disabled(), TEXT));
  }

  private static List<Boolean> compressed(Compression compression, String... texts) throws Exception {
    try (HostileServer server = serve(null)) {
      SteadySocket socket = connect(server, compression);
      try {
        awaitOpen(socket);
        for (String t : texts) socket.send(t);
        List<Boolean> rsv1 = new ArrayList<>();
        for (HostileServer.Frame f : awaitTextFrames(server.connection(0, 10_000), texts.length)) rsv1.add(f.rsv1);
        return rsv1;
      } finally {
        socket.close();
      }
    }
  }

  /** Inflates one message with a fresh window; null if it does not inflate on its own. */
  private static String inflateAlone(byte[] payload) {
    Inflater inflater = new Inflater(true);
    try {
      byte[] in = new byte[payload.length + 4];
      System.arraycopy(payload, 0, in, 0, payload.length);
      in[payload.length + 2] = (byte) 0xff;
      in[payload.length + 3] = (byte) 0xff;
      inflater.setInput(in);
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      byte[] buf = new byte[8192];
      for (int n; (n = inflater.inflate(buf)) > 0; ) out.write(buf, 0, n);
      return out.toString(StandardCharsets.UTF_8);
    } catch (DataFormatException e) {
      return null; // refers to a window it does not have
    } finally {
      inflater.end();
    }
  }
}
