package dev.steadysocket.testing.server;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A single node's {@link Inbox}: remembers the last {@code window} ids in memory. A resend comes
 * at most the client's outbox size (1,000 by default) behind, so a window of a few thousand ids
 * is plenty; a bigger one only costs memory.
 *
 * <p>Thread-safe: one lock (the map of ids), held while {@code deliver} runs, so deliveries from all
 * connections run one at a time, in the order their ids were taken; a slow delivery holds up every
 * connection's reader. If {@code deliver} throws, the id is not recorded and a resend is delivered.
 */
public final class MemoryInbox implements Inbox {
  private final int window;
  /** Guarded by itself; insertion-ordered, the eldest id is forgotten first. */
  private final Map<String, Boolean> seen;

  /**
   * An empty inbox.
   *
   * @param window how many of the latest ids to remember, at least 1
   * @throws IllegalArgumentException if {@code window} is below 1
   */
  public MemoryInbox(int window) {
    if (window < 1) {
      throw new IllegalArgumentException("window < 1: " + window);
    }
    this.window = window;
    this.seen =
        new LinkedHashMap<>(16, 0.75f) {
          private static final long serialVersionUID = 1L;

          @Override
          protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
            return size() > MemoryInbox.this.window;
          }
        };
  }

  /** Holds the lock while {@code deliver} runs, which keeps deliveries in order across connections. */
  @Override
  public boolean receive(String id, JsonNode message, Runnable deliver) {
    synchronized (seen) {
      if (seen.containsKey(id)) {
        return false;
      }
      deliver.run();
      seen.put(id, Boolean.TRUE);
      return true;
    }
  }
}
