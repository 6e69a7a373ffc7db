package dev.steadysocket.android;

import android.os.SystemClock;

/**
 * Elapsed real time, which keeps counting in deep sleep, unlike the uptime that {@code
 * Handler.postDelayed} waits in. Every deadline that must hold across sleep (the background
 * grace) is measured here. A seam so tests can put the device to sleep: advance this clock while
 * the looper's uptime stands still. Thread-safe.
 */
interface DeviceClock {
  DeviceClock SYSTEM = SystemClock::elapsedRealtime;

  long elapsedRealtimeMillis();
}
