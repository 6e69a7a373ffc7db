package dev.steadysocket.android;

import android.app.Activity;
import android.app.Application;
import android.net.ConnectivityManager;
import android.os.Handler;
import android.os.Looper;
import android.os.PowerManager;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One set of platform registrations per process, shared by every attachment: one default-network
 * callback, one activity-lifecycle callback, one device-state receiver. Android caps network
 * requests at 100 per app, shared with every library in the process; an app with five sockets
 * spends one here, not five. Registered when the first attachment subscribes, unregistered when
 * the last one leaves (then the next attach starts afresh, with the application it is given).
 *
 * <p>A registration the platform refuses becomes an {@link AttachmentWarning} (logged once) and
 * the signal is treated as absent, never as "offline" or "blocked": the attachment degrades to the
 * signals it has. Main thread only, including the static instance.
 */
final class PlatformSignals
    implements LifecycleTracker.Listener, DeviceStateReceiver.Listener {
  private static final Logger log = LoggerFactory.getLogger("dev.steadysocket.android");

  /** What an attachment hears; called on the main thread, never under a lock. */
  interface Subscriber {
    /** Some fact changed (network settled or changed, foreground, device state): decide again. */
    void signalsChanged();

    void userPresent();

    void activityEvent(Activity activity, LifecycleTracker.ActivityEvent event);
  }

  private static @Nullable PlatformSignals instance;
  /** Tests replace it to put the device to sleep; read when a process's signals start. Main thread only. */
  static DeviceClock clock = DeviceClock.SYSTEM;

  final Application application;
  final Handler mainHandler;
  final DeviceClock deviceClock;
  final NetworkTracker network;
  final LifecycleTracker lifecycle;
  final DeviceStateReceiver device;
  private final List<Subscriber> subscribers = new ArrayList<>();
  /** Written on the main thread, read on any. */
  private final List<AttachmentWarning> warnings = new CopyOnWriteArrayList<>();

  private PlatformSignals(Application application) {
    this.application = application;
    this.mainHandler = new Handler(Looper.getMainLooper());
    this.deviceClock = clock;
    ConnectivityManager connectivity = application.getSystemService(ConnectivityManager.class);
    this.network = new NetworkTracker(connectivity, mainHandler, this::changed);
    this.lifecycle = new LifecycleTracker(application, mainHandler, deviceClock, this);
    this.device =
        new DeviceStateReceiver(
            application, application.getSystemService(PowerManager.class), connectivity, mainHandler, this);
  }

  /** The process's signals, started if no attachment held them. */
  static PlatformSignals acquire(Application application) {
    PlatformSignals s = instance;
    // One Application per process; another one means a test harness started afresh.
    if (s == null || s.application != application) {
      s = new PlatformSignals(application);
      s.start();
      instance = s;
    }
    return s;
  }

  private void start() {
    lifecycle.start(); // registering lifecycle callbacks is a list add: nothing to refuse
    tryStart(AttachmentWarning.Signal.NETWORK, network::start);
    tryStart(AttachmentWarning.Signal.DEVICE_STATE, device::start);
  }

  /** A refused registration (TooManyRequestsException, a device's SecurityException) degrades. */
  private void tryStart(AttachmentWarning.Signal signal, Runnable register) {
    try {
      register.run();
    } catch (RuntimeException e) {
      warn(new AttachmentWarning(signal, e));
    }
  }

  /** Records {@code warning} unless its signal is already reported missing. */
  void warn(AttachmentWarning warning) {
    for (AttachmentWarning w : warnings) if (w.signal() == warning.signal()) return;
    log.warn("SteadySocket goes without a platform signal: {}", warning);
    warnings.add(warning);
  }

  List<AttachmentWarning> warnings() {
    return Collections.unmodifiableList(new ArrayList<>(warnings));
  }

  void subscribe(Subscriber s) {
    subscribers.add(s);
  }

  /** The last subscriber to leave stops every registration. */
  void unsubscribe(Subscriber s) {
    subscribers.remove(s);
    if (!subscribers.isEmpty()) return;
    if (instance == this) instance = null;
    network.stop();
    device.stop();
    lifecycle.stop();
  }

  @Override
  public void foregroundChanged() {
    changed();
  }

  @Override
  public void deviceStateChanged() {
    changed();
  }

  @Override
  public void userPresent() {
    changed(); // first: a background grace that ran out in deep sleep ends now, before any check
    for (Subscriber s : snapshot()) s.userPresent();
  }

  @Override
  public void activityEvent(Activity activity, LifecycleTracker.ActivityEvent event) {
    for (Subscriber s : snapshot()) s.activityEvent(activity, event);
  }

  private void changed() {
    for (Subscriber s : snapshot()) s.signalsChanged();
  }

  /** Subscribers may leave (or others join) while being told. */
  private List<Subscriber> snapshot() {
    return new ArrayList<>(subscribers);
  }
}
