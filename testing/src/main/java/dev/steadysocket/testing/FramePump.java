package dev.steadysocket.testing;

import java.util.ArrayDeque;

/**
 * One direction of a {@link MemoryLink}: frames queued in order and delivered one per {@link
 * TestClock} task, so the callbacks a frame causes (posted to the clock) run before the next frame
 * arrives. A frame that throws fails the test's clock call but never stops the frames behind it.
 * Any thread may queue; guarded by its own lock, never held while a frame runs.
 */
final class FramePump {
  private final TestClock clock;
  private final Object lock = new Object();
  /** Guarded by lock. */
  private final ArrayDeque<Runnable> queue = new ArrayDeque<>();
  /** Guarded by lock: a pump task is posted. */
  private boolean pumping;

  FramePump(TestClock clock) {
    this.clock = clock;
  }

  void add(Runnable frame) {
    boolean post;
    synchronized (lock) {
      queue.add(frame);
      post = !pumping;
      pumping = true;
    }
    if (post) clock.executor().execute(this::pump);
  }

  /** Frames on their way are lost. */
  void clear() {
    synchronized (lock) {
      queue.clear();
    }
  }

  private void pump() {
    Runnable frame;
    boolean more;
    synchronized (lock) {
      frame = queue.poll();
      more = !queue.isEmpty();
      if (!more) pumping = false;
    }
    try {
      if (frame != null) frame.run(); // a throwing handler fails the test's clock call...
    } finally {
      if (more) clock.executor().execute(this::pump); // ...but never wedges the link
    }
  }
}
