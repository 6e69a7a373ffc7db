package dev.steadysocket.android;

import android.app.Activity;
import android.app.AlarmManager;
import android.net.Network;
import android.os.Build;
import android.os.SystemClock;
import dev.steadysocket.Heartbeat;
import java.lang.ref.WeakReference;
import java.time.Duration;
import java.util.Collections;
import java.util.EnumSet;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * One socket's decisions from the process's {@link PlatformSignals}: which pause reasons to hold
 * ({@link Verdict}), and the edge-triggered actions — replace the connection when the default
 * network changes, skip the client's backoff when a network is validated or the app returns to
 * the foreground, check liveness on that return and on unlock, switch to the background heartbeat
 * and back. Main thread only, except {@link #heldReasons()}, which any thread may read.
 *
 * <p>Pause reasons are applied as a difference: new reasons are paused before old ones are
 * resumed, so moving from one reason to another (DOZE → BLOCKED) never lets the socket connect in
 * between. The background grace is measured in elapsed real time and checked by three wake-ups,
 * whichever comes first: a main-looper timer (exact while the device is awake, re-armed with the
 * time left at every decision), a non-waking alarm (never before the deadline, at a wake-up after
 * it; the platform may batch or defer it, in Doze too), and the screen coming on or the user
 * unlocking. Whichever runs after the deadline pauses at once.
 */
final class Steering implements PlatformSignals.Subscriber {
  private static final String ALARM_TAG = "dev.steadysocket:background-grace";

  private final SocketControl socket;
  private final AttachOptions options;
  private final PlatformSignals signals;
  private final Runnable graceCheck = this::signalsChanged;
  private final AlarmManager.OnAlarmListener graceAlarm = this::signalsChanged;
  private final EnumSet<PauseReason> held = EnumSet.noneOf(PauseReason.class);
  private volatile Set<PauseReason> heldSnapshot = Collections.emptySet();

  /** Screen-scoped: the activity followed, across configuration changes. */
  private final boolean screenScoped;
  private @Nullable WeakReference<Activity> screen;
  private @Nullable Class<?> screenClass;
  private boolean screenStarted;
  private boolean awaitingReplacement;

  private @Nullable Network lastNetwork;
  private boolean lastValidated;
  private boolean lastForeground;
  /** The elapsed-real-time deadline the timers are set for, or -1. */
  private long graceDeadline = -1;
  private boolean alarmSet;
  private boolean backgroundHeartbeatOn;
  private boolean stopped;

  Steering(SocketControl socket, AttachOptions options, PlatformSignals signals, @Nullable Activity screen) {
    this.socket = socket;
    this.options = options;
    this.signals = signals;
    this.screenScoped = screen != null;
    if (screen != null) {
      this.screen = new WeakReference<>(screen);
      this.screenClass = screen.getClass();
      this.screenStarted = signals.lifecycle.isStarted(screen); // attached from onStart or later
    }
  }

  /** Subscribes and decides at once: no network → OFFLINE, in the background past grace → BACKGROUND… */
  void start() {
    signals.subscribe(this);
    lastNetwork = signals.network.network;
    lastValidated = signals.network.validated;
    lastForeground = signals.lifecycle.foreground();
    if (!lastForeground) enterBackgroundHeartbeat();
    decide();
  }

  /** Unsubscribes, cancels the timers, restores the heartbeat and releases every reason. Idempotent. */
  void stop() {
    if (stopped) return;
    stopped = true;
    signals.unsubscribe(this);
    cancelGraceTimers();
    if (backgroundHeartbeatOn) leaveBackgroundHeartbeat();
    for (PauseReason r : held) socket.resume(r.reason());
    held.clear();
    heldSnapshot = Collections.emptySet();
  }

  /** The reasons held now; any thread. */
  Set<PauseReason> heldReasons() {
    return heldSnapshot;
  }

  @Override
  public void signalsChanged() {
    if (!stopped) decide();
  }

  @Override
  public void userPresent() {
    Duration timeout = options.livenessTimeout();
    if (!stopped && timeout != null && held.isEmpty()) socket.checkLiveness(timeout);
  }

  @Override
  public void activityEvent(Activity activity, LifecycleTracker.ActivityEvent event) {
    if (stopped || !screenScoped) return;
    if (awaitingReplacement && event == LifecycleTracker.ActivityEvent.CREATED && activity.getClass() == screenClass) {
      screen = new WeakReference<>(activity); // the same screen after a configuration change
      awaitingReplacement = false;
      return;
    }
    WeakReference<Activity> ref = screen;
    if (ref == null || ref.get() != activity) return;
    switch (event) {
      case SHOWN:
        screenStarted = true;
        break;
      case STOPPED:
        // A rotation stops the old instance before the new one starts: the screen stays.
        if (!activity.isChangingConfigurations()) screenStarted = false;
        break;
      case DESTROYED:
        if (activity.isChangingConfigurations()) {
          awaitingReplacement = true;
        } else {
          screen = null; // gone for good: stay paused (SCREEN) until the app closes socket or attachment
          screenStarted = false;
        }
        break;
      default:
        break;
    }
    decide();
  }

  /**
   * A screen-scoped attachment asked again for {@code activity} (recreated, or opened anew with a
   * retained socket): follow it. The same instance, adopted already at its onCreate, changes nothing.
   */
  void follow(Activity activity) {
    WeakReference<Activity> ref = screen;
    if (stopped || !screenScoped || (ref != null && ref.get() == activity)) return;
    screen = new WeakReference<>(activity);
    awaitingReplacement = false;
    screenStarted = signals.lifecycle.isStarted(activity); // from onCreate: false, it starts next
    decide();
  }

  /**
   * Holds the reasons the facts call for, then acts on what changed. The actions (replace, skip
   * the backoff, check liveness) are only for a socket this attachment neither held nor just
   * released: a paused socket ignores them, and a resumed one connects afresh at once anyway.
   */
  private void decide() {
    Verdict.Facts f = facts();
    boolean wasHolding = !held.isEmpty();
    apply(Verdict.reasons(f, options, held));
    if (stopped) return; // a hook closed the attachment
    boolean act = !wasHolding && held.isEmpty();
    if (f.networkKnown && f.settled) {
      Network now = signals.network.network;
      boolean validated = now != null && signals.network.validated;
      boolean switched = now != null && lastNetwork != null && !now.equals(lastNetwork);
      boolean newlyValidated = validated && (!lastValidated || switched);
      lastNetwork = now;
      lastValidated = validated;
      if (act && switched) socket.replaceConnection(); // the old route is going away
      else if (act && newlyValidated) socket.reconnectNow(); // a backoff begun while offline is pointless
    }
    if (f.foreground != lastForeground) {
      lastForeground = f.foreground;
      foregroundChanged(f.foreground, act);
    }
    scheduleGrace(f);
  }

  private void foregroundChanged(boolean foreground, boolean act) {
    if (!foreground) {
      enterBackgroundHeartbeat();
      return;
    }
    leaveBackgroundHeartbeat();
    if (!act) return;
    socket.reconnectNow(); // the user is looking: skip the client's backoff (never a server's delay)
    Duration timeout = options.livenessTimeout();
    if (timeout != null) socket.checkLiveness(timeout); // a link that died in deep sleep
  }

  private Verdict.Facts facts() {
    Verdict.Facts f = new Verdict.Facts();
    NetworkTracker n = signals.network;
    DeviceStateReceiver d = signals.device;
    f.sdk = Build.VERSION.SDK_INT;
    f.networkKnown = n.registered();
    f.settled = n.settled;
    f.hasNetwork = n.network != null;
    f.validated = n.validated;
    f.captivePortal = n.captivePortal;
    f.metered = n.metered;
    f.blocked = n.blocked;
    f.foreground = signals.lifecycle.foreground();
    f.backgroundMillis = signals.deviceClock.elapsedRealtimeMillis() - signals.lifecycle.backgroundSince();
    f.screenScoped = screenScoped;
    f.screenStarted = screenStarted;
    // All of them, every time: which ones count on which API level is Verdict's rule alone. The
    // reads are cheap and a decision runs only when a platform signal arrives.
    f.deviceIdle = d.deviceIdle();
    f.powerSave = d.powerSave();
    f.allowListed = d.allowListed();
    f.dataSaver = d.dataSaver();
    f.backgroundRestricted = d.backgroundRestricted();
    f.importance = LifecycleTracker.importance();
    return f;
  }

  /** New reasons first, then the released ones: never a moment with none held in between. */
  private void apply(EnumSet<PauseReason> want) {
    if (want.equals(held)) return;
    // Each hook may re-enter (a socket whose hooks call back and close the attachment): after
    // stop() has released what was held, nothing more is paused.
    for (PauseReason r : want) {
      if (stopped) return;
      if (held.add(r)) socket.pause(r.reason());
    }
    for (PauseReason r : EnumSet.copyOf(held)) {
      if (stopped) return;
      if (!want.contains(r)) {
        held.remove(r);
        socket.resume(r.reason());
      }
    }
    if (!stopped) heldSnapshot = Collections.unmodifiableSet(EnumSet.copyOf(held));
  }

  /**
   * Arms the grace's wake-ups for the current background stay. The looper timer is re-armed at
   * every decision with the elapsed time left, so any wake-up that reaches us (a network change,
   * the screen) also corrects a timer that slept; the alarm is set once per deadline.
   */
  private void scheduleGrace(Verdict.Facts f) {
    Duration grace = options.background().grace();
    if (grace == null || f.foreground || held.contains(PauseReason.BACKGROUND)) {
      cancelGraceTimers();
      return;
    }
    long deadline = signals.lifecycle.backgroundSince() + grace.toMillis();
    long left = Math.max(0, deadline - signals.deviceClock.elapsedRealtimeMillis());
    signals.mainHandler.removeCallbacks(graceCheck);
    signals.mainHandler.postDelayed(graceCheck, left); // uptime: exact while awake
    if (deadline == graceDeadline) return;
    if (alarmSet) cancelAlarm();
    graceDeadline = deadline;
    AlarmManager alarms = signals.application.getSystemService(AlarmManager.class);
    try {
      // Non-waking and inexact: never wakes the device; delivered at a wake-up after the deadline.
      alarms.set(AlarmManager.ELAPSED_REALTIME, SystemClock.elapsedRealtime() + left, ALARM_TAG,
          graceAlarm, signals.mainHandler);
      alarmSet = true;
    } catch (RuntimeException e) { // e.g. the 500-alarms-per-app cap
      signals.warn(new AttachmentWarning(AttachmentWarning.Signal.DEEP_SLEEP_TIMER, e));
    }
  }

  private void cancelGraceTimers() {
    signals.mainHandler.removeCallbacks(graceCheck);
    graceDeadline = -1;
    if (alarmSet) cancelAlarm();
  }

  private void cancelAlarm() {
    alarmSet = false;
    signals.application.getSystemService(AlarmManager.class).cancel(graceAlarm);
  }

  private void enterBackgroundHeartbeat() {
    Heartbeat background = options.backgroundHeartbeat();
    if (background == null || backgroundHeartbeatOn) return;
    backgroundHeartbeatOn = true;
    socket.backgroundHeartbeat(background);
  }

  private void leaveBackgroundHeartbeat() {
    if (!backgroundHeartbeatOn) return;
    backgroundHeartbeatOn = false;
    socket.foregroundHeartbeat();
  }
}
