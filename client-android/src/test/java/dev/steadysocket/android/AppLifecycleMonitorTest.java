package dev.steadysocket.android;

import static org.robolectric.Shadows.shadowOf;

import android.Manifest;
import android.app.Activity;
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
public class AppLifecycleMonitorTest {
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
    socket.assertNext("resume:background", "reconnectNow");
    socket.assertExhausted();
  }

  @Test
  public void returningWithinGraceKeepsTheConnection() {
    attach(BackgroundPolicy.disconnectInBackground(GRACE));
    ActivityController<Activity> activity = Robolectric.buildActivity(Activity.class).setup();

    activity.pause().stop();
    mainLooper.idleFor(GRACE.dividedBy(2));
    activity.start().resume();
    socket.assertNext("reconnectNow"); // skips a backoff wait; no-op when connected
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

  @Test
  public void rotationIsNotATripToTheBackground() {
    attach(BackgroundPolicy.disconnectInBackground(Duration.ZERO));
    ActivityController<Activity> activity = Robolectric.buildActivity(Activity.class).setup();
    Configuration rotated = new Configuration(app.getResources().getConfiguration());
    rotated.orientation =
        rotated.orientation == Configuration.ORIENTATION_PORTRAIT
            ? Configuration.ORIENTATION_LANDSCAPE
            : Configuration.ORIENTATION_PORTRAIT;

    activity.configurationChange(rotated); // destroys and recreates the activity
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
    socket.assertNext("reconnectNow");
    socket.assertExhausted();
  }

  @Test
  public void closeCancelsThePendingGraceTimerAndStopsListening() {
    attach(BackgroundPolicy.disconnectInBackground(GRACE));
    ActivityController<Activity> activity = Robolectric.buildActivity(Activity.class).setup();
    activity.pause().stop();

    attachment.close();
    attachment = null;
    mainLooper.idleFor(GRACE.multipliedBy(2));
    activity.start();
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
    attachment = SocketAttachment.attach(app, socket, policy);
    mainLooper.idle();
  }
}
