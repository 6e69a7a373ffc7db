package dev.steadysocket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class JacksonCodecTest {
  private final MessageCodec codec = MessageCodec.jackson();

  @Test
  void roundTripKeepsEveryField() {
    Envelope e =
        Envelope.builder("text")
            .id("42")
            .sender("alice")
            .receiver("bob")
            .content(Map.of("text", "hi ✓"))
            .timestamp(1_700_000_000_123L)
            .meta("replyTo", "7")
            .build();
    String json = codec.encode(e);
    Envelope back = codec.decode(json);
    assertEquals(e, back);
    assertEquals("hi ✓", back.content().get("text").asText());
    assertEquals("7", back.metaText("replyTo"));
    assertEquals(1_700_000_000_123L, back.timestamp());
  }

  @Test
  void wireFormatIsTheDocumentedOne() throws Exception {
    Envelope e = Envelope.builder("chat").id("1").content(List.of(1, 2)).timestamp(5).build();
    JsonNode tree = new ObjectMapper().readTree(codec.encode(e));
    assertEquals("{\"id\":\"1\",\"type\":\"chat\",\"content\":[1,2],\"timestamp\":5}", tree.toString());
  }

  @Test
  void onlyTypeIsRequired() {
    Envelope e = codec.decode("{\"type\":\"system\"}");
    assertNull(e.id());
    assertNull(e.sender());
    assertTrue(e.content().isNull());
    assertEquals(0, e.timestamp());
    assertTrue(e.meta().isEmpty());
  }

  @Test
  void lenientWhereServersDiffer() {
    Envelope e =
        codec.decode(
            "{\"type\":\"t\",\"id\":17,\"sender\":null,\"timestamp\":\"1700000000000\",\"extra\":{\"a\":[1]},\"meta\":null}");
    assertEquals("17", e.id());
    assertNull(e.sender(), "a null field reads as null, not as an empty string");
    assertEquals(1_700_000_000_000L, e.timestamp());
    assertEquals(1_700_000_000_000L, codec.decode("{\"type\":\"t\",\"timestamp\":1.7e12}").timestamp());
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "not json",
        "{\"type\":\"x\"",
        "[1,2]",
        "42",
        "\"text\"",
        "null",
        "{}",
        "{\"type\":5}",
        "{\"type\":\"\"}",
        "{\"type\":null}",
        "{\"type\":\"x\",\"sender\":{}}",
        "{\"type\":\"x\",\"meta\":[1]}",
        "{\"type\":\"x\",\"timestamp\":\"yesterday\"}",
        "{\"type\":\"x\",\"timestamp\":123456789012345678901234567890}",
        "{\"type\":\"x\"} trailing",
      })
  void invalidFramesAreTypedDecodeErrorsCarryingTheRawText(String frame) {
    DecodeException e = assertThrows(DecodeException.class, () -> codec.decode(frame));
    assertEquals(frame, e.rawText());
  }

  @Test
  void deepNestingIsRejectedNotAStackOverflow() {
    String deep = "{\"type\":\"x\",\"content\":" + "[".repeat(100_000) + "]".repeat(100_000) + "}";
    DecodeException e = assertThrows(DecodeException.class, () -> codec.decode(deep));
    assertTrue(e.getMessage().length() < 400, "message holds a preview, not the frame");
  }

  @Test
  void hugeNumbersAreRejected() {
    String huge = "{\"type\":\"x\",\"content\":" + "9".repeat(5_000) + "}";
    assertThrows(DecodeException.class, () -> codec.decode(huge));
  }

  @Test
  void theEnvelopeIsCompleteWhateverTheMapperDoesAtClose() {
    // #16 part 2: a mapper that does not close open JSON objects for us still gets whole envelopes.
    ObjectMapper strict = new ObjectMapper()
        .disable(com.fasterxml.jackson.core.JsonGenerator.Feature.AUTO_CLOSE_JSON_CONTENT);
    MessageCodec own = MessageCodec.jackson(strict);
    Envelope e = Envelope.builder("t").id("1").timestamp(1_700_000_000_123L).meta("k", "v").build();
    assertEquals("{\"id\":\"1\",\"type\":\"t\",\"timestamp\":1700000000123,\"meta\":{\"k\":\"v\"}}",
        own.encode(e));
    assertEquals(e, own.decode(own.encode(e)));
  }

  @Test
  void defaultTypingOnTheMappersOwnTypesLeavesTheEnvelopeUntyped() {
    // #16 part 2: an application mapper with default typing must not wrap the envelope in type info.
    ObjectMapper typed = new ObjectMapper();
    typed.activateDefaultTyping(
        com.fasterxml.jackson.databind.jsontype.BasicPolymorphicTypeValidator.builder()
            .allowIfBaseType(Object.class).build(),
        ObjectMapper.DefaultTyping.EVERYTHING);
    String text = MessageCodec.jackson(typed).encode(Envelope.builder("t").id("1").timestamp(5).build());
    assertEquals("{\"id\":\"1\",\"type\":\"t\",\"timestamp\":5}", text);
  }

  @ParameterizedTest
  @org.junit.jupiter.params.provider.CsvSource(delimiter = '|', value = {
      "99999999999       | 99999999999000",
      "100000000000      | 100000000000",
      "99999999999.5     | 99999999999500",
      "1.0e11            | 100000000000",
      "\"1.0e11\"        | 100000000000"})
  void tenToTheElevenIsTheFirstTimestampReadAsMilliseconds(String json, long millis) {
    // #16 part 2: the boundary between epoch seconds and epoch milliseconds.
    assertEquals(millis, codec.decode("{\"type\":\"t\",\"timestamp\":" + json + "}").timestamp());
  }

  @ParameterizedTest
  @ValueSource(strings = {"9.2e18", "-9.2e18", "\"9.2e18\"", "\"-9.2e18\""})
  void timestampsFromNinePointTwoTimesTenToTheEighteenAreRefused(String json) {
    // #16 part 2: the largest magnitude a long of milliseconds is trusted to hold is below 9.2e18.
    assertThrows(DecodeException.class, () -> codec.decode("{\"type\":\"t\",\"timestamp\":" + json + "}"));
    assertEquals(9_100_000_000_000_000_000L,
        codec.decode("{\"type\":\"t\",\"timestamp\":" + json.replace("9.2", "9.1").replace("-", "") + "}").timestamp());
  }

  /** Polymorphic typing stays off: a payload cannot make Jackson instantiate a class it names. */
  public static final class Holder {
    public Object value;
  }

  @Test
  void payloadCannotChooseClassesToInstantiate() {
    Envelope e =
        codec.decode(
            "{\"type\":\"x\",\"content\":{\"value\":[\"java.net.URL\",\"http://attacker/\"]}}");
    Holder h = e.contentAs(Holder.class);
    assertInstanceOf(List.class, h.value, "must stay plain JSON data");
    Envelope e2 = codec.decode("{\"type\":\"x\",\"content\":{\"value\":{\"@class\":\"java.io.File\",\"path\":\"/\"}}}");
    assertInstanceOf(Map.class, e2.contentAs(Holder.class).value);
  }

  @Test
  void contentAsMismatchIsADecodeException() {
    Envelope e = codec.decode("{\"type\":\"x\",\"content\":\"str\"}");
    assertThrows(DecodeException.class, () -> e.contentAs(DeliveryTest.Tick.class));
  }

  @Test
  void unknownPropertiesInContentAreIgnoredByDefault() {
    Envelope e = codec.decode("{\"type\":\"x\",\"content\":{\"symbol\":\"A\",\"price\":1,\"venue\":\"X\"}}");
    assertEquals("A", e.contentAs(DeliveryTest.Tick.class).symbol);
  }

  @Test
  void pojoContentIsSerializedWithTheCodecsMapper() {
    DeliveryTest.Tick t = new DeliveryTest.Tick();
    t.symbol = "ACME";
    t.price = 2.5;
    String json = codec.encode(Envelope.of("tick", t));
    assertTrue(json.contains("\"content\":{\"symbol\":\"ACME\",\"price\":2.5}"), json);
    assertFalse(Envelope.of("a", null).id().isEmpty());
  }

  @Test
  void toStringIsBoundedAndEnvelopeIsImmutable() {
    Envelope e = Envelope.of("big", "x".repeat(10_000));
    assertTrue(e.toString().length() < 400);
    assertThrows(UnsupportedOperationException.class, () -> e.meta().put("k", null));
  }

  @org.junit.jupiter.api.Test
  void nullContentIsLeftOutLikeEveryOtherNullField() {
    MessageCodec codec = MessageCodec.jackson();
    String text = codec.encode(Envelope.builder("hb").id("1").timestamp(7).build());
    assertEquals("{\"id\":\"1\",\"type\":\"hb\",\"timestamp\":7}", text);
    assertEquals("{\"id\":\"1\",\"type\":\"x\",\"timestamp\":7}",
        codec.encode(Envelope.builder("x").id("1").content(null).timestamp(7).build()));
    assertTrue(codec.decode(text).content().isNull(), "absent content still reads as JSON null");
  }

  @org.junit.jupiter.params.ParameterizedTest
  @org.junit.jupiter.params.provider.CsvSource(delimiter = '|', value = {
      "1763700000123                  | 1763700000123",
      "1763700000.123                 | 1763700000123",
      "1763700000                     | 1763700000000",
      "1.763700000123e12              | 1763700000123",
      "\"1763700000.5\"               | 1763700000500",
      "\"1763700000123\"              | 1763700000123",
      "\"2025-11-21T04:40:00Z\"       | 1763700000000",
      "\"2025-11-21T05:40:00.250+01:00\" | 1763700000250",
      "null                           | 0",
      "0                              | 0"})
  void timestampsInTheCommonFormsAreAccepted(String json, long millis) {
    assertEquals(millis, MessageCodec.jackson().decode("{\"type\":\"t\",\"timestamp\":" + json + "}").timestamp());
  }

  @org.junit.jupiter.params.ParameterizedTest
  @org.junit.jupiter.params.provider.ValueSource(strings = {"\"yesterday\"", "\"2025-11-21\"", "\"NaN\"", "\"1e30\"", "true", "{}", "[1]"})
  void otherTimestampsAreADecodeExceptionNamingTheField(String json) {
    DecodeException e = org.junit.jupiter.api.Assertions.assertThrows(DecodeException.class,
        () -> MessageCodec.jackson().decode("{\"type\":\"t\",\"timestamp\":" + json + "}"));
    assertTrue(e.getMessage().contains("\"timestamp\""), e.getMessage());
  }
}
