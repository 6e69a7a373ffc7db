package dev.steadysocket.internal;

import static dev.steadysocket.internal.InboundFramesTest.compress;
import static dev.steadysocket.internal.InboundFramesTest.concat;
import static dev.steadysocket.internal.InboundFramesTest.frame;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.steadysocket.ProtocolViolationException;
import java.io.IOException;
import java.net.ProtocolException;
import java.nio.charset.StandardCharsets;
import java.util.zip.Deflater;
import okhttp3.Headers;
import okio.Buffer;
import okio.ByteString;
import okio.Sink;
import okio.Socket;
import okio.Source;
import org.junit.jupiter.api.Test;

/**
 * {@link GuardedSocket}: which extensions header turns on inflating (and the window reset of
 * {@code server_no_context_takeover}), judged by what OkHttp would read; and that a cancel reaches
 * the raw socket.
 */
class GuardedSocketTest {
  /** An upgraded socket on in-memory buffers. */
  static final class RawSocket implements Socket {
    final Buffer source;
    final Buffer sink = new Buffer();
    boolean cancelled;

    RawSocket(Buffer source) {
      this.source = source;
    }

    @Override public Source getSource() { return source; }
    @Override public Sink getSink() { return sink; }
    @Override public void cancel() { cancelled = true; }
  }

  private static final byte[] FIRST = "the first message, the first message".getBytes(StandardCharsets.UTF_8);
  private static final byte[] AGAIN = "the first message again".getBytes(StandardCharsets.UTF_8);

  /** Two messages compressed with one window: the second refers back to the first. */
  private static Buffer twoMessagesSharingAWindow() {
    Deflater shared = new Deflater(Deflater.DEFAULT_COMPRESSION, true);
    return concat(frame(0xc1, compress(shared, FIRST)), frame(0xc1, compress(shared, AGAIN)));
  }

  /** A 101 response's headers with this Sec-WebSocket-Extensions value (any characters). */
  static Headers answered(String extensions) {
    return new Headers.Builder().addUnsafeNonAscii("Sec-WebSocket-Extensions", extensions).build();
  }

  private static GuardedSocket socket(String extensions, Buffer wire, GuardEvents tripped) {
    return new GuardedSocket(new RawSocket(wire), 1 << 20, Extensions.of(answered(extensions)), tripped, System::nanoTime);
  }

  private static ByteString read(String extensions, Buffer wire) throws IOException {
    GuardedSocket socket = socket(extensions, wire, (e, code) -> {
      throw new AssertionError("tripped: " + e);
    });
    Buffer out = new Buffer();
    while (socket.getSource().read(out, 8192) != -1) {}
    return out.readByteString();
  }

  private static final ByteString INFLATED = concat(frame(0x81, FIRST), frame(0x81, AGAIN)).snapshot();

  @Test
  void permessageDeflateTurnsOnInflatingWithContextTakeover() throws IOException {
    assertEquals(INFLATED, read("permessage-deflate", twoMessagesSharingAWindow()));
    assertEquals(INFLATED, read("PerMessage-Deflate; Server_Max_Window_Bits=15", twoMessagesSharingAWindow()),
        "case-insensitive, parameters aside");
    assertEquals(INFLATED, read("permessage-deflate; client_no_context_takeover",
        twoMessagesSharingAWindow()), "the server keeps its window: only ours is reset");
  }

  // #16 part 1 item 1
  /**
   * OkHttp compares extension names with {@code equalsIgnoreCase}, which folds U+017F (the long s)
   * to 'S': it inflates after such an answer, so we must too, under our limit.
   */
  @Test
  void aLookalikeNameThatOkHttpReadsAsPermessageDeflateTurnsOnInflatingHere() throws IOException {
    for (String extensions : new String[] {"perme\u017fsage-deflate", "PERME\u017fSAGE-DEFLATE; server_max_window_bits=15"}) {
      assertEquals(INFLATED, read(extensions, twoMessagesSharingAWindow()), "extensions: '" + extensions + "'");
    }
  }

  // #16 part 1 item 1
  @Test
  void withoutPermessageDeflateACompressedFrameIsRefusedHere() throws IOException {
    // Never handed to OkHttp, which would inflate it without our limit if its parser disagreed.
    for (String extensions : new String[] {"", "x-webkit-deflate-frame", "permessage-deflate-x",
        "x-custom; param=permessage-deflate", "server_no_context_takeover", "permessage-deflate=1"}) {
      int[] code = {0};
      GuardedSocket socket = socket(extensions, twoMessagesSharingAWindow(), (e, c) -> {
        assertInstanceOf(ProtocolViolationException.class, e);
        code[0] = c;
      });
      Buffer out = new Buffer();
      while (socket.getSource().read(out, 8192) != -1) {}
      assertEquals(1002, code[0], "extensions: '" + extensions + "'");
      assertEquals(0x88, out.readByte() & 0xff, "only our close frame reaches OkHttp: '" + extensions + "'");
    }
  }

  @Test
  void serverNoContextTakeoverResetsTheWindowBetweenMessages() {
    for (String extensions : new String[] {"permessage-deflate; server_no_context_takeover",
        "permessage-deflate;SERVER_NO_CONTEXT_TAKEOVER",
        "permessage-deflate; server_no_context_ta\u212aeover"}) { // the Kelvin sign: equalsIgnoreCase reads 'k'
      // (Answers OkHttp refuses and reads on after, "server_no_context_takeover=x" or with
      // client_max_window_bits, are refused before any socket is guarded: ExtensionsTest.)
      ProtocolException e = assertThrows(ProtocolException.class, () -> read(extensions, twoMessagesSharingAWindow()),
          "a back reference across messages cannot inflate with '" + extensions + "'");
      assertTrue(e.getMessage().contains("malformed compressed message"), e.getMessage());
    }
  }

  @Test
  void theGuardsAreWhatOkHttpReadsAndWritesAndCancelReachesTheRawSocket() {
    RawSocket raw = new RawSocket(new Buffer());
    GuardedSocket socket = new GuardedSocket(raw, 1_000, Extensions.NONE, (e, code) -> {}, System::nanoTime);
    assertSame(socket.inbound, socket.getSource());
    assertSame(socket.outbound, socket.getSink());
    socket.cancel();
    assertTrue(raw.cancelled);
  }
}
