package dev.steadysocket;

/** A registration that can be undone, such as a typed handler from {@link SteadySocket#on}. */
public interface Subscription extends AutoCloseable {
  /** Stops further deliveries. Idempotent; a delivery already running finishes. */
  void cancel();

  @Override
  default void close() {
    cancel();
  }
}
