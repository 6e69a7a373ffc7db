package dev.steadysocket.android;

import org.jspecify.annotations.Nullable;

/**
 * Why an attachment holds its socket paused, so an app can say "offline" rather than "blocked" or
 * "paused in the background". Each constant is passed to {@code SteadySocket.pause} and {@code
 * resume} as its {@link #reason()} string; a socket stays PAUSED while any reason (these or the
 * app's own) is held. Read the ones an attachment holds with {@link
 * SocketAttachment#pauseReasons()}.
 */
public enum PauseReason {
  /**
   * No usable default network: none at all, one behind a captive portal, or (with {@link
   * AttachOptions#withValidatedNetworksOnly()}) one the platform has not validated.
   */
  OFFLINE("offline"),
  /**
   * The platform blocks this app's network although the device has one. API 29+: the platform's own
   * verdict for this app (Data Saver on a metered network, battery saver, background restriction,
   * App Standby, Android 15's background rule). API 26–28: inferred from Data Saver, battery saver
   * and background restriction only (see {@link AttachOptions#withPowerRestrictionsIgnored()}).
   */
  BLOCKED("blocked"),
  /**
   * Blocked while the device is in Doze and this app is not exempt. API 29+: the platform's verdict,
   * which exempts a foreground service, the battery-optimization allow-list and a high-priority
   * push's temporary allow-list. API 26–28: inferred, exempting the first two only (an app cannot
   * see the temporary allow-list there).
   */
  DOZE("doze"),
  /** The app stayed in the background longer than its {@link BackgroundPolicy}'s grace period. */
  BACKGROUND("background"),
  /** The default network is metered and {@link AttachOptions#withPauseOnMeteredNetworks()} is set. */
  METERED("metered"),
  /** The activity of a screen-scoped attachment ({@link AndroidSteadySocket#attachToScreen}) is not started. */
  SCREEN("screen");

  private final String reason;

  PauseReason(String reason) {
    this.reason = reason;
  }

  /**
   * The reason string given to {@code SteadySocket.pause}.
   *
   * @return e.g. {@code "offline"}
   */
  public String reason() {
    return reason;
  }

  /**
   * The constant whose {@link #reason()} is {@code reason}.
   *
   * @param reason a pause reason string
   * @return the matching constant, or null for a reason that is not the adapter's (the app's own)
   */
  public static @Nullable PauseReason of(String reason) {
    for (PauseReason r : values()) {
      if (r.reason.equals(reason)) return r;
    }
    return null;
  }
}
