package dev.steadysocket.testing.server;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One entry of a resumable stream, ready for the wire: {@code text} is the complete envelope, whose
 * {@code id} is {@code id} and whose {@code meta.stream} names the stream. Immutable and
 * thread-safe.
 */
public final class FeedEntry {
  private final StreamId id;
  private final String text;

  /**
   * An entry; nothing checks that {@code text} really carries {@code id}.
   *
   * @param id the entry's id, which orders it in its stream
   * @param text the complete envelope, as sent (see {@link Envelopes#streamEnvelope})
   * @throws NullPointerException if either is null
   */
  public FeedEntry(StreamId id, String text) {
    this.id = Objects.requireNonNull(id, "id");
    this.text = Objects.requireNonNull(text, "text");
  }

  /**
   * The entry's id, its envelope's {@code id}.
   *
   * @return the id
   */
  public StreamId id() {
    return id;
  }

  /**
   * The complete envelope, ready to send as one text frame.
   *
   * @return the JSON text
   */
  public String text() {
    return text;
  }

  @Override
  public boolean equals(@Nullable Object o) {
    return o instanceof FeedEntry && ((FeedEntry) o).id.equals(id) && ((FeedEntry) o).text.equals(text);
  }

  @Override
  public int hashCode() {
    return id.hashCode() * 31 + text.hashCode();
  }

  @Override
  public String toString() {
    return "FeedEntry{" + id + "}";
  }
}
