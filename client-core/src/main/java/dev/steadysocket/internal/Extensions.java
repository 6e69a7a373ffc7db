package dev.steadysocket.internal;

import okhttp3.Headers;

/**
 * What OkHttp's WebSocket reader will do with compressed (RSV1) frames, read from the 101
 * response's {@code Sec-WebSocket-Extensions} headers exactly as OkHttp 5's {@code
 * WebSocketExtensions.parse} reads them. {@link InboundFrames} inflates in OkHttp's place, so the
 * two must never disagree: where they did (we lower-cased with {@code Locale.ROOT}, OkHttp compares
 * with {@code equalsIgnoreCase}, which folds U+017F to 'S'), OkHttp inflated frames we had passed
 * through unchecked. {@code ExtensionsTest} compares this with OkHttp's own parser.
 *
 * <p>Only the two answers the reader depends on are kept. OkHttp reads with {@code
 * perMessageDeflate} even when it refuses the header (it then closes with 1010 but goes on reading
 * until the server's close), so the answers do not depend on whether the header is valid.
 *
 * <p>Immutable; any thread.
 */
final class Extensions {
  /** OkHttp's reader inflates RSV1 messages. */
  final boolean perMessageDeflate;
  /** OkHttp's reader resets its window before each message ({@code server_no_context_takeover}). */
  final boolean serverNoContextTakeover;

  private Extensions(boolean perMessageDeflate, boolean serverNoContextTakeover) {
    this.perMessageDeflate = perMessageDeflate;
    this.serverNoContextTakeover = serverNoContextTakeover;
  }

  static final Extensions NONE = new Extensions(false, false);

  /** The decision for a 101 response's headers; never null. */
  static Extensions of(Headers responseHeaders) {
    boolean deflate = false;
    boolean serverNoContextTakeover = false;
    for (int i = 0; i < responseHeaders.size(); i++) {
      if (!responseHeaders.name(i).equalsIgnoreCase("Sec-WebSocket-Extensions")) continue;
      String header = responseHeaders.value(i);
      // Mirrors OkHttp's loop, index for index: after a token that is not permessage-deflate, the
      // parse resumes after its ';', so "x; permessage-deflate" turns deflate on too.
      int pos = 0;
      while (pos < header.length()) {
        int extensionEnd = delimiterOffset(header, ',', pos, header.length());
        int extensionTokenEnd = delimiterOffset(header, ';', pos, extensionEnd);
        String extensionToken = trimSubstring(header, pos, extensionTokenEnd);
        pos = extensionTokenEnd + 1;
        if (!extensionToken.equalsIgnoreCase("permessage-deflate")) continue;
        deflate = true;
        while (pos < extensionEnd) {
          int parameterEnd = delimiterOffset(header, ';', pos, extensionEnd);
          int equals = delimiterOffset(header, '=', pos, parameterEnd);
          // OkHttp sets the flag whatever follows the name (a value or a repeat make the header
          // invalid, not the flag false).
          if (trimSubstring(header, pos, equals).equalsIgnoreCase("server_no_context_takeover")) {
            serverNoContextTakeover = true;
          }
          pos = parameterEnd + 1;
        }
      }
    }
    return deflate ? new Extensions(true, serverNoContextTakeover) : NONE;
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
