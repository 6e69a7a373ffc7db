package dev.steadysocket.android;

import static org.robolectric.Shadows.shadowOf;

import android.Manifest;
import android.app.Application;
import android.content.Intent;
import android.os.Looper;
import android.os.PowerManager;
import org.junit.After;
import org.junit.Before;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.robolectric.RobolectricTestRunner;
import org.robolectric.RuntimeEnvironment;
import org.robolectric.shadows.ShadowPowerManager;

@RunWith(RobolectricTestRunner.class)
public class DozeMonitorTest {
  private final Application app = RuntimeEnvironment.getApplication();
  private final RecordingControl socket = new RecordingControl();
  private ShadowPowerManager power;
  private SocketAttachment attachment;

  @Before
  public void setUp() {
    shadowOf(app).grantPermissions(Manifest.permission.ACCESS_NETWORK_STATE);
    power = shadowOf(app.getSystemService(PowerManager.class));
  }

  @After
  public void tearDown() {
    if (attachment != null) attachment.close();
  }

  @Test
  public void idlePausesAndLeavingIdleResumes() {
    attach();
    socket.assertExhausted();

    setIdle(true);
    socket.assertNext("pause:doze");
    setIdle(true); // a repeated broadcast holds the reason once
    socket.assertExhausted();

    setIdle(false);
    socket.assertNext("resume:doze");
    socket.assertExhausted();
  }

  @Test
  public void attachingWhileIdlePausesAtOnce() {
    power.setIsDeviceIdleMode(true);
    attach();
    socket.assertNext("pause:doze");
    socket.assertExhausted();
  }

  @Test
  public void closeUnregistersTheReceiver() {
    attach();
    setIdle(true);
    socket.assertNext("pause:doze");

    attachment.close();
    attachment = null;
    socket.assertNext("resume:doze");

    setIdle(false);
    setIdle(true);
    socket.assertExhausted();
  }

  private void attach() {
    attachment = SocketAttachment.attach(app, socket, BackgroundPolicy.keepAlive());
    shadowOf(Looper.getMainLooper()).idle();
  }

  private void setIdle(boolean idle) {
    power.setIsDeviceIdleMode(idle);
    app.sendBroadcast(new Intent(PowerManager.ACTION_DEVICE_IDLE_MODE_CHANGED));
    shadowOf(Looper.getMainLooper()).idle();
  }
}
