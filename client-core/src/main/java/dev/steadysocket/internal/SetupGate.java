package dev.steadysocket.internal;

import java.util.ArrayDeque;
import java.util.List;

/**
 * The outbound path's view of the open connection's setup ({@link Setups}): the setup frames ready
 * to be written, which go before everything else, and whether newer messages must wait. Not
 * thread-safe: owned by {@link Outbound} and used only under its lock.
 */
final class SetupGate {
  /** Encoded setup messages for the open connection, in order, not yet taken by the transport. */
  private final ArrayDeque<String> frames = new ArrayDeque<>();
  /** Set by the loop: the open connection's setup is not finished. */
  private boolean held;
  /** Registrations (or cancellations with a closing message) the loop has not taken in yet. */
  private int arriving;

  /** True while newer messages must wait behind the setup. */
  boolean holdsSends() {
    return held || arriving > 0 || !frames.isEmpty();
  }

  void arriving() {
    arriving++;
  }

  /** The loop took in {@code arrived} arrivals; with {@code open}, also {@code more} frames and the hold. */
  void update(boolean open, List<String> more, boolean hold, int arrived) {
    arriving -= arrived;
    if (!open) return;
    frames.addAll(more);
    held = hold;
  }

  /** A new connection opens: frames of an earlier one are never written on it. */
  void reset(boolean hold) {
    frames.clear();
    held = hold;
  }

  /**
   * Writes the frames while the transport takes them.
   *
   * @return true if frames wait because OkHttp's buffer is above the high water (poll again)
   */
  boolean write(Transport t, SendReport report) {
    while (!frames.isEmpty()) {
      String f = frames.peekFirst();
      long queued = t.queueSize();
      if (queued > 0 && queued + Utf8.size(f) > Outbound.SEND_BUFFER_HIGH_WATER) return true;
      if (!t.send(f)) return false; // failing or closing: the failure event follows
      frames.pollFirst();
      report.setupWritten();
    }
    return false;
  }
}
