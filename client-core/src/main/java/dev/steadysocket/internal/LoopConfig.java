package dev.steadysocket.internal;

import dev.steadysocket.Backoff;
import dev.steadysocket.Heartbeat;
import dev.steadysocket.MessageCodec;
import dev.steadysocket.OutboxPolicy;
import dev.steadysocket.ReconnectPolicy;
import java.time.Duration;

/** The settings a {@link ConnectionLoop} runs with. Immutable. */
public final class LoopConfig {
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
  /** One per endpoint, in failover order; the first is the primary URL. */
  final java.util.List<String> redactedUrls;

  final boolean acknowledgedSends;
  final dev.steadysocket.RequestRetention requestRetention;
  final int dedupWindow;
  final boolean resumeStreams;

  public LoopConfig(
      java.util.List<String> redactedUrls,
      boolean acknowledgedSends,
      dev.steadysocket.RequestRetention requestRetention,
      int dedupWindow,
      boolean resumeStreams,
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
    this.redactedUrls = redactedUrls;
    this.acknowledgedSends = acknowledgedSends;
    this.requestRetention = requestRetention;
    this.dedupWindow = dedupWindow;
    this.resumeStreams = resumeStreams;
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
