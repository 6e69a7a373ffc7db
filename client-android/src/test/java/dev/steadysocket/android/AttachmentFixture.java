package dev.steadysocket.android;

import static org.robolectric.Shadows.shadowOf;

import android.Manifest;
import android.app.Activity;
import android.app.ActivityManager;
import android.app.Application;
import android.os.Looper;
import android.os.SystemClock;
import java.time.Duration;
import org.junit.After;
import org.junit.Before;
import org.robolectric.Robolectric;
import org.robolectric.RuntimeEnvironment;
import org.robolectric.android.controller.ActivityController;
import org.robolectric.shadows.ShadowLooper;

/**
 * One recorded socket, its attachment, the main looper and a device that can sleep: the setting
 * of the steering tests. The permission is granted and the sleeping clock installed before each
 * test; the attachment is closed and the system clock restored after it.
 */
abstract class AttachmentFixture {
  /** The background grace of {@link #backgroundAfterOneActivity}. */
  static final Duration GRACE = Duration.ofSeconds(30);

  final Application app = RuntimeEnvironment.getApplication();
  final RecordingControl socket = new RecordingControl();
  final ShadowLooper mainLooper = shadowOf(Looper.getMainLooper());
  final SleepingClock clock = new SleepingClock();
  SocketAttachment attachment;

  @Before
  public void grantAndInstallClock() {
    shadowOf(app).grantPermissions(Manifest.permission.ACCESS_NETWORK_STATE);
    PlatformSignals.clock = clock;
  }

  @After
  public void closeAndRestoreClock() {
    if (attachment != null) attachment.close();
    PlatformSignals.clock = DeviceClock.SYSTEM;
  }

  /** Attaches {@link #socket} (to {@code screen}, or app-wide if null) and idles the looper. */
  void attach(AttachOptions options, Activity screen) {
    attachment = SocketAttachment.attach(app, socket, options, screen);
    mainLooper.idle();
  }

  /**
   * Attaches with {@code options} and a background grace of {@link #GRACE}, runs one activity into
   * the background (the process cached), and drains the calls so far.
   */
  ActivityController<Activity> backgroundAfterOneActivity(AttachOptions options) {
    DeviceDefectsTest.setImportance(ActivityManager.RunningAppProcessInfo.IMPORTANCE_CACHED, 0);
    attach(options.withBackground(BackgroundPolicy.disconnectInBackground(GRACE)), null);
    ActivityController<Activity> activity = Robolectric.buildActivity(Activity.class).setup();
    activity.pause().stop();
    mainLooper.idle();
    socket.clear();
    return activity;
  }

  /** Elapsed real time = the looper's clock plus the time spent asleep. */
  static final class SleepingClock implements DeviceClock {
    private long sleptMillis;

    void sleep(Duration d) {
      sleptMillis += d.toMillis();
    }

    @Override
    public long elapsedRealtimeMillis() {
      return SystemClock.elapsedRealtime() + sleptMillis;
    }
  }
}
