package dev.steadysocket.reliability;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A class that payloads name ({@code "@class"}, {@code ["dev.steadysocket.reliability.PayloadCanary",
 * {}]}): if Jackson ever resolved or instantiated it because a payload said so, {@link Log} shows
 * it. The test never refers to this class, only to {@link Log}, so nothing else initializes it.
 */
public final class PayloadCanary {
  static {
    Log.INITIALIZED.set(true);
  }

  public String note;

  public PayloadCanary() {
    Log.CONSTRUCTED.incrementAndGet();
  }

  /** What happened to the canary. */
  static final class Log {
    static final AtomicBoolean INITIALIZED = new AtomicBoolean();
    static final AtomicInteger CONSTRUCTED = new AtomicInteger();

    private Log() {}
  }
}
