package dev.steadysocket.internal;

import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import java.util.concurrent.atomic.AtomicReferenceFieldUpdater;
import org.jspecify.annotations.Nullable;

/**
 * The one rule for events of one message or request that come from different threads: an event
 * that must follow others (a message's acknowledgement after its writes, a request's end after its
 * start) waits until they are reported, then is reported by the thread that reported the last of
 * them. Extended by {@link Outbox.Pending} and {@link Requests.Request}, so it costs a count and a
 * reference, no allocation and no lock. Any thread.
 */
abstract class EventOrder {
  private static final AtomicIntegerFieldUpdater<EventOrder> UNREPORTED =
      AtomicIntegerFieldUpdater.newUpdater(EventOrder.class, "unreported");
  private static final AtomicReferenceFieldUpdater<EventOrder, Runnable> WAITING =
      AtomicReferenceFieldUpdater.newUpdater(EventOrder.class, Runnable.class, "waiting");

  /** Earlier events announced ({@link #expect}) and not yet {@link #reported}. */
  private volatile int unreported;
  /** The event waiting for them, or null. */
  private volatile @Nullable Runnable waiting;

  /** An earlier event is on its way: what comes {@link #after} waits for it. */
  final void expect() {
    UNREPORTED.incrementAndGet(this);
  }

  /** An earlier event was reported: the waiting event runs here if this was the last one. */
  final void reported() {
    if (UNREPORTED.decrementAndGet(this) == 0) runWaiting();
  }

  /** Reports {@code event} now, or after the earlier events still on their way. */
  final void after(Runnable event) {
    if (unreported == 0) {
      event.run();
      return;
    }
    waiting = event;
    if (unreported == 0) runWaiting(); // the last was reported meanwhile: whoever takes it first runs it
  }

  private void runWaiting() {
    Runnable event = WAITING.getAndSet(this, null);
    if (event != null) event.run();
  }
}
