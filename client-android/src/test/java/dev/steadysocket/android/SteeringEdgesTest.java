package dev.steadysocket.android;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertSame;
import static org.robolectric.Shadows.shadowOf;

import android.app.Activity;
import android.app.ActivityManager;
import android.app.AlarmManager;
import android.content.Context;
import android.content.Intent;
import android.net.Network;
import android.os.Build;
import android.os.Bundle;
import android.os.Handler;
import android.os.PowerManager;
import android.os.SystemClock;
import dev.steadysocket.Heartbeat;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.After;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.robolectric.Robolectric;
import org.robolectric.RobolectricTestRunner;
import org.robolectric.android.controller.ActivityController;
import org.robolectric.annotation.Config;
import org.robolectric.annotation.Implementation;
import org.robolectric.annotation.Implements;
import org.robolectric.shadows.ShadowAlarmManager;
import org.robolectric.shadows.ShadowApplication;
import org.robolectric.util.ReflectionHelpers;

/**
 * The edges of {@link Steering} and its platform signals: what is decided at attach, on unlock, on
 * a wake-up from deep sleep, when the grace's alarm is refused, at the API levels where the rules
 * change (28: background restriction; 29: the platform's verdict; 33: the receiver's export flag),
 * and that nothing is left on the main looper once a timer is moot. An API level without a jar of
 * its own is simulated on a newer one by setting {@code Build.VERSION.SDK_INT}, which is all the
 * adapter reads.
 */
@RunWith(RobolectricTestRunner.class)
public class SteeringEdgesTest extends AttachmentFixture {
  private static final Heartbeat SLOW = Heartbeat.every(Duration.ofMinutes(4));

  private final PlatformOrder platform = new PlatformOrder(app);
  private final int realSdk = Build.VERSION.SDK_INT;

  @After
  public void restoreSdk() {
    ReflectionHelpers.setStaticField(Build.VERSION.class, "SDK_INT", realSdk);
    RetainingScreen.retained = null;
  }

  @Test
  public void attachedInTheBackgroundTheBackgroundHeartbeatStartsAtOnce() {
    DeviceDefectsTest.setImportance(ActivityManager.RunningAppProcessInfo.IMPORTANCE_CACHED, 0);
    attach(AttachOptions.defaults().withBackgroundHeartbeat(SLOW), null);
    socket.assertNext("heartbeat:240000");
    socket.assertExhausted();
    attachment.close();
    socket.assertNext("heartbeat:own");

    DeviceDefectsTest.setImportance(ActivityManager.RunningAppProcessInfo.IMPORTANCE_FOREGROUND, 0);
    attach(AttachOptions.defaults().withBackgroundHeartbeat(SLOW), null);
    attachment.close();
    socket.assertExhausted(); // in the foreground the socket's own heartbeat was never replaced
  }

  /** The unlock decides first: a grace that ran out asleep pauses, and a paused socket is not pinged. */
  @Test
  public void unlockAfterAGraceThatRanOutAsleepPausesWithoutALivenessCheck() {
    backgroundAfterOneActivity(AttachOptions.defaults());
    clock.sleep(Duration.ofMinutes(10));
    app.sendBroadcast(new Intent(Intent.ACTION_USER_PRESENT));
    mainLooper.idle();
    socket.assertNext("pause:background");
    socket.assertExhausted();
  }

  /** A wake-up re-arms the looper timer for the time left; the one set for the whole grace goes. */
  @Test
  public void aWakeUpReArmsTheGraceTimerForTheTimeLeft() {
    backgroundAfterOneActivity(AttachOptions.defaults());
    mainLooper.idleFor(Duration.ofSeconds(5));
    clock.sleep(Duration.ofSeconds(20)); // 25 s of the 30 gone, 5 s of them awake
    app.sendBroadcast(new Intent(Intent.ACTION_SCREEN_ON));
    mainLooper.idle();
    socket.assertExhausted();
    Duration fiveSecondsOn = Duration.ofMillis(SystemClock.uptimeMillis() + 5_000);
    assertEquals(fiveSecondsOn, mainLooper.getNextScheduledTaskTime());
    assertEquals(fiveSecondsOn, mainLooper.getLastScheduledTaskTime());
    mainLooper.idleFor(Duration.ofSeconds(5));
    socket.assertNext("pause:background");
  }

  /** The 500-alarms cap: one warning per missing signal, and the looper timer still ends the grace. */
  @Config(shadows = {RefusingAlarmManager.class, SteeringTest.RefusingConnectivityManager.class})
  @Test
  public void aRefusedGraceAlarmIsOneWarningAndTheLooperTimerStillEndsTheGrace() {
    ActivityController<Activity> activity = backgroundAfterOneActivity(AttachOptions.defaults());
    mainLooper.idleFor(GRACE);
    socket.assertNext("pause:background");
    activity.start().resume();
    socket.assertNext("resume:background");
    activity.pause().stop(); // a second background stay: its alarm is refused too
    mainLooper.idle();
    List<AttachmentWarning.Signal> signals = new ArrayList<>();
    for (AttachmentWarning w : attachment.warnings()) signals.add(w.signal());
    assertEquals(List.of(AttachmentWarning.Signal.NETWORK, AttachmentWarning.Signal.DEEP_SLEEP_TIMER), signals);
  }

  /** A rotation's new instance is adopted only if it is of the screen's class. */
  @Test
  public void aRotatedScreenIsFollowedOnlyByAnActivityOfItsClass() {
    ActivityController<ScreenActivity> screen = Robolectric.buildActivity(ScreenActivity.class).create();
    attach(AttachOptions.defaults(), screen.get());
    socket.assertNext("pause:screen");
    screen.start().resume();
    socket.assertNext("resume:screen");

    // The rotation taken apart: another screen is created before the new instance of this one.
    ReflectionHelpers.setField(screen.get(), "mChangingConfigurations", true);
    screen.pause().stop().destroy();
    ActivityController<OtherActivity> other = Robolectric.buildActivity(OtherActivity.class).setup();
    ActivityController<ScreenActivity> rotated = Robolectric.buildActivity(ScreenActivity.class).setup();
    other.pause().stop();
    mainLooper.idle();
    socket.assertExhausted(); // not the screen

    rotated.pause().stop();
    socket.assertNext("pause:screen"); // the followed instance
    socket.assertExhausted();
  }

  /** The documented pattern (attach in onCreate, socket retained): the rotated instance is adopted at its onCreate. */
  @Test
  public void aRotationWithTheDocumentedPatternNeverPausesTheScreen() {
    RetainingScreen.retained = socket;
    ActivityController<RetainingScreen> screen = Robolectric.buildActivity(RetainingScreen.class).setup();
    attachment = SocketAttachment.attach(screen.get(), socket, AttachOptions.defaults(), screen.get());
    socket.assertNext("pause:screen", "resume:screen"); // created, then started
    screen.recreate(); // its onCreate asks for the attachment again: the instance followed already
    mainLooper.idle();
    socket.assertExhausted();
    screen.pause().stop();
    socket.assertNext("pause:screen");
  }

  /** The screen opened anew with a retained socket: the attachment follows the new instance. */
  @Test
  public void aScreenOpenedAgainWithItsRetainedSocketIsFollowed() {
    ActivityController<ScreenActivity> first = Robolectric.buildActivity(ScreenActivity.class).create();
    attach(AttachOptions.defaults(), first.get());
    socket.assertNext("pause:screen");
    first.start().resume();
    socket.assertNext("resume:screen");

    ActivityController<ScreenActivity> again = Robolectric.buildActivity(ScreenActivity.class).create();
    assertSame(attachment, SocketAttachment.attach(again.get(), socket, AttachOptions.defaults(), again.get()));
    socket.assertNext("pause:screen"); // followed from its onCreate: not started yet
    again.start().resume();
    socket.assertNext("resume:screen");
    SocketAttachment.attach(again.get(), socket, AttachOptions.defaults(), again.get());
    socket.assertExhausted(); // the instance followed already: nothing changes

    first.pause().stop();
    socket.assertExhausted(); // no longer the screen
    again.pause().stop();
    socket.assertNext("pause:screen");
    socket.assertExhausted();
  }

  /** On API 29+ the platform's verdict holds even with inferred restrictions ignored; Doze names it. */
  @Config(sdk = {29, 31, 34, 35})
  @Test
  public void ignoringPowerRestrictionsKeepsThePlatformsDozeVerdict() {
    dozeVerdictWithPowerRestrictionsIgnored();
  }

  @Config(sdk = {29, 31, 34, 35})
  @Test
  public void ignoringPowerRestrictionsKeepsThePlatformsDozeVerdictOnApi29() {
    ReflectionHelpers.setStaticField(Build.VERSION.class, "SDK_INT", 29);
    dozeVerdictWithPowerRestrictionsIgnored();
  }

  /** API 28: the user's background restriction blocks a background app (inferred, no verdict yet). */
  @Config(sdk = {29, 31, 34, 35}) // ActivityManager.isBackgroundRestricted is not in the API 26 jar
  @Test
  public void backgroundRestrictionBlocksTheBackgroundOnApi28() {
    ReflectionHelpers.setStaticField(Build.VERSION.class, "SDK_INT", 28);
    DeviceDefectsTest.setImportance(ActivityManager.RunningAppProcessInfo.IMPORTANCE_CACHED, 0);
    shadowOf(app.getSystemService(ActivityManager.class)).setBackgroundRestricted(true);
    attach(AttachOptions.defaults(), null);
    socket.assertNext("pause:blocked");
    ActivityController<Activity> activity = Robolectric.buildActivity(Activity.class).setup();
    socket.assertNext("resume:blocked"); // the foreground is not restricted

    shadowOf(app.getSystemService(ActivityManager.class)).setBackgroundRestricted(false);
    activity.pause().stop();
    mainLooper.idle();
    socket.assertExhausted();
  }

  /** From API 33 the receiver of protected system broadcasts says it is not exported. */
  @Test
  public void theDeviceStateReceiverIsNotExportedFromApi33() {
    assertEquals(Build.VERSION.SDK_INT >= 33 ? Context.RECEIVER_NOT_EXPORTED : 0, deviceReceiverFlags());
  }

  @Config(sdk = {34, 35})
  @Test
  public void theDeviceStateReceiverIsNotExportedOnApi33() {
    ReflectionHelpers.setStaticField(Build.VERSION.class, "SDK_INT", 33);
    assertEquals(Context.RECEIVER_NOT_EXPORTED, deviceReceiverFlags());
  }

  /** A provisional foreground's recheck goes as soon as an activity settles it, or the attachment closes. */
  @Test
  public void theProvisionalRecheckDoesNotOutliveTheProvisionalForeground() {
    DeviceDefectsTest.setImportance(ActivityManager.RunningAppProcessInfo.IMPORTANCE_FOREGROUND, 0);
    attach(AttachOptions.defaults(), null);
    assertEquals(uptimePlus(LifecycleTracker.RECHECK_MILLIS), mainLooper.getLastScheduledTaskTime());
    Robolectric.buildActivity(Activity.class).setup(); // shown: foreground for sure
    assertNothingScheduled();
    attachment.close();

    attach(AttachOptions.defaults(), null);
    attachment.close();
    assertNothingScheduled();
  }

  /** The stop of an activity started before attach ends a provisional foreground and its recheck. */
  @Test
  public void aStopThatEndsTheProvisionalForegroundDropsItsRecheck() {
    ActivityController<Activity> early = Robolectric.buildActivity(Activity.class).setup();
    DeviceDefectsTest.setImportance(ActivityManager.RunningAppProcessInfo.IMPORTANCE_FOREGROUND, 0);
    attach(AttachOptions.defaults(), null); // keep-alive: no grace timer of its own
    early.stop();
    assertNothingScheduled();
  }

  /** Closed while a network burst is still settling: its report is dropped with the callback. */
  @Test
  public void closeDropsANetworkReportStillSettling() {
    DeviceDefectsTest.setImportance(ActivityManager.RunningAppProcessInfo.IMPORTANCE_CACHED, 0);
    attach(AttachOptions.defaults(), null);
    Network wifi = PlatformOrder.activeNetwork();
    for (android.net.ConnectivityManager.NetworkCallback cb : platform.callbacks()) {
      cb.onCapabilitiesChanged(wifi, PlatformOrder.caps(true, false));
    }
    attachment.close();
    attachment = null;
    assertNothingScheduled();
    socket.assertExhausted();
  }

  private void dozeVerdictWithPowerRestrictionsIgnored() {
    attach(AttachOptions.defaults().withPowerRestrictionsIgnored(), null);
    Network wifi = PlatformOrder.activeNetwork();
    platform.available(wifi, PlatformOrder.caps(true, false), false);
    socket.assertNext("reconnectNow");
    shadowOf(app.getSystemService(PowerManager.class)).setIsDeviceIdleMode(true);
    app.sendBroadcast(new Intent(PowerManager.ACTION_DEVICE_IDLE_MODE_CHANGED));
    platform.blocked(wifi, true);
    socket.assertNext("pause:doze");
    socket.assertExhausted();
  }

  private int deviceReceiverFlags() {
    attach(AttachOptions.defaults(), null);
    for (ShadowApplication.Wrapper w : shadowOf(app).getRegisteredReceivers()) {
      if (w.getBroadcastReceiver() instanceof DeviceStateReceiver) return w.flags;
    }
    throw new AssertionError("no device-state receiver registered");
  }

  private static Duration uptimePlus(long millis) {
    return Duration.ofMillis(SystemClock.uptimeMillis() + millis);
  }

  private void assertNothingScheduled() {
    assertEquals("main looper tasks left", Duration.ZERO, mainLooper.getNextScheduledTaskTime());
  }

  public static class ScreenActivity extends Activity {}

  public static class OtherActivity extends Activity {}

  public static class RetainingScreen extends Activity {
    static SocketControl retained; // stands for a ViewModel

    @Override
    protected void onCreate(Bundle state) {
      super.onCreate(state);
      SocketAttachment.attach(this, retained, AttachOptions.defaults(), this);
    }
  }

  /** AlarmManager at its cap: every set throws. */
  @Implements(AlarmManager.class)
  public static class RefusingAlarmManager extends ShadowAlarmManager {
    @Implementation
    @Override
    protected void set(int type, long triggerAtMillis, String tag, AlarmManager.OnAlarmListener listener, Handler handler) {
      throw new IllegalStateException("Maximum limit of concurrent alarms 500 reached");
    }
  }
}
