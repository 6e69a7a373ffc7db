package dev.steadysocket.samples.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import dev.steadysocket.testing.server.Envelopes;
import dev.steadysocket.testing.server.FeedEntry;
import dev.steadysocket.testing.server.StreamId;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.resps.StreamEntry;

/**
 * How the cluster sample keeps a feed in a Redis Stream. An entry has the fields {@code type},
 * {@code sender}, {@code timestamp} and {@code content} (JSON text); its Redis id becomes the
 * envelope's id, and the stream's key its {@code meta.stream}.
 */
final class RedisStreams {
  private RedisStreams() {}

  /** A pooled, thread-safe client for {@code host:port}. */
  static RedisClient connect(String hostPort) {
    int colon = hostPort.lastIndexOf(':');
    if (colon <= 0) {
      throw new IllegalArgumentException("expected HOST:PORT, got '" + hostPort + "'");
    }
    return RedisClient.create(hostPort.substring(0, colon), Integer.parseInt(hostPort.substring(colon + 1)));
  }

  static Map<String, String> fields(String type, String sender, JsonNode content) {
    return Map.of(
        "type", type,
        "sender", sender,
        "timestamp", Long.toString(System.currentTimeMillis()),
        "content", content.toString());
  }

  static StreamId id(StreamEntryID id) {
    return new StreamId(id.getTime(), id.getSequence());
  }

  static FeedEntry toEntry(String stream, StreamEntry entry) {
    Map<String, String> fields = entry.getFields();
    JsonNode content;
    try {
      content = Envelopes.JSON.readTree(fields.getOrDefault("content", "null"));
    } catch (IOException e) {
      content = Envelopes.JSON.getNodeFactory().textNode(fields.get("content"));
    }
    long timestamp;
    try {
      timestamp = Long.parseLong(fields.getOrDefault("timestamp", "0"));
    } catch (NumberFormatException e) {
      timestamp = entry.getID().getTime();
    }
    StreamId id = id(entry.getID());
    return new FeedEntry(
        id,
        Envelopes.streamEnvelope(
            stream, id, fields.getOrDefault("type", stream), content, fields.getOrDefault("sender", "redis"), timestamp));
  }

  /** The entries strictly after {@code after}: {@code XRANGE stream (after + COUNT limit}. */
  static List<FeedEntry> after(RedisClient redis, String stream, StreamId after, int limit) {
    List<FeedEntry> entries = new ArrayList<>();
    for (StreamEntry entry : redis.xrange(stream, "(" + after, "+", limit)) {
      entries.add(toEntry(stream, entry));
    }
    return entries;
  }

  /** The id of the stream's newest entry, or {@link StreamId#ZERO} if it has none. */
  static StreamId lastId(RedisClient redis, String stream) {
    List<StreamEntry> last = redis.xrevrange(stream, "+", "-", 1);
    return last.isEmpty() ? StreamId.ZERO : id(last.get(0).getID());
  }
}
