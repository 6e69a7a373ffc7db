package dev.steadysocket.internal;

import dev.steadysocket.SteadySocketException;

/**
 * The pongs OkHttp owes the server, for {@link InboundFrames}: each ping handed to OkHttp queues a
 * pong (up to 125 bytes, in memory until written). Past {@link #MAX_OWED_PONGS} further pings go
 * unanswered (RFC 6455 5.5.3 lets us answer only some): the pongs may be owed only because our
 * own large frame is still crossing a slow link. Once pings have gone unanswered for {@link
 * #PONG_DRAIN_NANOS} while nothing we wrote reached the network, the server reads nothing: a ping
 * flood.
 *
 * <p><b>Threading:</b> OkHttp's reader thread only.
 */
final class PongsOwed {
  static final int MAX_OWED_PONGS = 1024;
  static final long PONG_DRAIN_NANOS = 5_000_000_000L;

  /** What to do with a ping. */
  enum Ping {
    /** Hand it to OkHttp, which answers it. */
    ANSWER,
    /** Drop it: too many pongs are owed already. */
    UNANSWERED,
    /** Refuse the server: pongs stayed owed and it read none of our bytes for the drain time. */
    FLOOD
  }

  private final OutboundFrames outbound;
  /** Pings handed to OkHttp, each owing a pong. */
  private long pingsHandedOn;
  /** {@link OutboundFrames#nanoTime} when pings were first left unanswered, or -1 while none are. */
  private long owedSince = -1;

  PongsOwed(OutboundFrames outbound) {
    this.outbound = outbound;
  }

  /** A complete ping arrived. */
  Ping ping() {
    if (pingsHandedOn - outbound.pongsWritten() < MAX_OWED_PONGS) {
      owedSince = -1;
      pingsHandedOn++;
      return Ping.ANSWER;
    }
    long now = outbound.nanoTime();
    if (owedSince == -1) owedSince = now;
    // The writer may have been idle, its progress old, until this burst: count from the burst.
    return now - Math.max(owedSince, outbound.lastProgressNanos()) >= PONG_DRAIN_NANOS ? Ping.FLOOD : Ping.UNANSWERED;
  }

  /** The refusal of a ping flood (close 1008). */
  static SteadySocketException flood() {
    return Api.get().protocolViolation(1008, "the server sent pings while " + MAX_OWED_PONGS
        + " pongs were owed and read none of our bytes for " + PONG_DRAIN_NANOS / 1_000_000_000L
        + " s (a ping flood)", null);
  }
}
