package dev.steadysocket.android;

import android.Manifest;
import android.app.Application;
import android.content.Context;
import android.content.pm.PackageManager;
import android.net.ConnectivityManager;
import android.os.Handler;
import android.os.Looper;
import android.os.PowerManager;
import java.util.Objects;

/**
 * The network, app-lifecycle and Doze monitors attached to one socket (attach a socket once: the
 * monitors own the pause reasons "offline", "background" and "doze"). {@link #close()} removes
 * every callback, receiver and pending timer they registered and releases every pause reason
 * they hold; the socket itself stays open (close it separately).
 *
 * <p>Holds the application context only, never an Activity. Create it with {@link
 * AndroidSteadySocket#attach}; both that and {@link #close()} must be called on the main thread,
 * so that after {@code close()} returns no monitor calls the socket again.
 */
public final class SocketAttachment implements AutoCloseable {
  private final NetworkMonitor network;
  private final AppLifecycleMonitor lifecycle;
  private final DozeMonitor doze;
  private boolean closed; // main thread only

  private SocketAttachment(NetworkMonitor network, AppLifecycleMonitor lifecycle, DozeMonitor doze) {
    this.network = network;
    this.lifecycle = lifecycle;
    this.doze = doze;
  }

  static SocketAttachment attach(Context context, SocketControl socket, BackgroundPolicy policy) {
    Objects.requireNonNull(context, "context == null");
    Objects.requireNonNull(policy, "policy == null");
    checkMainThread("attach");
    // Fail here, with the fix in the message, rather than in a callback later.
    if (context.checkSelfPermission(Manifest.permission.ACCESS_NETWORK_STATE)
        != PackageManager.PERMISSION_GRANTED) {
      throw new SecurityException(
          "SteadySocket needs android.permission.ACCESS_NETWORK_STATE to follow the network: add"
              + " <uses-permission android:name=\"android.permission.ACCESS_NETWORK_STATE\" />"
              + " to AndroidManifest.xml");
    }
    Context appContext = context.getApplicationContext();
    if (!(appContext instanceof Application)) {
      throw new IllegalArgumentException(
          "context.getApplicationContext() is not an Application: " + appContext);
    }
    Application application = (Application) appContext;
    Handler mainHandler = new Handler(Looper.getMainLooper());
    SocketAttachment attachment =
        new SocketAttachment(
            new NetworkMonitor(
                application.getSystemService(ConnectivityManager.class), socket, mainHandler),
            new AppLifecycleMonitor(application, socket, mainHandler, policy),
            new DozeMonitor(
                application, application.getSystemService(PowerManager.class), socket, mainHandler));
    try {
      attachment.network.start();
      attachment.lifecycle.start();
      attachment.doze.start();
    } catch (RuntimeException e) {
      attachment.close(); // e.g. too many network callbacks: leave nothing registered or paused
      throw e;
    }
    return attachment;
  }

  /**
   * Detaches every monitor. Idempotent. Main thread only. When it returns, no monitor calls the
   * socket again and every pause reason the monitors held is released (a socket left with no
   * reason connects again); the socket stays open.
   *
   * @throws IllegalStateException if not called on the main thread
   */
  @Override
  public void close() {
    checkMainThread("close");
    if (closed) return;
    closed = true;
    doze.stop();
    lifecycle.stop();
    network.stop();
  }

  private static void checkMainThread(String method) {
    if (Looper.myLooper() != Looper.getMainLooper()) {
      throw new IllegalStateException(
          method + "() must be called on the main thread, not " + Thread.currentThread().getName());
    }
  }
}
