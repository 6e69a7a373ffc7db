package dev.steadysocket.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.Random;
import okhttp3.Headers;
import okhttp3.internal.ws.WebSocketExtensions;
import org.junit.jupiter.api.Test;

/**
 * {@link Extensions} against OkHttp's own {@code WebSocketExtensions.parse}, the parser whose
 * answer decides whether OkHttp's reader inflates: the two must agree on every header, lookalike
 * characters, odd separators and refused headers included. Uses OkHttp's internal class on purpose:
 * if OkHttp changes how it reads the header, this fails.
 */
class ExtensionsTest {
  private static final String NAME = "Sec-WebSocket-Extensions";

  private static void assertSameAsOkHttp(Headers headers) throws IOException {
    WebSocketExtensions okHttp = WebSocketExtensions.Companion.parse(headers);
    Extensions ours = Extensions.of(headers);
    String what = headers.toString().replace("\n", " | ");
    assertEquals(okHttp.perMessageDeflate, ours.perMessageDeflate, "permessage-deflate for " + what);
    // OkHttp's reader resets its window only when it inflates: compare what the reader uses.
    assertEquals(okHttp.perMessageDeflate && okHttp.serverNoContextTakeover, ours.serverNoContextTakeover,
        "server_no_context_takeover for " + what);
    assertEquals(okHttp.clientNoContextTakeover, ours.clientNoContextTakeover, "client_no_context_takeover for " + what);
    assertEquals(okHttp.serverMaxWindowBits, ours.serverMaxWindowBits, "server_max_window_bits for " + what);
    assertEquals(okHttp.clientMaxWindowBits, ours.clientMaxWindowBits, "client_max_window_bits for " + what);
    assertEquals(okHttp.unknownValues, ours.unexpected, "unknown values for " + what);
  }

  private static Headers answered(String... values) {
    Headers.Builder b = new Headers.Builder();
    for (String v : values) b.addUnsafeNonAscii(NAME, v);
    return b.build();
  }

  // #16 part 1 item 1
  @Test
  void decidesAsOkHttpOnHeadersThatFoolALowerCaseCompare() throws IOException {
    String[] cases = {
      "permessage-deflate", "perme\u017fsage-deflate", "PERME\u017fSAGE-DEFLATE", "permessage-deflate;",
      "permessage-deflate; server_no_context_ta\u212aeover", "permessage-deflate; \u017ferver_no_context_takeover",
      "x-custom; permessage-deflate", "permessage-deflate=1", "x; server_no_context_takeover, permessage-deflate",
      "permessage-deflate, permessage-deflate", "permessage-deflate; client_max_window_bits=10",
      "permessage-deflate; server_no_context_takeover; server_no_context_takeover",
      "permessage-deflate; server_no_context_takeover=\"x\"", "\u000bpermessage-deflate", "\tpermessage-deflate\r",
      "permessage-deflate\u00a0", "permessage\u2010deflate", "permessage-deflate ; server_no_context_takeover ",
      "", ",", ";", ";;,,", "permessage-deflate,", ",permessage-deflate",
      // #16 part 2: empty names right after whitespace (trimming must stop at the name's start)
      "permessage-deflate; ;", "permessage-deflate; ; server_no_context_takeover", "x ;permessage-deflate", " ,",
    };
    for (String c : cases) assertSameAsOkHttp(answered(c));
    assertSameAsOkHttp(answered("x-custom", "permessage-deflate; server_no_context_takeover"));
    assertSameAsOkHttp(answered("permessage-deflate;", "server_no_context_takeover"));
    assertSameAsOkHttp(new Headers.Builder().addUnsafeNonAscii("sec-websocket-EXTENSIONS", "permessage-deflate").build());
    assertSameAsOkHttp(new Headers.Builder().addUnsafeNonAscii("Sec-WebSocket-Extension", "permessage-deflate").build());
    assertTrue(Extensions.of(answered("perme\u017fsage-deflate")).perMessageDeflate, "the issue's header");
    assertFalse(Extensions.of(Headers.of()).perMessageDeflate);
  }

  // #16 part 1 item 1
  @Test
  void decidesAsOkHttpOnGeneratedHeaders() throws IOException {
    String[] pieces = {
      "permessage-deflate", "PerMessage-Deflate", "perme\u017fsage-deflate", "permessage-deflate-x", "x-custom",
      "server_no_context_takeover", "SERVER_NO_CONTEXT_TA\u212aEOVER", "client_no_context_takeover",
      "server_max_window_bits=15", "client_max_window_bits", "=", "\"", "x=y", "server_max_window_bits",
      "client_max_window_bits=", "1", "+", "-", "\u0661", "99999999999", "\"10\"", "server_max_window_bits=\"", ",", ";", " ", "\t", "\u000b", "\r",
      "\u00a0", "\u0130", "\u0131",
    };
    long seed = new Random().nextLong();
    Random random = new Random(seed);
    for (int i = 0; i < 20_000; i++) {
      String[] values = new String[1 + random.nextInt(2)];
      for (int v = 0; v < values.length; v++) {
        StringBuilder b = new StringBuilder();
        for (int p = random.nextInt(9); p > 0; p--) b.append(pieces[random.nextInt(pieces.length)]);
        values[v] = b.toString();
      }
      try {
        assertSameAsOkHttp(answered(values));
      } catch (AssertionError e) {
        throw new AssertionError("seed " + seed + ": " + e.getMessage(), e);
      }
    }
  }
}
