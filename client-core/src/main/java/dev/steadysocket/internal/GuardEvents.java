package dev.steadysocket.internal;

import dev.steadysocket.SteadySocketException;

/**
 * What the frame filter ({@link InboundFrames}) tells the transport, on OkHttp's reader thread,
 * before OkHttp reads the frames it concerns.
 */
interface GuardEvents {
  /** Once, when the server crossed a limit or rule, before the synthetic close frame it causes. */
  void tripped(SteadySocketException error, int closeCode);

  /**
   * The message OkHttp holds was ended unfinished, with an empty final continuation, because a
   * close frame (the server's, or a refusal's) follows: OkHttp delivers that message next, and it
   * must be dropped.
   */
  default void endedMidMessage() {}

  /** A pong frame was read (before OkHttp reads it). */
  default void pong() {}
}
