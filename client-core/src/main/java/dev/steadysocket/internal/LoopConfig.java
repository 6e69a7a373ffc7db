package dev.steadysocket.internal;

import dev.steadysocket.Backoff;
import dev.steadysocket.Heartbeat;
import dev.steadysocket.MessageCodec;
import dev.steadysocket.OutboxPolicy;
import dev.steadysocket.ReconnectPolicy;
import java.time.Duration;

/** The settings a {@link ConnectionLoop} runs with. Immutable. */
public final class LoopConfig {
  final String redactedUrl;
  final Backoff backoff;
  final Heartbeat heartbeat;
  final int maxReconnectAttempts;
  final Duration minimumUptime;
  final Duration connectTimeout;
  final Duration closeTimeout;
  final OutboxPolicy outbox;
  final ReconnectPolicy reconnectPolicy;
  final MessageCodec codec;
  final boolean hasTokenProvider;

  public LoopConfig(
      String redactedUrl,
      Backoff backoff,
      Heartbeat heartbeat,
      int maxReconnectAttempts,
      Duration minimumUptime,
      Duration connectTimeout,
      Duration closeTimeout,
      OutboxPolicy outbox,
      ReconnectPolicy reconnectPolicy,
      MessageCodec codec,
      boolean hasTokenProvider) {
    this.redactedUrl = redactedUrl;
    this.backoff = backoff;
    this.heartbeat = heartbeat;
    this.maxReconnectAttempts = maxReconnectAttempts;
    this.minimumUptime = minimumUptime;
    this.connectTimeout = connectTimeout;
    this.closeTimeout = closeTimeout;
    this.outbox = outbox;
    this.reconnectPolicy = reconnectPolicy;
    this.codec = codec;
    this.hasTokenProvider = hasTokenProvider;
  }
}
