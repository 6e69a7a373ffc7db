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
 * delivery-guarantee extensions in {@code meta} (docs/wire-format.md, docs/delivery.md). Static
 * and stateless: every method may be called from any thread. The envelopes it builds are stamped
 * with the real wall clock ({@code System.currentTimeMillis()}).
 */
public final class Envelopes {
  /**
   * The Jackson mapper the server side reads frames and writes envelopes with, and converts
   * application objects to {@code content} with; default settings. Thread-safe as long as nobody
   * reconfigures it, so do not.
   */
  public static final ObjectMapper JSON = new ObjectMapper();

  /** Reads one JSON value and refuses anything after it, as the SDK's codec does. */
  private static final com.fasterxml.jackson.databind.ObjectReader STRICT =
      JSON.reader().with(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  /**
   * {@code meta.ack: true} asks for an acknowledgement: a client in acknowledgement mode sets it on
   * every message, and the server answers {@code {"type":"ack","meta":{"replyTo":"<id>"}}}.
   */
  public static final String META_ACK = "ack";
  /**
   * {@code meta.replyTo} names, by its {@code id}, the envelope that an ack or reply answers; the
   * client completes that send or request with it.
   */
  public static final String META_REPLY_TO = "replyTo";
  /**
   * {@code meta.stream} marks a resumable stream entry and names its stream: a resuming client
   * remembers, per stream, the {@code id} of the last such entry it delivered.
   */
  public static final String META_STREAM = "stream";
  /**
   * {@code meta.seq}: an entry's number in a stream its server publishes itself (1, 2, 3…), so a
   * client can see that none is missing.
   */
  public static final String META_SEQ = "seq";
  /**
   * The handshake header in which the SDK sends its resume positions: a JSON object of stream name
   * to the last entry id delivered, {@code {"ticker":"1700000000000-3"}} ({@code {}} at first).
   */
  public static final String RESUME_HEADER = "X-SteadySocket-Resume";

  /**
   * The type of an acknowledgement, server to client: {@code meta.replyTo} names the message; it
   * carries no {@code id} of its own (see {@link #ack}).
   */
  public static final String TYPE_ACK = "ack";
  /**
   * The type of a resuming client's first frame: {@code content} holds the same object as the
   * {@link #RESUME_HEADER} header. Never answered.
   */
  public static final String TYPE_RESUME = "resume";
  /**
   * The type of the client's heartbeat envelope; the server echoes it with the same {@code id} and
   * {@code content}, and the client measures the round trip from the echo.
   */
  public static final String TYPE_HEARTBEAT = "heartbeat";
  /**
   * The type a server treats as a request by default ({@link FeedProtocol.Handler#isRequest}): it
   * is answered with a {@link #TYPE_REPLY} on every receipt.
   */
  public static final String TYPE_REQUEST = "request";
  /**
   * The type of the server's answer to a request: {@code id} is {@code reply-<request id>} and
   * {@code meta.replyTo} the request's {@code id} (see {@link #reply}).
   */
  public static final String TYPE_REPLY = "reply";

  private Envelopes() {}

  /**
   * A complete envelope; a random UUID when {@code id} is null, the current time, empty meta.
   *
   * @param type the {@code type}
   * @param content the {@code content}; null writes JSON {@code null}
   * @param id the {@code id}, or null for a random UUID
   * @param sender the {@code sender}
   * @param receiver the {@code receiver}, or null to write JSON {@code null}
   * @return a new object node the caller may change (for example add to its {@code meta}); {@code
   *     timestamp} is the real wall time in epoch milliseconds
   */
  public static ObjectNode envelope(
      String type, @Nullable JsonNode content, @Nullable String id, String sender, @Nullable String receiver) {
    return envelope(type, content, id, sender, receiver, System.currentTimeMillis());
  }

  /**
   * The same as {@link #envelope(String, JsonNode, String, String, String)}, stamped {@code nowMillis}.
   *
   * @param type the {@code type}
   * @param content the {@code content}; null writes JSON {@code null}
   * @param id the {@code id}, or null for a random UUID
   * @param sender the {@code sender}
   * @param receiver the {@code receiver}, or null to write JSON {@code null}
   * @param nowMillis the {@code timestamp}, epoch milliseconds (the server's clock: a test's virtual one in memory)
   * @return a new object node the caller may change
   */
  public static ObjectNode envelope(String type, @Nullable JsonNode content, @Nullable String id, String sender,
      @Nullable String receiver, long nowMillis) {
    ObjectNode node = JSON.createObjectNode();
    node.put("id", id != null ? id : UUID.randomUUID().toString());
    node.put("type", type);
    node.put("sender", sender);
    node.put("receiver", receiver);
    node.set("content", content);
    node.put("timestamp", nowMillis);
    node.putObject("meta");
    return node;
  }

  /**
   * A stream entry's envelope: its id is the entry id, {@code meta.stream} the stream; no {@code
   * meta.seq}, no receiver.
   *
   * @param stream the stream's name, for {@code meta.stream}
   * @param id the entry's id, written as the envelope's {@code id}
   * @param type the {@code type}
   * @param content the {@code content}; null writes JSON {@code null}
   * @param sender the {@code sender}
   * @param timestamp the {@code timestamp}, epoch milliseconds, written as given
   * @return the envelope as compact JSON text, ready to send
   */
  public static String streamEnvelope(
      String stream, StreamId id, String type, @Nullable JsonNode content, String sender, long timestamp) {
    return streamEnvelope(stream, id, 0, type, content, sender, timestamp);
  }

  /**
   * The same with {@code meta.seq}, the entry's number in its stream; 0 leaves it out.
   *
   * @param stream the stream's name, for {@code meta.stream}
   * @param id the entry's id, written as the envelope's {@code id}
   * @param seq the entry's number in its stream, from 1; zero or negative writes no {@code
   *     meta.seq}
   * @param type the {@code type}
   * @param content the {@code content}; null writes JSON {@code null}
   * @param sender the {@code sender}
   * @param timestamp the {@code timestamp}, epoch milliseconds, written as given
   * @return the envelope as compact JSON text, ready to send
   */
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
   *
   * @param id the {@code id} of the message acknowledged
   * @return the acknowledgement as compact JSON text, with the real wall time as {@code timestamp}
   */
  public static String ack(String id) {
    return ack(id, System.currentTimeMillis());
  }

  /**
   * The same as {@link #ack(String)}, stamped {@code nowMillis}.
   *
   * @param id the {@code id} of the message acknowledged
   * @param nowMillis the {@code timestamp}, epoch milliseconds
   * @return the acknowledgement as compact JSON text
   */
  public static String ack(String id, long nowMillis) {
    ObjectNode node = JSON.createObjectNode();
    node.put("type", TYPE_ACK);
    node.put("timestamp", nowMillis);
    node.putObject("meta").put(META_REPLY_TO, id);
    return node.toString();
  }

  /**
   * The reply to request {@code requestId}. Its id is derived from the request's, so the answers
   * to a request sent twice (after a reconnect) are one message to a de-duplicating client.
   *
   * @param requestId the request's {@code id}
   * @param content the reply's {@code content}; null writes JSON {@code null}
   * @param sender the {@code sender}
   * @param receiver the {@code receiver} (usually the request's sender), or null to write JSON
   *     {@code null}
   * @return the reply as compact JSON text, with the real wall time as {@code timestamp}
   */
  public static String reply(String requestId, @Nullable JsonNode content, String sender, @Nullable String receiver) {
    return reply(requestId, content, sender, receiver, System.currentTimeMillis());
  }

  /**
   * The same as {@link #reply(String, JsonNode, String, String)}, stamped {@code nowMillis}.
   *
   * @param requestId the request's {@code id}
   * @param content the reply's {@code content}; null writes JSON {@code null}
   * @param sender the {@code sender}
   * @param receiver the {@code receiver}, or null to write JSON {@code null}
   * @param nowMillis the {@code timestamp}, epoch milliseconds
   * @return the reply as compact JSON text
   */
  public static String reply(String requestId, @Nullable JsonNode content, String sender, @Nullable String receiver,
      long nowMillis) {
    ObjectNode node = envelope(TYPE_REPLY, content, "reply-" + requestId, sender, receiver, nowMillis);
    ((ObjectNode) node.get("meta")).put(META_REPLY_TO, requestId);
    return node.toString();
  }

  /**
   * The frame as a JSON object, or null if it is not one.
   *
   * @param text a text frame or header value, any content
   * @return the JSON object {@code text} holds, or null if {@code text} is empty, not JSON, another
   *     kind of value, or has anything but whitespace after the object (as the SDK's codec rejects it)
   */
  public static @Nullable ObjectNode parseObject(String text) {
    try {
      JsonNode node = STRICT.readTree(text);
      return node instanceof ObjectNode ? (ObjectNode) node : null;
    } catch (IOException e) {
      return null;
    }
  }

  /**
   * A string field, or null when absent, null or not textual (numbers are accepted as ids).
   *
   * @param node the object to read; any other kind of node has no fields
   * @param field the field's name
   * @return the field's text (a number as its decimal text), or null
   */
  public static @Nullable String text(JsonNode node, String field) {
    JsonNode value = node.get(field);
    return value != null && (value.isTextual() || value.isNumber()) ? value.asText() : null;
  }

  /**
   * Whether the envelope asks for an acknowledgement ({@link #META_ACK}).
   *
   * @param envelope the parsed envelope
   * @return true only if {@code meta.ack} is the JSON {@code true} (as the wire format says); a
   *     string or a number does not ask
   */
  public static boolean wantsAck(JsonNode envelope) {
    JsonNode ack = envelope.path("meta").path(META_ACK);
    return ack.isBoolean() && ack.booleanValue();
  }
}
