package dev.steadysocket.internal;

import org.jspecify.annotations.Nullable;

/**
 * Text about objects the application made, and log lines that carry them, that never throw. A
 * listener's, policy's, codec's or executor's exception may override {@code getMessage()} or
 * {@code toString()}, and so may a listener: whatever SteadySocket does on its error paths with
 * them goes through here, so their bug cannot wedge a socket, hide an event or make {@code send}
 * throw. Stateless; any thread.
 */
public final class Quiet {
  private Quiet() {}

  /** {@code t.getMessage()}, or null if it is null or throws. */
  public static @Nullable String message(Throwable t) {
    try {
      return t.getMessage();
    } catch (Throwable broken) {
      return null;
    }
  }

  /** What {@code Throwable.toString()} gives ("class: message"), built without calling {@code t.toString()}. */
  public static String describe(Throwable t) {
    String m = message(t);
    return m == null ? t.getClass().getName() : t.getClass().getName() + ": " + m;
  }

  /** {@code o.toString()}, or its class and identity hash if that throws. */
  static String name(Object o) {
    try {
      return String.valueOf(o);
    } catch (Throwable broken) {
      return identity(o);
    }
  }

  /** Class and identity hash, as {@code Object.toString()} gives them; calls nothing of {@code o}'s. */
  static String identity(Object o) {
    return o.getClass().getName() + "@" + Integer.toHexString(System.identityHashCode(o));
  }

  /**
   * Runs a log statement whose arguments came from the application: the logging backend calls
   * their {@code toString()} and {@code getMessage()}, which may throw. A log line is not worth a
   * socket.
   */
  static void log(Runnable logStatement) {
    try {
      logStatement.run();
    } catch (Throwable broken) {
      // the application's object broke the log line; what the line was about goes on
    }
  }
}
