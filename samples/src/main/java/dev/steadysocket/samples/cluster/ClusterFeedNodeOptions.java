package dev.steadysocket.samples.cluster;

import java.io.PrintStream;
import org.jspecify.annotations.Nullable;

/** {@link ClusterFeedNode}'s settings; the defaults are the documented behaviour. */
public final class ClusterFeedNodeOptions {
  String redis = "127.0.0.1:6379";
  int port;
  String name = "node";
  String stream = "ticker";
  String inboxStream = "inbox";
  int memoryEntries = 4_096;
  @Nullable PrintStream log;

  /** {@code HOST:PORT} of the Redis server. */
  public ClusterFeedNodeOptions redis(String hostPort) {
    this.redis = hostPort;
    return this;
  }

  public ClusterFeedNodeOptions port(int port) {
    this.port = port;
    return this;
  }

  /** Shown in logs, replies and the inbox entries this node writes. */
  public ClusterFeedNodeOptions name(String name) {
    this.name = name;
    return this;
  }

  /** The Redis Stream holding the feed. */
  public ClusterFeedNodeOptions stream(String stream) {
    this.stream = stream;
    return this;
  }

  /** The Redis Stream client messages are appended to. */
  public ClusterFeedNodeOptions inboxStream(String stream) {
    this.inboxStream = stream;
    return this;
  }

  /** Entries kept in memory for resumes; older ones are read from Redis. */
  public ClusterFeedNodeOptions memoryEntries(int entries) {
    this.memoryEntries = entries;
    return this;
  }

  public ClusterFeedNodeOptions log(@Nullable PrintStream log) {
    this.log = log;
    return this;
  }
}
