package dev.steadysocket.internal;

import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/** Message ids: random version-4 UUIDs without the contention of {@link UUID#randomUUID()}. */
public final class Ids {
  private Ids() {}

  public static String next() {
    ThreadLocalRandom r = ThreadLocalRandom.current();
    long hi = (r.nextLong() & ~0xF000L) | 0x4000L; // version 4
    long lo = (r.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L; // IETF variant
    return new UUID(hi, lo).toString();
  }
}
