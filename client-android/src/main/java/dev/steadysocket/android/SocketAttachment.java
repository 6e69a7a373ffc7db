package dev.steadysocket.android;

import android.Manifest;
import android.app.Activity;
import android.app.Application;
import android.content.Context;
import android.content.pm.PackageManager;
import android.os.Build;
import android.os.Handler;
import android.os.Looper;
import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * What steers one socket from the device's signals: the network, the app's lifecycle (or one
 * screen's), Doze and the other power restrictions. A socket has at most one attachment at a time
 * (it owns the pause reasons of {@link PauseReason}): attaching it again fails until this one is
 * closed, except that {@link AndroidSteadySocket#attachToScreen} for another instance of the same
 * screen returns this one. {@link #close()} releases every pause reason it holds and restores the socket's
 * heartbeat; the socket itself stays open (close it separately). When the socket closes, the
 * attachment closes itself.
 *
 * <p>The platform registrations behind it are shared by every attachment in the process (one
 * network callback, one lifecycle callback, one receiver), registered with the first and removed
 * with the last. Holds the application context only; a screen-scoped attachment also a weak
 * reference to its activity.
 *
 * <p><b>Threads:</b> everything it does runs on the main thread. {@link #close()} may be called on
 * any thread (on another one it is posted to the main thread); {@link #pauseReasons()} and {@link
 * #warnings()} may be read on any thread.
 */
public final class SocketAttachment implements AutoCloseable {
  /** The attachment of each attached socket, by identity. Guarded by itself: attach may run on any thread. */
  private static final Map<Object, SocketAttachment> ATTACHED = new IdentityHashMap<>();
  /**
   * Attachments closed off the main thread whose release is still queued there, by socket. Guarded
   * by {@link #ATTACHED}. A new attachment of the same socket releases its predecessor first, so the
   * predecessor's late resume of a shared reason ("offline") can never undo the new one's pause.
   */
  private static final Map<Object, List<SocketAttachment>> RELEASING = new IdentityHashMap<>();

  private final Object socket;
  private final SocketControl control;
  private final AttachOptions options;
  private final Application application;
  private final Handler mainHandler = new Handler(Looper.getMainLooper());
  /** Screen-scoped: the activity, weakly (the attachment may outlive it). */
  private final @Nullable WeakReference<Activity> screen;
  private final @Nullable Class<?> screenClass;
  private volatile @Nullable Steering steering; // written on the main thread
  private volatile @Nullable PlatformSignals signals; // written on the main thread
  private Runnable stopWatchingClose = () -> {}; // main thread only
  /** Set by close() on any thread, under ATTACHED's lock; from then on the socket may be attached again. */
  private volatile boolean closed;
  private boolean released; // main thread only

  private SocketAttachment(
      SocketControl control, Application application, AttachOptions options, @Nullable Activity screen) {
    this.socket = control.socket();
    this.control = control;
    this.application = application;
    this.options = options;
    this.screen = screen != null ? new WeakReference<>(screen) : null;
    this.screenClass = screen != null ? screen.getClass() : null;
  }

  static SocketAttachment attach(
      Context context, SocketControl control, AttachOptions options, @Nullable Activity screen) {
    Objects.requireNonNull(context, "context == null");
    Objects.requireNonNull(options, "options == null");
    if (Build.VERSION.SDK_INT < 26) {
      throw new UnsupportedOperationException(
          "SteadySocket's Android adapter needs API 26 (Android 8.0) or newer; this device runs API "
              + Build.VERSION.SDK_INT + ": set minSdk 26 in the app, or attach only on API 26+");
    }
    // Fail here, with the fix in the message, rather than in a callback later. Granted, a
    // SecurityException from the registration itself is a device bug and only degrades.
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
    SocketAttachment attachment = new SocketAttachment(control, (Application) appContext, options, screen);
    SocketAttachment existing;
    synchronized (ATTACHED) {
      existing = ATTACHED.get(attachment.socket);
      if (existing == null) ATTACHED.put(attachment.socket, attachment);
    }
    if (existing != null && screen != null && existing.screenClass == screen.getClass()) {
      // The same screen recreated (a rotation) or opened again with a retained socket; followed
      // outside the lock, since following acts on the socket.
      existing.onMain(() -> existing.follow(screen));
      return existing;
    }
    if (existing != null) {
      throw new IllegalStateException(
          attachment.socket + " is already attached: a socket takes one SocketAttachment at a"
              + " time (its pause reasons would otherwise release each other); close the first"
              + " one before attaching the socket again");
    }
    attachment.onMain(attachment::start); // a DI container may build it on a worker
    return attachment;
  }

  /** Runs {@code task} now on the main thread, or posts it there from any other. */
  private void onMain(Runnable task) {
    if (Looper.myLooper() == Looper.getMainLooper()) {
      task.run();
    } else {
      mainHandler.post(task);
    }
  }

  /** Main thread. Does nothing if closed before the posted start ran. */
  private void start() {
    List<SocketAttachment> previous;
    synchronized (ATTACHED) {
      previous = RELEASING.remove(socket);
    }
    if (previous != null) for (SocketAttachment p : previous) p.release();
    if (closed) return;
    Activity activity = screen != null ? screen.get() : null;
    if (screen != null && activity == null) return; // collected before the posted start ran
    PlatformSignals s = PlatformSignals.acquire(application);
    signals = s;
    Steering st = new Steering(control, options, s, activity);
    steering = st;
    // Always posted, even when the socket is closed already: steering may then start and is
    // stopped at the main loop's next turn, like after any other close.
    stopWatchingClose = control.whenClosed(() -> mainHandler.post(this::close));
    st.start();
  }

  /** Main thread: a screen-scoped attachment asked again for the same screen follows this instance. */
  private void follow(Activity activity) {
    Steering st = steering;
    if (st != null && !closed) st.follow(activity);
  }

  /**
   * Detaches: releases every pause reason this attachment holds (a socket left with no reason
   * connects again), restores the socket's heartbeat, and leaves the shared platform
   * registrations (removed with the process's last attachment). Idempotent; the socket stays open.
   *
   * <p>From the moment it returns {@link #pauseReasons()} is empty and the socket may be attached
   * again. On the main thread, when it returns nothing of this attachment calls the socket again; on
   * any other thread the release runs on the main thread shortly after (before a new attachment of
   * the same socket starts).
   */
  @Override
  public void close() {
    synchronized (ATTACHED) {
      if (closed) return;
      closed = true;
      ATTACHED.remove(socket, this);
      if (Looper.myLooper() != Looper.getMainLooper()) {
        RELEASING.computeIfAbsent(socket, k -> new ArrayList<>()).add(this);
      }
    }
    onMain(this::release);
  }

  /**
   * The pause reasons this attachment holds now, e.g. {@code [OFFLINE]} to show "waiting for
   * network", or {@code [BACKGROUND]}. Empty while none is held and after {@link #close()}. Any
   * thread; the set is an immutable snapshot.
   *
   * @return the reasons held, in {@link PauseReason} order
   */
  public Set<PauseReason> pauseReasons() {
    Steering st = steering;
    return st == null || closed ? Collections.emptySet() : st.heldReasons();
  }

  /**
   * The platform signals this process's attachments go without because the platform refused to
   * register them (see {@link AttachmentWarning}). Usually empty. Any thread.
   *
   * @return an immutable snapshot, in the order they happened
   */
  public List<AttachmentWarning> warnings() {
    PlatformSignals s = signals;
    return s == null ? Collections.emptyList() : s.warnings();
  }

  /** True once closed, by {@link #close()} or because the socket closed. Any thread. */
  boolean isClosed() {
    return closed;
  }

  /** The second half of {@link #close()}, on the main thread: stops steering and releases. */
  private void release() {
    if (released) return;
    released = true;
    synchronized (ATTACHED) {
      List<SocketAttachment> pending = RELEASING.get(socket);
      if (pending != null && pending.remove(this) && pending.isEmpty()) RELEASING.remove(socket);
    }
    stopWatchingClose.run();
    Steering st = steering;
    if (st != null) st.stop();
  }

  @Override
  public String toString() {
    return "SocketAttachment{" + options + (screen != null ? ", screen-scoped" : "") + (closed ? ", closed" : "") + "}";
  }
}
