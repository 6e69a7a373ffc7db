package dev.steadysocket.android;

import static org.junit.Assert.assertEquals;
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
import dev.steadysocket.SetupRegistration;
import dev.steadysocket.SteadySocket;
import dev.steadysocket.SteadySocketException;
import dev.steadysocket.SteadySocketListener;
import dev.steadysocket.testing.FakeServer;
import dev.steadysocket.testing.ServerConnection;
import dev.steadysocket.testing.SocketEvents;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.stream.Collectors;
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

/**
 * A real SteadySocket (real OkHttp, real frames) against the kit's loopback {@link FakeServer},
 * driven by simulated Android signals; every callback must arrive on the main thread.
 */
@RunWith(RobolectricTestRunner.class)
public class AndroidSteadySocketTest {
  /** Long enough that a connection within the test timeout can only come from a hook. */
  private static final Duration BACKOFF = Duration.ofMinutes(5);
  private static final Duration TIMEOUT = Duration.ofMillis(MainLooperAwait.TIMEOUT_MILLIS);

  private final Application app = RuntimeEnvironment.getApplication();
  /** The default network at attach, as the first burst after registering reports it. */
  private final Network wifi = PlatformOrder.activeNetwork();
  private final Network cellular = ShadowNetwork.newInstance(101);
  private final FakeServer server = FakeServer.loopback();
  /** What the client listener saw, in order (callbacks run on the main looper, which the test idles). */
  private final SocketEvents events = new SocketEvents();
  /** Callbacks that ran on another thread (any thread may add); every test ends with it empty. */
  private final Queue<String> offMainThread = new ConcurrentLinkedQueue<>();

  private final PlatformOrder platform = new PlatformOrder(app);
  private SteadySocket socket;
  private SocketAttachment attachment;

  @Before
  public void setUp() {
    shadowOf(app).grantPermissions(Manifest.permission.ACCESS_NETWORK_STATE);
    socket =
        AndroidSteadySocket.builder(server.url() + "feed")
            .backoff(Backoff.exponential(BACKOFF, BACKOFF).withoutJitter())
            .heartbeat(Heartbeat.disabled())
            .listener(new MainThreadCheck())
            .listener(events)
            .build();
  }

  // #16 part 2: every test, not only the first, fails on a callback off the main thread
  @After
  public void tearDown() {
    try {
      if (attachment != null) attachment.close();
      socket.close();
      MainLooperAwait.until("CLOSED", () -> socket.closeFuture().isDone());
      MainLooperAwait.until("onClosed", // the callbacks of the close are checked too
          () -> events.closeReason() != null || offMainThread.stream().anyMatch(c -> c.startsWith("onClosed")));
    } finally {
      server.close();
    }
    assertEquals("callbacks off the main thread", List.of(), new ArrayList<>(offMainThread));
  }

  @Test
  public void callbacksArriveOnTheMainThreadInOrder() {
    socket.connect();
    ServerConnection c = awaitServerConnection();
    for (int i = 1; i <= 3; i++) assertTrue(c.send("tick", i));

    MainLooperAwait.until("3 messages", () -> events.messages().size() >= 3);
    assertEquals(
        List.of(
            "state IDLE -> CONNECTING", "state CONNECTING -> OPEN", "message tick", "message tick",
            "message tick"),
        events.log());
    assertEquals(List.of("1", "2", "3"),
        events.messages("tick").stream().map(e -> e.content().toString()).collect(Collectors.toList()));
  }

  @Test
  public void offlinePausesAndTheNextNetworkReconnectsAtOnce() {
    attach(BackgroundPolicy.keepAlive());
    platform.available(wifi, PlatformOrder.caps(true, false), false);
    ServerConnection first = connectAndAwaitOpen();

    platform.lost(wifi);
    awaitState(ConnectionState.PAUSED);
    awaitServerSawClose(first);
    assertEquals(Set.of(PauseReason.OFFLINE), attachment.pauseReasons());

    platform.available(cellular, PlatformOrder.caps(false, true), false); // unvalidated is usable
    server.await(s -> s.handshakes() >= 2, "a second handshake", TIMEOUT);
    awaitOpenCount(2);
    assertEquals(2, server.handshakes());
  }

  /** Item 9 end to end: a blocked network's burst never starts a dial (PAUSED stays PAUSED). */
  @Test
  @Config(sdk = {29, 31, 34, 35})
  public void aBlockedNetworkArrivingAfterALossStartsNoAttempt() {
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
        lastStates(3));
  }

  @Test
  public void validationSkipsTheClientsOwnBackoff() {
    attach(BackgroundPolicy.keepAlive());
    platform.available(wifi, PlatformOrder.caps(true, false), false);
    connectAndAwaitOpen().close(1001, "going away"); // next attempt only after BACKOFF
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
  public void neitherValidationNorForegroundOverridesAServersTryAgainLater() {
    attach(BackgroundPolicy.disconnectInBackground(Duration.ZERO));
    platform.available(wifi, PlatformOrder.caps(true, false), false);
    ActivityController<Activity> activity = Robolectric.buildActivity(Activity.class).setup();
    connectAndAwaitOpen().close(1013, "try again later");
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
    assertEquals(List.of(ConnectionState.RECONNECTING, ConnectionState.PAUSED), lastStates(2));
    assertEquals(1, server.handshakes());
  }

  @Test
  public void defaultNetworkSwitchReplacesTheConnection() {
    attach(BackgroundPolicy.keepAlive());
    platform.available(wifi, PlatformOrder.caps(true, false), false);
    ServerConnection first = connectAndAwaitOpen();

    platform.available(cellular, PlatformOrder.caps(true, true), false);

    assertEquals(1001, awaitServerSawClose(first));
    awaitOpenCount(2);
    assertEquals(2, server.handshakes());
  }

  @Test
  public void backgroundPastGraceDisconnectsAndForegroundReconnects() {
    Duration grace = Duration.ofSeconds(10);
    attach(BackgroundPolicy.disconnectInBackground(grace));
    ActivityController<Activity> activity = Robolectric.buildActivity(Activity.class).setup();
    ServerConnection first = connectAndAwaitOpen();

    activity.pause().stop();
    shadowOf(Looper.getMainLooper()).idleFor(grace); // virtual time
    awaitState(ConnectionState.PAUSED);
    awaitServerSawClose(first);

    activity.start();
    awaitOpenCount(2);
  }

  /** Item 1: Doze pauses only when the platform blocks this app (API 29+: its own verdict). */
  @Test
  @Config(sdk = {29, 31, 34, 35})
  public void aDozeVerdictPausesAndItsEndReconnects() {
    attach(BackgroundPolicy.keepAlive());
    platform.available(wifi, PlatformOrder.caps(true, false), false);
    ServerConnection first = connectAndAwaitOpen();
    PowerManager power = app.getSystemService(PowerManager.class);

    shadowOf(power).setIsDeviceIdleMode(true);
    app.sendBroadcast(new Intent(PowerManager.ACTION_DEVICE_IDLE_MODE_CHANGED));
    platform.blocked(wifi, true);
    awaitState(ConnectionState.PAUSED);
    assertEquals(Set.of(PauseReason.DOZE), attachment.pauseReasons());
    awaitServerSawClose(first);

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
  public void unlockFindsALinkThatStoppedAnsweringWithinTheLivenessTimeout() {
    attachment = AndroidSteadySocket.attach(app, socket, AttachOptions.defaults().withLivenessCheck(Duration.ofMillis(300)));
    platform.available(wifi, PlatformOrder.caps(true, false), false);
    ServerConnection c = connectAndAwaitOpen();
    try {
      c.goHalfOpen();
      socket.send("hold");
      // The server's reader is held at that frame: the ping goes unanswered (the heartbeat is off).
      server.await(s -> c.isStalled(), "the server's reader held", TIMEOUT);
      app.sendBroadcast(new Intent(Intent.ACTION_USER_PRESENT));
      awaitState(ConnectionState.RECONNECTING);
    } finally {
      c.drop(); // lets the held reader go
    }
  }

  private void attach(BackgroundPolicy policy) {
    attachment = AndroidSteadySocket.attach(app, socket, policy);
  }

  /** Connects, waits for OPEN on the main thread, and returns the server's side of it (the first handshake). */
  private ServerConnection connectAndAwaitOpen() {
    socket.connect();
    awaitOpenCount(1);
    ServerConnection c = awaitServerConnection();
    assertEquals(1, server.handshakes());
    return c;
  }

  /** The server's side of the first connection, once listed (a real-time wait: no looper involved). */
  private ServerConnection awaitServerConnection() {
    ServerConnection c = server.await(s -> s.connections().size() == 1, "the server side to open", TIMEOUT).connection();
    assertEquals(0, c.index());
    return c;
  }

  /** Waits until the server side saw {@code c} close; returns the client's close code, -1 for none. */
  private int awaitServerSawClose(ServerConnection c) {
    server.await(s -> c.closeCode() != null, "the server side to see the close", TIMEOUT);
    return c.closeCode();
  }

  private void awaitState(ConnectionState state) {
    MainLooperAwait.until(state.toString(), () -> events.state() == state);
  }

  private void awaitOpenCount(int count) {
    MainLooperAwait.until(
        "OPEN #" + count,
        () -> events.states().stream().filter(s -> s == ConnectionState.OPEN).count() >= count);
  }

  private List<ConnectionState> lastStates(int n) {
    List<ConnectionState> states = events.states();
    return states.subList(states.size() - n, states.size());
  }

  /**
   * Notes every callback that runs off the main thread in {@link #offMainThread}, which {@link
   * #tearDown} asserts empty; {@link #events} records them all.
   */
  private final class MainThreadCheck implements SteadySocketListener {
    @Override
    public void onStateChanged(ConnectionState previous, ConnectionState current) {
      check("onStateChanged(" + previous + "->" + current + ")");
    }

    @Override
    public void onMessage(Envelope envelope) {
      check("onMessage(" + envelope.type() + ")");
    }

    @Override
    public void onBinaryMessage(byte[] bytes) {
      check("onBinaryMessage");
    }

    @Override
    public void onReconnecting(int attempt, Duration delay, SteadySocketException cause) {
      check("onReconnecting");
    }

    @Override
    public void onError(SteadySocketException error) {
      check("onError(" + error.getClass().getSimpleName() + ")");
    }

    @Override
    public void onSetupConfirmed(SetupRegistration setup, Envelope reply) {
      check("onSetupConfirmed");
    }

    @Override
    public void onClosed(CloseReason reason) {
      check("onClosed");
    }

    private void check(String callback) {
      if (Looper.myLooper() != Looper.getMainLooper()) {
        offMainThread.add(callback + " on " + Thread.currentThread().getName());
      }
    }
  }
}
