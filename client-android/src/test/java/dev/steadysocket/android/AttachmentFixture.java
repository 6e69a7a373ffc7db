package dev.steadysocket.android;

import static org.robolectric.Shadows.shadowOf;

import android.Manifest;
import android.app.Application;
import android.os.Looper;
import android.os.SystemClock;
import java.time.Duration;
import org.junit.After;
import org.junit.Before;
import org.robolectric.RuntimeEnvironment;
import org.robolectric.shadows.ShadowLooper;

/**
 * One recorded socket, its attachment, the main looper and a device that can sleep: the setting
 * of the steering tests. The permission is granted and the sleeping clock installed before each
 * test; the attachment is closed and the system clock restored after it.
 */
abstract class AttachmentFixture {
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
