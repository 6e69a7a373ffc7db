package dev.steadysocket.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class RefCountedTest {
  @Test
  void createdForTheFirstUserAndDestroyedAfterTheLast() {
    AtomicInteger created = new AtomicInteger();
    List<Object> destroyed = new ArrayList<>();
    RefCounted<Object> r = new RefCounted<>(() -> "gen" + created.incrementAndGet(), destroyed::add);
    Object a = r.acquire();
    assertSame(a, r.acquire());
    assertEquals(1, created.get());
    assertEquals(2, r.users());
    r.release(a);
    assertEquals(1, r.users());
    assertEquals(List.of(), destroyed);
    r.release(a);
    assertEquals(0, r.users());
    assertEquals(List.of("gen1"), destroyed);

    Object b = r.acquire();
    assertNotSame(a, b);
    assertEquals("gen2", b);
    r.release(a); // a stale release from the first generation
    assertEquals(1, r.users());
    assertEquals(List.of("gen1"), destroyed);
    r.release(b);
    assertEquals(List.of("gen1", "gen2"), destroyed);
  }
}
