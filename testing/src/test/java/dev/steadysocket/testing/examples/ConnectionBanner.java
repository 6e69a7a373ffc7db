package dev.steadysocket.testing.examples;

import dev.steadysocket.ConnectionState;
import dev.steadysocket.SteadySocketException;
import dev.steadysocket.SteadySocketListener;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Supplier;

/**
 * The app's connection banner: the line a screen shows above a live feed. It listens to the socket
 * and counts down to the next reconnect attempt with the time it is given ({@code Instant::now} in
 * the app, the test's clock in its test).
 */
public final class ConnectionBanner implements SteadySocketListener {
  private final Supplier<Instant> now;
  private volatile ConnectionState state = ConnectionState.IDLE;
  private volatile Instant nextAttempt = Instant.EPOCH;

  public ConnectionBanner(Supplier<Instant> now) {
    this.now = now;
  }

  /** What the banner says now. */
  public String text() {
    switch (state) {
      case OPEN:
        return "connected";
      case RECONNECTING:
        long millis = Math.max(0, Duration.between(now.get(), nextAttempt).toMillis());
        return "reconnecting in " + (millis + 999) / 1000 + " s"; // 7.2 s left reads "8 s"
      case CLOSED:
        return "offline";
      default:
        return "connecting…";
    }
  }

  @Override
  public void onStateChanged(ConnectionState previous, ConnectionState current) {
    state = current;
  }

  @Override
  public void onReconnecting(int attempt, Duration delay, SteadySocketException cause) {
    nextAttempt = now.get().plus(delay);
  }
}
