package dev.steadysocket.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class IdsTest {
  @Test
  void idsAreRandomVersion4IetfUuids() {
    Set<String> ids = new HashSet<>();
    Set<Long> highs = new HashSet<>();
    Set<Long> lows = new HashSet<>();
    for (int i = 0; i < 1000; i++) {
      String id = Ids.next();
      UUID u = UUID.fromString(id);
      assertEquals(id, u.toString());
      assertEquals(4, u.version(), id);
      assertEquals(2, u.variant(), id);
      ids.add(id);
      highs.add(u.getMostSignificantBits() & ~0xF000L);
      lows.add(u.getLeastSignificantBits() & 0x3FFFFFFFFFFFFFFFL);
    }
    assertEquals(1000, ids.size());
    assertTrue(highs.size() > 990, "the high half is random but for the version");
    assertTrue(lows.size() > 990, "the low half is random but for the variant");
  }
}
