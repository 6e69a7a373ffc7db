package dev.steadysocket.internal;

import java.util.function.Consumer;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * A lazily created resource that is destroyed when its last user releases it, and created anew
 * for the next user. This is how SteadySocket's own threads disappear once every socket is
 * closed, so a JVM with only closed sockets exits and a library embedding us does not leak.
 */
final class RefCounted<T> {
  private final Supplier<T> factory;
  private final Consumer<T> destroyer;

  /** Guarded by this. */
  private @Nullable T instance;
  /** Guarded by this. */
  private int users;

  RefCounted(Supplier<T> factory, Consumer<T> destroyer) {
    this.factory = factory;
    this.destroyer = destroyer;
  }

  synchronized T acquire() {
    if (instance == null) instance = factory.get();
    users++;
    return instance;
  }

  /** Releases one use of {@code resource}; a resource from an earlier generation is ignored. */
  void release(T resource) {
    T toDestroy = null;
    synchronized (this) {
      if (resource != instance) return;
      if (--users == 0) {
        toDestroy = instance;
        instance = null;
      }
    }
    if (toDestroy != null) destroyer.accept(toDestroy);
  }

  synchronized int users() {
    return users;
  }
}
