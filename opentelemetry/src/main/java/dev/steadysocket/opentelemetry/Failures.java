package dev.steadysocket.opentelemetry;

import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the observers do with an exception instead of throwing it into SteadySocket: log the first
 * one (with its stack trace) and only the first, so a propagator that throws on every message cannot
 * flood the log from the socket's threads. Any thread.
 */
final class Failures {
  private static final Logger log = LoggerFactory.getLogger(SteadySocketTracing.SCOPE);
  private static final AtomicBoolean logged = new AtomicBoolean();

  private Failures() {}

  static void log(RuntimeException e) {
    if (logged.compareAndSet(false, true)) {
      try {
        log.warn("SteadySocket tracing skipped an event after a failure; later failures are not logged", e);
      } catch (RuntimeException ignored) {
        // a logging back end that throws: nothing more to do
      }
    }
  }
}
