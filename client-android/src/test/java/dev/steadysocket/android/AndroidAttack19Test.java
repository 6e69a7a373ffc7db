package dev.steadysocket.android;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.robolectric.Shadows.shadowOf;

import android.Manifest;
import android.app.Activity;
import android.app.Application;
import android.content.Context;
import android.net.ConnectivityManager;
import android.os.Bundle;
import android.os.Looper;
import dev.steadysocket.SteadySocket;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
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
import org.robolectric.shadows.ShadowConnectivityManager;
import org.robolectric.shadows.ShadowNetwork;

/**
 * Issue #19, hostile pass (attack19). Each test here FAILS on the code it was written against;
 * the comment above each says what it shows and why it matters on a device.
 */
@RunWith(RobolectricTestRunner.class)
public class AndroidAttack19Test {
  private final Application app = RuntimeEnvironment.getApplication();
  private final List<AutoCloseable> cleanup = new ArrayList<>();

  @Before
  public void setUp() {
    shadowOf(app).grantPermissions(Manifest.permission.ACCESS_NETWORK_STATE);
  }

  @After
  public void tearDown() throws Exception {
    for (AutoCloseable c : cleanup) {
      try {
        c.close();
      } catch (RuntimeException ignored) {
        // best effort
      }
    }
    shadowOf(Looper.getMainLooper()).idle();
    ScreenWithRetainedSocket.retained = null;
  }

  private ShadowConnectivityManager connectivity() {
    return shadowOf(app.getSystemService(ConnectivityManager.class));
  }

  private void noNetwork() {
    connectivity().setDefaultNetworkActive(false);
    connectivity().setActiveNetworkInfo(null);
  }

  private static SteadySocket newSocket() {
    return AndroidSteadySocket.builder("ws://127.0.0.1:9/feed").build(); // never connected
  }

  /**
   * DEFECT 1. README: "Close the attachment to attach the socket again (say, with other options)";
   * "attach and close may be called on any thread". Off the main thread close() only posts the
   * detach, and the socket stays in the static ATTACHED map until that runs, so the documented
   * close-then-reattach on a worker (a DI container rebuilding its graph, a settings change
   * handled off the main thread) throws IllegalStateException "... is already attached".
   * Fails with: ExecutionException caused by IllegalStateException.
   */
  @Test
  public void closeThenAttachAgainWithOtherOptionsOnAWorkerThread() throws Exception {
    SteadySocket socket = newSocket();
    cleanup.add(socket::close);
    SocketAttachment second =
        CompletableFuture.supplyAsync(() -> {
              SocketAttachment first = AndroidSteadySocket.attach(app, socket, AttachOptions.defaults());
              first.close();
              return AndroidSteadySocket.attach(app, socket, AttachOptions.defaults().withPauseOnMeteredNetworks());
            })
            .get(10, TimeUnit.SECONDS);
    cleanup.add(second);
    shadowOf(Looper.getMainLooper()).idle();
    assertEquals(1, connectivity().getNetworkCallbacks().size());
  }

  /**
   * DEFECT 2. "attach from a worker then close before start": the attachment was closed before it
   * ever started, yet its posted start still runs (close() off the main thread does not mark it
   * closed, it only queues the detach behind the start), so with no network the socket gets
   * pause("offline") and then resume("offline"). On a device an OPEN socket is disconnected (1001)
   * and reconnected for an attachment the app already threw away, and a network request is
   * registered and unregistered for nothing. (SocketAttachmentTest's version of this test passes
   * only because it runs with a network, where the start pauses nothing.)
   * Fails with: "unexpected hook call" expected null but was pause:offline.
   */
  @Test
  public void anAttachmentClosedOnAWorkerBeforeItsStartNeverTouchesTheSocket() throws Exception {
    noNetwork();
    RecordingControl socket = new RecordingControl();
    CompletableFuture.runAsync(() -> SocketAttachment.attach(app, socket, AttachOptions.defaults(), null).close())
        .get(10, TimeUnit.SECONDS);
    shadowOf(Looper.getMainLooper()).idle();
    socket.assertExhausted();
  }

  /**
   * DEFECT 3. docs/android.md: call attachToScreen in onCreate, and on rotation "keep the socket in
   * a retained object ... so the new instance finds it". Do both and the recreated activity's
   * onCreate attaches the retained socket while the old attachment (which "follows the recreated
   * activity") still holds it: IllegalStateException "already attached" in onCreate, i.e. the app
   * crashes on the first rotation. Done the other way (a new socket per onCreate, as the snippet
   * literally reads), the old socket is never closed (isFinishing() is false on rotation) and its
   * attachment follows the new activity: two live sockets after each rotation.
   * Fails with: IllegalStateException "... is already attached" thrown from recreate().
   */
  @Test
  public void theDocumentedScreenPatternSurvivesARotation() {
    ScreenWithRetainedSocket.retained = newSocket();
    cleanup.add(ScreenWithRetainedSocket.retained::close);
    ActivityController<ScreenWithRetainedSocket> screen =
        Robolectric.buildActivity(ScreenWithRetainedSocket.class).setup();
    shadowOf(Looper.getMainLooper()).idle();
    screen.recreate(); // rotation
    shadowOf(Looper.getMainLooper()).idle();
    assertEquals(Set.of(), screen.get().attachment.pauseReasons());
  }

  /** The quick start of docs/android.md, with the socket kept across the rotation as it advises. */
  public static class ScreenWithRetainedSocket extends Activity {
    static SteadySocket retained; // stands for onRetainNonConfigurationInstance / a ViewModel
    SocketAttachment attachment;

    @Override
    protected void onCreate(Bundle state) {
      super.onCreate(state);
      attachment = AndroidSteadySocket.attachToScreen(this, retained);
    }
  }

  /**
   * DEFECT 4 (low: needs two Application objects in one process, e.g. test harnesses, or an app
   * attaching with a context whose getApplicationContext() is a different Application). A second
   * Application replaces PlatformSignals.instance while the first hub still has a subscriber;
   * when that subscriber leaves, unsubscribe() sees instance != this and returns WITHOUT stopping
   * the hub: its default-network callback (one of the app's 100 requests), its receiver and its
   * lifecycle callbacks are never unregistered.
   * Fails with: expected [] but one NetworkCallback is still registered after both closed.
   */
  @Test
  public void overlappingAttachmentsOfTwoApplicationsLeaveNothingRegistered() {
    SocketAttachment a = SocketAttachment.attach(app, new RecordingControl(), AttachOptions.defaults(), null);
    OtherApplication other = new OtherApplication(app.getBaseContext());
    SocketAttachment b = SocketAttachment.attach(other, new RecordingControl(), AttachOptions.defaults(), null);
    shadowOf(Looper.getMainLooper()).idle();
    a.close();
    b.close();
    shadowOf(Looper.getMainLooper()).idle();
    assertEquals(new HashSet<>(), new HashSet<>(connectivity().getNetworkCallbacks()));
  }

  static final class OtherApplication extends Application {
    OtherApplication(Context base) {
      attachBaseContext(base);
    }

    @Override
    public Context getApplicationContext() {
      return this;
    }
  }

  /**
   * DEFECT 5 (re-entrancy; low in production because SteadySocket's hooks only post to its loop,
   * but SocketControl promises nothing about re-entrancy). A hook that closes the attachment
   * synchronously (e.g. a socket built with a direct callback executor whose listener closes the
   * attachment on PAUSED) while Steering.apply() is pausing two reasons at once: stop() releases
   * the first, then apply() goes on and pauses the second on a closed attachment. close() on the
   * main thread promised that nothing calls the socket afterwards; the socket is left PAUSED
   * ("metered") forever with nobody to resume it.
   * Fails with: reasons left paused after close expected [] but was [metered].
   */
  @Test
  public void closingTheAttachmentFromInsideAPauseHookLeavesNothingPaused() {
    // API 26-28: Data Saver (allow-list off) blocks metered networks; API 29+: the platform says so.
    connectivity().setRestrictBackgroundStatus(ConnectivityManager.RESTRICT_BACKGROUND_STATUS_ENABLED);
    DeviceDefectsTest.setImportance(400, 0); // cached: no exemption from the inference
    PlatformOrder platform = new PlatformOrder(app);
    ClosingControl socket = new ClosingControl();
    socket.attachment =
        SocketAttachment.attach(app, socket, AttachOptions.defaults().withPauseOnMeteredNetworks(), null);
    platform.available(PlatformOrder.activeNetwork(), PlatformOrder.caps(true, false), false);
    assertEquals(Set.of(), socket.attachment.pauseReasons());

    socket.armed = true;
    // Wi-Fi -> a metered hotspot this app may not use: BLOCKED and METERED in one decision.
    platform.available(ShadowNetwork.newInstance(101), PlatformOrder.caps(true, true), true);
    assertTrue(socket.attachment.isClosed());
    assertEquals("reasons left paused after close", Set.of(), socket.paused);
    assertEquals("calls after close", List.of(), socket.afterClose);
  }

  /** Closes its attachment on the first pause, like a listener reacting to PAUSED. */
  static final class ClosingControl extends RecordingControl {
    SocketAttachment attachment;
    final Set<String> paused = new HashSet<>();
    final List<String> afterClose = new ArrayList<>();
    boolean armed;
    private boolean closedOnce;

    @Override
    public void pause(String reason) {
      super.pause(reason);
      if (closedOnce) afterClose.add("pause:" + reason);
      paused.add(reason);
      if (armed && !closedOnce) {
        closedOnce = true;
        attachment.close(); // main thread: returns after the detach
      }
    }

    @Override
    public void resume(String reason) {
      super.resume(reason);
      paused.remove(reason);
    }

    @Override
    public void reconnectNow() {
      super.reconnectNow();
      if (closedOnce) afterClose.add("reconnectNow");
    }

    @Override
    public void replaceConnection() {
      super.replaceConnection();
      if (closedOnce) afterClose.add("replaceConnection");
    }

    @Override
    public void checkLiveness(java.time.Duration timeout) {
      super.checkLiveness(timeout);
      if (closedOnce) afterClose.add("checkLiveness");
    }
  }
}
