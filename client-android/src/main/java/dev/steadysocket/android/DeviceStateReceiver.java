package dev.steadysocket.android;

import android.app.ActivityManager;
import android.content.BroadcastReceiver;
import android.content.Context;
import android.content.Intent;
import android.content.IntentFilter;
import android.net.ConnectivityManager;
import android.os.Build;
import android.os.Handler;
import android.os.PowerManager;

/**
 * The process's one receiver of device-state broadcasts (Doze, battery saver, Data Saver, screen
 * on, unlock), and the reads of that state, which the broadcasts do not carry. Main thread only:
 * registered with a main-looper handler.
 */
final class DeviceStateReceiver extends BroadcastReceiver {
  /** {@code Context.RECEIVER_NOT_EXPORTED} (API 33): system broadcasts still arrive. */
  private static final int RECEIVER_NOT_EXPORTED = 0x4;

  interface Listener {
    /** Doze, battery saver or Data Saver changed, or the screen came on. */
    void deviceStateChanged();

    /** The user unlocked the device ({@link Intent#ACTION_USER_PRESENT}). */
    void userPresent();
  }

  private final Context context;
  private final PowerManager power;
  private final ConnectivityManager connectivity;
  private final Handler mainHandler;
  private final Listener listener;
  private boolean registered;

  DeviceStateReceiver(
      Context context,
      PowerManager power,
      ConnectivityManager connectivity,
      Handler mainHandler,
      Listener listener) {
    this.context = context;
    this.power = power;
    this.connectivity = connectivity;
    this.mainHandler = mainHandler;
    this.listener = listener;
  }

  void start() {
    IntentFilter filter = new IntentFilter(PowerManager.ACTION_DEVICE_IDLE_MODE_CHANGED);
    filter.addAction(PowerManager.ACTION_POWER_SAVE_MODE_CHANGED);
    filter.addAction(ConnectivityManager.ACTION_RESTRICT_BACKGROUND_CHANGED);
    filter.addAction(Intent.ACTION_SCREEN_ON);
    filter.addAction(Intent.ACTION_USER_PRESENT);
    // All protected system broadcasts; from API 33 a dynamic receiver states its export anyway.
    int flags = Build.VERSION.SDK_INT >= 33 ? RECEIVER_NOT_EXPORTED : 0;
    context.registerReceiver(this, filter, null, mainHandler, flags);
    registered = true;
  }

  void stop() {
    if (!registered) return;
    registered = false;
    try {
      context.unregisterReceiver(this);
    } catch (IllegalArgumentException e) {
      // Not registered any more (the context it was registered with is gone): nothing to undo.
    }
  }

  @Override
  public void onReceive(Context c, Intent intent) {
    if (!registered) return;
    if (Intent.ACTION_USER_PRESENT.equals(intent.getAction())) {
      listener.userPresent();
    } else {
      listener.deviceStateChanged();
    }
  }

  boolean deviceIdle() {
    return power.isDeviceIdleMode();
  }

  boolean powerSave() {
    return power.isPowerSaveMode();
  }

  /** On the battery-optimization allow-list: exempt from Doze and battery saver. */
  boolean allowListed() {
    return power.isIgnoringBatteryOptimizations(context.getPackageName());
  }

  /** Data Saver is on and this app is not on its allow-list. */
  boolean dataSaver() {
    return connectivity.getRestrictBackgroundStatus()
        == ConnectivityManager.RESTRICT_BACKGROUND_STATUS_ENABLED;
  }

  /** API 28+: the user restricted this app's background activity. False before API 28. */
  boolean backgroundRestricted() {
    return Build.VERSION.SDK_INT >= 28 && backgroundRestricted28();
  }

  @RequiresApi(28)
  private boolean backgroundRestricted28() {
    return context.getSystemService(ActivityManager.class).isBackgroundRestricted();
  }
}
