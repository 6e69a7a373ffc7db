package dev.steadysocket.android;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.robolectric.Shadows.shadowOf;

import android.Manifest;
import android.app.Activity;
import android.app.ActivityManager;
import android.app.AlarmManager;
import android.app.Application;
import android.content.Intent;
import android.net.ConnectivityManager;
import android.net.Network;
import android.os.Build;
import android.os.Looper;
import android.os.PowerManager;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.After;
import org.junit.Before;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.robolectric.Robolectric;
import org.robolectric.RobolectricTestRunner;
import org.robolectric.RuntimeEnvironment;
import org.robolectric.android.controller.ActivityController;
import org.robolectric.shadows.ShadowAlarmManager;
import org.robolectric.shadows.ShadowNetwork;

/**
 * Random histories of platform events against one attachment, checked after every step against
 * an independent model and the attachment's promises:
 *
 * <ul>
 *   <li>pause and resume are well formed (a reason paused once, resumed only if held);
 *   <li>no gap: when reasons are held before and after a step, none of the calls in between
 *       released the last one (the socket never dials between two reasons);
 *   <li>replace, reconnectNow and checkLiveness only reach a socket the attachment neither held nor
 *       released in that step;
 *   <li>whenever the device is awake and settled, the reasons held are the model's exactly; asleep,
 *       BACKGROUND may lag until the next wake-up, which ends it at once;
 *   <li>close releases every reason and nothing is called afterwards.
 * </ul>
 *
 * Robolectric runs JUnit 4, which jqwik cannot drive; histories come from a seeded {@link Random}
 * whose seed every failure names. Runs on every API level of robolectric.properties.
 */
@RunWith(RobolectricTestRunner.class)
public class SteeringModelTest {
  private static final int HISTORIES = 60;
  private static final int STEPS = 40;
  private static final Duration GRACE = Duration.ofSeconds(30);

  private final Application app = RuntimeEnvironment.getApplication();
  private final Network[] networks = {
    PlatformOrder.activeNetwork(), ShadowNetwork.newInstance(201), ShadowNetwork.newInstance(202)
  };
  private final AttachmentFixture.SleepingClock clock = new AttachmentFixture.SleepingClock();

  @Before
  public void setUp() {
    shadowOf(app).grantPermissions(Manifest.permission.ACCESS_NETWORK_STATE);
    PlatformSignals.clock = clock;
  }

  @After
  public void tearDown() {
    PlatformSignals.clock = DeviceClock.SYSTEM;
  }

  @Test
  public void randomHistoriesKeepThePromises() {
    long base = new Random().nextLong();
    for (int i = 0; i < HISTORIES; i++) {
      long seed = base + i;
      try {
        new History(new Random(seed)).run();
      } catch (AssertionError e) {
        throw new AssertionError("history with seed " + seed + "L on API " + Build.VERSION.SDK_INT + ": " + e.getMessage(), e);
      }
    }
  }

  /** One attachment's life: the model is what the platform was told, kept here independently. */
  private final class History {
    final Random random;
    final List<String> log = new ArrayList<>();
    final RecordingControl socket = new RecordingControl();
    final boolean pauseOnMetered;
    final boolean validatedOnly;
    Network current = networks[0];
    boolean validated = true;
    boolean metered;
    boolean blocked;
    boolean idle;
    boolean foreground;
    boolean asleepSinceGrace; // BACKGROUND may lag: a grace that ran out while the device slept
    long backgroundSinceElapsed;
    ActivityController<Activity> activity;
    SocketAttachment attachment;
    final Set<PauseReason> held = EnumSet.noneOf(PauseReason.class);

    History(Random random) {
      this.random = random;
      this.pauseOnMetered = random.nextBoolean();
      this.validatedOnly = random.nextBoolean();
    }

    void run() {
      shadowOf(app.getSystemService(PowerManager.class)).setIsDeviceIdleMode(false); // as the model starts
      DeviceDefectsTest.setImportance(ActivityManager.RunningAppProcessInfo.IMPORTANCE_CACHED, 0);
      PlatformOrder platform = new PlatformOrder(app);
      AttachOptions options = AttachOptions.defaults().withBackground(BackgroundPolicy.disconnectInBackground(GRACE));
      if (pauseOnMetered) options = options.withPauseOnMeteredNetworks();
      if (validatedOnly) options = options.withValidatedNetworksOnly();
      shadowOf(app.getSystemService(ConnectivityManager.class)).setNetworkCapabilities(current, PlatformOrder.caps(true, false));
      backgroundSinceElapsed = clock.elapsedRealtimeMillis();
      attachment = SocketAttachment.attach(app, socket, options, null);
      step("attach", () -> {});
      for (int s = 0; s < STEPS; s++) {
        switch (random.nextInt(10)) {
          case 0:
            Network next = networks[random.nextInt(networks.length)];
            boolean v = random.nextBoolean(), m = random.nextBoolean(), b = Build.VERSION.SDK_INT >= 29 && random.nextInt(3) == 0;
            current = next;
            validated = v;
            metered = m;
            blocked = b;
            step("available " + next + " v=" + v + " m=" + m + " b=" + b, () -> platform.available(next, PlatformOrder.caps(v, m), b));
            break;
          case 1:
            if (current == null) break;
            Network lost = current;
            current = null;
            validated = metered = blocked = false;
            step("lost", () -> platform.lost(lost));
            break;
          case 2:
            if (current == null || Build.VERSION.SDK_INT < 29) break;
            boolean nb = !blocked;
            Network n = current;
            blocked = nb;
            step("blocked " + nb, () -> platform.blocked(n, nb));
            break;
          case 3:
            boolean ni = !idle;
            idle = ni;
            step("idle " + ni, () -> {
              shadowOf(app.getSystemService(PowerManager.class)).setIsDeviceIdleMode(ni);
              app.sendBroadcast(new Intent(PowerManager.ACTION_DEVICE_IDLE_MODE_CHANGED));
              PlatformOrder.idle();
            });
            break;
          case 4:
          case 5:
            toggleActivity();
            break;
          case 6:
            long ms = random.nextInt(45_000);
            step("awake " + ms + " ms", () -> {
              deliverDueAlarms(); // waking up, the platform delivers the non-waking alarms due
              long due = GRACE.toMillis() - (clock.elapsedRealtimeMillis() - backgroundSinceElapsed);
              if (!foreground && due > 0 && due <= ms) { // and the alarm falls due while awake
                shadowOf(Looper.getMainLooper()).idleFor(Duration.ofMillis(due));
                deliverDueAlarms();
                shadowOf(Looper.getMainLooper()).idleFor(Duration.ofMillis(ms - due));
              } else {
                shadowOf(Looper.getMainLooper()).idleFor(Duration.ofMillis(ms));
              }
            });
            break;
          case 7:
            long slept = random.nextInt(600_000);
            step("deep sleep " + slept + " ms", () -> clock.sleep(Duration.ofMillis(slept)));
            break;
          case 8:
            step("screen on", () -> {
              app.sendBroadcast(new Intent(Intent.ACTION_SCREEN_ON));
              PlatformOrder.idle();
            });
            break;
          default:
            step("woken by another app's alarm", this::deliverDueAlarms);
            break;
        }
      }
      step("close", attachment::close);
      assertTrue("reasons left after close: " + held + "\n" + String.join("\n", log), held.isEmpty());
      assertEquals(Set.of(), attachment.pauseReasons());
      if (activity != null) activity.pause().stop().destroy();
      PlatformOrder.idle();
      socket.assertExhausted();
    }

    /**
     * The only alarm an attachment sets is its grace's; it is due when the model's grace has run
     * out (its trigger is in Robolectric's elapsed time, which does not know the sleep).
     */
    void deliverDueAlarms() {
      if (foreground || clock.elapsedRealtimeMillis() - backgroundSinceElapsed < GRACE.toMillis()) return;
      ShadowAlarmManager alarms = shadowOf(app.getSystemService(AlarmManager.class));
      for (ShadowAlarmManager.ScheduledAlarm a : alarms.getScheduledAlarms()) alarms.fireAlarm(a);
      PlatformOrder.idle();
    }

    void toggleActivity() {
      if (activity == null) {
        foreground = true;
        step("activity starts", () -> activity = Robolectric.buildActivity(Activity.class).setup());
      } else if (foreground) {
        foreground = false;
        backgroundSinceElapsed = clock.elapsedRealtimeMillis();
        step("activity stops", () -> activity.pause().stop());
      } else {
        foreground = true;
        step("activity restarts", () -> activity.restart().resume());
      }
    }

    /** Runs one event and checks what the attachment called and holds afterwards. */
    void step(String event, Runnable action) {
      log.add(event);
      boolean heldBefore = !held.isEmpty();
      action.run();
      List<String> calls = socket.drain();
      boolean emptied = false;
      for (String call : calls) {
        if (call.startsWith("pause:")) {
          assertTrue(fail("paused twice: " + call), held.add(PauseReason.of(call.substring(6))));
        } else if (call.startsWith("resume:")) {
          assertTrue(fail("resumed what was not held: " + call), held.remove(PauseReason.of(call.substring(7))));
          if (held.isEmpty()) emptied = true;
        } else if (call.startsWith("replace") || call.startsWith("reconnect") || call.startsWith("checkLiveness")) {
          assertTrue(fail(call + " while holding " + held), held.isEmpty());
          assertFalse(fail(call + " right after releasing"), heldBefore);
        }
      }
      log.add("  -> " + calls + " holding " + held);
      if (heldBefore && !held.isEmpty()) assertFalse(fail("a gap with no reason held"), emptied);
      assertEquals(fail("pauseReasons()"), held, attachment.pauseReasons());
      if (event.equals("close")) return;
      Set<PauseReason> expected = expected();
      if (expected.contains(PauseReason.BACKGROUND) && !held.contains(PauseReason.BACKGROUND)
          && event.startsWith("deep sleep")) {
        asleepSinceGrace = true; // ends at the next wake-up
        expected.remove(PauseReason.BACKGROUND);
      } else if (!event.startsWith("deep sleep")) {
        asleepSinceGrace = false;
      }
      if (asleepSinceGrace) expected.remove(PauseReason.BACKGROUND);
      assertEquals(fail("reasons"), expected, held);
    }

    Set<PauseReason> expected() {
      Set<PauseReason> out = EnumSet.noneOf(PauseReason.class);
      if (current == null || (validatedOnly && !validated)) {
        out.add(PauseReason.OFFLINE);
      } else {
        if (Build.VERSION.SDK_INT >= 29 && blocked) out.add(idle ? PauseReason.DOZE : PauseReason.BLOCKED);
        if (Build.VERSION.SDK_INT < 29 && idle) out.add(PauseReason.DOZE); // CACHED: not exempt
        if (pauseOnMetered && metered) out.add(PauseReason.METERED);
      }
      if (!foreground && clock.elapsedRealtimeMillis() - backgroundSinceElapsed >= GRACE.toMillis()) {
        out.add(PauseReason.BACKGROUND);
      }
      return out;
    }

    String fail(String what) {
      return what + "\n" + String.join("\n", log);
    }
  }
}
