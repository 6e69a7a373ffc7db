package dev.steadysocket.internal;

import java.util.List;
import org.jspecify.annotations.Nullable;

/** The subprotocol rule of RFC 6455 section 4.1, which OkHttp leaves to its users. Pure. */
final class Subprotocols {
  private Subprotocols() {}

  /**
   * What is wrong with the server's choice, or null if nothing: it must be one of the {@code
   * choices} (comma-separated items of each; what the application configured, never a token
   * offered beside them), and there must be one when {@code required}.
   */
  static @Nullable String problem(List<String> choices, @Nullable String chosen, boolean required) {
    if (chosen == null) {
      return required ? "the server chose none of the offered subprotocols" : null;
    }
    for (String header : choices) {
      for (String item : header.split(",")) {
        if (item.trim().equals(chosen.trim())) return null;
      }
    }
    // Neither the offer nor the choice is quoted: a token offered in the same header may be what
    // the server chose.
    return "the server chose a subprotocol that was not offered";
  }

  /**
   * The items of a token prefix for {@code Sec-WebSocket-Protocol} ({@code "access_token, "} gives
   * {@code access_token}): labels offered beside the token, which a server may choose.
   */
  static List<String> labels(String tokenPrefix) {
    List<String> out = new java.util.ArrayList<>();
    for (String item : tokenPrefix.split(",")) {
      if (!item.trim().isEmpty()) out.add(item.trim());
    }
    return out;
  }
}
