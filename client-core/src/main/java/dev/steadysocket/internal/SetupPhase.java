package dev.steadysocket.internal;

import dev.steadysocket.SteadySocketException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * One open connection's setup ({@link Setups}): what is still to be written, what has been encoded
 * for it, the replies it awaits. Loop-confined; everything here is dropped when the connection
 * ends, and an entry leaves it as soon as it no longer matters (written, answered, cancelled).
 */
final class SetupPhase {
  /** A reply awaited on this connection. */
  static final class Awaited {
    final SetupEntry entry;
    final SetupPhase phase;
    final String id;
    /** Loop thread only. */
    Scheduler.@Nullable Cancellable timer;
    /** Loop thread only: the connection's count of reader holds when the timer was armed. */
    long holdsAtStart;

    Awaited(SetupEntry entry, SetupPhase phase, String id) {
      this.entry = entry;
      this.phase = phase;
      this.id = id;
    }
  }

  /** A setup message encoded for this connection, or why it could not be. */
  static final class Prepared {
    final String id;
    final @Nullable String text;
    final @Nullable SteadySocketException error;

    Prepared(String id, @Nullable String text, @Nullable SteadySocketException error) {
      this.id = id;
      this.text = text;
      this.error = error;
    }
  }

  final Connection c;
  final Transport t;
  /** What is still to be written on this connection, in order. */
  final ArrayDeque<SetupEntry> toWrite = new ArrayDeque<>();
  /** Encoded for this connection and not yet written. */
  final Map<SetupEntry, Prepared> ready = new IdentityHashMap<>();
  /** Replies still awaited. */
  final List<Awaited> awaited = new ArrayList<>();
  /** The reply that holds everything after it, or null. */
  @Nullable Awaited barrier;
  /** Runs once nothing waits to be encoded before the next write (a close waiting to be sent), or null. */
  @Nullable Runnable whenPrepared;

  SetupPhase(Connection c, Transport t) {
    this.c = c;
    this.t = t;
  }

  /** Nothing left to write and no reply holding what follows: newer messages may go. */
  boolean released() {
    return barrier == null && toWrite.isEmpty();
  }

  /** Nothing to write and no reply outstanding: the connection's setup is complete. */
  boolean settled() {
    return toWrite.isEmpty() && awaited.isEmpty();
  }

  /** True while the next message to write is still being encoded on the dispatch pool. */
  boolean preparing() {
    if (barrier != null) return false;
    for (SetupEntry e : toWrite) {
      if (!e.isCancelled()) return !ready.containsKey(e);
    }
    return false;
  }

  void remove(Awaited a) {
    awaited.remove(a);
    if (barrier == a) barrier = null;
  }

  int size() {
    return toWrite.size() + ready.size() + awaited.size();
  }
}
