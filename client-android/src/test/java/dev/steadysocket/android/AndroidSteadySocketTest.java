package dev.steadysocket.android;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertSame;
import static org.junit.Assert.assertTrue;
import static org.robolectric.Shadows.shadowOf;

import android.Manifest;
import android.app.Activity;
import android.app.Application;
import android.content.Intent;
import android.net.Network;
import android.os.Looper;
import android.os.PowerManager;
import dev.steadysocket.Backoff;
import dev.steadysocket.CloseReason;
import dev.steadysocket.ConnectionState;
import dev.steadysocket.Envelope;
import dev.steadysocket.Heartbeat;
import dev.steadysocket.SteadySocket;
import dev.steadysocket.SteadySocketException;
import dev.steadysocket.SteadySocketListener;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import okhttp3.Response;
import okhttp3.WebSocket;
import okhttp3.WebSocketListener;
import org.junit.After;
import org.junit.Before;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.robolectric.Robolectric;
import org.robolectric.RobolectricTestRunner;
import org.robolectric.RuntimeEnvironment;
import org.robolectric.annotation.Config;
import org.robolectric.android.controller.ActivityController;
import org.robolectric.shadows.ShadowNetwork;

/** A real SteadySocket against MockWebServer, driven by simulated Android signals. */
@RunWith(RobolectricTestRunner.class)
public class AndroidSteadySocketTest {
  /** Long enough that a connection within the test timeout can only come from a hook. */
  private static final Duration BACKOFF = Duration.ofMinutes(5);

  private final Application app = RuntimeEnvironment.getApplication();
  /** The default network at attach, as the first burst after registering reports it. */
  private final Network wifi = PlatformOrder.activeNetwork();
  private final Network cellular = ShadowNetwork.newInstance(101);
  private final MockWebServer server = new MockWebServer();
  private final ServerEvents serverEvents = new ServerEvents();
  /** What the client listener saw, in order; touched on the main thread only. */
  private final List<String> events = new ArrayList<>();
  private final List<ConnectionState> states = new ArrayList<>();
  /** Callbacks that ran on another thread (any thread may add); every test ends with it empty. */
  private final Queue<String> offMainThread = new ConcurrentLinkedQueue<>();

  private final PlatformOrder platform = new PlatformOrder(app);
  private SteadySocket socket;
  private SocketAttachment attachment;

  @Before
  public void setUp() throws Exception {
    shadowOf(app).grantPermissions(Manifest.permission.ACCESS_NETWORK_STATE);
    server.start();
    for (int i = 0; i < 5; i++) {
      server.enqueue(new MockResponse.Builder().webSocketUpgrade(serverEvents).build());
    }
    socket =
        AndroidSteadySocket.builder(server.url("/feed").toString())
            .backoff(Backoff.exponential(BACKOFF, BACKOFF).withoutJitter())
            .heartbeat(Heartbeat.disabled())
            .listener(new RecordingListener())
            .build();
  }

  // #16 part 2: every test, not only the first, fails on a callback off the main thread
  @After
  public void tearDown() {
    if (attachment != null) attachment.close();
    socket.close();
    MainLooperAwait.until("CLOSED", () -> socket.closeFuture().isDone());
    MainLooperAwait.until("onClosed", // the callbacks of the close are checked too
        () -> events.contains("closed") || offMainThread.stream().anyMatch(c -> c.startsWith("onClosed")));
    server.close();
    assertEquals("callbacks off the main thread", List.of(), new ArrayList<>(offMainThread));
  }

  @Test
  public void callbacksArriveOnTheMainThreadInOrder() throws Exception {
    serverEvents.sendOnOpen = 3;
    socket.connect();

    MainLooperAwait.until("3 messages", () -> events.size() >= 5);
    assertEquals(
        List.of(
            "IDLE->CONNECTING", "CONNECTING->OPEN", "message:tick:1", "message:tick:2",
            "message:tick:3"),
        events);
  }

  @Test
  public void offlinePausesAndTheNextNetworkReconnectsAtOnce() throws Exception {
    attach(BackgroundPolicy.keepAlive());
    platform.available(wifi, PlatformOrder.caps(true, false), false);
    connectAndAwaitOpen();

    platform.lost(wifi);
    awaitState(ConnectionState.PAUSED);
    serverEvents.awaitClosed();
    assertEquals(Set.of(PauseReason.OFFLINE), attachment.pauseReasons());

    platform.available(cellular, PlatformOrder.caps(false, true), false); // unvalidated is usable
    assertNotNull(server.takeRequest(MainLooperAwait.TIMEOUT_MILLIS, TimeUnit.MILLISECONDS));
    awaitOpenCount(2);
  }

  /** Item 9 end to end: a blocked network's burst never starts a dial (PAUSED stays PAUSED). */
  @Test
  @Config(sdk = {29, 31, 34, 35})
  public void aBlockedNetworkArrivingAfterALossStartsNoAttempt() throws Exception {
    attach(BackgroundPolicy.keepAlive());
    platform.available(wifi, PlatformOrder.caps(true, false), false);
    connectAndAwaitOpen();
    platform.lost(wifi);
    awaitState(ConnectionState.PAUSED);
    long attempts = socket.metrics().connectionAttempts();

    platform.available(cellular, PlatformOrder.caps(true, true), true);
    shadowOf(Looper.getMainLooper()).idle();
    platform.blocked(cellular, false);
    awaitOpenCount(2);
    assertEquals(attempts + 1, socket.metrics().connectionAttempts());
    assertEquals(List.of(ConnectionState.PAUSED, ConnectionState.CONNECTING, ConnectionState.OPEN),
        states.subList(states.size() - 3, states.size()));
  }

  @Test
  public void validationSkipsTheClientsOwnBackoff() throws Exception {
    attach(BackgroundPolicy.keepAlive());
    platform.available(wifi, PlatformOrder.caps(true, false), false);
    connectAndAwaitOpen();

    serverEvents.awaitOpenSocket().close(1001, "going away"); // next attempt only after BACKOFF
    awaitState(ConnectionState.RECONNECTING);

    platform.capabilities(wifi, PlatformOrder.caps(false, false));
    platform.capabilities(wifi, PlatformOrder.caps(true, false));
    awaitOpenCount(2);
  }

  /**
   * Item 5: a server that closes with 1012 (restarting) or 1013 (try again later) asked for a
   * delay; a validation or a return to the foreground must not turn every client into a herd.
   */
  @Test
  public void neitherValidationNorForegroundOverridesAServersTryAgainLater() throws Exception {
    attach(BackgroundPolicy.disconnectInBackground(Duration.ZERO));
    platform.available(wifi, PlatformOrder.caps(true, false), false);
    ActivityController<Activity> activity = Robolectric.buildActivity(Activity.class).setup();
    connectAndAwaitOpen();

    serverEvents.awaitOpenSocket().close(1013, "try again later");
    awaitState(ConnectionState.RECONNECTING);
    platform.capabilities(wifi, PlatformOrder.caps(false, false));
    platform.capabilities(wifi, PlatformOrder.caps(true, false));
    activity.pause().stop();
    shadowOf(Looper.getMainLooper()).idle();
    activity.start().resume();
    shadowOf(Looper.getMainLooper()).idle();
    // The socket's loop runs hooks in order: a pause after them is seen after whatever they did.
    socket.pause("probe");
    awaitState(ConnectionState.PAUSED);
    assertEquals(List.of(ConnectionState.RECONNECTING, ConnectionState.PAUSED),
        states.subList(states.size() - 2, states.size()));
    assertEquals(1, server.getRequestCount());
  }

  @Test
  public void defaultNetworkSwitchReplacesTheConnection() throws Exception {
    attach(BackgroundPolicy.keepAlive());
    platform.available(wifi, PlatformOrder.caps(true, false), false);
    connectAndAwaitOpen();

    platform.available(cellular, PlatformOrder.caps(true, true), false);

    assertEquals(1001, serverEvents.awaitClosed());
    awaitOpenCount(2);
    assertEquals(2, server.getRequestCount());
  }

  @Test
  public void backgroundPastGraceDisconnectsAndForegroundReconnects() throws Exception {
    Duration grace = Duration.ofSeconds(10);
    attach(BackgroundPolicy.disconnectInBackground(grace));
    ActivityController<Activity> activity = Robolectric.buildActivity(Activity.class).setup();
    connectAndAwaitOpen();

    activity.pause().stop();
    shadowOf(Looper.getMainLooper()).idleFor(grace); // virtual time
    awaitState(ConnectionState.PAUSED);
    serverEvents.awaitClosed();

    activity.start();
    awaitOpenCount(2);
  }

  /** Item 1: Doze pauses only when the platform blocks this app (API 29+: its own verdict). */
  @Test
  @Config(sdk = {29, 31, 34, 35})
  public void aDozeVerdictPausesAndItsEndReconnects() throws Exception {
    attach(BackgroundPolicy.keepAlive());
    platform.available(wifi, PlatformOrder.caps(true, false), false);
    connectAndAwaitOpen();
    PowerManager power = app.getSystemService(PowerManager.class);

    shadowOf(power).setIsDeviceIdleMode(true);
    app.sendBroadcast(new Intent(PowerManager.ACTION_DEVICE_IDLE_MODE_CHANGED));
    platform.blocked(wifi, true);
    awaitState(ConnectionState.PAUSED);
    assertEquals(Set.of(PauseReason.DOZE), attachment.pauseReasons());
    serverEvents.awaitClosed();

    shadowOf(power).setIsDeviceIdleMode(false);
    app.sendBroadcast(new Intent(PowerManager.ACTION_DEVICE_IDLE_MODE_CHANGED));
    platform.blocked(wifi, false);
    awaitOpenCount(2);
  }

  /** The hooks on a real socket: the background heartbeat replaces the socket's own, which comes back. */
  @Test
  public void theBackgroundHeartbeatReplacesTheSocketsOwnUntilTheForegroundReturns() {
    Heartbeat slow = Heartbeat.every(Duration.ofMinutes(4));
    attachment = AndroidSteadySocket.attach(app, socket, AttachOptions.defaults().withBackgroundHeartbeat(slow));
    ActivityController<Activity> activity = Robolectric.buildActivity(Activity.class).setup();
    Heartbeat own = Heartbeat.every(Duration.ofSeconds(20)); // the app changed it meanwhile
    socket.heartbeat(own);
    activity.pause().stop();
    shadowOf(Looper.getMainLooper()).idle();
    assertSame(slow, socket.heartbeat());
    activity.restart().resume(); // onRestart, onStart, onResume, as the platform brings it back
    shadowOf(Looper.getMainLooper()).idle();
    assertSame(own, socket.heartbeat());

    activity.pause().stop();
    Heartbeat mine = Heartbeat.every(Duration.ofSeconds(45));
    socket.heartbeat(mine); // the app's own, set while in the background: not overwritten on return
    activity.restart().resume();
    shadowOf(Looper.getMainLooper()).idle();
    assertSame(mine, socket.heartbeat());

    activity.pause().stop();
    shadowOf(Looper.getMainLooper()).idle();
    assertSame(slow, socket.heartbeat());
    attachment.close();
    assertSame(mine, socket.heartbeat()); // restored by close too
  }

  /** Item 11 on a real socket: the unlock's liveness check finds a link whose peer stopped reading. */
  @Test
  public void unlockFindsALinkThatStoppedAnsweringWithinTheLivenessTimeout() throws Exception {
    attachment = AndroidSteadySocket.attach(app, socket, AttachOptions.defaults().withLivenessCheck(Duration.ofMillis(300)));
    platform.available(wifi, PlatformOrder.caps(true, false), false);
    connectAndAwaitOpen();
    try {
      socket.send("hold");
      assertEquals("hold", serverEvents.held.poll(MainLooperAwait.TIMEOUT_MILLIS, TimeUnit.MILLISECONDS));
      // The server's reader is stuck in onMessage: the ping goes unanswered (the heartbeat is off).
      app.sendBroadcast(new Intent(Intent.ACTION_USER_PRESENT));
      awaitState(ConnectionState.RECONNECTING);
    } finally {
      serverEvents.release.countDown();
    }
  }

  private void attach(BackgroundPolicy policy) {
    attachment = AndroidSteadySocket.attach(app, socket, policy);
  }

  private void connectAndAwaitOpen() throws InterruptedException {
    socket.connect();
    awaitOpenCount(1);
    assertNotNull(server.takeRequest(MainLooperAwait.TIMEOUT_MILLIS, TimeUnit.MILLISECONDS));
  }

  private void awaitState(ConnectionState state) {
    MainLooperAwait.until(
        state.toString(), () -> !states.isEmpty() && states.get(states.size() - 1) == state);
  }

  private void awaitOpenCount(int count) {
    MainLooperAwait.until(
        "OPEN #" + count,
        () -> states.stream().filter(s -> s == ConnectionState.OPEN).count() >= count);
  }

  /**
   * Records on the main thread; a callback on any other thread is recorded in {@link
   * #offMainThread} instead, which {@link #tearDown} asserts empty.
   */
  private final class RecordingListener implements SteadySocketListener {
    @Override
    public void onStateChanged(ConnectionState previous, ConnectionState current) {
      if (!onMainThread("onStateChanged(" + previous + "->" + current + ")")) return;
      states.add(current);
      events.add(previous + "->" + current);
    }

    @Override
    public void onMessage(Envelope envelope) {
      if (!onMainThread("onMessage(" + envelope.type() + ")")) return;
      events.add("message:" + envelope.type() + ":" + envelope.content());
    }

    @Override
    public void onReconnecting(int attempt, Duration delay, SteadySocketException cause) {
      onMainThread("onReconnecting");
    }

    @Override
    public void onError(SteadySocketException error) {
      onMainThread("onError(" + error.getClass().getSimpleName() + ")");
    }

    @Override
    public void onClosed(CloseReason reason) {
      if (onMainThread("onClosed")) events.add("closed");
    }

    private boolean onMainThread(String callback) {
      if (Looper.myLooper() == Looper.getMainLooper()) return true;
      offMainThread.add(callback + " on " + Thread.currentThread().getName());
      return false;
    }
  }

  /** Server side: events from OkHttp threads, waited on with bounded polls. */
  private static final class ServerEvents extends WebSocketListener {
    final BlockingQueue<WebSocket> opened = new LinkedBlockingQueue<>();
    final BlockingQueue<Integer> closed = new LinkedBlockingQueue<>();
    volatile int sendOnOpen;
    /** A text message holds the server's reader (no frame, not even a pong, is read) until released. */
    final BlockingQueue<String> held = new LinkedBlockingQueue<>();
    final CountDownLatch release = new CountDownLatch(1);

    @Override
    public void onMessage(WebSocket webSocket, String text) {
      held.add(text);
      try {
        release.await(MainLooperAwait.TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }

    @Override
    public void onOpen(WebSocket webSocket, Response response) {
      for (int i = 1; i <= sendOnOpen; i++) {
        webSocket.send("{\"type\":\"tick\",\"content\":" + i + "}");
      }
      opened.add(webSocket);
    }

    @Override
    public void onClosing(WebSocket webSocket, int code, String reason) {
      webSocket.close(1000, null);
      closed.add(code);
    }

    @Override
    public void onFailure(WebSocket webSocket, Throwable t, Response response) {
      closed.add(-1);
    }

    WebSocket awaitOpenSocket() throws InterruptedException {
      WebSocket ws = opened.poll(MainLooperAwait.TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
      assertNotNull("server side never opened", ws);
      return ws;
    }

    int awaitClosed() throws InterruptedException {
      Integer code = closed.poll(MainLooperAwait.TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
      assertTrue("server side never saw the close", code != null);
      return code;
    }
  }
}
