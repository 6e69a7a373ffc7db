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
 * <p>Thread-safe: any thread may publish, append, subscribe or read. The entries in memory, the
 * head and the live subscribers are guarded by this stream's lock. Subscribers are called in id
 * order, live ones under that lock on the publishing thread, and must not block: handing a frame to
 * OkHttp's {@code WebSocket.send} (which only queues it) is the intended use. Entries are minted
 * with the real wall clock ({@code System.currentTimeMillis()}), also in the kit's in-memory mode.
 */
public final class FeedStream {
  /**
   * Where entries go. Called under the stream's lock (live entries, and the replay from memory),
   * except for a replay from {@link History}, which runs on the subscribing thread without it; must
   * not block.
   */
  public interface Subscriber {
    /**
     * Takes the next entry of the stream.
     *
     * @param entry the entry, always after the one delivered before (each entry once per
     *     subscription)
     */
    void deliver(FeedEntry entry);
  }

  /**
   * The durable tier behind the memory: entries strictly after an id, oldest first. Called on
   * subscribing threads, possibly several at once, without the stream's lock.
   */
  public interface History {
    /**
     * Reads a page of older entries.
     *
     * @param after the last id the subscriber has; only entries strictly after it are wanted
     * @param limit the most entries to return (the stream asks for 512)
     * @return at most {@code limit} entries after {@code after}, oldest first with ids strictly
     *     increasing (otherwise a replay may repeat entries or never end); empty when none are kept
     * @throws Exception if the history cannot be read: {@link FeedStream#subscribe} then fails with
     *     it
     */
    List<FeedEntry> after(StreamId after, int limit) throws Exception;
  }

  /** What a subscription replayed before it went live. Immutable. */
  public static final class Replay {
    private final int replayed;
    private final boolean complete;

    Replay(int replayed, boolean complete) {
      this.replayed = replayed;
      this.complete = complete;
    }

    /**
     * Entries sent before going live.
     *
     * @return how many entries the subscriber was given from history and memory, 0 or more
     */
    public int replayed() {
      return replayed;
    }

    /**
     * Whether nothing after the subscriber's position was missing.
     *
     * @return false if the subscriber was further behind than memory and history hold (entries in
     *     between were skipped)
     */
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
  /** The server's wall clock, epoch milliseconds: mints ids and timestamps. */
  private final java.util.function.LongSupplier clock;
  private final Object lock = new Object();
  /** Guarded by lock: the newest entries, oldest first; every entry after floor up to head is here. */
  private final ArrayDeque<FeedEntry> recent = new ArrayDeque<>();
  /** Guarded by lock: the id of the newest entry no longer in memory (the start, until one is evicted). */
  private StreamId floor;
  /** Guarded by lock: the newest id published or appended. */
  private StreamId head;
  /** Guarded by lock: how many entries {@link #publish} has minted (their {@code meta.seq}). */
  private long published;
  /** Guarded by lock: each live subscriber and the id it last got. */
  private final Map<Subscriber, StreamId> live = new LinkedHashMap<>();

  /**
   * A stream with nothing in memory yet.
   *
   * @param name the stream's name: {@code meta.stream} of its entries and the key of resume
   *     positions
   * @param capacity how many of the newest entries to keep in memory, at least 1
   * @param start the stream's position when this server joins it: entries up to it are only in
   *     {@code history} (ZERO for a new stream)
   * @param history the durable tier for older entries, or null for none
   * @throws IllegalArgumentException if {@code capacity} is below 1
   */
  public FeedStream(String name, int capacity, StreamId start, @Nullable History history) {
    this(name, capacity, start, history, System::currentTimeMillis);
  }

  /**
   * A stream whose ids and timestamps come from {@code clock} (the kit's in-memory server passes
   * its test clock).
   *
   * @param name the stream's name, as clients name it in their resume positions
   * @param capacity how many entries memory keeps; at least 1
   * @param start the stream's position when this server joins it
   * @param history older entries than memory holds, or null for none
   * @param clock the wall clock, epoch milliseconds; any thread may call it
   * @throws IllegalArgumentException if {@code capacity} is less than 1
   */
  public FeedStream(String name, int capacity, StreamId start, @Nullable History history,
      java.util.function.LongSupplier clock) {
    this.clock = java.util.Objects.requireNonNull(clock, "clock");
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity < 1: " + capacity);
    }
    this.name = name;
    this.capacity = capacity;
    this.history = history;
    this.floor = start;
    this.head = start;
  }

  /**
   * An in-memory stream of a single-node server, no history beyond memory.
   *
   * @param name the stream's name
   * @param capacity how many of the newest entries to keep, at least 1
   * @return a new stream starting at {@link StreamId#ZERO}
   * @throws IllegalArgumentException if {@code capacity} is below 1
   */
  public static FeedStream inMemory(String name, int capacity) {
    return new FeedStream(name, capacity, StreamId.ZERO, null);
  }

  /**
   * The stream's name.
   *
   * @return the name given at construction
   */
  public String name() {
    return name;
  }

  /**
   * The newest position of the stream.
   *
   * @return the id of the newest entry published or appended, or the start position if none was
   */
  public StreamId head() {
    synchronized (lock) {
      return head;
    }
  }

  /**
   * How many subscribers are live now.
   *
   * @return subscribers that finished their replay and have not unsubscribed
   */
  public int subscriberCount() {
    synchronized (lock) {
      return live.size();
    }
  }

  /**
   * Mints the next id and number ({@code meta.seq}: 1, 2, 3… per stream), builds the entry and
   * delivers it to every live subscriber, on the calling thread under the stream's lock. The id is
   * minted from the real wall clock, after the head even if the clock went back.
   *
   * @param type the entry envelope's {@code type}
   * @param content the {@code content}; null writes JSON {@code null}
   * @param sender the {@code sender}
   * @return the new entry, already delivered
   */
  public FeedEntry publish(String type, @Nullable JsonNode content, String sender) {
    synchronized (lock) {
      long now = clock.getAsLong();
      StreamId id = head.next(now);
      FeedEntry entry =
          new FeedEntry(id, Envelopes.streamEnvelope(name, id, ++published, type, content, sender, now));
      add(entry);
      return entry;
    }
  }

  /**
   * Adds an entry read from the shared log and delivers it, as {@link #publish} does; one not newer
   * than the head is ignored (the log is read at least once).
   *
   * @param entry the entry, carrying its id from the log
   */
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
   *
   * @param subscriber where the entries go, not already subscribed to this stream
   * @param after the last id the client has; {@link StreamId#ZERO} replays everything kept
   * @return how many entries were replayed, and whether the replay was complete
   * @throws Exception what {@link History#after} threw: the subscriber is then not live, though it
   *     may have been given part of the replay
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

  /**
   * The newest {@code count} entries memory holds, oldest first.
   *
   * @param count how many, not negative; more than memory holds returns all it holds
   * @return a new list
   */
  public List<FeedEntry> recent(int count) {
    if (count < 0) {
      throw new IllegalArgumentException("count < 0: " + count);
    }
    synchronized (lock) {
      List<FeedEntry> all = new java.util.ArrayList<>(recent);
      return all.subList(Math.max(0, all.size() - count), all.size());
    }
  }

  /**
   * Stops deliveries to {@code subscriber}; idempotent. No live delivery reaches it after this
   * returns.
   *
   * @param subscriber the subscriber; one that is not live is ignored
   */
  public void unsubscribe(Subscriber subscriber) {
    synchronized (lock) {
      live.remove(subscriber);
    }
  }
}
