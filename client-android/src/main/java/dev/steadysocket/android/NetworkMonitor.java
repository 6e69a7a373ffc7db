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
 * <p>All fields are touched only on the main thread: {@link #start} and {@link #stop} are called
 * there and the callback is registered with a main-looper handler.
 */
final class NetworkMonitor extends ConnectivityManager.NetworkCallback {
  static final String REASON = "offline";

  private final ConnectivityManager connectivity;
  private final SocketControl socket;
  private final Handler mainHandler;

  /** The default network as last reported; null while there is none. */
  private @Nullable Network current;
  /** Whether {@link #current} has been reported validated (reaches the internet). */
  private boolean validated;
  /** Whether this monitor holds the "offline" pause reason. */
  private boolean holdingPause;
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

  private void hold() {
    if (holdingPause) return;
    holdingPause = true;
    socket.pause(REASON);
  }
}
