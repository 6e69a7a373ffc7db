package dev.steadysocket.internal;

import java.util.Locale;
import okio.Sink;
import okio.Socket;
import okio.Source;

/**
 * The upgraded socket OkHttp's WebSocket reads and writes, with SteadySocket's checks in both
 * directions ({@link InboundFrames}, {@link OutboundFrames}). Installed by the transport factory's
 * interceptor on the 101 response, through OkHttp's public {@code Response.Builder.socket}.
 */
final class GuardedSocket implements Socket {
  private final Socket raw;
  final InboundFrames inbound;
  final OutboundFrames outbound;

  GuardedSocket(Socket raw, long maxMessageBytes, String extensions, InboundFrames.Tripped tripped) {
    this.raw = raw;
    this.outbound = new OutboundFrames(raw.getSink());
    String ext = extensions.toLowerCase(Locale.ROOT);
    boolean deflate = negotiated(ext, "permessage-deflate");
    this.inbound = new InboundFrames(raw.getSource(), maxMessageBytes, deflate,
        deflate && negotiated(ext, "server_no_context_takeover"), outbound, tripped);
  }

  /** Whether {@code token} is one of the ';' or ',' separated items of the extensions header. */
  private static boolean negotiated(String extensions, String token) {
    for (String part : extensions.split("[,;]")) {
      String item = part.trim();
      int eq = item.indexOf('=');
      if ((eq < 0 ? item : item.substring(0, eq).trim()).equals(token)) return true;
    }
    return false;
  }

  @Override
  public Source getSource() {
    return inbound;
  }

  @Override
  public Sink getSink() {
    return outbound;
  }

  @Override
  public void cancel() {
    raw.cancel();
  }
}
