package dev.steadysocket.testing.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * The envelope wire format on the server side, in plain Jackson (independent of the SDK's codec):
 * {@code {"id","type","sender","receiver","content","timestamp","meta"}}, plus the names of the
 * delivery-guarantee extensions in {@code meta}.
 */
public final class Envelopes {
  public static final ObjectMapper JSON = new ObjectMapper();

  /** {@code meta.ack: true} asks for an acknowledgement. */
  public static final String META_ACK = "ack";
  /** {@code meta.replyTo} names the envelope that an ack or reply answers. */
  public static final String META_REPLY_TO = "replyTo";
  /** {@code meta.stream} marks a resumable stream entry. */
  public static final String META_STREAM = "stream";
  /**
   * {@code meta.seq}: an entry's number in a stream its server publishes itself (1, 2, 3…), so a
   * client can see that none is missing.
   */
  public static final String META_SEQ = "seq";
  /** The handshake header in which the SDK sends its resume positions (a JSON object). */
  public static final String RESUME_HEADER = "X-SteadySocket-Resume";

  public static final String TYPE_ACK = "ack";
  public static final String TYPE_RESUME = "resume";
  public static final String TYPE_HEARTBEAT = "heartbeat";
  public static final String TYPE_REQUEST = "request";
  public static final String TYPE_REPLY = "reply";

  private Envelopes() {}

  /** A complete envelope; a random UUID when {@code id} is null, the current time, empty meta. */
  public static ObjectNode envelope(
      String type, @Nullable JsonNode content, @Nullable String id, String sender, @Nullable String receiver) {
    ObjectNode node = JSON.createObjectNode();
    node.put("id", id != null ? id : UUID.randomUUID().toString());
    node.put("type", type);
    node.put("sender", sender);
    node.put("receiver", receiver);
    node.set("content", content);
    node.put("timestamp", System.currentTimeMillis());
    node.putObject("meta");
    return node;
  }

  /** A stream entry's envelope: its id is the entry id, {@code meta.stream} the stream. */
  public static String streamEnvelope(
      String stream, StreamId id, String type, @Nullable JsonNode content, String sender, long timestamp) {
    return streamEnvelope(stream, id, 0, type, content, sender, timestamp);
  }

  /** The same with {@code meta.seq}, the entry's number in its stream; 0 leaves it out. */
  public static String streamEnvelope(
      String stream, StreamId id, long seq, String type, @Nullable JsonNode content, String sender, long timestamp) {
    ObjectNode node = JSON.createObjectNode();
    node.put("id", id.toString());
    node.put("type", type);
    node.put("sender", sender);
    node.putNull("receiver");
    node.set("content", content);
    node.put("timestamp", timestamp);
    ObjectNode meta = node.putObject("meta").put(META_STREAM, stream);
    if (seq > 0) {
      meta.put(META_SEQ, seq);
    }
    return node.toString();
  }

  /**
   * {@code {"type":"ack","meta":{"replyTo":id}}}. Acks carry no id of their own: a resent message
   * is acknowledged again, and an id would let a de-duplicating client drop the second ack.
   */
  public static String ack(String id) {
    ObjectNode node = JSON.createObjectNode();
    node.put("type", TYPE_ACK);
    node.put("timestamp", System.currentTimeMillis());
    node.putObject("meta").put(META_REPLY_TO, id);
    return node.toString();
  }

  /**
   * The reply to request {@code requestId}. Its id is derived from the request's, so the answers
   * to a request sent twice (after a reconnect) are one message to a de-duplicating client.
   */
  public static String reply(String requestId, @Nullable JsonNode content, String sender, @Nullable String receiver) {
    ObjectNode node = envelope(TYPE_REPLY, content, "reply-" + requestId, sender, receiver);
    ((ObjectNode) node.get("meta")).put(META_REPLY_TO, requestId);
    return node.toString();
  }

  /** The frame as a JSON object, or null if it is not one. */
  public static @Nullable ObjectNode parseObject(String text) {
    try {
      JsonNode node = JSON.readTree(text);
      return node instanceof ObjectNode ? (ObjectNode) node : null;
    } catch (IOException e) {
      return null;
    }
  }

  /** A string field, or null when absent, null or not textual (numbers are accepted as ids). */
  public static @Nullable String text(JsonNode node, String field) {
    JsonNode value = node.get(field);
    return value != null && (value.isTextual() || value.isNumber()) ? value.asText() : null;
  }

  public static boolean wantsAck(JsonNode envelope) {
    return envelope.path("meta").path(META_ACK).asBoolean(false);
  }
}
