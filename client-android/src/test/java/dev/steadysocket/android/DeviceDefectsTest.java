package dev.steadysocket.android;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;
import static org.robolectric.Shadows.shadowOf;

import android.Manifest;
import android.app.Activity;
import android.app.ActivityManager;
import android.app.Application;
import android.content.Intent;
import android.net.ConnectivityManager;
import android.net.Network;
import android.os.Looper;
import android.os.PowerManager;
import android.os.Process;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.After;
import org.junit.Before;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.robolectric.Robolectric;
import org.robolectric.RobolectricTestRunner;
import org.robolectric.RuntimeEnvironment;
import org.robolectric.android.controller.ActivityController;
import org.robolectric.annotation.Config;
import org.robolectric.shadows.ShadowNetwork;

/**
 * Issue #19: how real devices broke the adapter, each reproduced in the order and at the API
 * level the platform uses. Every test here failed on the adapter before #19.
 */
@RunWith(RobolectricTestRunner.class)
public class DeviceDefectsTest {
  private static final Duration GRACE = Duration.ofSeconds(10);
  private final Application app = RuntimeEnvironment.getApplication();
  private final RecordingControl socket = new RecordingControl();
  private final PlatformOrder platform = new PlatformOrder(app);
  /** The default network at attach, as the first burst after registering reports it. */
  private final Network wifi = PlatformOrder.activeNetwork();
  private final Network cellular = ShadowNetwork.newInstance(101);
  private SocketAttachment attachment;

  @Before
  public void setUp() {
    shadowOf(app).grantPermissions(Manifest.permission.ACCESS_NETWORK_STATE);
    setImportance(ActivityManager.RunningAppProcessInfo.IMPORTANCE_CACHED, 0);
  }

  @After
  public void tearDown() {
    if (attachment != null) attachment.close();
  }

  /** Item 1 (API 29+): a foreground service keeps network in Doze; the platform says so per app. */
  @Config(sdk = {29, 31, 34, 35})
  @Test
  public void dozeDoesNotPauseAnAppThePlatformLetsThrough() {
    attach(BackgroundPolicy.keepAlive());
    platform.available(wifi, PlatformOrder.caps(true, false), false);
    socket.assertNext("reconnectNow");

    enterDoze(true);
    socket.assertExhausted(); // not blocked: a foreground service or an allow-listed app

    platform.blocked(wifi, true); // the platform's verdict for this app: blocked (in Doze)
    socket.assertNext("pause:doze");
  }

  /** Item 1 on API 26–28: no per-app verdict; a foreground-service process is exempt from Doze. */
  @Config(sdk = 26)
  @Test
  public void dozeDoesNotPauseAForegroundServiceOnApi26() {
    setImportance(125, 0); // IMPORTANCE_FOREGROUND_SERVICE
    attach(BackgroundPolicy.keepAlive());
    enterDoze(true);
    socket.assertExhausted();
  }

  @Config(sdk = 26)
  @Test
  public void dozeDoesNotPauseAnAllowListedAppOnApi26() {
    shadowOf(app.getSystemService(PowerManager.class)).setIgnoringBatteryOptimizations(app.getPackageName(), true);
    attach(BackgroundPolicy.keepAlive());
    enterDoze(true);
    socket.assertExhausted();
  }

  /** Item 3: FOREGROUND borrowed from a client that binds us (a widget's service) is no activity of ours. */
  @Test
  public void importanceBorrowedFromABindingClientIsBackground() {
    setImportance(ActivityManager.RunningAppProcessInfo.IMPORTANCE_FOREGROUND,
        ActivityManager.RunningAppProcessInfo.REASON_SERVICE_IN_USE);
    attach(BackgroundPolicy.disconnectInBackground(GRACE));
    shadowOf(Looper.getMainLooper()).idleFor(GRACE);
    socket.assertNext("pause:background");
  }

  /** Item 3: the same for a content provider the top app is using. */
  @Test
  public void importanceBorrowedFromAProviderInUseIsBackground() {
    setImportance(ActivityManager.RunningAppProcessInfo.IMPORTANCE_VISIBLE,
        ActivityManager.RunningAppProcessInfo.REASON_PROVIDER_IN_USE);
    attach(BackgroundPolicy.disconnectInBackground(GRACE));
    shadowOf(Looper.getMainLooper()).idleFor(GRACE);
    socket.assertNext("pause:background");
  }

  /** Item 3: a trampoline finished in onCreate leaves a seeded foreground with no activity. */
  @Test
  public void aTrampolineThatFinishedInOnCreateDoesNotLeaveTheAppForegroundForever() {
    setImportance(ActivityManager.RunningAppProcessInfo.IMPORTANCE_FOREGROUND, 0);
    attach(BackgroundPolicy.disconnectInBackground(GRACE));
    ActivityController<Activity> trampoline = Robolectric.buildActivity(Activity.class).create();
    trampoline.get().finish();
    trampoline.destroy();
    setImportance(ActivityManager.RunningAppProcessInfo.IMPORTANCE_CACHED, 0);
    shadowOf(Looper.getMainLooper()).idleFor(Duration.ofMinutes(1));
    socket.assertNext("pause:background");
  }

  /** Item 6: an unvalidated default network after a loss is treated as at attach time: usable. */
  @Test
  public void anUnvalidatedNetworkAfterALossIsNotHeldOffline() {
    attach(BackgroundPolicy.keepAlive());
    platform.available(wifi, PlatformOrder.caps(true, false), false);
    socket.assertNext("reconnectNow");
    platform.lost(wifi);
    socket.assertNext("pause:offline");

    platform.available(cellular, PlatformOrder.caps(false, true), false); // e.g. a car head unit
    socket.assertNext("resume:offline");
  }

  /** Item 8 (API 26–28): Data Saver on a metered network blocks a background app. */
  @Config(sdk = 26)
  @Test
  public void dataSaverOnAMeteredNetworkPausesOnApi26() {
    attach(BackgroundPolicy.keepAlive());
    platform.available(wifi, PlatformOrder.caps(true, true), false); // a metered hotspot
    socket.assertNext("reconnectNow");
    shadowOf(app.getSystemService(ConnectivityManager.class))
        .setRestrictBackgroundStatus(ConnectivityManager.RESTRICT_BACKGROUND_STATUS_ENABLED);
    app.sendBroadcast(new Intent(ConnectivityManager.ACTION_RESTRICT_BACKGROUND_CHANGED));
    PlatformOrder.idle();
    socket.assertNext("pause:blocked");
  }

  @Config(sdk = 26)
  @Test
  public void batterySaverPausesABackgroundAppOnApi26() {
    attach(BackgroundPolicy.keepAlive());
    shadowOf(app.getSystemService(PowerManager.class)).setIsPowerSaveMode(true);
    app.sendBroadcast(new Intent(PowerManager.ACTION_POWER_SAVE_MODE_CHANGED));
    PlatformOrder.idle();
    socket.assertNext("pause:blocked");
  }

  /**
   * Item 9: a blocked network arrives as onAvailable, validated capabilities, link properties and
   * only then onBlockedStatusChanged(true): nothing may be released (and no dial started) before
   * "blocked" is taken.
   */
  @Config(sdk = {29, 31, 34, 35})
  @Test
  public void aBlockedNetworkNeverReleasesOfflineBeforeBlockedIsHeld() {
    attach(BackgroundPolicy.keepAlive());
    platform.available(wifi, PlatformOrder.caps(true, false), false);
    socket.assertNext("reconnectNow");
    platform.lost(wifi);
    socket.assertNext("pause:offline");

    platform.available(cellular, PlatformOrder.caps(true, true), true);
    socket.assertNext("pause:blocked", "resume:offline");
  }

  /** Item 13: DI containers build singletons on worker threads. */
  @Test
  public void attachAndCloseWorkOffTheMainThread() throws Exception {
    SocketAttachment off =
        CompletableFuture.supplyAsync(() -> SocketAttachment.attach(app, socket, AttachOptions.defaults(), null))
            .get(10, TimeUnit.SECONDS);
    assertNotNull(off);
    PlatformOrder.idle();
    assertEquals(1, platform.callbacks().size());
    CompletableFuture.runAsync(off::close).get(10, TimeUnit.SECONDS);
    PlatformOrder.idle();
    assertEquals(List.of(), platform.callbacks());
  }

  /** Item 7: a refused registration (a device's SecurityException, the 100-request cap) must not crash attach. */
  @Config(shadows = SteeringTest.RefusingConnectivityManager.class)
  @Test
  public void aRefusedNetworkCallbackDegradesInsteadOfCrashingAttach() {
    attach(BackgroundPolicy.keepAlive());
    socket.assertExhausted(); // nothing paused for a signal the app does not have
  }

  /** Item 7: each attached socket spent a network request of the app's 100. */
  @Test
  public void attachedSocketsShareOneNetworkCallback() {
    attach(BackgroundPolicy.keepAlive());
    SocketAttachment second = SocketAttachment.attach(app, new RecordingControl(), AttachOptions.defaults(), null);
    SocketAttachment third = SocketAttachment.attach(app, new RecordingControl(), AttachOptions.defaults(), null);
    assertEquals(1, platform.callbacks().size());
    second.close();
    third.close();
  }

  private void attach(BackgroundPolicy policy) {
    attachment = SocketAttachment.attach(app, socket, AttachOptions.defaults().withBackground(policy), null);
  }

  private void enterDoze(boolean idle) {
    shadowOf(app.getSystemService(PowerManager.class)).setIsDeviceIdleMode(idle);
    app.sendBroadcast(new Intent(PowerManager.ACTION_DEVICE_IDLE_MODE_CHANGED));
    PlatformOrder.idle();
  }

  /** What ActivityManager.getMyMemoryState reports for this process from now on. */
  static void setImportance(int importance, int reasonCode) {
    ActivityManager.RunningAppProcessInfo info = new ActivityManager.RunningAppProcessInfo();
    info.pid = Process.myPid();
    info.importance = importance;
    info.importanceReasonCode = reasonCode;
    shadowOf(RuntimeEnvironment.getApplication().getSystemService(ActivityManager.class))
        .setProcesses(List.of(info));
  }
}
