package dev.steadysocket.testing.server;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One entry of a resumable stream, ready for the wire: {@code text} is the complete envelope, whose
 * {@code id} is {@code id} and whose {@code meta.stream} names the stream. Immutable.
 */
public final class FeedEntry {
  private final StreamId id;
  private final String text;

  public FeedEntry(StreamId id, String text) {
    this.id = Objects.requireNonNull(id, "id");
    this.text = Objects.requireNonNull(text, "text");
  }

  public StreamId id() {
    return id;
  }

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
