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
import android.os.Build;
import android.os.Looper;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.Before;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.robolectric.Robolectric;
import org.robolectric.RobolectricTestRunner;
import org.robolectric.RuntimeEnvironment;
import org.robolectric.annotation.Config;
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
        SocketAttachment.attach(activity, socket,
            AttachOptions.defaults().withBackground(BackgroundPolicy.disconnectInBackground(Duration.ofSeconds(5))), null);
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

  /** Item 12: a jar cannot carry minSdk; an app built at minSdk 21-25 gets a typed error, not NoSuchMethodError. */
  @Test
  @Config(sdk = 26)
  public void belowApi26AttachFailsWithATypedErrorNamingTheFix() {
    int sdk = Build.VERSION.SDK_INT;
    ReflectionHelpers.setStaticField(Build.VERSION.class, "SDK_INT", 25);
    try {
      UnsupportedOperationException e =
          assertThrows(UnsupportedOperationException.class,
              () -> SocketAttachment.attach(app, socket, AttachOptions.defaults(), null));
      assertTrue(e.getMessage(), e.getMessage().contains("API 26") && e.getMessage().contains("minSdk 26"));
    } finally {
      ReflectionHelpers.setStaticField(Build.VERSION.class, "SDK_INT", sdk);
    }
    assertTrue(connectivity().getNetworkCallbacks().isEmpty());
    socket.assertExhausted();
  }

  @Test
  public void missingNetworkStatePermissionFailsAtAttachNaming() {
    shadowOf(app).denyPermissions(Manifest.permission.ACCESS_NETWORK_STATE);

    SecurityException e =
        assertThrows(
            SecurityException.class,
            () -> SocketAttachment.attach(app, socket, AttachOptions.defaults(), null));

    assertTrue(e.getMessage(), e.getMessage().contains("android.permission.ACCESS_NETWORK_STATE"));
    assertTrue(connectivity().getNetworkCallbacks().isEmpty());
    socket.assertExhausted();
  }

  /** Item 13: DI containers build singletons on worker threads; the work is posted to main. */
  @Test
  public void attachOffTheMainThreadStartsOnTheMainThread() throws Exception {
    connectivity().setDefaultNetworkActive(false);
    connectivity().setActiveNetworkInfo(null);
    SocketAttachment attachment =
        CompletableFuture.supplyAsync(() -> SocketAttachment.attach(app, socket, AttachOptions.defaults(), null))
            .get(5, TimeUnit.SECONDS);
    assertTrue(connectivity().getNetworkCallbacks().isEmpty()); // not yet: posted to main
    // The registry is checked at once, on the calling thread: a second attach fails there.
    assertThrows(IllegalStateException.class, () -> SocketAttachment.attach(app, socket, AttachOptions.defaults(), null));

    shadowOf(Looper.getMainLooper()).idle();
    assertEquals(1, connectivity().getNetworkCallbacks().size());
    socket.assertNext("pause:offline"); // RecordingControl checks it runs on the main thread
    attachment.close();
    socket.assertNext("resume:offline");
  }

  @Test
  public void closeOffTheMainThreadDetachesOnTheMainThread() throws Exception {
    connectivity().setDefaultNetworkActive(false);
    connectivity().setActiveNetworkInfo(null);
    SocketAttachment attachment = SocketAttachment.attach(app, socket, AttachOptions.defaults(), null);
    socket.assertNext("pause:offline");
    CompletableFuture.runAsync(attachment::close).get(5, TimeUnit.SECONDS);
    assertTrue(attachment.isClosed()); // at once: the socket may be attached again from now on
    assertEquals(Set.of(), attachment.pauseReasons());
    assertEquals(1, connectivity().getNetworkCallbacks().size()); // the release waits for main
    socket.assertExhausted();

    shadowOf(Looper.getMainLooper()).idle();
    assertTrue(connectivity().getNetworkCallbacks().isEmpty());
    socket.assertNext("resume:offline");
    socket.assertExhausted();
  }

  /**
   * Review of #19: two attachments closed on a worker before a third attaches on the main thread;
   * the older one's queued release resumed "offline" while the third held it.
   */
  @Test
  public void everyQueuedReleaseRunsBeforeANewAttachmentOfTheSocketStarts() throws Exception {
    connectivity().setDefaultNetworkActive(false);
    connectivity().setActiveNetworkInfo(null);
    SocketAttachment a = SocketAttachment.attach(app, socket, AttachOptions.defaults(), null);
    socket.assertNext("pause:offline");
    CompletableFuture.runAsync(() -> {
      a.close();
      SocketAttachment.attach(app, socket, AttachOptions.defaults(), null).close();
    }).get(5, TimeUnit.SECONDS);

    SocketAttachment c = SocketAttachment.attach(app, socket, AttachOptions.defaults(), null);
    socket.assertNext("resume:offline", "pause:offline"); // a's release, then c's own pause
    shadowOf(Looper.getMainLooper()).idle(); // the queued releases and b's start: all no-ops now
    socket.assertExhausted();
    assertEquals(Set.of(PauseReason.OFFLINE), c.pauseReasons());
    c.close();
    socket.assertNext("resume:offline");
  }

  /** Closed off the main thread before its posted start ran: it never starts. */
  @Test
  public void anAttachmentClosedBeforeItsStartNeverStarts() throws Exception {
    CompletableFuture.runAsync(() -> SocketAttachment.attach(app, socket, AttachOptions.defaults(), null).close())
        .get(5, TimeUnit.SECONDS);
    shadowOf(Looper.getMainLooper()).idle();
    assertTrue(connectivity().getNetworkCallbacks().isEmpty());
    assertEquals(0, socket.closeWatchers());
    socket.assertExhausted();
  }

  @Test
  public void socketClosedOnAnotherThreadDetachesOnTheMainThreadAndReleasesItsReasons()
      throws Exception {
    connectivity().setDefaultNetworkActive(false);
    connectivity().setActiveNetworkInfo(null);
    SocketAttachment attachment = SocketAttachment.attach(app, socket, AttachOptions.defaults(), null);
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
      SocketAttachment.attach(app, socket, AttachOptions.defaults(), null).close();
    }
    assertEquals(0, socket.closeWatchers());
  }

  @Test
  public void aFailedAttachDoesNotCountAsAttached() {
    shadowOf(app).denyPermissions(Manifest.permission.ACCESS_NETWORK_STATE);
    assertThrows(
        SecurityException.class,
        () -> SocketAttachment.attach(app, socket, AttachOptions.defaults(), null));

    shadowOf(app).grantPermissions(Manifest.permission.ACCESS_NETWORK_STATE);
    SocketAttachment.attach(app, socket, AttachOptions.defaults(), null).close();
  }

  @Test
  public void toStringSaysTheOptionsTheScopeAndWhetherClosed() {
    SocketAttachment attachment = SocketAttachment.attach(app, socket, AttachOptions.defaults(), null);
    assertFalse(attachment.isClosed());
    assertEquals("SocketAttachment{" + AttachOptions.defaults() + "}", attachment.toString());
    attachment.close();
    assertEquals("SocketAttachment{" + AttachOptions.defaults() + ", closed}", attachment.toString());

    Activity activity = Robolectric.buildActivity(Activity.class).create().get();
    SocketAttachment screen = SocketAttachment.attach(activity, socket, AttachOptions.defaults(), activity);
    assertEquals("SocketAttachment{" + AttachOptions.defaults() + ", screen-scoped}", screen.toString());
    screen.close();
  }

  /**
   * Closed on a worker, then attached again on the main thread before the release ran: the old
   * attachment lets go of the shared "offline" first, so its late resume cannot undo the new pause.
   */
  @Test
  public void aNewAttachmentReleasesAPredecessorStillReleasingBeforeItStarts() throws Exception {
    connectivity().setDefaultNetworkActive(false);
    connectivity().setActiveNetworkInfo(null);
    SocketAttachment first = SocketAttachment.attach(app, socket, AttachOptions.defaults(), null);
    socket.assertNext("pause:offline");
    CompletableFuture.runAsync(first::close).get(5, TimeUnit.SECONDS); // its release is queued on main

    SocketAttachment second = SocketAttachment.attach(app, socket, AttachOptions.defaults(), null);
    socket.assertNext("resume:offline", "pause:offline");
    shadowOf(Looper.getMainLooper()).idle();
    socket.assertExhausted();
    assertEquals(Set.of(PauseReason.OFFLINE), second.pauseReasons());
    second.close();
    socket.assertNext("resume:offline");
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
