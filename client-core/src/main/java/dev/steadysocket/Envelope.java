package dev.steadysocket;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.NullNode;
import dev.steadysocket.internal.Ids;
import dev.steadysocket.internal.Json;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One message of the SteadySocket wire format, a JSON object:
 *
 * <pre>{@code
 * {"id":"…","type":"ticker","sender":"…","receiver":"…","content":{…},"timestamp":1700000000000,"meta":{…}}
 * }</pre>
 *
 * Only {@code type} is required on the wire; absent strings read as null, absent content as JSON
 * null, absent timestamp as 0, absent meta as empty. Immutable and thread-safe, except that the
 * {@link JsonNode}s it returns are Jackson's mutable trees: read them, do not modify them.
 *
 * <p>Create one with {@link #of} or {@link #builder}; the socket's {@link MessageCodec} creates
 * the ones it receives. docs/wire-format.md describes every field. Content given as a Java
 * value is kept as given and serialized when the envelope is sent, so do not modify it after
 * building the envelope.
 */
public final class Envelope {
  private final @Nullable String id;
  private final String type;
  private final @Nullable String sender;
  private final @Nullable String receiver;
  /** Exactly one of contentValue and contentNode is used: a POJO until someone asks for a tree. */
  private final @Nullable Object contentValue;

  private volatile @Nullable JsonNode contentNode;
  private final long timestamp;
  /** True while the timestamp is the one {@link #builder} preset: a socket sends its own clock's time instead. */
  private final boolean presetTime;
  private final Map<String, JsonNode> meta;
  /** Converts content for contentAs(); the codec's mapper for decoded envelopes. */
  private final ObjectMapper mapper;

  private Envelope(Builder b, ObjectMapper mapper) {
    this.id = b.id;
    this.type = b.type;
    this.sender = b.sender;
    this.receiver = b.receiver;
    if (b.content instanceof JsonNode) {
      this.contentNode = (JsonNode) b.content;
      this.contentValue = null;
    } else {
      this.contentNode = b.content == null ? NullNode.getInstance() : null;
      this.contentValue = b.content;
    }
    this.timestamp = b.timestamp;
    this.presetTime = b.presetTime;
    this.meta =
        b.meta.isEmpty()
            ? Collections.<String, JsonNode>emptyMap()
            : Collections.unmodifiableMap(new LinkedHashMap<>(b.meta));
    this.mapper = mapper;
  }

  /**
   * A new envelope with a random id, the current time and the given content.
   *
   * @param type the message type, such as {@code "chat"}; not empty
   * @param content any value Jackson can serialize (a POJO, a Map, a {@link JsonNode}), or null
   * @return a new envelope with a random UUID as id and {@link System#currentTimeMillis()} as
   *     timestamp, without sender, receiver or meta
   * @throws IllegalArgumentException if {@code type} is empty
   */
  public static Envelope of(String type, @Nullable Object content) {
    return builder(type).content(content).build();
  }

  /**
   * A builder with a random id and the current time preset. Under a test's virtual clock (the
   * testing kit) a socket that sends the envelope with that preset time (not one set with {@link
   * Builder#timestamp}) stamps it with the virtual time at {@code send}; with the real clock it goes
   * out as built.
   *
   * @param type the message type; not empty
   * @return a new builder, not thread-safe
   * @throws IllegalArgumentException if {@code type} is empty
   */
  public static Builder builder(String type) {
    Builder b = new Builder(type).id(Ids.next()).timestamp(System.currentTimeMillis());
    b.presetTime = true;
    return b;
  }

  /**
   * This envelope as a socket on a virtual clock sends it: with {@code nowMillis} (that clock at
   * {@code send}) if the timestamp is still the one {@link #builder} preset; otherwise this envelope.
   */
  Envelope stampedAt(long nowMillis) {
    if (!presetTime) return this;
    Builder b = toBuilder().timestamp(nowMillis);
    return new Envelope(b, mapper);
  }

  /**
   * The sender-assigned id (a random UUID for envelopes built here), or null if absent.
   *
   * @return the id, or null if absent (a numeric id on the wire reads as its text)
   */
  public @Nullable String id() {
    return id;
  }

  /**
   * The message type, such as {@code text}, {@code ticker} or {@code heartbeat}. Never empty.
   *
   * @return the type; typed handlers ({@link SteadySocket#on}) are chosen by it
   */
  public String type() {
    return type;
  }

  /**
   * Who sent the message (a user id, a service name), as the sender chose to say.
   *
   * @return the sender, or null if absent
   */
  public @Nullable String sender() {
    return sender;
  }

  /**
   * Who the message is for (a user id, a room, a topic).
   *
   * @return the receiver, or null if absent
   */
  public @Nullable String receiver() {
    return receiver;
  }

  /**
   * The content as a JSON tree; {@code NullNode} if absent.
   *
   * @return the content tree (converted on first call if the content was given as a Java value);
   *     read it, do not modify it
   * @throws IllegalArgumentException if the content was given as a Java value Jackson cannot
   *     convert
   */
  public JsonNode content() {
    JsonNode node = contentNode;
    if (node == null) {
      node = mapper.valueToTree(contentValue);
      contentNode = node;
    }
    return node;
  }

  /**
   * The content converted to {@code type} with the socket's {@link ObjectMapper}: the mapper of
   * the codec that decoded the envelope, or SteadySocket's default mapper for one built with
   * {@link #of} or {@link #builder}.
   *
   * @param <T> the target type
   * @param type the class to convert to, for example a payload POJO
   * @return a new object converted from the content (null for JSON null content, unless the
   *     target is a {@code JsonNode} type)
   * @throws DecodeException if the content does not fit {@code type}
   */
  public <T> T contentAs(Class<T> type) {
    try {
      return mapper.treeToValue(content(), type);
    } catch (Exception e) {
      throw new DecodeException(
          "content of '" + this.type + "' does not fit " + type.getName(), content().toString(), e);
    }
  }

  /**
   * The content converted to a generic type, keeping its type arguments: {@code
   * contentAs(new TypeReference<List<Tick>>() {})}.
   *
   * @param <T> the target type
   * @param type the generic type to convert to
   * @return a new object converted from the content (null for JSON null content, unless the
   *     target is a {@code JsonNode} type)
   * @throws DecodeException if the content does not fit {@code type}
   */
  public <T> T contentAs(TypeReference<T> type) {
    try {
      return mapper.readerFor(type).readValue(content());
    } catch (Exception e) {
      throw new DecodeException(
          "content of '" + this.type + "' does not fit " + type.getType(), content().toString(), e);
    }
  }

  /**
   * Epoch milliseconds when the sender created the message; 0 if the sender did not say.
   *
   * @return the timestamp in epoch milliseconds (received epoch seconds and ISO-8601 instants are
   *     converted), or 0
   */
  public long timestamp() {
    return timestamp;
  }

  /**
   * Extra fields (correlation ids, sequence numbers...); unmodifiable, empty if absent.
   *
   * @return the meta object's fields in their order, as JSON trees; unmodifiable
   */
  public Map<String, JsonNode> meta() {
    return meta;
  }

  /**
   * The meta entry {@code key} as text, or null if absent or JSON null.
   *
   * @param key the meta field name, such as {@code "replyTo"}
   * @return the value as text (numbers and booleans as their JSON text, objects and arrays as an
   *     empty string), or null if absent or JSON null
   */
  public @Nullable String metaText(String key) {
    JsonNode value = meta.get(key);
    return value == null || value.isNull() ? null : value.asText();
  }

  /**
   * A builder initialised with this envelope's fields.
   *
   * @return a new builder with this envelope's id, timestamp, sender, receiver, content and meta
   *     (no fresh id or time)
   */
  public Builder toBuilder() {
    Builder b = new Builder(type).id(id).sender(sender).receiver(receiver).timestamp(timestamp);
    b.presetTime = presetTime;
    b.content = contentNode != null ? contentNode : contentValue;
    b.meta.putAll(meta);
    return b;
  }

  /** The raw content as given to the builder; for the codec, which serializes it directly. */
  @Nullable Object rawContent() {
    JsonNode node = contentNode;
    return node != null ? node : contentValue;
  }

  static Envelope create(Builder builder, ObjectMapper mapper) {
    return new Envelope(builder, mapper);
  }

  @Override
  public boolean equals(@Nullable Object o) {
    if (this == o) return true;
    if (!(o instanceof Envelope)) return false;
    Envelope that = (Envelope) o;
    return timestamp == that.timestamp
        && type.equals(that.type)
        && Objects.equals(id, that.id)
        && Objects.equals(sender, that.sender)
        && Objects.equals(receiver, that.receiver)
        && content().equals(that.content())
        && meta.equals(that.meta);
  }

  @Override
  public int hashCode() {
    return Objects.hash(id, type, sender, receiver, timestamp);
  }

  @Override
  public String toString() {
    String body = content().toString();
    if (body.length() > 120) body = body.substring(0, 120) + "…";
    return "Envelope{type=" + type + ", id=" + id
        + (sender != null ? ", sender=" + sender : "")
        + (receiver != null ? ", receiver=" + receiver : "")
        + ", timestamp=" + timestamp + ", content=" + body
        + (meta.isEmpty() ? "" : ", meta=" + meta) + "}";
  }

  /**
   * Builds envelopes. Not thread-safe. Get one from {@link Envelope#builder} or {@link
   * Envelope#toBuilder()}; every setter returns this builder.
   */
  public static final class Builder {
    @Nullable String id;
    final String type;
    @Nullable String sender;
    @Nullable String receiver;
    @Nullable Object content;
    long timestamp;
    /** Set by {@link Envelope#builder}; cleared by an explicit {@link #timestamp(long)}. */
    boolean presetTime;
    final Map<String, JsonNode> meta = new LinkedHashMap<>();

    Builder(String type) {
      Objects.requireNonNull(type, "type == null");
      if (type.isEmpty()) throw new IllegalArgumentException("type is empty");
      this.type = type;
    }

    /**
     * Sets the id.
     *
     * @param id a unique id (acknowledgements, replies and de-duplication match on it), or null
     *     for none; {@link SteadySocket#request} and acknowledgement mode then assign a random one
     * @return this builder
     */
    public Builder id(@Nullable String id) {
      this.id = id;
      return this;
    }

    /**
     * Sets who sends the message.
     *
     * @param sender the sender, or null to leave the field out
     * @return this builder
     */
    public Builder sender(@Nullable String sender) {
      this.sender = sender;
      return this;
    }

    /**
     * Sets who the message is for.
     *
     * @param receiver the receiver, or null to leave the field out
     * @return this builder
     */
    public Builder receiver(@Nullable String receiver) {
      this.receiver = receiver;
      return this;
    }

    /**
     * Sets the content: any value Jackson can serialize, or null. Serialized with the socket's
     * mapper on send.
     *
     * @param content a POJO, Map, list, scalar or {@link JsonNode}, kept by reference until sent;
     *     or null, which leaves the field out
     * @return this builder
     */
    public Builder content(@Nullable Object content) {
      this.content = content;
      return this;
    }

    /**
     * Sets the timestamp.
     *
     * @param timestamp epoch milliseconds when the message was created; 0 for unknown
     * @return this builder
     */
    public Builder timestamp(long timestamp) {
      this.timestamp = timestamp;
      this.presetTime = false;
      return this;
    }

    /**
     * Adds a meta entry; {@code value} is converted to JSON at once (null becomes JSON null).
     * An entry with the same key is replaced.
     *
     * @param key the field name inside {@code meta}
     * @param value any value SteadySocket's default {@link ObjectMapper} can convert, or null
     * @return this builder
     * @throws IllegalArgumentException if Jackson cannot convert {@code value}
     */
    public Builder meta(String key, @Nullable Object value) {
      Objects.requireNonNull(key, "key == null");
      meta.put(key, Json.defaultMapper().valueToTree(value));
      return this;
    }

    /**
     * Builds the envelope. The builder may be reused; later changes do not affect it, except to a
     * content object shared by reference.
     *
     * @return a new immutable envelope
     */
    public Envelope build() {
      return new Envelope(this, Json.defaultMapper());
    }
  }
}
