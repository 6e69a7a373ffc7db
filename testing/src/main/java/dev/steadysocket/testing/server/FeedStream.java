package dev.steadysocket.testing.server;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayDeque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * One resumable stream as a server holds it: the recent entries in memory (bounded), the live
 * subscribers, and how to replay the entries after a client's resume position and then go live
 * without a gap or a repeat.
 *
 * <p>Entries come either from {@link #publish} (a single-node server minting its own ids) or from
 * {@link #append} (entries read from a shared log such as a Redis Stream). Older entries than the
 * memory holds are read from the optional {@link History}; without one, a client that fell further
 * behind gets what memory still has, and the replay reports itself incomplete.
 *
 * <p>Thread-safe. Subscribers are called under this stream's lock, in id order, and must not block:
 * handing a frame to OkHttp's {@code WebSocket.send} (which only queues it) is the intended use.
 */
public final class FeedStream {
  /** Where entries go. Called under the stream's lock; must not block. */
  public interface Subscriber {
    void deliver(FeedEntry entry);
  }

  /** The durable tier behind the memory: entries strictly after an id, oldest first. */
  public interface History {
    List<FeedEntry> after(StreamId after, int limit) throws Exception;
  }

  /** What a subscription replayed before it went live. */
  public static final class Replay {
    private final int replayed;
    private final boolean complete;

    Replay(int replayed, boolean complete) {
      this.replayed = replayed;
      this.complete = complete;
    }

    /** Entries sent before going live. */
    public int replayed() {
      return replayed;
    }

    /** False if the subscriber was further behind than memory and history hold. */
    public boolean complete() {
      return complete;
    }

    @Override
    public boolean equals(@Nullable Object o) {
      return o instanceof Replay && ((Replay) o).replayed == replayed && ((Replay) o).complete == complete;
    }

    @Override
    public int hashCode() {
      return replayed * 2 + (complete ? 1 : 0);
    }

    @Override
    public String toString() {
      return "Replay{replayed=" + replayed + ", complete=" + complete + "}";
    }
  }

  private static final int PAGE = 512;

  private final String name;
  private final int capacity;
  private final @Nullable History history;
  private final Object lock = new Object();
  /** Guarded by lock: the newest entries, oldest first; every entry after floor up to head is here. */
  private final ArrayDeque<FeedEntry> recent = new ArrayDeque<>();
  /** Guarded by lock. */
  private StreamId floor;
  /** Guarded by lock: the newest id published or appended. */
  private StreamId head;
  /** Guarded by lock: how many entries {@link #publish} has minted (their {@code meta.seq}). */
  private long published;
  /** Guarded by lock: each live subscriber and the id it last got. */
  private final Map<Subscriber, StreamId> live = new LinkedHashMap<>();

  /**
   * @param start the stream's position when this server joins it: entries up to it are only in
   *     {@code history} (ZERO for a new stream)
   */
  public FeedStream(String name, int capacity, StreamId start, @Nullable History history) {
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity < 1: " + capacity);
    }
    this.name = name;
    this.capacity = capacity;
    this.history = history;
    this.floor = start;
    this.head = start;
  }

  /** An in-memory stream of a single-node server, no history beyond memory. */
  public static FeedStream inMemory(String name, int capacity) {
    return new FeedStream(name, capacity, StreamId.ZERO, null);
  }

  public String name() {
    return name;
  }

  public StreamId head() {
    synchronized (lock) {
      return head;
    }
  }

  public int subscriberCount() {
    synchronized (lock) {
      return live.size();
    }
  }

  /**
   * Mints the next id and number ({@code meta.seq}: 1, 2, 3… per stream), builds the entry and
   * delivers it to every live subscriber.
   */
  public FeedEntry publish(String type, @Nullable JsonNode content, String sender) {
    synchronized (lock) {
      long now = System.currentTimeMillis();
      StreamId id = head.next(now);
      FeedEntry entry =
          new FeedEntry(id, Envelopes.streamEnvelope(name, id, ++published, type, content, sender, now));
      add(entry);
      return entry;
    }
  }

  /** Adds an entry read from the shared log; one not newer than the head is ignored. */
  public void append(FeedEntry entry) {
    synchronized (lock) {
      if (entry.id().isAfter(head)) {
        add(entry);
      }
    }
  }

  /** Guarded by lock. */
  private void add(FeedEntry entry) {
    recent.addLast(entry);
    head = entry.id();
    if (recent.size() > capacity) {
      floor = recent.removeFirst().id();
    }
    for (Map.Entry<Subscriber, StreamId> subscriber : live.entrySet()) {
      if (entry.id().isAfter(subscriber.getValue())) {
        subscriber.getKey().deliver(entry);
        subscriber.setValue(entry.id());
      }
    }
  }

  /**
   * Replays every entry after {@code after}, in order, then delivers new ones as they come. The
   * replay from {@link History} runs on the calling thread without the lock (it may do I/O); the
   * last step, from memory, and going live happen under the lock, so no entry published meanwhile
   * is skipped or sent twice. A position ahead of this server (a client that came from a node
   * whose reader was further along) is fine: entries up to it are simply not sent.
   */
  public Replay subscribe(Subscriber subscriber, StreamId after) throws Exception {
    StreamId cursor = after;
    int replayed = 0;
    boolean complete = true;
    while (true) {
      StreamId floorNow;
      synchronized (lock) {
        if (cursor.compareTo(floor) >= 0) {
          for (FeedEntry entry : recent) {
            if (entry.id().isAfter(cursor)) {
              subscriber.deliver(entry);
              cursor = entry.id();
              replayed++;
            }
          }
          live.put(subscriber, cursor);
          return new Replay(replayed, complete);
        }
        floorNow = floor;
      }
      List<FeedEntry> page = history != null ? history.after(cursor, PAGE) : List.of();
      if (page.isEmpty()) {
        // Nothing older is kept anywhere: the entries between cursor and the floor are gone.
        complete = false;
        cursor = floorNow;
        continue;
      }
      for (FeedEntry entry : page) {
        subscriber.deliver(entry);
        cursor = entry.id();
        replayed++;
      }
    }
  }

  /** The newest {@code count} entries memory holds, oldest first. */
  public List<FeedEntry> recent(int count) {
    synchronized (lock) {
      List<FeedEntry> all = new java.util.ArrayList<>(recent);
      return all.subList(Math.max(0, all.size() - count), all.size());
    }
  }

  /** Stops deliveries to {@code subscriber}; idempotent. */
  public void unsubscribe(Subscriber subscriber) {
    synchronized (lock) {
      live.remove(subscriber);
    }
  }
}
