package dev.steadysocket.internal;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/** Small assertions shared by this package's tests. */
final class VirtualTime {
  private VirtualTime() {}

  /** What a completed future failed with. */
  static Throwable failure(CompletableFuture<?> f) {
    assertTrue(f.isDone(), "expected the future to be done");
    try {
      f.get();
      throw new AssertionError("expected the future to fail");
    } catch (ExecutionException e) {
      return e.getCause();
    } catch (InterruptedException e) {
      throw new AssertionError(e);
    }
  }
}
