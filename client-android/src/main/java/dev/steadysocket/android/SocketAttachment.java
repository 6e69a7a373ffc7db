package dev.steadysocket.android;

import android.Manifest;
import android.app.Application;
import android.content.Context;
import android.content.pm.PackageManager;
import android.net.ConnectivityManager;
import android.os.Handler;
import android.os.Looper;
import android.os.PowerManager;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The network, app-lifecycle and Doze monitors attached to one socket. A socket has at most one
 * attachment at a time (the monitors own the pause reasons "offline", "blocked", "background" and
 * "doze"): attaching it again fails until this one is closed. {@link #close()} removes every
 * callback, receiver and pending timer they registered and releases every pause reason they hold;
 * the socket itself stays open (close it separately). When the socket closes, the attachment
 * closes itself, on the main thread.
 *
 * <p>Holds the application context only, never an Activity. Create it with {@link
 * AndroidSteadySocket#attach}; both that and {@link #close()} must be called on the main thread,
 * so that after {@code close()} returns no monitor calls the socket again. All state, the
 * registry of attached sockets included, is confined to the main thread; the socket's closing,
 * which may be learnt on any thread, is posted there.
 */
public final class SocketAttachment implements AutoCloseable {
  /** The attachment of each attached socket, by identity. Main thread only. */
  private static final Map<Object, SocketAttachment> ATTACHED = new IdentityHashMap<>();

  private final Object socket;
  private final NetworkMonitor network;
  private final AppLifecycleMonitor lifecycle;
  private final DozeMonitor doze;
  private Runnable stopWatchingClose = () -> {}; // main thread only
  private boolean closed; // main thread only

  private SocketAttachment(
      Object socket, NetworkMonitor network, AppLifecycleMonitor lifecycle, DozeMonitor doze) {
    this.socket = socket;
    this.network = network;
    this.lifecycle = lifecycle;
    this.doze = doze;
  }

  static SocketAttachment attach(Context context, SocketControl socket, BackgroundPolicy policy) {
    Objects.requireNonNull(context, "context == null");
    Objects.requireNonNull(policy, "policy == null");
    checkMainThread("attach");
    SocketAttachment existing = ATTACHED.get(socket.socket());
    if (existing != null) {
      throw new IllegalStateException(
          socket.socket() + " is already attached: a socket takes one SocketAttachment at a time"
              + " (its pause reasons would otherwise release each other); close the first one"
              + " before attaching the socket again");
    }
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
            socket.socket(),
            new NetworkMonitor(
                application.getSystemService(ConnectivityManager.class), socket, mainHandler),
            new AppLifecycleMonitor(application, socket, mainHandler, policy),
            new DozeMonitor(
                application, application.getSystemService(PowerManager.class), socket, mainHandler));
    ATTACHED.put(attachment.socket, attachment);
    try {
      // Always posted, even when the socket is closed already: the monitors may then start and
      // are stopped at the main loop's next turn, like after any other close.
      attachment.stopWatchingClose = socket.whenClosed(() -> mainHandler.post(attachment::detach));
      attachment.network.start();
      attachment.lifecycle.start();
      attachment.doze.start();
    } catch (RuntimeException e) {
      attachment.detach(); // e.g. too many network callbacks: leave nothing registered or paused
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
    detach();
  }

  /** True once closed, by {@link #close()} or because the socket closed. Main thread only. */
  boolean isClosed() {
    return closed;
  }

  /** {@link #close()} on the main thread, without the check. */
  private void detach() {
    if (closed) return;
    closed = true;
    ATTACHED.remove(socket, this);
    stopWatchingClose.run();
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
