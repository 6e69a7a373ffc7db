package dev.steadysocket.android;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.robolectric.Shadows.shadowOf;

import android.Manifest;
import android.app.Application;
import android.net.ConnectivityManager;
import android.net.Network;
import android.net.NetworkCapabilities;
import android.os.Looper;
import java.lang.reflect.Method;
import java.util.Set;
import org.junit.After;
import org.junit.Before;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.robolectric.RobolectricTestRunner;
import org.robolectric.RuntimeEnvironment;
import org.robolectric.annotation.Config;
import org.robolectric.shadows.ShadowConnectivityManager;
import org.robolectric.shadows.ShadowNetwork;
import org.robolectric.shadows.ShadowNetworkCapabilities;

@RunWith(RobolectricTestRunner.class)
public class NetworkMonitorTest {
  private final Application app = RuntimeEnvironment.getApplication();
  private final RecordingControl socket = new RecordingControl();
  private final Network wifi = ShadowNetwork.newInstance(100);
  private final Network cellular = ShadowNetwork.newInstance(101);
  private ShadowConnectivityManager connectivity;
  private SocketAttachment attachment;

  @Before
  public void setUp() {
    shadowOf(app).grantPermissions(Manifest.permission.ACCESS_NETWORK_STATE);
    connectivity = shadowOf(app.getSystemService(ConnectivityManager.class));
  }

  @After
  public void tearDown() {
    if (attachment != null) attachment.close();
  }

  @Test
  public void validatedDefaultNetworkAtStartIsNotASwitch() {
    attach();
    deliverAvailable(wifi, true);
    socket.assertNext("reconnectNow"); // no-op on an open or connecting socket
    socket.assertExhausted();
  }

  @Test
  public void lostNetworkPausesAndValidatedNetworkResumesAtOnce() {
    attach();
    deliverAvailable(wifi, true);
    socket.assertNext("reconnectNow");

    callback().onLost(wifi);
    socket.assertNext("pause:offline");
    callback().onLost(wifi); // repeated: the reason is held once
    socket.assertExhausted();

    callback().onAvailable(cellular);
    socket.assertExhausted(); // not validated yet: stay paused, spend no attempt

    callback().onCapabilitiesChanged(cellular, capabilities(true));
    socket.assertNext("resume:offline", "reconnectNow");
    socket.assertExhausted();
  }

  @Test
  public void noNetworkAtAttachPausesImmediately() {
    connectivity.setDefaultNetworkActive(false);
    connectivity.setActiveNetworkInfo(null);
    attach();
    socket.assertNext("pause:offline");
    socket.assertExhausted();

    deliverAvailable(wifi, true);
    socket.assertNext("resume:offline", "reconnectNow");
    socket.assertExhausted();
  }

  @Test
  public void switchOfDefaultNetworkReplacesTheConnection() {
    attach();
    deliverAvailable(wifi, true);
    socket.assertNext("reconnectNow");

    deliverAvailable(cellular, true); // Wi-Fi -> cellular: no onLost for the default callback
    socket.assertNext("replaceConnection", "reconnectNow");
    socket.assertExhausted();

    callback().onCapabilitiesChanged(cellular, capabilities(true)); // same network, same state
    callback().onAvailable(cellular);
    socket.assertExhausted();
  }

  /** #16 part 2: capabilities of another network, its onAvailable missed, still mean a switch. */
  @Test
  public void capabilitiesOfAnotherNetworkAreASwitchEvenWithoutItsOnAvailable() {
    attach();
    deliverAvailable(wifi, true);
    socket.assertNext("reconnectNow");

    callback().onCapabilitiesChanged(cellular, capabilities(true));
    socket.assertNext("replaceConnection", "reconnectNow");
    callback().onLost(cellular); // cellular is the default network now
    socket.assertNext("pause:offline");
    socket.assertExhausted();
  }

  @Test
  public void lossOfANetworkThatIsNoLongerDefaultIsIgnored() {
    attach();
    deliverAvailable(wifi, true);
    deliverAvailable(cellular, true);
    socket.assertNext("reconnectNow", "replaceConnection", "reconnectNow");

    callback().onLost(wifi);
    socket.assertExhausted();
  }

  @Test
  public void closeUnregistersTheCallbackAndReleasesThePause() {
    attach();
    assertEquals(1, connectivity.getNetworkCallbacks().size());
    ConnectivityManager.NetworkCallback registered = callback();
    registered.onLost(wifi); // unknown network: ignored
    deliverAvailable(wifi, true);
    registered.onLost(wifi);
    socket.assertNext("reconnectNow", "pause:offline");

    attachment.close();
    attachment.close(); // idempotent
    attachment = null;

    assertTrue(connectivity.getNetworkCallbacks().isEmpty());
    socket.assertNext("resume:offline");
    registered.onCapabilitiesChanged(wifi, capabilities(true)); // late delivery: ignored
    socket.assertExhausted();
  }

  /** Issue #12: Data Saver or background restrictions block the default network (API 29+). */
  @Test
  @Config(sdk = 29)
  public void blockedNetworkPausesUntilUnblockedOnApi29() {
    blockedPausesUntilUnblocked();
  }

  @Test // the default SDK (robolectric.properties)
  public void blockedNetworkPausesUntilUnblocked() {
    blockedPausesUntilUnblocked();
  }

  private void blockedPausesUntilUnblocked() {
    attach();
    deliverAvailable(wifi, true);
    socket.assertNext("reconnectNow");

    callback().onBlockedStatusChanged(wifi, true);
    socket.assertNext("pause:blocked");
    callback().onBlockedStatusChanged(wifi, true); // repeated: the reason is held once
    socket.assertExhausted();

    callback().onBlockedStatusChanged(wifi, false);
    socket.assertNext("resume:blocked");
    socket.assertExhausted();
  }

  /** "blocked" and "offline" are separate reasons: losing the network does not unblock it. */
  @Test
  public void blockedAndOfflineAreIndependentReasons() {
    attach();
    deliverAvailable(wifi, true);
    callback().onBlockedStatusChanged(wifi, true);
    callback().onLost(wifi);
    socket.assertNext("reconnectNow", "pause:blocked", "pause:offline");

    // The next default network arrives with its own blocked status (the platform sends it
    // right after onAvailable): still blocked, so only "offline" is released.
    callback().onAvailable(cellular);
    callback().onBlockedStatusChanged(cellular, true);
    callback().onCapabilitiesChanged(cellular, capabilities(true));
    socket.assertNext("resume:offline", "reconnectNow");
    socket.assertExhausted();

    callback().onBlockedStatusChanged(cellular, false);
    socket.assertNext("resume:blocked");
    socket.assertExhausted();
  }

  @Test
  public void blockedStatusOfANetworkThatIsNotTheDefaultIsIgnored() {
    attach();
    deliverAvailable(wifi, true);
    deliverAvailable(cellular, true);
    socket.assertNext("reconnectNow", "replaceConnection", "reconnectNow");

    callback().onBlockedStatusChanged(wifi, true);
    socket.assertExhausted();
  }

  @Test
  public void closeReleasesTheBlockedReason() {
    attach();
    deliverAvailable(wifi, true);
    callback().onBlockedStatusChanged(wifi, true);
    socket.assertNext("reconnectNow", "pause:blocked");

    ConnectivityManager.NetworkCallback registered = callback();
    attachment.close();
    attachment = null;
    socket.assertNext("resume:blocked");
    registered.onBlockedStatusChanged(wifi, false); // late delivery: ignored
    registered.onBlockedStatusChanged(wifi, true);
    socket.assertExhausted();
  }

  /**
   * API 26 (minSdk) has no onBlockedStatusChanged: the override is a plain method there, never
   * called, and the monitor loads and works as on newer releases.
   */
  @Test
  @Config(sdk = 26)
  public void onApi26TheCallbackLoadsAndWorksWithoutBlockedStatus() {
    assertFalse(
        hasMethod(ConnectivityManager.NetworkCallback.class, "onBlockedStatusChanged"));
    attach();
    deliverAvailable(wifi, true);
    callback().onLost(wifi);
    deliverAvailable(cellular, true);
    socket.assertNext("reconnectNow", "pause:offline", "resume:offline", "reconnectNow");
    socket.assertExhausted();
  }

  private static boolean hasMethod(Class<?> type, String name) {
    for (Method m : type.getDeclaredMethods()) {
      if (m.getName().equals(name)) return true;
    }
    return false;
  }

  private void attach() {
    attachment = SocketAttachment.attach(app, socket, BackgroundPolicy.keepAlive());
    shadowOf(Looper.getMainLooper()).idle();
  }

  private ConnectivityManager.NetworkCallback callback() {
    Set<ConnectivityManager.NetworkCallback> callbacks = connectivity.getNetworkCallbacks();
    assertEquals(1, callbacks.size());
    return callbacks.iterator().next();
  }

  /** What ConnectivityService sends when a network becomes the default. */
  private void deliverAvailable(Network network, boolean validated) {
    callback().onAvailable(network);
    callback().onCapabilitiesChanged(network, capabilities(validated));
  }

  static NetworkCapabilities capabilities(boolean validated) {
    NetworkCapabilities caps = ShadowNetworkCapabilities.newInstance();
    shadowOf(caps).addCapability(NetworkCapabilities.NET_CAPABILITY_INTERNET);
    if (validated) shadowOf(caps).addCapability(NetworkCapabilities.NET_CAPABILITY_VALIDATED);
    return caps;
  }
}
