package dev.steadysocket.android;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;
import static org.robolectric.Shadows.shadowOf;

import android.Manifest;
import android.app.Application;
import android.net.ConnectivityManager;
import android.os.Looper;
import dev.steadysocket.SteadySocket;
import java.lang.ref.WeakReference;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.After;
import org.junit.Before;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.robolectric.RobolectricTestRunner;
import org.robolectric.RuntimeEnvironment;
import org.robolectric.shadows.ShadowConnectivityManager;
import org.robolectric.util.ReflectionHelpers;

/**
 * One attachment per socket, and an attachment ends with its socket. Real sockets that never
 * connect: closing an idle socket takes it to CLOSED without any network.
 */
@RunWith(RobolectricTestRunner.class)
public class AttachmentLifetimeTest {
  private final Application app = RuntimeEnvironment.getApplication();
  private final List<SteadySocket> sockets = new ArrayList<>();
  private final List<SocketAttachment> attachments = new ArrayList<>();
  private ExecutorService callbackThread;

  @Before
  public void setUp() {
    shadowOf(app).grantPermissions(Manifest.permission.ACCESS_NETWORK_STATE);
  }

  @After
  public void tearDown() {
    for (SocketAttachment attachment : attachments) attachment.close();
    for (SteadySocket socket : sockets) {
      socket.close();
      MainLooperAwait.until("CLOSED", () -> socket.closeFuture().isDone());
    }
    if (callbackThread != null) callbackThread.shutdownNow();
  }

  /** Issue #12: a second attachment's resume released the first one's pause. */
  @Test
  public void attachingASocketTwiceFailsAndLeavesTheFirstInCharge() {
    SteadySocket socket = newSocket();
    SocketAttachment first =
        attach(socket, BackgroundPolicy.disconnectInBackground(Duration.ofSeconds(5)));
    int lifecycleCallbacks = lifecycleCallbacks().size();
    int receivers = receivers();

    IllegalStateException e =
        assertThrows(IllegalStateException.class, () -> attach(socket, BackgroundPolicy.keepAlive()));

    assertTrue(e.getMessage(), e.getMessage().contains("already attached"));
    assertEquals(1, connectivity().getNetworkCallbacks().size());
    assertEquals(lifecycleCallbacks, lifecycleCallbacks().size());
    assertEquals(receivers, receivers());

    first.close(); // then the socket may be attached again
    attach(socket, BackgroundPolicy.keepAlive());
    assertEquals(1, connectivity().getNetworkCallbacks().size());
  }

  /** Item 7: sockets share the process's registrations; the last one out removes them. */
  @Test
  public void socketsShareOneSetOfRegistrationsUntilTheLastDetaches() {
    int lifecycleCallbacks = lifecycleCallbacks().size();
    int receivers = receivers();
    SocketAttachment first = attach(newSocket(), BackgroundPolicy.keepAlive());
    SocketAttachment second = attach(newSocket(), BackgroundPolicy.disconnectInBackground(Duration.ZERO));
    assertEquals(1, connectivity().getNetworkCallbacks().size());
    assertEquals(lifecycleCallbacks + 1, lifecycleCallbacks().size());
    assertEquals(receivers + 1, receivers());

    first.close();
    assertEquals(1, connectivity().getNetworkCallbacks().size());
    second.close();
    assertEquals(0, connectivity().getNetworkCallbacks().size());
    assertEquals(lifecycleCallbacks, lifecycleCallbacks().size());
    assertEquals(receivers, receivers());
  }

  /** Issue #12: an attachment did not end when its socket closed. */
  @Test
  public void closingTheSocketDetachesTheAttachment() {
    int lifecycleCallbacks = lifecycleCallbacks().size();
    int receivers = receivers();
    SteadySocket socket = newSocket();
    SocketAttachment attachment =
        attach(socket, BackgroundPolicy.disconnectInBackground(Duration.ofSeconds(5)));
    assertEquals(1, connectivity().getNetworkCallbacks().size());

    socket.close();

    MainLooperAwait.until(
        "detached", () -> connectivity().getNetworkCallbacks().isEmpty() && socket.closeFuture().isDone());
    assertEquals(lifecycleCallbacks, lifecycleCallbacks().size());
    assertEquals(receivers, receivers());
    attachment.close(); // still allowed: idempotent
  }

  /**
   * A socket whose callbacks run on another thread closes there; the attachment still detaches
   * on the main thread (framework callbacks must be unregistered there), at the main loop's next
   * turn.
   */
  @Test
  public void aSocketClosedOnAnotherThreadIsDetachedOnTheMainThread() throws Exception {
    callbackThread = Executors.newSingleThreadExecutor();
    SteadySocket socket =
        track(SteadySocket.builder("ws://127.0.0.1:9/feed").callbackExecutor(callbackThread).build());
    attach(socket, BackgroundPolicy.keepAlive());

    socket.close();
    socket.closeFuture().get(MainLooperAwait.TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
    // Completed on the callback thread after onClosed: the detach is queued on the main looper.
    callbackThread.submit(() -> {}).get(MainLooperAwait.TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
    assertEquals(1, connectivity().getNetworkCallbacks().size());

    MainLooperAwait.until("detached", () -> connectivity().getNetworkCallbacks().isEmpty());
  }

  @Test
  public void attachingAClosedSocketLeavesNothingRegistered() {
    SteadySocket socket = newSocket();
    socket.close();
    MainLooperAwait.until("CLOSED", () -> socket.closeFuture().isDone());

    attach(socket, BackgroundPolicy.keepAlive());

    MainLooperAwait.until("detached", () -> connectivity().getNetworkCallbacks().isEmpty());
  }

  /**
   * #16 part 2: a closed attachment stops watching its socket, so a socket that lives on does not
   * keep the attachment (and through it the monitors) reachable.
   */
  @Test
  public void aClosedAttachmentIsNotKeptReachableByItsSocket() {
    SteadySocket socket = newSocket();
    SocketAttachment attachment = AndroidSteadySocket.attach(app, socket, BackgroundPolicy.keepAlive());
    shadowOf(Looper.getMainLooper()).idle();
    attachment.close();
    WeakReference<SocketAttachment> ref = new WeakReference<>(attachment);
    attachment = null;

    for (int i = 0; i < 20 && ref.get() != null; i++) {
      System.gc(); // a bounded number of collections: a reachable attachment survives them all
      shadowOf(Looper.getMainLooper()).idle();
    }
    assertNull("the socket still references the closed attachment", ref.get());
  }

  private SteadySocket newSocket() {
    return track(AndroidSteadySocket.builder("ws://127.0.0.1:9/feed").build());
  }

  private SteadySocket track(SteadySocket socket) {
    sockets.add(socket);
    return socket;
  }

  private SocketAttachment attach(SteadySocket socket, BackgroundPolicy policy) {
    SocketAttachment attachment = AndroidSteadySocket.attach(app, socket, policy);
    attachments.add(attachment);
    shadowOf(Looper.getMainLooper()).idle();
    return attachment;
  }

  private ShadowConnectivityManager connectivity() {
    return shadowOf(app.getSystemService(ConnectivityManager.class));
  }

  private int receivers() {
    return shadowOf(app).getRegisteredReceivers().size();
  }

  /** Application keeps them in a private list; there is no public getter. */
  private List<?> lifecycleCallbacks() {
    return ReflectionHelpers.getField(app, "mActivityLifecycleCallbacks");
  }
}
