package dev.steadysocket.testing.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class FeedStreamTest {
  private final List<String> got = new ArrayList<>();
  private final FeedStream.Subscriber subscriber = entry -> got.add(entry.id().toString());

  @Test
  void streamIdsOrderLikeRedis() {
    assertEquals(new StreamId(5, 0), StreamId.parse("5"));
    assertEquals(new StreamId(5, 3), StreamId.parse("5-3"));
    assertNull(StreamId.parse("five"));
    assertNull(StreamId.parse("-1-2"));
    assertTrue(new StreamId(5, 10).isAfter(new StreamId(5, 9)));
    assertTrue(new StreamId(6, 0).isAfter(new StreamId(5, 99)));
    assertEquals(new StreamId(5, 1), new StreamId(5, 0).next(4)); // the clock went back: next sequence
    assertEquals(new StreamId(7, 0), new StreamId(5, 0).next(7));
  }

  @Test
  void replaysFromMemoryThenDeliversLiveExactlyOnce() throws Exception {
    FeedStream stream = FeedStream.inMemory("s", 10);
    List<String> ids = publish(stream, 5);
    FeedStream.Replay replay = stream.subscribe(subscriber, StreamId.parse(ids.get(1)));
    assertEquals(new FeedStream.Replay(3, true), replay);
    String sixth = publish(stream, 1).get(0);
    assertEquals(List.of(ids.get(2), ids.get(3), ids.get(4), sixth), got);
    stream.unsubscribe(subscriber);
    publish(stream, 1);
    assertEquals(4, got.size());
  }

  @Test
  void publishedEntriesAreNumberedFromOne() throws Exception {
    FeedStream stream = FeedStream.inMemory("s", 10);
    List<Long> seqs = new ArrayList<>();
    stream.subscribe(entry -> seqs.add(Envelopes.parseObject(entry.text()).get("meta").get("seq").asLong()), StreamId.ZERO);
    publish(stream, 3);
    assertEquals(List.of(1L, 2L, 3L), seqs);
  }

  @Test
  void aPositionOlderThanMemoryIsPagedFromHistory() throws Exception {
    List<FeedEntry> log = new ArrayList<>();
    for (int i = 1; i <= 1_200; i++) {
      log.add(new FeedEntry(new StreamId(i, 0), "e" + i));
    }
    List<Integer> pages = new ArrayList<>();
    // Joins at 1,000: entries up to it are only in the history.
    FeedStream stream = new FeedStream("s", 300, new StreamId(1_000, 0), (after, limit) -> {
      pages.add(limit);
      return log.stream().filter(e -> e.id().isAfter(after)).limit(limit).toList();
    });
    for (FeedEntry entry : log.subList(1_000, 1_200)) {
      stream.append(entry);
    }
    stream.append(log.get(500)); // older than the head: ignored
    FeedStream.Replay replay = stream.subscribe(subscriber, new StreamId(10, 0));
    assertEquals(new FeedStream.Replay(1_190, true), replay);
    assertEquals("11-0", got.get(0));
    assertEquals("1200-0", got.get(got.size() - 1));
    assertEquals(1_190, got.stream().distinct().count());
    assertEquals(2, pages.size(), "two history pages reach the memory's floor, memory does the rest");
  }

  @Test
  void withoutHistoryAClientTooFarBehindGetsWhatIsKeptAndAnIncompleteReplay() throws Exception {
    FeedStream stream = FeedStream.inMemory("s", 3);
    List<String> ids = publish(stream, 6);
    FeedStream.Replay replay = stream.subscribe(subscriber, StreamId.parse(ids.get(0)));
    assertFalse(replay.complete());
    assertEquals(ids.subList(3, 6), got);
  }

  @Test
  void aPositionAheadOfThisServerSkipsWhatTheClientHas() throws Exception {
    FeedStream stream = new FeedStream("s", 10, StreamId.ZERO, null);
    stream.append(new FeedEntry(new StreamId(1, 0), "a"));
    stream.subscribe(subscriber, new StreamId(3, 0)); // the client came from a node that read further
    stream.append(new FeedEntry(new StreamId(2, 0), "b"));
    stream.append(new FeedEntry(new StreamId(3, 0), "c"));
    stream.append(new FeedEntry(new StreamId(4, 0), "d"));
    assertEquals(List.of("4-0"), got);
  }

  private static List<String> publish(FeedStream stream, int count) {
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      ids.add(stream.publish("n", JsonNodeFactory.instance.numberNode(i), "test").id().toString());
    }
    return ids;
  }
}
