package dev.steadysocket.android;

import android.app.Activity;
import android.app.ActivityManager;
import android.app.Application;
import android.os.Bundle;
import android.os.Handler;
import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * Foreground/background from the count of started activities. In the background, after the
 * policy's grace period, {@code pause("background")}; when an activity starts again, {@code
 * resume("background")} and {@code reconnectNow()} (a user looking at the app should not wait out
 * a backoff).
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

  /** Started activities seen since start(); never negative (stops of earlier starts are clamped). */
  private int started;
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
    // Activities started before attach() are not counted, so ask the system whether the app is
    // visible now; the first unmatched onActivityStopped then sends it to the background.
    ActivityManager.RunningAppProcessInfo info = new ActivityManager.RunningAppProcessInfo();
    ActivityManager.getMyMemoryState(info);
    foreground = info.importance <= ActivityManager.RunningAppProcessInfo.IMPORTANCE_VISIBLE;
    application.registerActivityLifecycleCallbacks(this);
    registered = true;
    if (!foreground) enteredBackground();
  }

  /** Unregisters, cancels the grace timer and releases the pause reason if held. Idempotent. */
  void stop() {
    if (stopped) return;
    stopped = true;
    if (registered) application.unregisterActivityLifecycleCallbacks(this);
    mainHandler.removeCallbacks(graceElapsed);
    if (holdingPause) {
      holdingPause = false;
      socket.resume(REASON);
    }
  }

  @Override
  public void onActivityStarted(Activity activity) {
    started++;
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

  @Override
  public void onActivityStopped(Activity activity) {
    if (started > 0) started--;
    // A rotation stops the old activity before the new one starts: not a trip to the background.
    if (started == 0 && foreground && !activity.isChangingConfigurations()) enteredBackground();
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
  public void onActivityResumed(Activity activity) {}

  @Override
  public void onActivityPaused(Activity activity) {}

  @Override
  public void onActivitySaveInstanceState(Activity activity, Bundle outState) {}

  @Override
  public void onActivityDestroyed(Activity activity) {}
}
