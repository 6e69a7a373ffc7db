package dev.steadysocket.android;

import static org.robolectric.Shadows.shadowOf;

import android.app.Application;
import android.net.ConnectivityManager;
import android.net.LinkProperties;
import android.net.Network;
import android.net.NetworkCapabilities;
import android.os.Build;
import android.os.Looper;
import java.util.ArrayList;
import java.util.List;
import org.robolectric.RuntimeEnvironment;
import org.robolectric.shadows.ShadowNetworkCapabilities;

/**
 * Feeds the default-network callbacks the way the platform does (AOSP ConnectivityManager's
 * CallbackHandler, CALLBACK_AVAILABLE): for a new default network, in one message of the
 * callback's handler, onAvailable, onCapabilitiesChanged, onLinkPropertiesChanged and, from API
 * 29, onBlockedStatusChanged; then the looper runs what that message posted. Robolectric's own
 * shadow calls nothing; tests that call one callback at a time do not see what the order does.
 */
final class PlatformOrder {
  private final Application app;

  PlatformOrder(Application app) {
    this.app = app;
  }

  /**
   * The network Robolectric reports as the active one: the platform's first burst after a
   * registration is for the default network the app could already see.
   */
  static Network activeNetwork() {
    Network active = RuntimeEnvironment.getApplication().getSystemService(ConnectivityManager.class).getActiveNetwork();
    if (active == null) throw new AssertionError("Robolectric reports no active network");
    return active;
  }

  /** The callbacks registered with ConnectivityManager now (every one gets each burst). */
  List<ConnectivityManager.NetworkCallback> callbacks() {
    return new ArrayList<>(shadowOf(app.getSystemService(ConnectivityManager.class)).getNetworkCallbacks());
  }

  /** A new default network, delivered as one burst, then the main looper idles. */
  void available(Network network, NetworkCapabilities caps, boolean blocked) {
    for (ConnectivityManager.NetworkCallback cb : callbacks()) {
      cb.onAvailable(network);
      cb.onCapabilitiesChanged(network, caps);
      cb.onLinkPropertiesChanged(network, new LinkProperties());
      if (Build.VERSION.SDK_INT >= 29) cb.onBlockedStatusChanged(network, blocked);
    }
    idle();
  }

  void capabilities(Network network, NetworkCapabilities caps) {
    for (ConnectivityManager.NetworkCallback cb : callbacks()) cb.onCapabilitiesChanged(network, caps);
    idle();
  }

  void blocked(Network network, boolean blocked) {
    for (ConnectivityManager.NetworkCallback cb : callbacks()) cb.onBlockedStatusChanged(network, blocked);
    idle();
  }

  void lost(Network network) {
    for (ConnectivityManager.NetworkCallback cb : callbacks()) cb.onLost(network);
    idle();
  }

  static void idle() {
    shadowOf(Looper.getMainLooper()).idle();
  }

  /** Internet, validated or not, metered or not. */
  static NetworkCapabilities caps(boolean validated, boolean metered) {
    NetworkCapabilities caps = ShadowNetworkCapabilities.newInstance();
    shadowOf(caps).addCapability(NetworkCapabilities.NET_CAPABILITY_INTERNET);
    if (validated) shadowOf(caps).addCapability(NetworkCapabilities.NET_CAPABILITY_VALIDATED);
    if (!metered) shadowOf(caps).addCapability(NetworkCapabilities.NET_CAPABILITY_NOT_METERED);
    return caps;
  }
}
