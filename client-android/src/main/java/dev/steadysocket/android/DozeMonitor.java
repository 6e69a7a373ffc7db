package dev.steadysocket.android;

import android.content.BroadcastReceiver;
import android.content.Context;
import android.content.Intent;
import android.content.IntentFilter;
import android.os.Handler;
import android.os.PowerManager;

/**
 * Doze: while the device is idle the app has no network anyway, so {@code pause("doze")} instead
 * of spending attempts; on leaving idle {@code resume("doze")}, which connects at once.
 *
 * <p>Main thread only: the receiver is registered with a main-looper handler.
 */
final class DozeMonitor extends BroadcastReceiver {
  static final String REASON = "doze";

  private final Context context;
  private final PowerManager power;
  private final SocketControl socket;
  private final Handler mainHandler;

  private boolean holdingPause;
  private boolean registered;
  private boolean stopped;

  DozeMonitor(Context context, PowerManager power, SocketControl socket, Handler mainHandler) {
    this.context = context;
    this.power = power;
    this.socket = socket;
    this.mainHandler = mainHandler;
  }

  void start() {
    // A protected system broadcast: no RECEIVER_EXPORTED flag is needed, even on API 34.
    IntentFilter filter = new IntentFilter(PowerManager.ACTION_DEVICE_IDLE_MODE_CHANGED);
    context.registerReceiver(this, filter, null, mainHandler);
    registered = true;
    sync();
  }

  /** Unregisters the receiver and releases the pause reason if held. Idempotent. */
  void stop() {
    if (stopped) return;
    stopped = true;
    if (registered) context.unregisterReceiver(this);
    if (holdingPause) {
      holdingPause = false;
      socket.resume(REASON);
    }
  }

  @Override
  public void onReceive(Context context, Intent intent) {
    if (!stopped) sync();
  }

  /** The broadcast carries no extra: the current mode is read from PowerManager. */
  private void sync() {
    boolean idle = power.isDeviceIdleMode();
    if (idle && !holdingPause) {
      holdingPause = true;
      socket.pause(REASON);
    } else if (!idle && holdingPause) {
      holdingPause = false;
      socket.resume(REASON);
    }
  }
}
