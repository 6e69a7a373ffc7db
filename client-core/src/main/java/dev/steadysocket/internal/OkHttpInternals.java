package dev.steadysocket.internal;

import okhttp3.WebSocket;
import okhttp3.internal.ws.RealWebSocket;

/**
 * The one place SteadySocket reaches into OkHttp's internals. OkHttp does not expose pong
 * counts, and pongs are the sign of life that lets heartbeats judge a server that never echoes
 * envelopes. {@code OkHttpInternalsTest} fails loudly if an OkHttp upgrade removes or changes it;
 * at run time a missing method degrades to "unknown" and heartbeats fall back to envelope echoes.
 */
final class OkHttpInternals {
  private OkHttpInternals() {}

  /** Pongs {@code webSocket} has received so far, or -1 if this OkHttp cannot tell. */
  static long receivedPongCount(WebSocket webSocket) {
    if (!(webSocket instanceof RealWebSocket)) return -1;
    try {
      return ((RealWebSocket) webSocket).receivedPongCount();
    } catch (LinkageError e) {
      return -1;
    }
  }
}
