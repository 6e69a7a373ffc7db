package dev.steadysocket;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.JsonSerializable;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.jsontype.TypeSerializer;
import java.io.IOException;
import java.util.Iterator;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The Jackson implementation of the wire format. Streams both ways (no intermediate tree for the
 * envelope itself) because this sits on the per-message path. Strict about field kinds, lenient
 * about extra fields, so servers can add fields without breaking old clients.
 */
final class JacksonCodec implements MessageCodec {
  private final ObjectMapper mapper;

  JacksonCodec(ObjectMapper mapper) {
    this.mapper = Objects.requireNonNull(mapper, "mapper == null");
  }

  @Override
  public String encode(Envelope envelope) {
    try {
      // Through writeValueAsString, which recycles Jackson's buffers, with the envelope written
      // field by field by EnvelopeJson: no intermediate tree, no Jackson internals.
      return mapper.writeValueAsString(new EnvelopeJson(envelope));
    } catch (IOException | RuntimeException e) {
      throw new EncodeException(
          "cannot encode content of '" + envelope.type() + "': " + e.getMessage(), e);
    }
  }

  /** Writes one envelope in the documented field order; null fields are left out. */
  private static final class EnvelopeJson implements JsonSerializable {
    private final Envelope envelope;

    EnvelopeJson(Envelope envelope) {
      this.envelope = envelope;
    }

    @Override
    public void serialize(JsonGenerator gen, SerializerProvider serializers) throws IOException {
      gen.writeStartObject();
      if (envelope.id() != null) gen.writeStringField("id", envelope.id());
      gen.writeStringField("type", envelope.type());
      if (envelope.sender() != null) gen.writeStringField("sender", envelope.sender());
      if (envelope.receiver() != null) gen.writeStringField("receiver", envelope.receiver());
      Object content = envelope.rawContent();
      // Null fields are left out, content included (docs/wire-format.md).
      if (content != null && !(content instanceof JsonNode && ((JsonNode) content).isNull())) {
        gen.writeFieldName("content");
        serializers.defaultSerializeValue(content, gen);
      }
      gen.writeNumberField("timestamp", envelope.timestamp());
      if (!envelope.meta().isEmpty()) {
        gen.writeObjectFieldStart("meta");
        for (Map.Entry<String, JsonNode> e : envelope.meta().entrySet()) {
          gen.writeFieldName(e.getKey());
          serializers.defaultSerializeValue(e.getValue(), gen);
        }
        gen.writeEndObject();
      }
      gen.writeEndObject();
    }

    @Override
    public void serializeWithType(
        JsonGenerator gen, SerializerProvider serializers, TypeSerializer typeSer) throws IOException {
      serialize(gen, serializers); // default typing is never enabled for envelopes
    }
  }

  @Override
  public Envelope decode(String text) {
    try (JsonParser p = mapper.createParser(text)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        throw new DecodeException("frame is not a JSON object", text, null);
      }
      String id = null;
      String sender = null;
      String receiver = null;
      String type = null;
      JsonNode content = null;
      long timestamp = 0;
      JsonNode meta = null;
      for (String field = p.nextFieldName(); field != null; field = p.nextFieldName()) {
        JsonToken t = p.nextToken();
        switch (field) {
          case "type":
            if (t != JsonToken.VALUE_STRING || p.getTextLength() == 0) {
              throw new DecodeException("\"type\" must be a non-empty string", text, null);
            }
            type = p.getText();
            break;
          case "id":
            id = scalarText(p, t, "id", text);
            break;
          case "sender":
            sender = scalarText(p, t, "sender", text);
            break;
          case "receiver":
            receiver = scalarText(p, t, "receiver", text);
            break;
          case "content":
            content = p.readValueAsTree();
            break;
          case "timestamp":
            timestamp = timestamp(p, t, text);
            break;
          case "meta":
            if (t != JsonToken.VALUE_NULL) {
              if (t != JsonToken.START_OBJECT) {
                throw new DecodeException("\"meta\" must be an object", text, null);
              }
              meta = p.readValueAsTree();
            }
            break;
          default:
            p.skipChildren(); // unknown fields are for newer clients
        }
      }
      if (p.nextToken() != null) {
        throw new DecodeException("unexpected data after the JSON object", text, null);
      }
      if (type == null) throw new DecodeException("missing \"type\"", text, null);
      Envelope.Builder b = new Envelope.Builder(type).id(id).sender(sender).receiver(receiver).timestamp(timestamp);
      b.content = content;
      if (meta != null) {
        for (Iterator<Map.Entry<String, JsonNode>> it = meta.fields(); it.hasNext(); ) {
          Map.Entry<String, JsonNode> e = it.next();
          b.meta.put(e.getKey(), e.getValue());
        }
      }
      return Envelope.create(b, mapper);
    } catch (DecodeException e) {
      throw e;
    } catch (IOException | RuntimeException e) {
      throw new DecodeException("invalid JSON (" + e.getClass().getSimpleName() + ")", text, e);
    }
  }

  /** Strings as they are; numbers as their text (some servers use numeric ids); null as null. */
  private static @Nullable String scalarText(JsonParser p, JsonToken t, String field, String text)
      throws IOException {
    if (t == JsonToken.VALUE_NULL) return null;
    if (t == JsonToken.VALUE_STRING || t == JsonToken.VALUE_NUMBER_INT) return p.getText();
    throw new DecodeException("\"" + field + "\" must be a string", text, null);
  }

  /**
   * Epoch seconds below this, epoch milliseconds from it: 1e11 ms is March 1973, 1e11 s the year
   * 5138, so no real timestamp of either kind is mistaken for the other.
   */
  static final double SECONDS_BELOW = 1e11;

  /**
   * The sender's timestamp, in epoch milliseconds. Accepted: a JSON number of epoch milliseconds
   * (JavaScript's {@code Date.now()}) or of epoch seconds, with a fraction or not (Python's {@code
   * time.time()}), told apart by {@link #SECONDS_BELOW}; the same as a numeric string; an ISO-8601
   * instant ({@code "2025-11-21T05:20:00Z"}, offsets allowed); null or absent as 0. Anything else is
   * a {@link DecodeException} that names the field.
   */
  private static long timestamp(JsonParser p, JsonToken t, String text) throws IOException {
    switch (t) {
      case VALUE_NULL:
        return 0;
      case VALUE_NUMBER_INT:
        if (p.getNumberType() == JsonParser.NumberType.BIG_INTEGER) break;
        return epochMillis(p.getLongValue());
      case VALUE_NUMBER_FLOAT:
        double d = p.getDoubleValue();
        if (Double.isFinite(d) && Math.abs(d) < 9.2e18) return epochMillis(d);
        break;
      case VALUE_STRING:
        String v = p.getText().trim();
        try {
          double number = Double.parseDouble(v);
          if (!Double.isFinite(number) || Math.abs(number) >= 9.2e18) break;
          return epochMillis(number);
        } catch (NumberFormatException e) {
          // not a number: an ISO-8601 instant?
        }
        try {
          return java.time.OffsetDateTime.parse(v).toInstant().toEpochMilli();
        } catch (java.time.DateTimeException | ArithmeticException e) {
          break;
        }
      default:
        break;
    }
    throw new DecodeException(
        "\"timestamp\" must be epoch milliseconds, epoch seconds or an ISO-8601 instant", text, null);
  }

  /** {@code value} is finite and below 9.2e18 in magnitude. */
  private static long epochMillis(double value) {
    return Math.abs(value) < SECONDS_BELOW ? Math.round(value * 1000) : (long) value;
  }

  private static long epochMillis(long value) {
    return Math.abs(value) < SECONDS_BELOW ? value * 1000 : value;
  }
}
