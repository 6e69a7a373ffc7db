package dev.steadysocket.testing.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The stream's value classes (StreamId, FeedEntry, FeedStream.Replay) and FeedStream's argument
 * checks: ids parse exactly as Redis writes them and nothing else, order and equality agree, and
 * the values are usable as keys.
 */
class StreamValuesMutationTest {
  @Test
  void idPartsMustNotBeNegative() {
    assertEquals("negative stream id part: -1-0",
        assertThrows(IllegalArgumentException.class, () -> new StreamId(-1, 0)).getMessage());
    assertEquals("negative stream id part: 0--1",
        assertThrows(IllegalArgumentException.class, () -> new StreamId(0, -1)).getMessage());
    StreamId id = new StreamId(12, 3);
    assertEquals(12, id.millis());
    assertEquals(3, id.sequence());
    assertEquals("12-3", id.toString());
    assertEquals("0-0", StreamId.ZERO.toString());
  }

  @Test
  void parsesOnlyOneOrTwoDecimalNumbers() {
    assertEquals(StreamId.ZERO, StreamId.parse("0"));
    assertEquals(new StreamId(1234, 0), StreamId.parse("1234"));
    assertEquals(new StreamId(90, 9), StreamId.parse("90-9"));
    for (String bad : new String[] {null, "", "+5", "5-", "-5", "5-3-1", "5/3", "5:3", "5 ", "5-+3", "a", "5-x",
        "99999999999999999999", "1-99999999999999999999"}) {
      assertNull(StreamId.parse(bad), "'" + bad + "'");
    }
  }

  @Test
  void parseTakesAtMost41Characters() {
    String max = "9223372036854775807-9223372036854775807"; // 39 characters
    assertEquals(new StreamId(Long.MAX_VALUE, Long.MAX_VALUE), StreamId.parse(max));
    assertEquals(new StreamId(Long.MAX_VALUE, Long.MAX_VALUE), StreamId.parse("00" + max), "41 characters");
    assertNull(StreamId.parse("000" + max), "42 characters");
  }

  @Test
  void orderIsByTimeThenSequenceAndAgreesWithEquals() {
    StreamId a = new StreamId(5, 9), b = new StreamId(5, 10), c = new StreamId(6, 0);
    assertTrue(a.compareTo(b) < 0 && b.compareTo(c) < 0 && c.compareTo(a) > 0);
    assertEquals(0, a.compareTo(new StreamId(5, 9)));
    assertFalse(a.isAfter(new StreamId(5, 9)), "equal is not after");
    assertFalse(a.isAfter(b));
    assertTrue(b.isAfter(a));
    assertEquals(a, new StreamId(5, 9));
    assertNotEquals(a, new StreamId(5, 8));
    assertNotEquals(a, new StreamId(4, 9));
    assertNotEquals(a, "5-9");
    assertEquals(a.hashCode(), new StreamId(5, 9).hashCode());
    Set<StreamId> set = new HashSet<>(List.of(a, b, c, new StreamId(5, 9)));
    assertEquals(3, set.size());
  }

  @Test
  void nextIsAlwaysAfterEvenWhenTheClockStandsStill() {
    assertEquals(new StreamId(5, 1), new StreamId(5, 0).next(5));
    assertEquals(new StreamId(6, 0), new StreamId(5, 7).next(6));
    assertEquals(new StreamId(5, 8), new StreamId(5, 7).next(0));
  }

  @Test
  void feedEntriesAreEqualByIdAndText() {
    FeedEntry e = new FeedEntry(new StreamId(1, 0), "{}");
    assertEquals(new StreamId(1, 0), e.id());
    assertEquals("{}", e.text());
    assertEquals(e, new FeedEntry(new StreamId(1, 0), "{}"));
    assertEquals(e.hashCode(), new FeedEntry(new StreamId(1, 0), "{}").hashCode());
    assertNotEquals(e, new FeedEntry(new StreamId(1, 1), "{}"));
    assertNotEquals(e, new FeedEntry(new StreamId(1, 0), "{ }"));
    assertNotEquals(e, "{}");
    assertEquals("FeedEntry{1-0}", e.toString());
    assertEquals("id", assertThrows(NullPointerException.class, () -> new FeedEntry(null, "{}")).getMessage());
    assertEquals("text", assertThrows(NullPointerException.class, () -> new FeedEntry(StreamId.ZERO, null)).getMessage());
  }

  @Test
  void replaysAreEqualByCountAndCompleteness() {
    FeedStream.Replay r = new FeedStream.Replay(3, true);
    assertEquals(3, r.replayed());
    assertTrue(r.complete());
    assertEquals(r, new FeedStream.Replay(3, true));
    assertEquals(r.hashCode(), new FeedStream.Replay(3, true).hashCode());
    assertNotEquals(r, new FeedStream.Replay(3, false));
    assertNotEquals(r, new FeedStream.Replay(2, true));
    assertNotEquals(r, "Replay");
    assertEquals(3, new HashSet<>(List.of(r, new FeedStream.Replay(3, false), new FeedStream.Replay(1, true))).size());
    assertEquals("Replay{replayed=3, complete=true}", r.toString());
  }

  @Test
  void aStreamChecksItsArguments() {
    assertEquals("capacity < 1: 0",
        assertThrows(IllegalArgumentException.class, () -> FeedStream.inMemory("s", 0)).getMessage());
    FeedStream one = FeedStream.inMemory("one", 1);
    assertEquals("one", one.name());
    assertEquals(StreamId.ZERO, one.head());
    assertThrows(NullPointerException.class, () -> new FeedStream("s", 1, StreamId.ZERO, null, null));
    assertEquals("count < 0: -1", assertThrows(IllegalArgumentException.class, () -> one.recent(-1)).getMessage());
  }

  @Test
  void memoryKeepsTheNewestCapacityEntries() {
    FeedStream s = new FeedStream("s", 2, StreamId.ZERO, null, () -> 7);
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 3; i++) ids.add(s.publish("t", JsonNodeFactory.instance.numberNode(i), "srv").id().toString());
    assertEquals(List.of("7-0", "7-1", "7-2"), ids, "ids from the stream's clock");
    assertEquals(new StreamId(7, 2), s.head());
    assertEquals(List.of("7-1", "7-2"), s.recent(5).stream().map(e -> e.id().toString()).toList());
    assertEquals(List.of("7-2"), s.recent(1).stream().map(e -> e.id().toString()).toList());
    assertEquals(List.of(), s.recent(0));
    String text = s.recent(1).get(0).text();
    assertTrue(text.contains("\"stream\":\"s\"") && text.contains("\"seq\":3") && text.contains("\"timestamp\":7"), text);
  }

  /** Runs a subscription on a thread of its own: a replay that never ends fails the test instead of hanging it. */
  private static FeedStream.Replay bounded(FeedStream stream, FeedStream.Subscriber subscriber, StreamId after)
      throws Exception {
    java.util.concurrent.CompletableFuture<FeedStream.Replay> replay = new java.util.concurrent.CompletableFuture<>();
    Thread t = new Thread(() -> {
      try {
        replay.complete(stream.subscribe(subscriber, after));
      } catch (Throwable e) {
        replay.completeExceptionally(e);
      }
    });
    t.setDaemon(true);
    t.start();
    return replay.get(10, java.util.concurrent.TimeUnit.SECONDS);
  }

  @Test
  void aSubscriptionAtTheFloorReplaysMemoryAndEnds() throws Exception {
    FeedStream fresh = FeedStream.inMemory("s", 2);
    assertEquals(new FeedStream.Replay(0, true), bounded(fresh, e -> {}, StreamId.ZERO), "nothing kept, nothing missed");
    FeedStream joined = new FeedStream("s", 2, new StreamId(10, 0), (after, limit) -> List.of(), () -> 20);
    joined.publish("t", null, "srv");
    List<StreamId> got = new ArrayList<>();
    assertEquals(new FeedStream.Replay(1, true), bounded(joined, e -> got.add(e.id()), new StreamId(10, 0)),
        "at the floor: memory has all that follows");
    assertEquals(List.of(new StreamId(20, 0)), got);
  }

  @Test
  void aSubscriptionBehindAnEmptyHistoryEndsIncomplete() throws Exception {
    FeedStream joined = new FeedStream("s", 2, new StreamId(10, 0), (after, limit) -> List.of(), () -> 20);
    joined.publish("t", null, "srv");
    assertEquals(new FeedStream.Replay(1, false), bounded(joined, e -> {}, new StreamId(5, 0)));
    assertEquals(1, joined.subscriberCount());
  }
}
