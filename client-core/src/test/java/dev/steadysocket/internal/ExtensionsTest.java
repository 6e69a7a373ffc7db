package dev.steadysocket.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.steadysocket.Compression;
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

  /**
   * Whatever OkHttp's parser flags, ours refuses; whatever ours accepts, both read the same. Ours
   * refuses beside OkHttp only client_max_window_bits (never offered) and window sizes OkHttp took
   * as numbers but RFC 7692 does not ("+9", "09", non-ASCII digits).
   */
  private static void assertSameAsOkHttp(Headers headers) throws IOException {
    WebSocketExtensions okHttp = WebSocketExtensions.Companion.parse(headers);
    Extensions ours = Extensions.of(headers);
    String what = headers.toString().replace("\n", " | ");
    if (okHttp.unknownValues) {
      assertTrue(ours.unexpected, "OkHttp flags it, ours must refuse: " + what);
      return;
    }
    if (ours.unexpected) {
      assertTrue(okHttp.serverMaxWindowBits != null || okHttp.clientMaxWindowBits != null,
          "refused beside OkHttp for something other than a window size: " + what);
      return;
    }
    assertEquals(okHttp.perMessageDeflate, ours.perMessageDeflate, "permessage-deflate for " + what);
    // OkHttp's reader resets its window only when it inflates: compare what the reader uses.
    assertEquals(okHttp.perMessageDeflate && okHttp.serverNoContextTakeover, ours.serverNoContextTakeover,
        "server_no_context_takeover for " + what);
    assertEquals(okHttp.clientNoContextTakeover, ours.clientNoContextTakeover, "client_no_context_takeover for " + what);
    assertEquals(okHttp.serverMaxWindowBits, ours.serverMaxWindowBits, "server_max_window_bits for " + what);
    assertNull(okHttp.clientMaxWindowBits, "client_max_window_bits is never accepted: " + what);
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
    for (String window : new String[] {"+9", "09", "\u0669", "-9", "\"9"}) {
      assertTrue(Extensions.of(answered("permessage-deflate; server_max_window_bits=" + window)).unexpected, window);
    }
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

  // #17 part 3
  @Test
  void offersOnlyWhatTheCompressionAsks() {
    assertEquals(null, Extensions.offer(Compression.disabled()));
    assertEquals("permessage-deflate", Extensions.offer(Compression.defaults().withServerMaxWindowBits(15)));
    assertEquals("permessage-deflate; client_no_context_takeover",
        Extensions.offer(Compression.defaults().withClientNoContextTakeover()));
    assertEquals("permessage-deflate; server_no_context_takeover; server_max_window_bits=8",
        Extensions.offer(Compression.defaults().withServerMaxWindowBits(8).withServerNoContextTakeover()));
    assertEquals("permessage-deflate; server_max_window_bits=14",
        Extensions.offer(Compression.defaults().withServerMaxWindowBits(14)));
  }

  // #17 part 3: every answer OkHttp refuses is refused by us first, beside what RFC 7692 forbids.
  @Test
  void refusesWhatWasNotOfferedAndAcceptsWhatWasOrMayBeDeclined() {
    Compression off = Compression.disabled();
    Compression on = Compression.defaults();
    Compression window10 = Compression.defaults().withServerMaxWindowBits(10);
    String[][] refused = {
      {"off", "permessage-deflate"}, {"off", "x-custom"}, {"off", "permessage-deflate; server_no_context_takeover"},
      {"on", "x-custom"}, {"on", "permessage-deflate, permessage-deflate"}, {"on", "permessage-deflate, x"},
      {"on", "permessage-deflate; client_max_window_bits=15"}, {"on", "permessage-deflate; client_max_window_bits"},
      {"on", "permessage-deflate; server_max_window_bits=16"}, {"on", "permessage-deflate; server_max_window_bits=7"},
      {"on", "permessage-deflate; server_max_window_bits"}, {"on", "permessage-deflate; server_max_window_bits=x"},
      {"on", "permessage-deflate; server_no_context_takeover=1"}, {"on", "permessage-deflate; foo"},
      {"on", "permessage-deflate; client_no_context_takeover; client_no_context_takeover"},
      {"10", "permessage-deflate; server_max_window_bits=11"}, {"10", "permessage-deflate; server_max_window_bits=15"},
    };
    for (String[] r : refused) {
      Compression offer = r[0].equals("off") ? off : r[0].equals("on") ? on : window10;
      String problem = Extensions.of(answered(r[1])).problem(offer);
      assertNotNull(problem, r[0] + " answered " + r[1]);
      // The message says which rule: a stand-in would tell the application nothing.
      String rule = r[0].equals("10") && r[1].contains("=1") ? "outside 8..10"
          : r[1].endsWith("=16") || r[1].endsWith("=7") ? "outside 8..15"
          : r[0].equals("off") && r[1].startsWith("permessage-deflate") ? "was not offered"
          : "extension other than permessage-deflate";
      assertTrue(problem.contains(rule), r[0] + " answered " + r[1] + ": " + problem);
    }
    String[][] accepted = {
      {"off", ""}, {"on", ""}, {"on", "permessage-deflate"}, {"on", "PerMessage-Deflate ; Server_No_Context_Takeover"},
      {"on", "permessage-deflate; server_max_window_bits=8"}, {"on", "permessage-deflate; server_max_window_bits=\"15\""},
      {"on", "permessage-deflate; client_no_context_takeover"}, {"10", "permessage-deflate"},
      {"10", "permessage-deflate; server_max_window_bits=10"}, {"10", "permessage-deflate; server_max_window_bits=8"},
    };
    for (String[] a : accepted) {
      Compression offer = a[0].equals("off") ? off : a[0].equals("on") ? on : window10;
      assertNull(Extensions.of(answered(a[1])).problem(offer), a[0] + " answered " + a[1]);
    }
  }

  // #17 part 3
  @Test
  void whatWasAgreedKeepsTheOffersMinimumSize() {
    Compression offer = Compression.defaults().withServerNoContextTakeover().withServerMaxWindowBits(10).withMinimumSize(5);
    assertEquals(Compression.disabled(), Extensions.of(answered("")).negotiated(offer));
    assertEquals(Compression.defaults().withMinimumSize(5), Extensions.of(answered("permessage-deflate")).negotiated(offer));
    assertEquals(Compression.defaults().withMinimumSize(5).withServerNoContextTakeover().withClientNoContextTakeover()
            .withServerMaxWindowBits(9),
        Extensions.of(answered("permessage-deflate; server_no_context_takeover; client_no_context_takeover; "
            + "server_max_window_bits=9")).negotiated(offer));
  }
}
