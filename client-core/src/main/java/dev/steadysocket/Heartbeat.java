package dev.steadysocket;

import java.time.Duration;

/**
 * Keeps a connection alive through idle-timeout proxies and detects links that died silently.
 * Immutable and thread-safe; one instance may serve many sockets.
 *
 * <p>With {@code every(interval)} the socket sends, each {@code interval}: a WebSocket ping frame
 * (answered by every RFC 6455 server with a pong) and, unless {@link #withoutEnvelope()}, a {@code
 * {"type":"heartbeat"}} envelope that servers speaking our wire format echo back. If, {@code
 * timeout} after a heartbeat, nothing at all has arrived since it was sent (no message, no pong),
 * the link is declared dead and replaced. Worst-case detection time of a half-open link is
 * therefore {@code interval + timeout} ({@link #worstCaseDetection()}): 40 s by default.
 *
 * <p>Heartbeats run only while the socket is OPEN, at a fixed rate from the moment the connection
 * opened, or from a change with {@link SteadySocket#heartbeat(Heartbeat)}. While the socket holds
 * OkHttp's reader back because the listeners are behind, no verdict is given: a slow listener never
 * makes a link look dead. {@link SteadySocket#checkLiveness} checks the link at once, by the same
 * rule.
 */
public final class Heartbeat {
  private static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);
  private static final Heartbeat DISABLED = new Heartbeat(Duration.ZERO, Duration.ZERO, false);

  private final Duration interval;
  private final Duration timeout;
  private final boolean envelope;

  private Heartbeat(Duration interval, Duration timeout, boolean envelope) {
    this.interval = interval;
    this.timeout = timeout;
    this.envelope = envelope;
  }

  /**
   * {@code every(30 s)} with a 10 s timeout.
   *
   * @return the default heartbeat: ping frame and heartbeat envelope every 30 s, 10 s timeout
   */
  public static Heartbeat defaults() {
    return every(Duration.ofSeconds(30));
  }

  /**
   * A heartbeat every {@code interval}; the timeout is 10 s, or {@code interval} if shorter.
   *
   * @param interval the time between heartbeats, counted from the moment the connection opened
   * @return a heartbeat sending a ping frame and a heartbeat envelope every {@code interval}
   * @throws IllegalArgumentException if {@code interval} is not positive
   */
  public static Heartbeat every(Duration interval) {
    if (interval.isZero() || interval.isNegative()) {
      throw new IllegalArgumentException("interval <= 0: " + interval);
    }
    Duration timeout = interval.compareTo(DEFAULT_TIMEOUT) < 0 ? interval : DEFAULT_TIMEOUT;
    return new Heartbeat(interval, timeout, true);
  }

  /**
   * No pings, no heartbeat envelopes, no dead-link detection. A half-open link is then noticed
   * only when a write to it fails or the connection is reset.
   *
   * @return the disabled heartbeat, whose {@link #interval()} and {@link #timeout()} are zero
   */
  public static Heartbeat disabled() {
    return DISABLED;
  }

  /**
   * A copy that waits {@code timeout} for a sign of life after each heartbeat.
   *
   * @param timeout how long after each heartbeat something (any frame, a pong) must have arrived;
   *     positive and at most the interval
   * @return a new heartbeat with this timeout and this one's interval and envelope setting
   * @throws IllegalArgumentException if {@code timeout} is not positive or exceeds the interval:
   *     each round is judged by the time the next heartbeat goes out, so to wait longer, raise
   *     the interval
   * @throws IllegalStateException if this heartbeat is {@link #disabled()}
   */
  public Heartbeat withTimeout(Duration timeout) {
    if (!isEnabled()) throw new IllegalStateException("heartbeat is disabled");
    if (timeout.isZero() || timeout.isNegative()) {
      throw new IllegalArgumentException("timeout <= 0: " + timeout);
    }
    if (timeout.compareTo(interval) > 0) {
      throw new IllegalArgumentException(
          "timeout " + timeout + " > interval " + interval + ": a pong must come back within the"
              + " interval, so a longer timeout cannot take effect; raise the interval instead");
    }
    return new Heartbeat(interval, timeout, envelope);
  }

  /**
   * A copy that sends only WebSocket ping frames, for servers that do not understand heartbeat
   * envelopes. Pongs still count as signs of life, so detection works the same.
   * {@link Metrics#lastHeartbeatRttMillis()} then stays -1, as it is measured from echoed
   * envelopes.
   *
   * @return a new heartbeat with this one's interval and timeout that sends no envelope
   * @throws IllegalStateException if this heartbeat is {@link #disabled()}
   */
  public Heartbeat withoutEnvelope() {
    if (!isEnabled()) throw new IllegalStateException("heartbeat is disabled");
    return new Heartbeat(interval, timeout, false);
  }

  /**
   * Whether this heartbeat sends anything.
   *
   * @return false only for {@link #disabled()}
   */
  public boolean isEnabled() {
    return !interval.isZero();
  }

  /**
   * The time between heartbeats.
   *
   * @return the interval; zero when disabled
   */
  public Duration interval() {
    return interval;
  }

  /**
   * How long the socket waits for a sign of life after each heartbeat.
   *
   * @return the timeout, at most the interval; zero when disabled
   */
  public Duration timeout() {
    return timeout;
  }

  /**
   * Whether a {@code heartbeat} envelope is sent besides the ping frame.
   *
   * @return true unless {@link #withoutEnvelope()} or {@link #disabled()}
   */
  public boolean sendsEnvelope() {
    return envelope;
  }

  /**
   * The longest a half-open link can go unnoticed: {@code interval + timeout}.
   *
   * @return {@code interval + timeout} (40 s for the defaults), plus at most the scheduling delay
   *     of one loop task in practice; zero when disabled (nothing is detected then)
   */
  public Duration worstCaseDetection() {
    return interval.plus(timeout);
  }

  @Override
  public String toString() {
    if (!isEnabled()) return "Heartbeat.disabled()";
    return "Heartbeat.every(" + interval + ", timeout " + timeout
        + (envelope ? ", ping + envelope)" : ", ping only)");
  }
}
