package dev.steadysocket.android;

import android.app.Activity;
import android.app.ActivityManager;
import android.app.Application;
import android.os.Bundle;
import android.os.Handler;
import java.util.Collections;
import java.util.Set;
import java.util.WeakHashMap;
import org.jspecify.annotations.Nullable;

/**
 * The process's one set of activity-lifecycle callbacks: whether the app is in the foreground
 * (an activity of this process is started) and since when it is not. Main thread only.
 *
 * <p>Activities are tracked by identity, not counted: navigating A → B runs B.onStart before
 * A.onStop, and a count cannot tell that stop of A (started before {@link #start}) from the stop
 * of B. Which activities are started when tracking begins is not knowable (no API lists them):
 *
 * <ul>
 *   <li>The initial state comes from the process importance: FOREGROUND or VISIBLE <i>for its own
 *       sake</i>. A process is also FOREGROUND when the top app binds it (a widget's {@code
 *       RemoteViewsService}, a content provider, an input method); then {@code importanceReasonCode}
 *       names the binding and no activity of ours is on screen, so that is background.
 *   <li>That seeded foreground is <i>provisional</i> until an activity shows itself: an activity
 *       started before tracking shows itself by any onResumed/onPaused (only a started activity is
 *       resumed or paused), and is adopted. While provisional, the importance is read again every
 *       {@link #RECHECK_MILLIS}: a trampoline activity that finished in onCreate, or a launch that
 *       never became an activity, leaves a process that is no longer foreground, and nothing else
 *       would say so.
 *   <li>A stop of an activity never seen started changes nothing in the set; after any stop, an
 *       empty set means background (a rotation excepted).
 * </ul>
 */
final class LifecycleTracker implements Application.ActivityLifecycleCallbacks {
  /** How often a provisional foreground is checked against the process importance. */
  static final long RECHECK_MILLIS = 5_000;

  /** What happened to one activity, for screen-scoped attachments. */
  enum ActivityEvent { CREATED, SHOWN, STOPPED, DESTROYED }

  interface Listener {
    /** The app entered or left the foreground. */
    void foregroundChanged();

    void activityEvent(Activity activity, ActivityEvent event);
  }

  private final Application application;
  private final Handler mainHandler;
  private final DeviceClock clock;
  private final Listener listener;
  private final Runnable recheck = this::recheck;

  /** Started (seen started, or adopted) and not yet stopped, by identity; weak so none is kept alive. */
  private final Set<Activity> started = Collections.newSetFromMap(new WeakHashMap<>());

  private boolean foreground;
  private boolean provisional;
  /** Elapsed real time at which the app last entered the background. */
  private long backgroundSince;
  private boolean registered;

  LifecycleTracker(Application application, Handler mainHandler, DeviceClock clock, Listener listener) {
    this.application = application;
    this.mainHandler = mainHandler;
    this.clock = clock;
    this.listener = listener;
  }

  void start() {
    foreground = importanceSaysForeground();
    provisional = foreground;
    backgroundSince = clock.elapsedRealtimeMillis();
    application.registerActivityLifecycleCallbacks(this);
    registered = true;
    if (provisional) mainHandler.postDelayed(recheck, RECHECK_MILLIS);
  }

  void stop() {
    mainHandler.removeCallbacks(recheck);
    if (registered) application.unregisterActivityLifecycleCallbacks(this);
    registered = false;
    started.clear();
  }

  boolean foreground() {
    return foreground;
  }

  /** Elapsed real time at which the app last entered the background; meaningless in the foreground. */
  long backgroundSince() {
    return backgroundSince;
  }

  /**
   * An activity of this app is on screen, by the process importance: FOREGROUND (the top
   * activity; also while {@code Application.onCreate} runs for an activity launch) or VISIBLE,
   * unless the importance is borrowed from a client that binds this process. A foreground service
   * (125) or a perceptible process is not: no activity of the app is started then.
   */
  static boolean importanceSaysForeground() {
    ActivityManager.RunningAppProcessInfo info = memoryState();
    boolean visible =
        info.importance == ActivityManager.RunningAppProcessInfo.IMPORTANCE_FOREGROUND
            || info.importance == ActivityManager.RunningAppProcessInfo.IMPORTANCE_VISIBLE;
    int reason = info.importanceReasonCode;
    return visible
        && reason != ActivityManager.RunningAppProcessInfo.REASON_PROVIDER_IN_USE
        && reason != ActivityManager.RunningAppProcessInfo.REASON_SERVICE_IN_USE;
  }

  /** The process importance as the platform reports it now (foreground service is 125). */
  static int importance() {
    return memoryState().importance;
  }

  private static ActivityManager.RunningAppProcessInfo memoryState() {
    ActivityManager.RunningAppProcessInfo info = new ActivityManager.RunningAppProcessInfo();
    ActivityManager.getMyMemoryState(info);
    return info;
  }

  /** Whether {@code activity} is started, as far as this tracker has seen. */
  boolean isStarted(Activity activity) {
    return started.contains(activity);
  }

  @Override
  public void onActivityCreated(Activity activity, @Nullable Bundle savedInstanceState) {
    listener.activityEvent(activity, ActivityEvent.CREATED);
  }

  @Override
  public void onActivityStarted(Activity activity) {
    shown(activity);
  }

  /** Only a started activity is resumed: one started before tracking is adopted here. */
  @Override
  public void onActivityResumed(Activity activity) {
    shown(activity);
  }

  /** Only a started activity is paused: on A → B, A is adopted here, before B starts. */
  @Override
  public void onActivityPaused(Activity activity) {
    shown(activity);
  }

  @Override
  public void onActivityStopped(Activity activity) {
    started.remove(activity); // the stop of an activity never seen started leaves the set as is
    boolean left = leavesForeground(activity);
    listener.activityEvent(activity, ActivityEvent.STOPPED);
    if (left) listener.foregroundChanged();
  }

  /**
   * Normally the activity left the set at onStop. An activity finished in onCreate is destroyed
   * without ever starting: that alone is no trip to the background (the provisional recheck
   * settles a seeded foreground it leaves behind).
   */
  @Override
  public void onActivityDestroyed(Activity activity) {
    boolean left = started.remove(activity) && leavesForeground(activity);
    listener.activityEvent(activity, ActivityEvent.DESTROYED);
    if (left) listener.foregroundChanged();
  }

  @Override
  public void onActivitySaveInstanceState(Activity activity, Bundle outState) {}

  /**
   * The facts change first, then the listener hears of them, so that one platform callback is
   * one consistent state (a screen-scoped attachment sees its activity and the app foreground
   * together, not one decision for each).
   */
  private void shown(Activity activity) {
    started.add(activity);
    provisional = false;
    mainHandler.removeCallbacks(recheck);
    boolean entered = !foreground;
    foreground = true;
    listener.activityEvent(activity, ActivityEvent.SHOWN);
    if (entered) listener.foregroundChanged();
  }

  /** After a stop: an empty set is the background, a rotation excepted (its new activity starts next). */
  private boolean leavesForeground(Activity activity) {
    if (!foreground || !started.isEmpty() || activity.isChangingConfigurations()) return false;
    enterBackground();
    return true;
  }

  private void recheck() {
    if (!provisional || !foreground) return;
    if (importanceSaysForeground()) {
      mainHandler.postDelayed(recheck, RECHECK_MILLIS);
    } else {
      enterBackground();
      listener.foregroundChanged();
    }
  }

  private void enterBackground() {
    provisional = false;
    mainHandler.removeCallbacks(recheck);
    foreground = false;
    backgroundSince = clock.elapsedRealtimeMillis();
  }
}
