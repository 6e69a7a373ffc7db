package dev.steadysocket.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.steadysocket.OutboxPolicy;
import dev.steadysocket.OutboxPolicy.Overflow;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class OutboxTest {
  static Outbox.Pending msg(String name, long bytes) {
    return new Outbox.Pending(name, bytes, new CompletableFuture<>(), name, null);
  }

  @Test
  void boundedByCountRejectingNew() {
    Outbox o = new Outbox(OutboxPolicy.bounded(2, 1000, Overflow.REJECT_NEW));
    Outbox.Pending a = msg("a", 1), b = msg("b", 1), c = msg("c", 1);
    assertTrue(o.offer(a).isEmpty());
    assertTrue(o.offer(b).isEmpty());
    assertEquals(List.of(c), o.offer(c));
    assertEquals(2, o.size());
    assertSame(a, o.peek());
  }

  @Test
  void boundedByBytesExactlyAtTheLimitFits() {
    Outbox o = new Outbox(OutboxPolicy.bounded(10, 100, Overflow.REJECT_NEW));
    assertTrue(o.offer(msg("a", 60)).isEmpty());
    assertTrue(o.offer(msg("b", 40)).isEmpty(), "60 + 40 == 100 fits");
    Outbox.Pending c = msg("c", 1);
    assertEquals(List.of(c), o.offer(c));
  }

  @Test
  void pollAndRemoveGiveBackTheirBytes() {
    Outbox o = new Outbox(OutboxPolicy.bounded(10, 100, Overflow.REJECT_NEW));
    Outbox.Pending a = msg("a", 60), b = msg("b", 40);
    o.offer(a);
    o.offer(b);
    assertSame(a, o.poll());
    assertTrue(o.offer(msg("c", 60)).isEmpty(), "a's 60 bytes are free again");
    assertTrue(o.remove(b));
    assertFalse(o.remove(b), "only once");
    assertTrue(o.offer(msg("d", 40)).isEmpty(), "b's 40 bytes are free again");
    assertFalse(o.offer(msg("e", 1)).isEmpty(), "but no more than that");
  }

  @Test
  void removingAMessageThatIsNotThereChangesNothing() {
    Outbox o = new Outbox(OutboxPolicy.bounded(10, 100, Overflow.REJECT_NEW));
    o.offer(msg("a", 100));
    assertFalse(o.remove(msg("x", 100)));
    assertEquals(1, o.size());
    assertFalse(o.offer(msg("b", 1)).isEmpty(), "a's bytes are still counted");
  }

  @Test
  void drainEmptiesInOrderAndResetsTheBytes() {
    Outbox o = new Outbox(OutboxPolicy.bounded(3, 100, Overflow.REJECT_NEW));
    Outbox.Pending a = msg("a", 50), b = msg("b", 50);
    o.offer(a);
    o.offer(b);
    assertEquals(List.of(a, b), o.drain());
    assertTrue(o.isEmpty());
    assertEquals(0, o.size());
    assertNull(o.peek());
    assertTrue(o.drain().isEmpty());
    assertTrue(o.offer(msg("c", 100)).isEmpty(), "no bytes left counted");
  }

  @Test
  void dropOldestEvictsJustEnoughOldMessages() {
    Outbox o = new Outbox(OutboxPolicy.bounded(5, 100, Overflow.DROP_OLDEST));
    Outbox.Pending a = msg("a", 30), b = msg("b", 30), c = msg("c", 30);
    o.offer(a);
    o.offer(b);
    o.offer(c);
    Outbox.Pending d = msg("d", 50);
    assertEquals(List.of(a, b), o.offer(d), "90 + 50 needs two evictions");
    assertEquals(List.of(c, d), o.drain());
  }

  @Test
  void dropOldestTakesAMessageOfExactlyMaxBytesByEvictingEverything() {
    Outbox o = new Outbox(OutboxPolicy.bounded(5, 100, Overflow.DROP_OLDEST));
    Outbox.Pending a = msg("a", 10);
    o.offer(a);
    Outbox.Pending full = msg("full", 100);
    assertEquals(List.of(a), o.offer(full));
    assertEquals(List.of(full), o.drain());
  }

  @Test
  void aMessageLargerThanMaxBytesIsRefusedWithoutEvictingAnything() {
    Outbox o = new Outbox(OutboxPolicy.bounded(5, 100, Overflow.DROP_OLDEST));
    Outbox.Pending a = msg("a", 10);
    o.offer(a);
    Outbox.Pending huge = msg("huge", 101);
    assertEquals(List.of(huge), o.offer(huge));
    assertEquals(List.of(a), o.drain());
  }

  @Test
  void withRoomForNoMessageDropOldestRefusesTheNewOne() {
    Outbox o = new Outbox(OutboxPolicy.bounded(0, 100, Overflow.DROP_OLDEST));
    Outbox.Pending a = msg("a", 1);
    assertEquals(List.of(a), o.offer(a));
    assertTrue(o.isEmpty());
  }
}
