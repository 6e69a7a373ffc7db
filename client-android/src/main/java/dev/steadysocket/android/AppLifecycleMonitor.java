package dev.steadysocket.android;

import android.app.Activity;
import android.app.ActivityManager;
import android.app.Application;
import android.os.Bundle;
import android.os.Handler;
import java.time.Duration;
import java.util.Collections;
import java.util.Set;
import java.util.WeakHashMap;
import org.jspecify.annotations.Nullable;

/**
 * Foreground/background from the set of started activities. In the background, after the
 * policy's grace period, {@code pause("background")}; when an activity starts again, {@code
 * resume("background")} and {@code reconnectNow()} (a user looking at the app should not wait out
 * a backoff).
 *
 * <p>Activities are tracked by identity, not counted: navigating A → B runs B.onStart before
 * A.onStop, and a count cannot tell that stop of A (started before {@link #start}) from the stop
 * of B. What is knowable at attach time and how it is used:
 *
 * <ul>
 *   <li>Which activities are started is not: there is no API to list them. So the initial
 *       foreground state comes from the process importance ({@link #seedForeground}), and the set
 *       starts empty.
 *   <li>An activity started before attach shows itself by any onResumed/onPaused callback (only a
 *       started activity is resumed or paused); it is then added to the set ("adopted"). On A → B
 *       the platform pauses A before B starts, so A is in the set when it stops.
 *   <li>A stop of an activity never seen started changes nothing in the set. The app is in the
 *       background when, after a stop, the set is empty: so a late attach followed by Home still
 *       pauses. The remaining blind spot, another activity that was started before attach and has
 *       sent no callback since, corrects itself at its next onResumed.
 * </ul>
 *
 * <p>Main thread only: lifecycle callbacks arrive there and the grace timer is posted there.
 */
final class AppLifecycleMonitor implements Application.ActivityLifecycleCallbacks {
  static final String REASON = "background";

  private final Application application;
  private final SocketControl socket;
  private final Handler mainHandler;
  private final @Nullable Duration grace;
  private final Runnable graceElapsed = this::graceElapsed;

  /**
   * Activities started (seen started, or adopted) and not yet stopped, by identity. Weak keys:
   * every entry leaves on onStop or onDestroyed anyway; the weak map only guarantees that a missed
   * callback can never keep an Activity alive.
   */
  private final Set<Activity> started = Collections.newSetFromMap(new WeakHashMap<>());

  private boolean foreground;
  private boolean holdingPause;
  private boolean registered;
  private boolean stopped;

  AppLifecycleMonitor(
      Application application, SocketControl socket, Handler mainHandler, BackgroundPolicy policy) {
    this.application = application;
    this.socket = socket;
    this.mainHandler = mainHandler;
    this.grace = policy.grace();
  }

  void start() {
    foreground = seedForeground();
    application.registerActivityLifecycleCallbacks(this);
    registered = true;
    if (!foreground) enteredBackground();
  }

  /**
   * Whether an activity of this app is on screen now, from the process importance: FOREGROUND
   * (the top activity; also while {@code Application.onCreate} runs for an activity launch, before
   * any activity started) or VISIBLE (visible behind another app's window or in split screen). A
   * foreground service (FOREGROUND_SERVICE, 125) or a perceptible process is not: no activity of
   * the app is started then.
   */
  private static boolean seedForeground() {
    ActivityManager.RunningAppProcessInfo info = new ActivityManager.RunningAppProcessInfo();
    ActivityManager.getMyMemoryState(info);
    return info.importance == ActivityManager.RunningAppProcessInfo.IMPORTANCE_FOREGROUND
        || info.importance == ActivityManager.RunningAppProcessInfo.IMPORTANCE_VISIBLE;
  }

  /** Unregisters, cancels the grace timer and releases the pause reason if held. Idempotent. */
  void stop() {
    if (stopped) return;
    stopped = true;
    if (registered) application.unregisterActivityLifecycleCallbacks(this);
    mainHandler.removeCallbacks(graceElapsed);
    started.clear();
    if (holdingPause) {
      holdingPause = false;
      socket.resume(REASON);
    }
  }

  @Override
  public void onActivityStarted(Activity activity) {
    isStarted(activity);
  }

  /** Only a started activity is resumed: one started before attach is adopted here. */
  @Override
  public void onActivityResumed(Activity activity) {
    isStarted(activity);
  }

  /** Only a started activity is paused: on A → B, A is adopted here, before B starts. */
  @Override
  public void onActivityPaused(Activity activity) {
    isStarted(activity);
  }

  @Override
  public void onActivityStopped(Activity activity) {
    if (stopped) return;
    started.remove(activity); // the stop of an activity never seen started leaves the set as is
    leftIfNoneStarted(activity);
  }

  /**
   * Normally the activity left the set at onStop. An activity finished in onCreate is destroyed
   * without ever starting: that is no trip to the background, so only a tracked one counts.
   */
  @Override
  public void onActivityDestroyed(Activity activity) {
    if (!stopped && started.remove(activity)) leftIfNoneStarted(activity);
  }

  private void isStarted(Activity activity) {
    if (stopped) return;
    started.add(activity);
    if (!foreground) {
      foreground = true;
      mainHandler.removeCallbacks(graceElapsed);
      if (holdingPause) {
        holdingPause = false;
        socket.resume(REASON);
      }
      socket.reconnectNow();
    }
  }

  private void leftIfNoneStarted(Activity activity) {
    // A rotation stops the old activity before the new one starts: not a trip to the background.
    if (foreground && started.isEmpty() && !activity.isChangingConfigurations()) {
      enteredBackground();
    }
  }

  private void enteredBackground() {
    foreground = false;
    if (grace != null) mainHandler.postDelayed(graceElapsed, grace.toMillis());
  }

  private void graceElapsed() {
    if (stopped || foreground || holdingPause) return;
    holdingPause = true;
    socket.pause(REASON);
  }

  @Override
  public void onActivityCreated(Activity activity, @Nullable Bundle savedInstanceState) {}

  @Override
  public void onActivitySaveInstanceState(Activity activity, Bundle outState) {}
}
