package dev.steadysocket.android;

import dev.steadysocket.Heartbeat;
import java.time.Duration;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * How an attachment steers its socket: the background policy, which networks count as usable,
 * whether inferred power restrictions pause it, the liveness check on returning to the
 * foreground, and a heartbeat for the background. Immutable and thread-safe; each {@code with…}
 * returns a copy. Pass it to {@link AndroidSteadySocket#attach(android.content.Context,
 * dev.steadysocket.SteadySocket, AttachOptions)}.
 *
 * <pre>{@code
 * AttachOptions options = AttachOptions.defaults()
 *     .withBackground(BackgroundPolicy.disconnectInBackground(Duration.ofSeconds(30)))
 *     .withPauseOnMeteredNetworks()
 *     .withBackgroundHeartbeat(Heartbeat.every(Duration.ofMinutes(4)));
 * }</pre>
 */
public final class AttachOptions {
  /** The liveness check's default timeout: a healthy link answers a ping well within it. */
  static final Duration DEFAULT_LIVENESS_TIMEOUT = Duration.ofSeconds(5);

  private static final AttachOptions DEFAULTS =
      new AttachOptions(BackgroundPolicy.keepAlive(), false, false, false, DEFAULT_LIVENESS_TIMEOUT, null);

  private final BackgroundPolicy background;
  private final boolean validatedOnly;
  private final boolean pauseOnMetered;
  private final boolean ignorePowerRestrictions;
  private final @Nullable Duration livenessTimeout;
  private final @Nullable Heartbeat backgroundHeartbeat;

  private AttachOptions(
      BackgroundPolicy background,
      boolean validatedOnly,
      boolean pauseOnMetered,
      boolean ignorePowerRestrictions,
      @Nullable Duration livenessTimeout,
      @Nullable Heartbeat backgroundHeartbeat) {
    this.background = background;
    this.validatedOnly = validatedOnly;
    this.pauseOnMetered = pauseOnMetered;
    this.ignorePowerRestrictions = ignorePowerRestrictions;
    this.livenessTimeout = livenessTimeout;
    this.backgroundHeartbeat = backgroundHeartbeat;
  }

  /**
   * Keep alive in the background; any default network the platform offers counts as usable (one
   * behind a captive portal excepted); power restrictions pause (DOZE, BLOCKED); a 5-second liveness
   * check on every return to the foreground and on unlock; the socket's own heartbeat throughout.
   *
   * @return the default options
   */
  public static AttachOptions defaults() {
    return DEFAULTS;
  }

  /**
   * @param policy what the socket does while the app is in the background
   * @return a copy with {@code policy}
   */
  public AttachOptions withBackground(BackgroundPolicy policy) {
    Objects.requireNonNull(policy, "policy == null");
    return new AttachOptions(policy, validatedOnly, pauseOnMetered, ignorePowerRestrictions, livenessTimeout, backgroundHeartbeat);
  }

  /**
   * Treat a default network as usable only once the platform has validated it (reached the
   * internet through it); until then hold {@link PauseReason#OFFLINE}. Off by default, because
   * networks that block or fail the platform's probe (an IoT access point, a car head unit, a
   * corporate network, partial connectivity) would then hold the socket forever; turn it on if
   * your users sit behind portals that accept TCP but break WebSockets.
   *
   * @return a copy that waits for validation
   */
  public AttachOptions withValidatedNetworksOnly() {
    return new AttachOptions(background, true, pauseOnMetered, ignorePowerRestrictions, livenessTimeout, backgroundHeartbeat);
  }

  /**
   * Hold {@link PauseReason#METERED} while the default network is metered (most cellular data, a
   * metered hotspot): for feeds that should only stream on Wi-Fi.
   *
   * @return a copy that pauses on metered networks
   */
  public AttachOptions withPauseOnMeteredNetworks() {
    return new AttachOptions(background, validatedOnly, true, ignorePowerRestrictions, livenessTimeout, backgroundHeartbeat);
  }

  /**
   * On API 26–28, never pause for Doze, battery saver, Data Saver or background restriction:
   * there the adapter infers them from the device's state and the process importance, and an app
   * that knows better (exempted some way the inference cannot see) can turn that off. On API 29+
   * this changes nothing: the platform reports its own verdict for this app ({@code
   * NetworkCallback.onBlockedStatusChanged}) and no connection can succeed while it says blocked.
   *
   * @return a copy that ignores inferred power restrictions
   */
  public AttachOptions withPowerRestrictionsIgnored() {
    return new AttachOptions(background, validatedOnly, pauseOnMetered, true, livenessTimeout, backgroundHeartbeat);
  }

  /**
   * The timeout of the liveness check the attachment runs when the app returns to the foreground
   * and when the user unlocks the device ({@code SteadySocket.checkLiveness}): an open socket that
   * does not answer a ping within it is replaced at once instead of after the heartbeat's interval
   * and timeout (a link that died in deep sleep).
   *
   * @param timeout how long a ping may go unanswered; positive
   * @return a copy with this timeout
   * @throws IllegalArgumentException if {@code timeout} is zero or negative
   */
  public AttachOptions withLivenessCheck(Duration timeout) {
    Objects.requireNonNull(timeout, "timeout == null");
    if (timeout.isZero() || timeout.isNegative()) {
      throw new IllegalArgumentException("timeout <= 0: " + timeout);
    }
    return new AttachOptions(background, validatedOnly, pauseOnMetered, ignorePowerRestrictions, timeout, backgroundHeartbeat);
  }

  /**
   * No liveness check on returning to the foreground or on unlock.
   *
   * @return a copy without the check
   */
  public AttachOptions withoutLivenessCheck() {
    return new AttachOptions(background, validatedOnly, pauseOnMetered, ignorePowerRestrictions, null, backgroundHeartbeat);
  }

  /**
   * The heartbeat while the app is in the background ({@code SteadySocket.heartbeat}): pings every
   * 30 s keep a cellular radio out of its idle state, so a socket kept alive in the background
   * (a foreground service) usually wants a longer interval, within the idle timeouts of the
   * server and the carrier's NAT (4–5 minutes is common). The socket's own heartbeat is restored
   * when the app returns to the foreground and when the attachment is closed.
   *
   * @param heartbeat the heartbeat to use while no activity is started
   * @return a copy with a background heartbeat
   */
  public AttachOptions withBackgroundHeartbeat(Heartbeat heartbeat) {
    Objects.requireNonNull(heartbeat, "heartbeat == null");
    return new AttachOptions(background, validatedOnly, pauseOnMetered, ignorePowerRestrictions, livenessTimeout, heartbeat);
  }

  BackgroundPolicy background() {
    return background;
  }

  boolean validatedOnly() {
    return validatedOnly;
  }

  boolean pauseOnMetered() {
    return pauseOnMetered;
  }

  boolean ignorePowerRestrictions() {
    return ignorePowerRestrictions;
  }

  @Nullable Duration livenessTimeout() {
    return livenessTimeout;
  }

  @Nullable Heartbeat backgroundHeartbeat() {
    return backgroundHeartbeat;
  }

  @Override
  public String toString() {
    return "AttachOptions{background=" + background
        + (validatedOnly ? ", validatedNetworksOnly" : "")
        + (pauseOnMetered ? ", pauseOnMetered" : "")
        + (ignorePowerRestrictions ? ", powerRestrictionsIgnored" : "")
        + ", livenessCheck=" + (livenessTimeout != null ? livenessTimeout : "off")
        + (backgroundHeartbeat != null ? ", backgroundHeartbeat=" + backgroundHeartbeat : "")
        + "}";
  }
}
