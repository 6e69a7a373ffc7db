package dev.steadysocket.android;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.robolectric.Shadows.shadowOf;

import android.Manifest;
import android.app.Application;
import android.content.Intent;
import android.net.ConnectivityManager;
import android.net.Network;
import android.net.NetworkCapabilities;
import android.os.Looper;
import android.os.PowerManager;
import java.lang.reflect.Method;
import java.util.EnumSet;
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

/**
 * The default network, its validation, metering and the platform's blocked verdict, fed in the
 * platform's order ({@link PlatformOrder}) on every API level of robolectric.properties.
 */
@RunWith(RobolectricTestRunner.class)
public class NetworkSignalsTest {
  private final Application app = RuntimeEnvironment.getApplication();
  private final RecordingControl socket = new RecordingControl();
  private final PlatformOrder platform = new PlatformOrder(app);
  /** The default network at attach, as the first burst after registering reports it. */
  private final Network wifi = PlatformOrder.activeNetwork();
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
    attach(AttachOptions.defaults());
    platform.available(wifi, PlatformOrder.caps(true, false), false);
    socket.assertNext("reconnectNow"); // no-op on an open or connecting socket
    socket.assertExhausted();
  }

  @Test
  public void lostNetworkPausesAndTheNextNetworkResumesAtOnce() {
    attach(AttachOptions.defaults());
    platform.available(wifi, PlatformOrder.caps(true, false), false);
    socket.assertNext("reconnectNow");

    platform.lost(wifi);
    socket.assertNext("pause:offline");
    assertEquals(EnumSet.of(PauseReason.OFFLINE), attachment.pauseReasons());
    platform.lost(wifi); // repeated: the reason is held once
    socket.assertExhausted();

    platform.available(cellular, PlatformOrder.caps(true, true), false);
    socket.assertNext("resume:offline");
    socket.assertExhausted();
    assertEquals(Set.of(), attachment.pauseReasons());
  }

  @Test
  public void noNetworkAtAttachPausesImmediately() {
    connectivity.setDefaultNetworkActive(false);
    connectivity.setActiveNetworkInfo(null);
    attach(AttachOptions.defaults());
    socket.assertNext("pause:offline");
    socket.assertExhausted();

    platform.available(wifi, PlatformOrder.caps(true, false), false);
    socket.assertNext("resume:offline");
    socket.assertExhausted();
  }

  @Test
  public void switchOfDefaultNetworkReplacesTheConnectionOnce() {
    attach(AttachOptions.defaults());
    platform.available(wifi, PlatformOrder.caps(true, false), false);
    socket.assertNext("reconnectNow");

    platform.available(cellular, PlatformOrder.caps(true, true), false); // no onLost for a switch
    socket.assertNext("replaceConnection");
    socket.assertExhausted();

    platform.capabilities(cellular, PlatformOrder.caps(true, true)); // same network, same state
    socket.assertExhausted();
  }

  /** #16 part 2: capabilities of another network, its onAvailable missed, still mean a switch. */
  @Test
  public void capabilitiesOfAnotherNetworkAreASwitchEvenWithoutItsOnAvailable() {
    attach(AttachOptions.defaults());
    platform.available(wifi, PlatformOrder.caps(true, false), false);
    socket.assertNext("reconnectNow");

    platform.capabilities(cellular, PlatformOrder.caps(true, true));
    socket.assertNext("replaceConnection");
    platform.lost(cellular); // cellular is the default network now
    socket.assertNext("pause:offline");
    socket.assertExhausted();
  }

  @Test
  public void lossOfANetworkThatIsNoLongerDefaultIsIgnored() {
    attach(AttachOptions.defaults());
    platform.available(wifi, PlatformOrder.caps(true, false), false);
    platform.available(cellular, PlatformOrder.caps(true, true), false);
    socket.assertNext("reconnectNow", "replaceConnection");

    platform.lost(wifi);
    socket.assertExhausted();
  }

  @Test
  public void closeUnregistersTheCallbackAndReleasesThePause() {
    attach(AttachOptions.defaults());
    assertEquals(1, connectivity.getNetworkCallbacks().size());
    ConnectivityManager.NetworkCallback registered = platform.callbacks().get(0);
    registered.onLost(cellular); // not the default network: ignored
    platform.available(wifi, PlatformOrder.caps(true, false), false);
    platform.lost(wifi);
    socket.assertNext("reconnectNow", "pause:offline");

    attachment.close();
    attachment.close(); // idempotent
    assertTrue(connectivity.getNetworkCallbacks().isEmpty());
    socket.assertNext("resume:offline");
    assertEquals(Set.of(), attachment.pauseReasons());
    attachment = null;
    registered.onAvailable(wifi); // late delivery: ignored
    registered.onCapabilitiesChanged(wifi, PlatformOrder.caps(true, false));
    PlatformOrder.idle();
    socket.assertExhausted();
  }

  /** Item 6: by default an unvalidated network is usable; the option waits for validation. */
  @Test
  public void validatedNetworksOnlyHoldsOfflineUntilValidation() {
    attach(AttachOptions.defaults().withValidatedNetworksOnly());
    platform.available(wifi, PlatformOrder.caps(false, false), false);
    socket.assertNext("pause:offline");
    platform.capabilities(wifi, PlatformOrder.caps(true, false));
    socket.assertNext("resume:offline");
    socket.assertExhausted();
  }

  @Test
  public void aCaptivePortalIsOffline() {
    attach(AttachOptions.defaults());
    NetworkCapabilities portal = PlatformOrder.caps(false, false);
    shadowOf(portal).addCapability(NetworkCapabilities.NET_CAPABILITY_CAPTIVE_PORTAL);
    platform.available(wifi, portal, false);
    socket.assertNext("pause:offline");
    platform.capabilities(wifi, PlatformOrder.caps(true, false)); // signed in
    socket.assertNext("resume:offline");
  }

  @Test
  public void pauseOnMeteredNetworksFollowsTheDefaultNetwork() {
    connectivity.setNetworkCapabilities(wifi, PlatformOrder.caps(true, false)); // seen at attach
    attach(AttachOptions.defaults().withPauseOnMeteredNetworks());
    platform.available(wifi, PlatformOrder.caps(true, false), false);
    socket.assertExhausted(); // as seen at attach: nothing changed
    platform.available(cellular, PlatformOrder.caps(true, true), false);
    socket.assertNext("pause:metered"); // no replacement asked of a socket paused now
    assertEquals(EnumSet.of(PauseReason.METERED), attachment.pauseReasons());
    platform.available(wifi, PlatformOrder.caps(true, false), false);
    socket.assertNext("resume:metered"); // connects afresh, on Wi-Fi
    socket.assertExhausted();
  }

  /** Data Saver, background restriction, battery saver: the platform's verdict (API 29+). */
  @Test
  @Config(sdk = {29, 31, 34, 35})
  public void blockedNetworkPausesUntilUnblocked() {
    attach(AttachOptions.defaults());
    platform.available(wifi, PlatformOrder.caps(true, false), false);
    socket.assertNext("reconnectNow");

    platform.blocked(wifi, true);
    socket.assertNext("pause:blocked");
    platform.blocked(wifi, true); // repeated: the reason is held once
    socket.assertExhausted();

    platform.blocked(wifi, false);
    socket.assertNext("resume:blocked");
    socket.assertExhausted();
  }

  /** Item 9, the other way round: an unblocked network's burst releases what was held, once. */
  @Test
  @Config(sdk = {29, 31, 34, 35})
  public void aNetworkArrivingUnblockedReleasesBlockedAndOfflineTogether() {
    attach(AttachOptions.defaults());
    platform.available(wifi, PlatformOrder.caps(true, false), true);
    socket.assertNext("pause:blocked");
    platform.lost(wifi);
    socket.assertNext("pause:offline", "resume:blocked"); // no network: offline, not blocked
    platform.available(cellular, PlatformOrder.caps(true, true), false);
    socket.assertNext("resume:offline");
    socket.assertExhausted();
  }

  @Test
  @Config(sdk = {29, 31, 34, 35})
  public void blockedStatusOfANetworkThatIsNotTheDefaultIsIgnored() {
    attach(AttachOptions.defaults());
    platform.available(wifi, PlatformOrder.caps(true, false), false);
    platform.available(cellular, PlatformOrder.caps(true, true), false);
    socket.assertNext("reconnectNow", "replaceConnection");
    platform.blocked(wifi, true);
    socket.assertExhausted();
  }

  /** Item 1: blocked while the device is idle reads as DOZE, and is relabelled as Doze ends. */
  @Test
  @Config(sdk = {29, 31, 34, 35})
  public void aBlockedVerdictInDozeIsDozeAndBecomesBlockedWhenDozeEndsFirst() {
    attach(AttachOptions.defaults());
    platform.available(wifi, PlatformOrder.caps(true, true), false);
    socket.assertNext("reconnectNow");
    setIdle(true);
    socket.assertExhausted(); // Doze alone is not a verdict: this app may be exempt

    platform.blocked(wifi, true);
    socket.assertNext("pause:doze");
    setIdle(false); // still blocked (Data Saver, say): the label changes, the socket stays paused
    socket.assertNext("pause:blocked", "resume:doze");
    platform.blocked(wifi, false);
    socket.assertNext("resume:blocked");
    socket.assertExhausted();
  }

  /** Item 1 on API 26–28: inferred, and an app that knows better can turn the inference off. */
  @Test
  @Config(sdk = 26)
  public void onApi26DozePausesABackgroundAppUnlessPowerRestrictionsAreIgnored() {
    DeviceDefectsTest.setImportance(400, 0); // IMPORTANCE_CACHED
    attach(AttachOptions.defaults());
    setIdle(true);
    socket.assertNext("pause:doze");
    setIdle(false);
    socket.assertNext("resume:doze");
    attachment.close();
    socket.clear();

    attach(AttachOptions.defaults().withPowerRestrictionsIgnored());
    setIdle(true);
    socket.assertExhausted();
  }

  /**
   * API 26 (minSdk) has no onBlockedStatusChanged: the override is a plain method there, never
   * called, and the tracker loads and works as on newer releases.
   */
  @Test
  @Config(sdk = 26)
  public void onApi26TheCallbackLoadsAndWorksWithoutBlockedStatus() {
    assertFalse(hasMethod(ConnectivityManager.NetworkCallback.class, "onBlockedStatusChanged"));
    attach(AttachOptions.defaults());
    platform.available(wifi, PlatformOrder.caps(true, false), false);
    platform.lost(wifi);
    platform.available(cellular, PlatformOrder.caps(true, true), false);
    socket.assertNext("reconnectNow", "pause:offline", "resume:offline");
    socket.assertExhausted();
  }

  private static boolean hasMethod(Class<?> type, String name) {
    for (Method m : type.getDeclaredMethods()) {
      if (m.getName().equals(name)) return true;
    }
    return false;
  }

  /** A new default network reported by onAvailable alone (its capabilities not yet known) is a switch. */
  @Test
  public void aNewDefaultNetworkAnnouncedByOnAvailableAloneIsASwitch() {
    attach(AttachOptions.defaults());
    platform.available(wifi, PlatformOrder.caps(true, false), false);
    socket.assertNext("reconnectNow");
    for (ConnectivityManager.NetworkCallback cb : platform.callbacks()) cb.onAvailable(cellular);
    PlatformOrder.idle();
    socket.assertNext("replaceConnection");
    socket.assertExhausted();
  }

  /**
   * A blocked app sees no active network (AOSP: getActiveNetwork() answers null for a blocked
   * UID): it is seeded offline, and its first burst turns that into "blocked" without a gap.
   */
  @Config(sdk = {29, 31, 34, 35})
  @Test
  public void anAppBlockedAtAttachIsOfflineUntilItsFirstBurstSaysBlocked() {
    connectivity.setDefaultNetworkActive(false);
    connectivity.setActiveNetworkInfo(null);
    attach(AttachOptions.defaults());
    socket.assertNext("pause:offline");
    platform.available(wifi, PlatformOrder.caps(true, false), true);
    socket.assertNext("pause:blocked", "resume:offline");
    socket.assertExhausted();
  }

  private void attach(AttachOptions options) {
    attachment = SocketAttachment.attach(app, socket, options, null);
    shadowOf(Looper.getMainLooper()).idle();
  }

  private void setIdle(boolean idle) {
    shadowOf(app.getSystemService(PowerManager.class)).setIsDeviceIdleMode(idle);
    app.sendBroadcast(new Intent(PowerManager.ACTION_DEVICE_IDLE_MODE_CHANGED));
    PlatformOrder.idle();
  }

}
