package dev.steadysocket.internal;

import org.jspecify.annotations.Nullable;

/** A socket's event funnel without observers, for tests that build parts by hand. */
final class TestEvents {
  private TestEvents() {}

  /** {@code clock} may be null where nothing reads the time. */
  static Events of(@Nullable LoopTasks clock) {
    return new Events(new MetricsRecorder(clock), clock, true);
  }
}
