package dev.steadysocket.internal;

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

  /**
   * @param extensions what OkHttp's reader will make of RSV1 frames ({@link Extensions#of} on the
   *     101 response's headers)
   * @param clock the socket scheduler's monotonic nanoseconds
   */
  GuardedSocket(Socket raw, long maxMessageBytes, Extensions extensions, GuardEvents tripped,
      java.util.function.LongSupplier clock) {
    this.raw = raw;
    this.outbound = new OutboundFrames(raw.getSink(), clock);
    this.inbound = new InboundFrames(raw.getSource(), maxMessageBytes, extensions.perMessageDeflate,
        extensions.serverNoContextTakeover, outbound, tripped);
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
