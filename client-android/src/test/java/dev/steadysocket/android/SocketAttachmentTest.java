package dev.steadysocket.android;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertSame;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;
import static org.robolectric.Shadows.shadowOf;

import android.Manifest;
import android.app.Activity;
import android.app.Application;
import android.net.ConnectivityManager;
import android.os.Looper;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.Before;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.robolectric.Robolectric;
import org.robolectric.RobolectricTestRunner;
import org.robolectric.RuntimeEnvironment;
import org.robolectric.shadows.ShadowApplication;
import org.robolectric.util.ReflectionHelpers;

@RunWith(RobolectricTestRunner.class)
public class SocketAttachmentTest {
  private final Application app = RuntimeEnvironment.getApplication();
  private final RecordingControl socket = new RecordingControl();

  @Before
  public void setUp() {
    shadowOf(app).grantPermissions(Manifest.permission.ACCESS_NETWORK_STATE);
  }

  @Test
  public void closeUnregistersEveryCallbackItRegistered() {
    int lifecycleCallbacksBefore = lifecycleCallbacks().size();
    int receiversBefore = receivers().size();
    Activity activity = Robolectric.buildActivity(Activity.class).setup().get();

    // Attach through an Activity: only the application context may be kept.
    SocketAttachment attachment =
        SocketAttachment.attach(
            activity, socket, BackgroundPolicy.disconnectInBackground(Duration.ofSeconds(5)));
    assertEquals(1, connectivity().getNetworkCallbacks().size());
    assertEquals(lifecycleCallbacksBefore + 1, lifecycleCallbacks().size());
    assertEquals(receiversBefore + 1, receivers().size());
    for (ShadowApplication.Wrapper receiver : receivers()) {
      assertSame(app.getBaseContext(), receiver.getContext()); // not the Activity's
    }

    attachment.close();

    assertTrue(connectivity().getNetworkCallbacks().isEmpty());
    assertEquals(lifecycleCallbacksBefore, lifecycleCallbacks().size());
    assertEquals(receiversBefore, receivers().size());
    shadowOf(Looper.getMainLooper()).idleFor(Duration.ofMinutes(1));
    socket.assertExhausted();
  }

  @Test
  public void missingNetworkStatePermissionFailsAtAttachNaming() {
    shadowOf(app).denyPermissions(Manifest.permission.ACCESS_NETWORK_STATE);

    SecurityException e =
        assertThrows(
            SecurityException.class,
            () -> SocketAttachment.attach(app, socket, BackgroundPolicy.keepAlive()));

    assertTrue(e.getMessage(), e.getMessage().contains("android.permission.ACCESS_NETWORK_STATE"));
    assertTrue(connectivity().getNetworkCallbacks().isEmpty());
    socket.assertExhausted();
  }

  @Test
  public void attachOffTheMainThreadFails() throws Exception {
    CompletableFuture<SocketAttachment> attempt =
        CompletableFuture.supplyAsync(
            () -> SocketAttachment.attach(app, socket, BackgroundPolicy.keepAlive()));

    ExecutionException e =
        assertThrows(ExecutionException.class, () -> attempt.get(5, TimeUnit.SECONDS));
    assertTrue(e.getCause() instanceof IllegalStateException);
    assertTrue(e.getCause().getMessage().contains("main thread"));
    assertTrue(connectivity().getNetworkCallbacks().isEmpty());
  }

  @Test
  public void closeOffTheMainThreadFailsAndLeavesTheAttachmentInPlace() throws Exception {
    // #16 part 2: close() promises that no monitor calls the socket after it returns, which only
    // the main thread can promise.
    SocketAttachment attachment = SocketAttachment.attach(app, socket, BackgroundPolicy.keepAlive());
    CompletableFuture<Void> attempt = CompletableFuture.runAsync(attachment::close);

    ExecutionException e =
        assertThrows(ExecutionException.class, () -> attempt.get(5, TimeUnit.SECONDS));
    assertTrue(e.getCause() instanceof IllegalStateException);
    assertTrue(e.getCause().getMessage(), e.getCause().getMessage().contains("close() must be called on the main thread"));
    assertFalse(attachment.isClosed());
    assertEquals(1, connectivity().getNetworkCallbacks().size());

    attachment.close();
    assertTrue(attachment.isClosed());
    assertTrue(connectivity().getNetworkCallbacks().isEmpty());
  }

  @Test
  public void socketClosedOnAnotherThreadDetachesOnTheMainThreadAndReleasesItsReasons()
      throws Exception {
    connectivity().setDefaultNetworkActive(false);
    connectivity().setActiveNetworkInfo(null);
    SocketAttachment attachment = SocketAttachment.attach(app, socket, BackgroundPolicy.keepAlive());
    socket.assertNext("pause:offline");

    CompletableFuture.runAsync(socket::closeSocket).get(5, TimeUnit.SECONDS);
    assertEquals(1, connectivity().getNetworkCallbacks().size()); // not yet: posted to main

    shadowOf(Looper.getMainLooper()).idle();
    assertTrue(attachment.isClosed());
    assertTrue(connectivity().getNetworkCallbacks().isEmpty());
    socket.assertNext("resume:offline"); // RecordingControl checks it runs on the main thread
    assertEquals(0, socket.closeWatchers());
    socket.assertExhausted();
  }

  /** Attach/close cycles on a long-lived socket must not pile up close watchers. */
  @Test
  public void closeStopsWatchingTheSocket() {
    for (int i = 0; i < 3; i++) {
      SocketAttachment.attach(app, socket, BackgroundPolicy.keepAlive()).close();
    }
    assertEquals(0, socket.closeWatchers());
  }

  @Test
  public void aFailedAttachDoesNotCountAsAttached() {
    shadowOf(app).denyPermissions(Manifest.permission.ACCESS_NETWORK_STATE);
    assertThrows(
        SecurityException.class,
        () -> SocketAttachment.attach(app, socket, BackgroundPolicy.keepAlive()));

    shadowOf(app).grantPermissions(Manifest.permission.ACCESS_NETWORK_STATE);
    SocketAttachment.attach(app, socket, BackgroundPolicy.keepAlive()).close();
  }

  private org.robolectric.shadows.ShadowConnectivityManager connectivity() {
    return shadowOf(app.getSystemService(ConnectivityManager.class));
  }

  private List<ShadowApplication.Wrapper> receivers() {
    return shadowOf(app).getRegisteredReceivers();
  }

  /** Application keeps them in a private list; there is no public getter. */
  private List<?> lifecycleCallbacks() {
    return ReflectionHelpers.getField(app, "mActivityLifecycleCallbacks");
  }
}
