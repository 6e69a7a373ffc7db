package dev.steadysocket.android;

import static org.junit.Assert.assertEquals;
import static org.robolectric.Shadows.shadowOf;

import android.Manifest;
import android.app.Activity;
import android.app.ActivityManager;
import android.app.Application;
import android.content.res.Configuration;
import android.os.Looper;
import java.time.Duration;
import org.junit.After;
import org.junit.Before;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.robolectric.Robolectric;
import org.robolectric.RobolectricTestRunner;
import org.robolectric.RuntimeEnvironment;
import org.robolectric.android.controller.ActivityController;
import org.robolectric.shadows.ShadowLooper;

@RunWith(RobolectricTestRunner.class)
public class LifecycleSignalsTest {
  private static final Duration GRACE = Duration.ofSeconds(30);

  private final Application app = RuntimeEnvironment.getApplication();
  private final RecordingControl socket = new RecordingControl();
  private final ShadowLooper mainLooper = shadowOf(Looper.getMainLooper());
  private SocketAttachment attachment;

  @Before
  public void setUp() {
    shadowOf(app).grantPermissions(Manifest.permission.ACCESS_NETWORK_STATE);
  }

  @After
  public void tearDown() {
    if (attachment != null) attachment.close();
  }

  @Test
  public void backgroundPastGracePausesAndForegroundResumesAtOnce() {
    attach(BackgroundPolicy.disconnectInBackground(GRACE));
    ActivityController<Activity> activity = Robolectric.buildActivity(Activity.class).setup();
    socket.assertExhausted();

    activity.pause().stop();
    mainLooper.idleFor(GRACE.minusMillis(1));
    socket.assertExhausted();
    mainLooper.idleFor(Duration.ofMillis(1));
    socket.assertNext("pause:background");
    socket.assertExhausted();

    activity.start();
    socket.assertNext("resume:background"); // connects at once: nothing else to ask
    socket.assertExhausted();
  }

  @Test
  public void returningWithinGraceKeepsTheConnection() {
    attach(BackgroundPolicy.disconnectInBackground(GRACE));
    ActivityController<Activity> activity = Robolectric.buildActivity(Activity.class).setup();

    activity.pause().stop();
    mainLooper.idleFor(GRACE.dividedBy(2));
    activity.start().resume();
    socket.assertNext("reconnectNow", "checkLiveness:5000"); // skips a backoff wait; no-op when connected
    mainLooper.idleFor(GRACE.multipliedBy(2));
    socket.assertExhausted();
  }

  @Test
  public void switchingBetweenTwoActivitiesIsNotBackground() {
    attach(BackgroundPolicy.disconnectInBackground(Duration.ZERO));
    ActivityController<Activity> first = Robolectric.buildActivity(Activity.class).setup();
    ActivityController<Activity> second = Robolectric.buildActivity(Activity.class).setup();
    first.pause().stop(); // the next activity starts before the previous one stops
    mainLooper.idleFor(Duration.ofMinutes(5));
    socket.assertExhausted();

    second.pause().stop();
    mainLooper.idle();
    socket.assertNext("pause:background");
  }

  /** Issue #12: the count of started activities was clamped at zero and went 1 -> 0 here. */
  @Test
  public void attachedWhileAnActivityIsStartedNavigatingToAnotherIsNotBackground() {
    ActivityController<Activity> first = Robolectric.buildActivity(Activity.class).setup();
    attach(BackgroundPolicy.disconnectInBackground(Duration.ZERO));

    first.pause(); // A -> B, in the platform's order
    ActivityController<Activity> second = Robolectric.buildActivity(Activity.class).setup();
    first.stop();
    mainLooper.idleFor(Duration.ofMinutes(5));
    socket.assertExhausted(); // B is on screen

    second.pause().stop();
    mainLooper.idle();
    socket.assertNext("pause:background");
    socket.assertExhausted();
  }

  /** The same without A's onPause after attach: A's stop is that of an activity never seen. */
  @Test
  public void stopOfAnActivityStartedBeforeAttachDoesNotHideOneStartedSince() {
    ActivityController<Activity> first = Robolectric.buildActivity(Activity.class).setup();
    attach(BackgroundPolicy.disconnectInBackground(Duration.ZERO));

    ActivityController<Activity> second = Robolectric.buildActivity(Activity.class).setup();
    first.stop();
    mainLooper.idleFor(Duration.ofMinutes(5));
    socket.assertExhausted();

    second.pause().stop();
    mainLooper.idle();
    socket.assertNext("pause:background");
  }

  @Test
  public void attachedWhileAnActivityIsStartedItsStopIsBackground() {
    ActivityController<Activity> only = Robolectric.buildActivity(Activity.class).setup();
    attach(BackgroundPolicy.disconnectInBackground(Duration.ZERO));

    only.pause().stop();
    mainLooper.idle();
    socket.assertNext("pause:background");
    socket.assertExhausted();
  }

  /** Attached from Application.onCreate of a process started for an activity: importance is FOREGROUND already. */
  @Test
  public void seededForegroundWithoutActivitiesGoesToBackgroundWhenTheFirstActivityStops() {
    DeviceDefectsTest.setImportance(ActivityManager.RunningAppProcessInfo.IMPORTANCE_FOREGROUND, 0);
    attach(BackgroundPolicy.disconnectInBackground(Duration.ZERO));
    ActivityController<Activity> activity = Robolectric.buildActivity(Activity.class).setup();
    socket.assertExhausted(); // already foreground: nothing to resume

    activity.pause().stop();
    mainLooper.idle();
    socket.assertNext("pause:background");
  }

  @Test
  public void attachedInTheBackgroundPausesAfterGraceAndTheFirstStartResumes() {
    DeviceDefectsTest.setImportance(ActivityManager.RunningAppProcessInfo.IMPORTANCE_CACHED, 0);
    attach(BackgroundPolicy.disconnectInBackground(GRACE));
    mainLooper.idleFor(GRACE);
    socket.assertNext("pause:background");

    Robolectric.buildActivity(Activity.class).setup();
    socket.assertNext("resume:background"); // connects at once: nothing else to ask
    socket.assertExhausted();
  }

  /** A foreground service is not an activity on screen. */
  @Test
  public void attachedFromAForegroundServiceWithoutActivitiesIsBackground() {
    DeviceDefectsTest.setImportance(ActivityManager.RunningAppProcessInfo.IMPORTANCE_FOREGROUND_SERVICE, 0);
    attach(BackgroundPolicy.disconnectInBackground(GRACE));
    mainLooper.idleFor(GRACE);
    socket.assertNext("pause:background");
  }

  /** An activity started before attach that shows itself (resumed) brings the app back. */
  @Test
  public void anActivityStartedBeforeAttachThatResumesIsForeground() {
    ActivityController<Activity> early = Robolectric.buildActivity(Activity.class).create().start();
    DeviceDefectsTest.setImportance(ActivityManager.RunningAppProcessInfo.IMPORTANCE_CACHED, 0); // stale at attach
    attach(BackgroundPolicy.disconnectInBackground(GRACE));

    early.resume();
    socket.assertNext("reconnectNow", "checkLiveness:5000");
    mainLooper.idleFor(GRACE.multipliedBy(2));
    socket.assertExhausted();

    early.pause().stop();
    mainLooper.idleFor(GRACE);
    socket.assertNext("pause:background");
  }

  @Test
  public void rotationIsNotATripToTheBackground() {
    attach(BackgroundPolicy.disconnectInBackground(Duration.ZERO));
    ActivityController<Activity> activity = Robolectric.buildActivity(Activity.class).setup();

    activity.configurationChange(rotated()); // destroys and recreates the activity
    mainLooper.idleFor(Duration.ofMinutes(1));
    socket.assertExhausted();

    activity.pause().stop();
    mainLooper.idle();
    socket.assertNext("pause:background");
  }

  @Test
  public void rotationOfAnActivityStartedBeforeAttachIsNotBackground() {
    ActivityController<Activity> activity = Robolectric.buildActivity(Activity.class).setup();
    attach(BackgroundPolicy.disconnectInBackground(Duration.ZERO));

    activity.configurationChange(rotated());
    mainLooper.idleFor(Duration.ofMinutes(1));
    socket.assertExhausted();

    activity.pause().stop();
    mainLooper.idle();
    socket.assertNext("pause:background");
  }

  @Test
  public void keepAlivePolicyNeverPauses() {
    attach(BackgroundPolicy.keepAlive());
    ActivityController<Activity> activity = Robolectric.buildActivity(Activity.class).setup();
    activity.pause().stop();
    mainLooper.idleFor(Duration.ofHours(1));
    socket.assertExhausted();

    activity.start();
    socket.assertNext("reconnectNow", "checkLiveness:5000");
    socket.assertExhausted();
  }

  @Test
  public void closeCancelsThePendingGraceTimerAndStopsListening() {
    attach(BackgroundPolicy.disconnectInBackground(GRACE));
    ActivityController<Activity> activity = Robolectric.buildActivity(Activity.class).setup();
    activity.pause().stop();

    attachment.close();
    attachment = null;
    // #16 part 2: the timer is removed, not left to find the monitor stopped.
    assertEquals("no timer left on the main looper", Duration.ZERO, mainLooper.getNextScheduledTaskTime());
    mainLooper.idleFor(GRACE.multipliedBy(2));
    activity.start();
    socket.assertExhausted();
  }

  /** #16 part 2: coming back cancels the grace timer; the next exit gets a whole grace period. */
  @Test
  public void aSecondExitGetsAWholeGracePeriod() {
    attach(BackgroundPolicy.disconnectInBackground(GRACE));
    ActivityController<Activity> activity = Robolectric.buildActivity(Activity.class).setup();
    activity.pause().stop();
    mainLooper.idleFor(GRACE.dividedBy(2));
    activity.restart().resume(); // onRestart, onStart, onResume
    socket.assertNext("reconnectNow", "checkLiveness:5000");
    activity.pause().stop();

    mainLooper.idleFor(GRACE.dividedBy(2)); // the first exit's grace would end here
    socket.assertExhausted();
    mainLooper.idleFor(GRACE.dividedBy(2));
    socket.assertNext("pause:background");
    socket.assertExhausted();
  }

  /** #16 part 2: only a started activity is paused, so a pause proves the app is in the foreground. */
  @Test
  public void anActivityStartedBeforeAttachThatPausesIsForeground() {
    ActivityController<Activity> early = Robolectric.buildActivity(Activity.class).setup();
    DeviceDefectsTest.setImportance(ActivityManager.RunningAppProcessInfo.IMPORTANCE_CACHED, 0); // stale at attach
    attach(BackgroundPolicy.disconnectInBackground(GRACE));

    early.pause(); // on its way to another activity of the app, say
    socket.assertNext("reconnectNow", "checkLiveness:5000");
    mainLooper.idleFor(GRACE.multipliedBy(2));
    socket.assertExhausted();
  }

  /** #16 part 2: an activity that finishes in onCreate never started: no trip to the background. */
  @Test
  public void anActivityFinishedInOnCreateIsNoTripToTheBackground() {
    DeviceDefectsTest.setImportance(ActivityManager.RunningAppProcessInfo.IMPORTANCE_FOREGROUND, 0);
    attach(BackgroundPolicy.disconnectInBackground(Duration.ZERO));
    ActivityController<Activity> trampoline = Robolectric.buildActivity(Activity.class).create();
    trampoline.get().finish();
    trampoline.destroy();
    mainLooper.idleFor(Duration.ofMinutes(1));
    socket.assertExhausted();
  }

  /** #16 part 2: the last started activity destroyed without a stop still leaves the foreground. */
  @Test
  public void theLastStartedActivityDestroyedWithoutAStopIsBackground() {
    attach(BackgroundPolicy.disconnectInBackground(Duration.ZERO));
    ActivityController<Activity> activity = Robolectric.buildActivity(Activity.class).setup();
    activity.destroy();
    mainLooper.idle();
    socket.assertNext("pause:background");
    socket.assertExhausted();
  }

  @Test
  public void closeWhilePausedReleasesTheReason() {
    attach(BackgroundPolicy.disconnectInBackground(GRACE));
    Robolectric.buildActivity(Activity.class).setup().pause().stop();
    mainLooper.idleFor(GRACE);
    socket.assertNext("pause:background");

    attachment.close();
    attachment = null;
    socket.assertNext("resume:background");
    socket.assertExhausted();
  }

  private void attach(BackgroundPolicy policy) {
    attachment = SocketAttachment.attach(app, socket, AttachOptions.defaults().withBackground(policy), null);
    mainLooper.idle();
  }

  private Configuration rotated() {
    Configuration rotated = new Configuration(app.getResources().getConfiguration());
    rotated.orientation =
        rotated.orientation == Configuration.ORIENTATION_PORTRAIT
            ? Configuration.ORIENTATION_LANDSCAPE
            : Configuration.ORIENTATION_PORTRAIT;
    return rotated;
  }
}
