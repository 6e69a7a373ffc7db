package dev.steadysocket.testing.server;

import org.jspecify.annotations.Nullable;

/**
 * The id of a stream entry, in Redis Streams' format {@code <epoch millis>-<sequence>}: ordered by
 * time, then sequence. The in-memory servers mint the same format as Redis, so a client's resume
 * position means the same thing to every server built on this protocol, and still orders sensibly
 * after a server restart (the clock moved on).
 */
public final class StreamId implements Comparable<StreamId> {
  public static final StreamId ZERO = new StreamId(0, 0);

  private final long millis;
  private final long sequence;

  public StreamId(long millis, long sequence) {
    if (millis < 0 || sequence < 0) {
      throw new IllegalArgumentException("negative stream id part: " + millis + "-" + sequence);
    }
    this.millis = millis;
    this.sequence = sequence;
  }

  public long millis() {
    return millis;
  }

  public long sequence() {
    return sequence;
  }

  @Override
  public boolean equals(@Nullable Object o) {
    return o instanceof StreamId && ((StreamId) o).millis == millis && ((StreamId) o).sequence == sequence;
  }

  @Override
  public int hashCode() {
    return Long.hashCode(millis) * 31 + Long.hashCode(sequence);
  }

  /** Parses {@code ms-seq} or {@code ms} (Redis reads a bare {@code ms} as {@code ms-0}); null if malformed. */
  public static @Nullable StreamId parse(@Nullable String text) {
    if (text == null || text.isEmpty() || text.length() > 41) {
      return null;
    }
    int dash = text.indexOf('-');
    try {
      return dash < 0
          ? new StreamId(Long.parseLong(text), 0)
          : new StreamId(Long.parseLong(text.substring(0, dash)), Long.parseLong(text.substring(dash + 1)));
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  /** The id after this one at time {@code nowMillis}: a later millisecond, or the next sequence. */
  public StreamId next(long nowMillis) {
    return nowMillis > millis ? new StreamId(nowMillis, 0) : new StreamId(millis, sequence + 1);
  }

  @Override
  public int compareTo(StreamId other) {
    int byTime = Long.compare(millis, other.millis);
    return byTime != 0 ? byTime : Long.compare(sequence, other.sequence);
  }

  public boolean isAfter(StreamId other) {
    return compareTo(other) > 0;
  }

  @Override
  public String toString() {
    return millis + "-" + sequence;
  }
}
