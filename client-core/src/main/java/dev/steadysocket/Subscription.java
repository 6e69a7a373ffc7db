package dev.steadysocket;

/**
 * A registration that can be undone, such as a typed handler from {@link SteadySocket#on}.
 * Thread-safe: cancel it from any thread, a callback included.
 */
public interface Subscription extends AutoCloseable {
  /**
   * Stops further deliveries. Idempotent; a delivery already running finishes. Messages converted
   * for this handler but not yet delivered are skipped.
   */
  void cancel();

  /** Same as {@link #cancel()}, so a subscription works in try-with-resources. */
  @Override
  default void close() {
    cancel();
  }
}
