package dev.steadysocket.testing.server;

import org.jspecify.annotations.Nullable;

/**
 * The id of a stream entry, in Redis Streams' format {@code <epoch millis>-<sequence>}: ordered by
 * time, then sequence. The in-memory servers mint the same format as Redis, so a client's resume
 * position means the same thing to every server built on this protocol, and still orders sensibly
 * after a server restart (the clock moved on). Immutable and thread-safe; the order is consistent
 * with {@code equals}.
 */
public final class StreamId implements Comparable<StreamId> {
  /**
   * {@code 0-0}, before every real entry: a new stream starts here, and a resume position (or
   * {@code ?from=}) of {@code 0} or {@code 0-0} replays everything a stream keeps.
   */
  public static final StreamId ZERO = new StreamId(0, 0);

  private final long millis;
  private final long sequence;

  /**
   * An id from its two parts.
   *
   * @param millis the time part, epoch milliseconds, not negative
   * @param sequence the sequence within that millisecond, from 0, not negative
   * @throws IllegalArgumentException if either part is negative
   */
  public StreamId(long millis, long sequence) {
    if (millis < 0 || sequence < 0) {
      throw new IllegalArgumentException("negative stream id part: " + millis + "-" + sequence);
    }
    this.millis = millis;
    this.sequence = sequence;
  }

  /**
   * The time part.
   *
   * @return epoch milliseconds, not negative
   */
  public long millis() {
    return millis;
  }

  /**
   * The sequence within {@link #millis()}.
   *
   * @return from 0, not negative
   */
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

  /**
   * Parses {@code ms-seq} or {@code ms} (Redis reads a bare {@code ms} as {@code ms-0}); null if
   * malformed. Used on what clients send (resume positions, {@code ?from=}), so it never throws.
   *
   * @param text the id as written by {@link #toString()}, or null
   * @return the id, or null if {@code text} is null, empty, longer than 41 characters, not one or
   *     two decimal numbers joined by {@code -}, out of range for a {@code long}, or negative
   */
  public static @Nullable StreamId parse(@Nullable String text) {
    if (text == null || text.isEmpty() || text.length() > 41) {
      return null;
    }
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c != '-' && (c < '0' || c > '9')) {
        return null; // Long.parseLong would take a sign ("+5-+3")
      }
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

  /**
   * The id after this one at time {@code nowMillis}: a later millisecond, or the next sequence.
   *
   * @param nowMillis the current time, epoch milliseconds
   * @return {@code nowMillis-0} if {@code nowMillis} is later than {@link #millis()}, otherwise
   *     this id's millisecond with the next sequence: always after this id, even if the clock went
   *     back
   */
  public StreamId next(long nowMillis) {
    return nowMillis > millis ? new StreamId(nowMillis, 0) : new StreamId(millis, sequence + 1);
  }

  @Override
  public int compareTo(StreamId other) {
    int byTime = Long.compare(millis, other.millis);
    return byTime != 0 ? byTime : Long.compare(sequence, other.sequence);
  }

  /**
   * Whether this id comes strictly after {@code other}.
   *
   * @param other the id to compare with
   * @return true if this id is later (by time, then sequence); false if equal or earlier
   */
  public boolean isAfter(StreamId other) {
    return compareTo(other) > 0;
  }

  @Override
  public String toString() {
    return millis + "-" + sequence;
  }
}
