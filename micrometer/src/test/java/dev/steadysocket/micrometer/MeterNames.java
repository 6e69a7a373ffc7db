package dev.steadysocket.micrometer;

import java.util.List;
import java.util.SortedSet;
import java.util.TreeSet;

/** Every meter name the module registers: the tests check the registry and the README's table against it. */
final class MeterNames {
  static final SortedSet<String> ALL = new TreeSet<>(List.of(
      "steadysocket.connection.state",
      "steadysocket.connection.attempts",
      "steadysocket.connection.attempt.duration",
      "steadysocket.reconnects",
      "steadysocket.reconnect.delay",
      "steadysocket.disconnects",
      "steadysocket.handshake.phase",
      "steadysocket.heartbeat.rtt",
      "steadysocket.ping.rtt",
      "steadysocket.dead.links",
      "steadysocket.messages",
      "steadysocket.bytes",
      "steadysocket.messages.resent",
      "steadysocket.messages.dropped",
      "steadysocket.outbox.depth",
      "steadysocket.outbox.unacknowledged",
      "steadysocket.send.latency",
      "steadysocket.request.latency",
      "steadysocket.decode.errors",
      "steadysocket.duplicates",
      "steadysocket.inbound.paused",
      "steadysocket.callbacks.rejected"));

  private MeterNames() {}
}
