package dev.steadysocket.android;

import java.util.Objects;

/**
 * A platform signal an attachment could not subscribe to, and what it does without it. The
 * attachment keeps working on the signals it has instead of failing {@code attach}: Android caps
 * network requests at 100 per app (shared with WorkManager, Firebase and every other library in
 * the process) and some devices throw {@link SecurityException} from registrations an app is
 * entitled to. Read them with {@link SocketAttachment#warnings()}; each is also logged once at
 * WARN. Immutable.
 */
public final class AttachmentWarning {
  /** The signal that is missing. */
  public enum Signal {
    /**
     * The default-network callback: the socket is never paused as {@link PauseReason#OFFLINE},
     * {@link PauseReason#BLOCKED} (API 29+), {@link PauseReason#DOZE} (API 29+) or {@link
     * PauseReason#METERED}, and is not replaced on a change of network; the heartbeat still finds a
     * dead link.
     */
    NETWORK,
    /**
     * The device-state receiver (Doze, battery saver, Data Saver, screen on, unlock): no inferred
     * power pauses on API 26–28, no liveness check on unlock, and the background grace is only
     * checked by its timers.
     */
    DEVICE_STATE,
    /**
     * The non-waking alarm that ends the background grace after deep sleep: the grace then ends at
     * the next unlock or screen-on, or after its length of awake time.
     */
    DEEP_SLEEP_TIMER
  }

  private final Signal signal;
  private final String cause;

  AttachmentWarning(Signal signal, RuntimeException cause) {
    this.signal = Objects.requireNonNull(signal);
    // The platform's message only: no stack trace kept, nothing from the app's state.
    this.cause = cause.getClass().getName() + (cause.getMessage() != null ? ": " + cause.getMessage() : "");
  }

  /**
   * @return the signal the attachment goes without
   */
  public Signal signal() {
    return signal;
  }

  /**
   * @return what the platform threw when asked for it, as {@code class: message}
   */
  public String cause() {
    return cause;
  }

  @Override
  public String toString() {
    return "AttachmentWarning{" + signal + " unavailable: " + cause + "}";
  }
}
