package dev.steadysocket.android;

import android.net.ConnectivityManager;
import android.net.Network;
import android.net.NetworkCapabilities;
import android.os.Handler;
import org.jspecify.annotations.Nullable;

/**
 * Follows the default network and feeds the socket: no network → {@code pause("offline")}, so no
 * attempt is spent (or counted) while offline; a validated network → {@code resume("offline")}
 * and {@code reconnectNow()}; a different default network (Wi-Fi → cellular) → {@code
 * replaceConnection()}, because the old connection is routed over a network that is going away.
 *
 * <p>From API 29 the platform also reports whether the app may use the default network ({@link
 * #onBlockedStatusChanged}): Data Saver, background restrictions or battery saver can block it
 * while it stays up. Blocked → {@code pause("blocked")}, unblocked → {@code resume("blocked")}.
 * A reason of its own: a blocked network must not be mistaken for none ("offline"), nor released
 * when the network changes. On API 26–28 the method is never called.
 *
 * <p>All fields are touched only on the main thread: {@link #start} and {@link #stop} are called
 * there and the callback is registered with a main-looper handler.
 */
final class NetworkMonitor extends ConnectivityManager.NetworkCallback {
  static final String REASON = "offline";
  static final String BLOCKED = "blocked";

  private final ConnectivityManager connectivity;
  private final SocketControl socket;
  private final Handler mainHandler;

  /** The default network as last reported; null while there is none. */
  private @Nullable Network current;
  /** Whether {@link #current} has been reported validated (reaches the internet). */
  private boolean validated;
  /** Whether this monitor holds the "offline" pause reason. */
  private boolean holdingPause;
  /**
   * Whether this monitor holds the "blocked" pause reason. Kept across a change of default
   * network: the platform reports the new network's status right after its onAvailable.
   */
  private boolean holdingBlocked;
  private boolean registered;
  private boolean stopped;

  NetworkMonitor(ConnectivityManager connectivity, SocketControl socket, Handler mainHandler) {
    this.connectivity = connectivity;
    this.socket = socket;
    this.mainHandler = mainHandler;
  }

  void start() {
    // A default network, if any, is announced asynchronously by the callback; only "none at all"
    // must be acted on now, or the socket would spend attempts until the first callback.
    if (connectivity.getActiveNetwork() == null) hold();
    connectivity.registerDefaultNetworkCallback(this, mainHandler);
    registered = true;
  }

  /** Unregisters the callback and releases the pause reason if held. Idempotent. */
  void stop() {
    if (stopped) return;
    stopped = true;
    if (registered) connectivity.unregisterNetworkCallback(this);
    if (holdingPause) {
      holdingPause = false;
      socket.resume(REASON);
    }
    if (holdingBlocked) {
      holdingBlocked = false;
      socket.resume(BLOCKED);
    }
  }

  @Override
  public void onAvailable(Network network) {
    if (stopped || network.equals(current)) return;
    boolean switched = current != null;
    current = network;
    validated = false; // onCapabilitiesChanged follows with the new network's state
    if (switched) socket.replaceConnection();
  }

  @Override
  public void onCapabilitiesChanged(Network network, NetworkCapabilities capabilities) {
    if (stopped) return;
    if (!network.equals(current)) onAvailable(network);
    boolean nowValidated =
        capabilities.hasCapability(NetworkCapabilities.NET_CAPABILITY_VALIDATED);
    if (nowValidated && !validated) {
      if (holdingPause) {
        holdingPause = false;
        socket.resume(REASON); // connects at once unless another reason is still held
      }
      socket.reconnectNow(); // a backoff wait started while offline is pointless now
    }
    validated = nowValidated;
  }

  @Override
  public void onLost(Network network) {
    // For the default-network callback this means no default network is left: a switch to
    // another network arrives as onAvailable(other) instead.
    if (stopped || !network.equals(current)) return;
    current = null;
    validated = false;
    hold();
  }

  /**
   * API 29+: whether the app may use {@code network} (Data Saver, background restrictions, battery
   * saver). Not part of API 26: on older releases this override is never called. Statuses of a
   * network that is not (or no longer) the default are ignored.
   */
  @Override
  public void onBlockedStatusChanged(Network network, boolean blocked) {
    if (stopped || !network.equals(current)) return;
    if (blocked && !holdingBlocked) {
      holdingBlocked = true;
      socket.pause(BLOCKED);
    } else if (!blocked && holdingBlocked) {
      holdingBlocked = false;
      socket.resume(BLOCKED); // connects at once unless another reason is still held
    }
  }

  private void hold() {
    if (holdingPause) return;
    holdingPause = true;
    socket.pause(REASON);
  }
}
