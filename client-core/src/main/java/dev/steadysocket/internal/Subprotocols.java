package dev.steadysocket.internal;

import java.util.List;
import org.jspecify.annotations.Nullable;

/** The subprotocol rule of RFC 6455 section 4.1, which OkHttp leaves to its users. Pure. */
final class Subprotocols {
  private Subprotocols() {}

  /**
   * What is wrong with the server's choice, or null if nothing: it must be one of the offered
   * values (the comma-separated items of every {@code Sec-WebSocket-Protocol} request header), and
   * there must be one when {@code required}.
   */
  static @Nullable String problem(List<String> offeredHeaders, @Nullable String chosen, boolean required) {
    if (chosen == null) {
      return required ? "the server chose none of the offered subprotocols" : null;
    }
    for (String header : offeredHeaders) {
      for (String item : header.split(",")) {
        if (item.trim().equals(chosen.trim())) return null;
      }
    }
    // The offer is not quoted: it may hold a token offered as a subprotocol.
    return "the server chose a subprotocol that was not offered";
  }
}
