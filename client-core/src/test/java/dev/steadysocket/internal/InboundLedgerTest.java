package dev.steadysocket.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.steadysocket.Envelope;
import java.util.Map;
import org.junit.jupiter.api.Test;

class InboundLedgerTest {
  static Envelope withId(String id) {
    return Envelope.builder("m").id(id).build();
  }

  static Envelope onStream(String stream, String id) {
    return Envelope.builder("m").id(id).meta(InboundLedger.META_STREAM, stream).build();
  }

  @Test
  void noGuaranteesNoArrivalOrderAndNothingRemembered() {
    InboundLedger l = new InboundLedger(0, false);
    assertFalse(l.needsArrivalOrder());
    assertFalse(l.resumes());
    assertFalse(l.isDuplicate(withId("a")));
    assertFalse(l.isDuplicate(withId("a")));
    l.delivered(onStream("s", "a"));
    assertEquals(Map.of(), l.handshakeHeaders());
    assertFalse(new InboundLedger(-1, false).needsArrivalOrder());
  }

  @Test
  void eitherGuaranteeNeedsArrivalOrder() {
    assertTrue(new InboundLedger(1, false).needsArrivalOrder());
    assertTrue(new InboundLedger(0, true).needsArrivalOrder());
    assertTrue(new InboundLedger(5, true).needsArrivalOrder());
  }

  @Test
  void duplicatesWithinTheWindowAreRecognisedAndTheEldestIsForgotten() {
    InboundLedger l = new InboundLedger(2, false);
    assertFalse(l.isDuplicate(withId("a")));
    assertTrue(l.isDuplicate(withId("a")));
    assertFalse(l.isDuplicate(withId("b")));
    assertFalse(l.isDuplicate(withId("c"))); // a falls out of a window of 2
    assertFalse(l.isDuplicate(withId("a")));
    assertTrue(l.isDuplicate(withId("c")));
    Envelope noId = Envelope.builder("m").id(null).build();
    assertFalse(l.isDuplicate(noId), "no id, never a duplicate");
    assertFalse(l.isDuplicate(noId));
  }

  @Test
  void resumePositionsTrackTheLastIdPerStream() {
    InboundLedger l = new InboundLedger(0, true);
    assertTrue(l.resumes());
    assertEquals(Map.of(InboundLedger.RESUME_HEADER, "{}"), l.handshakeHeaders());
    l.delivered(onStream("prices", "p1"));
    l.delivered(onStream("prices", "p2"));
    l.delivered(onStream("news", "n1"));
    l.delivered(withId("no-stream"));
    l.delivered(Envelope.builder("m").id(null).meta(InboundLedger.META_STREAM, "anon").build()); // no id
    String header = l.handshakeHeaders().get(InboundLedger.RESUME_HEADER);
    assertEquals(Map.of("prices", "p2", "news", "n1"), Json.defaultMapper().convertValue(
        readTree(header), Map.class));
    Envelope frame = l.resumeFrame(1234);
    assertEquals(InboundLedger.TYPE_RESUME, frame.type());
    assertEquals(1234, frame.timestamp());
    assertEquals("p2", frame.content().get("prices").asText());
    assertEquals("n1", frame.content().get("news").asText());
    assertEquals(2, frame.content().size());
  }

  @Test
  void theResumeHeaderEscapesWhatHttpForbids() {
    InboundLedger l = new InboundLedger(0, true);
    l.delivered(onStream("naïve", "id\u007f\u0001"));
    String header = l.handshakeHeaders().get(InboundLedger.RESUME_HEADER);
    assertEquals(-1, Checks.firstForbiddenChar(header), header);
    assertEquals("{\"na\\u00EFve\":\"id\\u007f\\u0001\"}", header);
    assertEquals("id\u007f\u0001", readTree(header).get("naïve").asText());
  }

  @Test
  void theResumeHeaderIsOmittedPastItsLimit() {
    InboundLedger l = new InboundLedger(0, true);
    // Each stream adds "sNNN":"<100 x>", to the header: about 110 characters.
    int streams = 0;
    while (l.handshakeHeaders().containsKey(InboundLedger.RESUME_HEADER)) {
      l.delivered(onStream(String.format("s%03d", streams++), "x".repeat(100)));
    }
    assertTrue(streams > 30, "omitted only past " + InboundLedger.MAX_RESUME_HEADER_CHARS + " chars");
    assertEquals(Map.of(), l.handshakeHeaders());
    assertEquals(streams, l.resumeFrame(0).content().size(), "the first frame still carries them all");
  }

  @Test
  void overlongPositionsAndStreamsBeyondTheCapAreNotKept() {
    InboundLedger l = new InboundLedger(0, true);
    l.delivered(onStream("s", "x".repeat(InboundLedger.MAX_POSITION_CHARS + 1)));
    assertEquals(0, l.resumeFrame(0).content().size(), "an id too long to resume from is not recorded");
    for (int i = 0; i <= InboundLedger.MAX_STREAMS; i++) l.delivered(onStream("s" + i, "1"));
    assertEquals(InboundLedger.MAX_STREAMS, l.resumeFrame(0).content().size());
    assertTrue(l.resumeFrame(0).content().has("s" + InboundLedger.MAX_STREAMS), "the newest is kept");
    assertTrue(!l.resumeFrame(0).content().has("s0"), "the least recently advanced is forgotten");
  }


  /**
   * Long ids are remembered by fingerprint, so each entry's memory stays bounded: two long ids that
   * differ only in their last character are still two ids, and a repeated long id is a duplicate.
   */
  @Test
  void longIdsAreToldApartAndRecognisedByTheirFingerprint() {
    InboundLedger l = new InboundLedger(10, false);
    String base = "x".repeat(InboundLedger.MAX_KEPT_ID_CHARS);
    assertFalse(l.isDuplicate(withId(base + "a")));
    assertFalse(l.isDuplicate(withId(base + "b")), "a different long id");
    assertTrue(l.isDuplicate(withId(base + "a")));
    assertTrue(InboundLedger.fingerprint(base + "a").startsWith("#"));
    assertEquals(InboundLedger.fingerprint(base + "a"), InboundLedger.fingerprint(base + "a"));
  }

  /** #16 part 2: what the window keeps per id is bounded, whatever the length of the id. */
  @Test
  @SuppressWarnings("unchecked")
  void theWindowKeepsAtMostTheKeptLengthPerId() throws Exception {
    InboundLedger l = new InboundLedger(10, false);
    String shortId = "s".repeat(InboundLedger.MAX_KEPT_ID_CHARS);
    l.isDuplicate(withId(shortId));
    l.isDuplicate(withId("L".repeat(20_000)));
    java.lang.reflect.Field f = InboundLedger.class.getDeclaredField("recentIds");
    f.setAccessible(true);
    java.util.Map<String, Boolean> kept = (java.util.Map<String, Boolean>) f.get(l);
    assertEquals(2, kept.size());
    assertTrue(kept.containsKey(shortId), "a short id is kept as it is");
    for (String key : kept.keySet()) {
      assertTrue(key.length() <= InboundLedger.MAX_KEPT_ID_CHARS, "kept " + key.length() + " chars");
    }
  }

  /** An id of exactly the kept length is kept as is: it can never collide with a fingerprint. */
  @Test
  void anIdOfTheKeptLengthIsNotConfusedWithAnotherIdEqualToItsFingerprint() {
    InboundLedger l = new InboundLedger(10, false);
    String id = "y".repeat(InboundLedger.MAX_KEPT_ID_CHARS);
    assertFalse(l.isDuplicate(withId(id)));
    assertFalse(l.isDuplicate(withId(InboundLedger.fingerprint(id))), "a different id");
    assertTrue(l.isDuplicate(withId(id)));
  }

  /** Stream names and ids are recorded up to MAX_POSITION_CHARS inclusive, and not past it. */
  @Test
  void positionsOfTheLongestAllowedStreamAndIdAreKept() {
    InboundLedger l = new InboundLedger(0, true);
    String longest = "s".repeat(InboundLedger.MAX_POSITION_CHARS);
    String longestId = "i".repeat(InboundLedger.MAX_POSITION_CHARS);
    l.delivered(onStream(longest, longestId));
    l.delivered(onStream(longest + "s", "1")); // a stream name one too long
    assertEquals(1, l.resumeFrame(0).content().size());
    assertEquals(longestId, l.resumeFrame(0).content().get(longest).asText());
  }

  /** A header of exactly MAX_RESUME_HEADER_CHARS is still sent; one character more is not. */
  @Test
  void theResumeHeaderIsSentUpToItsLimitInclusive() {
    InboundLedger l = new InboundLedger(0, true);
    // {"a":"<1017>","b":"<1017>","c":"<1017>","d":"<n>"}: 29 + 3 * 1017 + n characters.
    for (String s : new String[] {"a", "b", "c"}) l.delivered(onStream(s, "x".repeat(1017)));
    l.delivered(onStream("d", "x".repeat(InboundLedger.MAX_RESUME_HEADER_CHARS - 29 - 3 * 1017)));
    String header = l.handshakeHeaders().get(InboundLedger.RESUME_HEADER);
    assertEquals(InboundLedger.MAX_RESUME_HEADER_CHARS, header.length());
    l.delivered(onStream("d", "x".repeat(InboundLedger.MAX_RESUME_HEADER_CHARS - 29 - 3 * 1017 + 1)));
    assertEquals(Map.of(), l.handshakeHeaders());
  }


  private static com.fasterxml.jackson.databind.JsonNode readTree(String json) {
    try {
      return Json.defaultMapper().readTree(json);
    } catch (java.io.IOException e) {
      throw new AssertionError(e);
    }
  }
}
