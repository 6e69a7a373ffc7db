package dev.steadysocket.android;

import android.net.ConnectivityManager;
import android.net.Network;
import android.net.NetworkCapabilities;
import android.os.Handler;
import org.jspecify.annotations.Nullable;

/**
 * The process's one default-network callback, and what it has learnt: the default network, its
 * capabilities and (API 29+) whether the platform blocks this app on it. Main thread only: the
 * callback is registered with a main-looper handler and read by {@link PlatformSignals}' subscribers.
 *
 * <p><b>Settling.</b> For a new default network the platform delivers a burst in one message of the
 * callback's handler: {@code onAvailable}, {@code onCapabilitiesChanged}, {@code
 * onLinkPropertiesChanged} and, from API 29, {@code onBlockedStatusChanged} (AOSP {@code
 * ConnectivityManager.CallbackHandler}, CALLBACK_AVAILABLE); the first burst after registering
 * is for the network the app could already see. Deciding at the first callback would release
 * "offline" and dial before "blocked" arrives (PAUSED → CONNECTING → PAUSED, an attempt spent). So
 * every callback only records, marks the facts unsettled and posts one task to the same looper,
 * which runs after the message that carried the burst; that task reports the change. Anyone who
 * decides meanwhile sees {@link #settled} false and keeps what the network last decided.
 */
final class NetworkTracker extends ConnectivityManager.NetworkCallback {
  private final ConnectivityManager connectivity;
  private final Handler mainHandler;
  private final Runnable changed;
  private final Runnable settle = this::settle;

  /** The default network as last reported; null while there is none. */
  @Nullable Network network;
  boolean validated;
  boolean captivePortal;
  boolean metered;
  /** API 29+: the platform's verdict that this app may not use {@link #network}. */
  boolean blocked;
  /** False from a callback until the task it posted has run (the end of the platform's message). */
  boolean settled = true;

  private boolean registered;

  NetworkTracker(ConnectivityManager connectivity, Handler mainHandler, Runnable changed) {
    this.connectivity = connectivity;
    this.mainHandler = mainHandler;
    this.changed = changed;
  }

  /**
   * Seeds the facts from the synchronous queries (the callback's first burst comes a moment later,
   * and a socket connected meanwhile should not dial when there is no network), then registers.
   * For an app the platform blocks, {@code getActiveNetwork()} answers null: it is seeded offline,
   * and the first burst says "blocked" (API 29+) a moment later. Throws what the platform throws (too
   * many requests, a device's spurious SecurityException); {@link PlatformSignals} then ignores these
   * facts ({@link #registered()} is false), so that nothing is paused for a signal the app lacks.
   */
  void start() {
    Network active = connectivity.getActiveNetwork();
    if (active != null) {
      network = active;
      read(connectivity.getNetworkCapabilities(active));
    }
    connectivity.registerDefaultNetworkCallback(this, mainHandler);
    registered = true;
  }

  /** Whether the default-network callback is registered (false after a refused registration). */
  boolean registered() {
    return registered;
  }

  void stop() {
    mainHandler.removeCallbacks(settle);
    if (!registered) return;
    registered = false;
    try {
      connectivity.unregisterNetworkCallback(this);
    } catch (IllegalArgumentException e) {
      // Not registered any more: nothing to undo.
    }
  }

  @Override
  public void onAvailable(Network n) {
    if (n.equals(network)) return;
    network = n;
    validated = captivePortal = metered = blocked = false; // the rest of the burst says
    unsettle();
  }

  @Override
  public void onCapabilitiesChanged(Network n, NetworkCapabilities capabilities) {
    if (!n.equals(network)) onAvailable(n);
    read(capabilities);
    unsettle();
  }

  /** API 29+; on older releases never called. Statuses of another network are ignored. */
  @Override
  public void onBlockedStatusChanged(Network n, boolean isBlocked) {
    if (!n.equals(network)) return;
    blocked = isBlocked;
    unsettle();
  }

  /** For the default-network callback: no default network is left (a switch is onAvailable). */
  @Override
  public void onLost(Network n) {
    if (!n.equals(network)) return;
    network = null;
    validated = captivePortal = metered = blocked = false;
    unsettle();
  }

  /** One report per platform message, however many callbacks it carried. */
  private void unsettle() {
    if (!settled) return;
    settled = false;
    mainHandler.post(settle);
  }

  private void settle() {
    settled = true;
    changed.run();
  }

  private void read(@Nullable NetworkCapabilities c) {
    if (c == null) return;
    validated = c.hasCapability(NetworkCapabilities.NET_CAPABILITY_VALIDATED);
    captivePortal = c.hasCapability(NetworkCapabilities.NET_CAPABILITY_CAPTIVE_PORTAL);
    metered = !c.hasCapability(NetworkCapabilities.NET_CAPABILITY_NOT_METERED);
  }
}
