package dev.steadysocket.android;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;
import static org.robolectric.Shadows.shadowOf;

import android.app.Activity;
import android.app.AlarmManager;
import android.content.Intent;
import android.net.ConnectivityManager;
import android.os.Handler;
import android.os.SystemClock;
import dev.steadysocket.Heartbeat;
import java.lang.ref.WeakReference;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.robolectric.Robolectric;
import org.robolectric.RobolectricTestRunner;
import org.robolectric.android.controller.ActivityController;
import org.robolectric.annotation.Config;
import org.robolectric.annotation.Implementation;
import org.robolectric.annotation.Implements;
import org.robolectric.shadows.ShadowAlarmManager;
import org.robolectric.shadows.ShadowConnectivityManager;

/**
 * Deep sleep, the liveness check, the background heartbeat, screen-scoped attachments and refused
 * registrations. The device sleeps on {@link AttachmentFixture.SleepingClock}: elapsed real time moves on while the
 * looper's uptime stands still, as on a phone in a pocket.
 */
@RunWith(RobolectricTestRunner.class)
public class SteeringTest extends AttachmentFixture {


  /** Item 2: Handler.postDelayed counts uptime; a locked phone sleeps through a 30 s grace. */
  @Test
  public void aGraceThatRanOutInDeepSleepPausesWhenTheScreenComesOn() {
    ActivityController<Activity> activity = backgroundAfterOneActivity(AttachOptions.defaults());
    clock.sleep(Duration.ofMinutes(10));
    socket.assertExhausted();

    app.sendBroadcast(new Intent(Intent.ACTION_SCREEN_ON));
    mainLooper.idle();
    socket.assertNext("pause:background");
    assertEquals(EnumSet.of(PauseReason.BACKGROUND), attachment.pauseReasons());
    activity.start();
    socket.assertNext("resume:background");
  }

  @Test
  public void theNonWakingAlarmEndsAGraceThatRanOutInDeepSleep() {
    backgroundAfterOneActivity(AttachOptions.defaults());
    ShadowAlarmManager alarms = shadowOf(app.getSystemService(AlarmManager.class));
    ShadowAlarmManager.ScheduledAlarm alarm = alarms.peekNextScheduledAlarm();
    assertEquals(AlarmManager.ELAPSED_REALTIME, alarm.getType()); // never wakes the device
    assertEquals(SystemClock.elapsedRealtime() + GRACE.toMillis(), alarm.getTriggerAtMs());

    clock.sleep(Duration.ofMinutes(10));
    alarms.fireAlarm(alarm); // delivered at the first wake-up, whatever woke the device
    mainLooper.idle();
    socket.assertNext("pause:background");
    assertNull(alarms.peekNextScheduledAlarm());
  }

  @Test
  public void awakeTheGraceEndsOnTimeAndReturningCancelsTheAlarm() {
    ActivityController<Activity> activity = backgroundAfterOneActivity(AttachOptions.defaults());
    mainLooper.idleFor(GRACE.minusMillis(1));
    socket.assertExhausted();
    activity.start();
    socket.assertNext("reconnectNow", "checkLiveness:5000");
    assertNull(shadowOf(app.getSystemService(AlarmManager.class)).peekNextScheduledAlarm());
    mainLooper.idleFor(GRACE);
    socket.assertExhausted();
  }

  /** Item 11: unlocking after deep sleep checks an open socket instead of waiting out the heartbeat. */
  @Test
  public void unlockChecksLivenessAndTheOptionTurnsItOff() {
    attach(AttachOptions.defaults(), null);
    app.sendBroadcast(new Intent(Intent.ACTION_USER_PRESENT));
    mainLooper.idle();
    socket.assertNext("checkLiveness:5000");
    attachment.close();
    socket.clear();

    attach(AttachOptions.defaults().withoutLivenessCheck(), null);
    app.sendBroadcast(new Intent(Intent.ACTION_USER_PRESENT));
    mainLooper.idle();
    socket.assertExhausted();
  }

  @Test
  public void theBackgroundHeartbeatRunsWhileNoActivityIsStartedAndIsUndoneOnClose() {
    Heartbeat slow = Heartbeat.every(Duration.ofMinutes(4));
    ActivityController<Activity> activity =
        backgroundAfterOneActivity(AttachOptions.defaults().withBackgroundHeartbeat(slow).withLivenessCheck(Duration.ofSeconds(2)));
    // backgroundAfterOneActivity drained the calls up to the stop; the switch came with it
    activity.restart().resume(); // onRestart, onStart, onResume, as the platform brings it back
    socket.assertNext("heartbeat:own", "reconnectNow", "checkLiveness:2000");
    activity.pause().stop();
    socket.assertNext("heartbeat:240000");
    attachment.close();
    attachment = null;
    socket.assertNext("heartbeat:own");
    socket.assertExhausted();
  }

  @Test
  public void aScreenScopedAttachmentConnectsOnlyWhileItsActivityIsStartedRotationIncluded() {
    ActivityController<Activity> screen = Robolectric.buildActivity(Activity.class).create();
    attach(AttachOptions.defaults(), screen.get());
    socket.assertNext("pause:screen");
    screen.start().resume();
    socket.assertNext("resume:screen");

    screen.recreate(); // rotation: the attachment follows the new instance, no pause
    mainLooper.idle();
    socket.assertExhausted();

    screen.pause().stop();
    socket.assertNext("pause:screen");
    assertEquals(EnumSet.of(PauseReason.SCREEN), attachment.pauseReasons());
    screen.start();
    socket.assertNext("resume:screen");

    WeakReference<Activity> gone = new WeakReference<>(screen.get());
    screen.get().finish();
    screen.pause().stop().destroy();
    socket.assertNext("pause:screen"); // finished: paused until the app closes the socket
    screen = null;
    for (int i = 0; i < 20 && gone.get() != null; i++) System.gc();
    assertNull("the attachment keeps the finished activity", gone.get());
    socket.assertExhausted();
  }

  /** Review of #19: attached from onStart, the screen is known started (the tracker saw it). */
  @Test
  public void aScreenAttachedOnceStartedIsNotHeld() {
    SocketAttachment appWide = SocketAttachment.attach(app, new RecordingControl(), AttachOptions.defaults(), null);
    ActivityController<Activity> screen = Robolectric.buildActivity(Activity.class).setup();
    attach(AttachOptions.defaults(), screen.get());
    socket.assertExhausted();
    screen.pause().stop();
    socket.assertNext("pause:screen");
    appWide.close();
  }

  /** Item 7: a refused registration degrades, with a typed warning, and holds nothing for it. */
  @Config(shadows = RefusingConnectivityManager.class)
  @Test
  public void aRefusedNetworkCallbackIsAWarningAndNoNetworkReasonIsEverHeld() {
    shadowOf(app.getSystemService(ConnectivityManager.class)).setDefaultNetworkActive(false);
    shadowOf(app.getSystemService(ConnectivityManager.class)).setActiveNetworkInfo(null);
    attach(AttachOptions.defaults(), null);
    socket.assertExhausted(); // the seeded "no network" is not trusted without the callback
    List<AttachmentWarning> warnings = attachment.warnings();
    assertEquals(1, warnings.size());
    assertEquals(AttachmentWarning.Signal.NETWORK, warnings.get(0).signal());
    assertTrue(warnings.get(0).cause(), warnings.get(0).cause().startsWith("java.lang.SecurityException"));
  }

  /** ConnectivityManager as some devices have it: the registration throws though permitted. */
  @Implements(ConnectivityManager.class)
  public static class RefusingConnectivityManager extends ShadowConnectivityManager {
    @Implementation
    @Override
    protected void registerDefaultNetworkCallback(ConnectivityManager.NetworkCallback cb, Handler handler) {
      throw new SecurityException("Package android does not belong to 10001");
    }
  }
}
