package dev.steadysocket.samples.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import dev.steadysocket.testing.server.Envelopes;
import dev.steadysocket.testing.server.Inbox;
import java.time.Duration;
import java.util.List;
import redis.clients.jedis.RedisClient;

/**
 * The cluster's {@link Inbox}: client messages go to one Redis Stream, once per id across every
 * node. A message sent to node A whose ack was lost when A died is sent again to node B; the
 * de-duplication must therefore live in Redis, and the check and the append are one Lua script,
 * atomic in Redis, so no node can die between them and lose the message or record it twice.
 */
final class RedisInbox implements Inbox {
  /**
   * KEYS: the seen-marker key, the inbox stream. ARGV: marker TTL in seconds, approximate stream
   * length cap, then the entry's fields id, type, sender, content, node.
   */
  private static final String RECEIVE =
      String.join(
          "\n",
          "if redis.call('SET', KEYS[1], '1', 'NX', 'EX', ARGV[1]) then",
          "  redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[2], '*',",
          "    'id', ARGV[3], 'type', ARGV[4], 'sender', ARGV[5], 'content', ARGV[6], 'node', ARGV[7])",
          "  return 1",
          "end",
          "return 0");

  private final RedisClient redis;
  private final String stream;
  private final String node;
  private final Duration remember;
  private final long maxLength;

  /**
   * @param remember how long an id is remembered (the longest a client may take to resend)
   */
  RedisInbox(RedisClient redis, String stream, String node, Duration remember, long maxLength) {
    this.redis = redis;
    this.stream = stream;
    this.node = node;
    this.remember = remember;
    this.maxLength = maxLength;
  }

  /** Runs {@code deliver} after the append; the append itself is the delivery that counts. */
  @Override
  public boolean receive(String id, JsonNode message, Runnable deliver) {
    Object added =
        redis.eval(
            RECEIVE,
            List.of(stream + ":seen:" + id, stream),
            List.of(
                Long.toString(remember.getSeconds()),
                Long.toString(maxLength),
                id,
                message.path("type").asText(""),
                String.valueOf(Envelopes.text(message, "sender")),
                message.path("content").toString(),
                node));
    if (Long.valueOf(1).equals(added)) {
      deliver.run();
      return true;
    }
    return false;
  }
}
