package dev.steadysocket.internal;

import dev.steadysocket.Compression;
import okhttp3.Headers;
import org.jspecify.annotations.Nullable;

/**
 * The server's {@code Sec-WebSocket-Extensions} answer, read from the 101 response exactly as OkHttp
 * 5's {@code WebSocketExtensions.parse} reads it, and checked against what we offered. {@link
 * InboundFrames} inflates in OkHttp's place, so the two must never disagree: where they did (we
 * lower-cased with {@code Locale.ROOT}, OkHttp compares with {@code equalsIgnoreCase}, which folds
 * U+017F to 'S'), OkHttp inflated frames we had passed through unchecked. {@code ExtensionsTest}
 * compares this with OkHttp's own parser.
 *
 * <p>An answer is accepted only if {@link #problem} finds nothing, which refuses everything
 * OkHttp's own check refuses (it would otherwise open and then close with 1010) and what RFC 6455
 * 4.1 and RFC 7692 7.1 forbid beside it: an extension not offered (any, when compression is
 * disabled), {@code client_max_window_bits} (never offered: OkHttp's compressor cannot limit its
 * window), a server window larger than offered.
 *
 * <p>Immutable; any thread.
 */
final class Extensions {
  static final String HEADER = "Sec-WebSocket-Extensions";

  /** OkHttp's reader inflates RSV1 messages. */
  final boolean perMessageDeflate;
  /** OkHttp's reader resets its window before each message ({@code server_no_context_takeover}). */
  final boolean serverNoContextTakeover;
  /** OkHttp's writer resets its window after each message ({@code client_no_context_takeover}). */
  final boolean clientNoContextTakeover;
  /** {@code server_max_window_bits}, or null if absent (or not a number: then {@link #unexpected}). */
  final @Nullable Integer serverMaxWindowBits;
  /**
   * Another extension, a repeat, an unknown parameter or a bad value: what OkHttp calls {@code
   * unknownValues}, and a window size not written as RFC 7692 writes it. The other fields are
   * then unset (the parse stopped).
   */
  final boolean unexpected;

  private Extensions(boolean perMessageDeflate, boolean serverNoContextTakeover, boolean clientNoContextTakeover,
      @Nullable Integer serverMaxWindowBits, boolean unexpected) {
    this.perMessageDeflate = perMessageDeflate;
    this.serverNoContextTakeover = serverNoContextTakeover;
    this.clientNoContextTakeover = clientNoContextTakeover;
    this.serverMaxWindowBits = serverMaxWindowBits;
    this.unexpected = unexpected;
  }

  static final Extensions NONE = new Extensions(false, false, false, null, false);
  /** Any answer {@link #problem} refuses for what it says, whatever else it says. */
  private static final Extensions UNEXPECTED = new Extensions(false, false, false, null, true);

  /** The {@code Sec-WebSocket-Extensions} value we offer for {@code c}, or null for none. */
  static @Nullable String offer(Compression c) {
    if (!c.isEnabled()) return null;
    StringBuilder b = new StringBuilder("permessage-deflate");
    if (c.clientNoContextTakeover()) b.append("; client_no_context_takeover");
    if (c.serverNoContextTakeover()) b.append("; server_no_context_takeover");
    if (c.serverMaxWindowBits() < 15) b.append("; server_max_window_bits=").append(c.serverMaxWindowBits());
    return b.toString();
  }

  /** Why this answer to {@code offered} must fail the handshake, or null if it is acceptable. */
  @Nullable String problem(Compression offered) {
    if (unexpected) {
      return "the server's Sec-WebSocket-Extensions names an extension other than permessage-deflate, "
          + "repeats one, has client_max_window_bits (never offered), or a parameter that is unknown, repeated "
          + "or malformed";
    }
    if (!perMessageDeflate) return null;
    if (!offered.isEnabled()) return "the server answered with permessage-deflate, which was not offered";
    if (serverMaxWindowBits != null && (serverMaxWindowBits < 8 || serverMaxWindowBits > offered.serverMaxWindowBits())) {
      return "the server answered with server_max_window_bits=" + serverMaxWindowBits + ", outside 8.."
          + offered.serverMaxWindowBits();
    }
    return null;
  }

  /** What an accepted answer (no {@link #problem}) to {@code offered} put in force. */
  Compression negotiated(Compression offered) {
    if (!perMessageDeflate) return Compression.disabled();
    Compression c = Compression.defaults().withMinimumSize(offered.minimumSize());
    if (serverNoContextTakeover) c = c.withServerNoContextTakeover();
    if (clientNoContextTakeover) c = c.withClientNoContextTakeover();
    return serverMaxWindowBits != null ? c.withServerMaxWindowBits(serverMaxWindowBits) : c;
  }

  /** The answer in a 101 response's headers; never null. */
  static Extensions of(Headers responseHeaders) {
    boolean deflate = false;
    boolean serverNoContextTakeover = false;
    boolean clientNoContextTakeover = false;
    Integer serverMaxWindowBits = null;
    for (int i = 0; i < responseHeaders.size(); i++) {
      if (!responseHeaders.name(i).equalsIgnoreCase(HEADER)) continue;
      String header = responseHeaders.value(i);
      // OkHttp's loop, index for index, up to the first thing that makes the answer unexpected:
      // that refuses it (problem), so the parse stops there. Each token then either ends the parse
      // or is a distinct known one, so the scans for ',' stay linear in the header's length
      // (OkHttp's own parse, which goes on, is quadratic in the number of tokens).
      int pos = 0;
      while (pos < header.length()) {
        int extensionEnd = delimiterOffset(header, ',', pos, header.length());
        int extensionTokenEnd = delimiterOffset(header, ';', pos, extensionEnd);
        String extensionToken = trimSubstring(header, pos, extensionTokenEnd);
        pos = extensionTokenEnd + 1;
        if (!extensionToken.equalsIgnoreCase("permessage-deflate") || deflate) return UNEXPECTED;
        deflate = true;
        while (pos < extensionEnd) {
          int parameterEnd = delimiterOffset(header, ';', pos, extensionEnd);
          int equals = delimiterOffset(header, '=', pos, parameterEnd);
          String name = trimSubstring(header, pos, equals);
          String value = equals < parameterEnd ? unquote(trimSubstring(header, equals + 1, parameterEnd)) : null;
          pos = parameterEnd + 1;
          if (name.equalsIgnoreCase("client_max_window_bits")) {
            return UNEXPECTED; // never offered (OkHttp's compressor cannot limit its window): RFC 7692 7.1.2.2
          } else if (name.equalsIgnoreCase("client_no_context_takeover")) {
            if (clientNoContextTakeover || value != null) return UNEXPECTED;
            clientNoContextTakeover = true;
          } else if (name.equalsIgnoreCase("server_max_window_bits")) {
            if (serverMaxWindowBits != null || (serverMaxWindowBits = windowBits(value)) == null) return UNEXPECTED;
          } else if (name.equalsIgnoreCase("server_no_context_takeover")) {
            if (serverNoContextTakeover || value != null) return UNEXPECTED;
            serverNoContextTakeover = true;
          } else {
            return UNEXPECTED;
          }
        }
      }
    }
    if (!deflate) return NONE;
    return new Extensions(true, serverNoContextTakeover, clientNoContextTakeover, serverMaxWindowBits, false);
  }

  /**
   * A window size as RFC 7692 7.1.2 writes it: a decimal number without sign or leading zero
   * (quotes already removed); null otherwise. Stricter than OkHttp, which takes "+9", "09" or
   * non-ASCII digits: what it would accept and we refuse never reaches it.
   */
  private static @Nullable Integer windowBits(@Nullable String value) {
    if (value == null || value.isEmpty() || value.length() > 2 || value.charAt(0) == '0') return null;
    for (int i = 0; i < value.length(); i++) {
      if (value.charAt(i) < '0' || value.charAt(i) > '9') return null;
    }
    return Integer.parseInt(value);
  }

  /** Kotlin's {@code removeSurrounding("\"")}: both quotes or neither. */
  private static @Nullable String unquote(String s) {
    return s.length() >= 2 && s.startsWith("\"") && s.endsWith("\"") ? s.substring(1, s.length() - 1) : s;
  }

  private static int delimiterOffset(String s, char delimiter, int start, int end) {
    for (int i = start; i < end; i++) {
      if (s.charAt(i) == delimiter) return i;
    }
    return end;
  }

  /** OkHttp's {@code trimSubstring}: trims ASCII whitespace only (tab, LF, FF, CR, space). */
  private static String trimSubstring(String s, int start, int end) {
    while (start < end && isAsciiWhitespace(s.charAt(start))) start++;
    while (end > start && isAsciiWhitespace(s.charAt(end - 1))) end--;
    return s.substring(start, end);
  }

  private static boolean isAsciiWhitespace(char c) {
    return c == '\t' || c == '\n' || c == '\f' || c == '\r' || c == ' ';
  }
}
