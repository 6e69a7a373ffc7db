package dev.steadysocket.internal;

import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * What one of {@link Outbound}'s locked sections did — messages written (first or again),
 * acknowledged, setup messages written — collected under its lock and reported to the {@link
 * Events} after it is released, so no observer runs under the lock. Confined to the thread that
 * runs the section.
 */
final class SendReport {
  private @Nullable List<Outbox.Pending> written;
  /** Parallel to {@link #written}: whether each was written before, on a lost connection. */
  private @Nullable List<Boolean> again;

  private Outbox.@Nullable Pending acked;
  /** Setup messages written (package-private: read by tests). */
  int setupWritten;

  /** Under the lock: {@code p} was handed to the transport. */
  void wrote(Outbox.Pending p, boolean resent) {
    if (written == null) {
      written = new ArrayList<>();
      again = new ArrayList<>();
    }
    written.add(p);
    again.add(resent);
  }

  /** Under the lock: the server acknowledged {@code p}. */
  void acked(Outbox.Pending p) {
    acked = p;
  }

  /** Under the lock: a setup message was written. */
  void setupWritten() {
    setupWritten++;
  }

  /**
   * Outside the lock: tells {@code events}, in the order it happened (the ack opened the window
   * first). An ack whose message has a write still being reported on another thread is reported
   * right after that write, there ({@link EventOrder#after}).
   */
  void fire(Events events) {
    Outbox.Pending a = acked;
    if (a != null && a.id != null) {
      String id = a.id;
      long latency = events.since(a.queuedAt); // measured now, when the ack arrived
      if (events.observed()) a.after(() -> events.messageAcknowledged(id, latency));
      else events.messageAcknowledged(id, latency);
    }
    for (int i = 0; i < setupWritten; i++) events.setupMessageSent();
    List<Outbox.Pending> w = written;
    List<Boolean> r = again;
    if (w == null || r == null) return;
    for (int i = 0; i < w.size(); i++) {
      Outbox.Pending p = w.get(i);
      events.messageWritten(p.bytes, events.since(p.queuedAt), r.get(i));
      if (events.observed()) p.reported();
    }
  }
}
