package dev.steadysocket.samples;

import dev.steadysocket.ConnectionState;
import dev.steadysocket.Metrics;
import java.util.Locale;

/**
 * One {@code --metrics} line, from two samples of the socket's figures a tick apart: {@code
 * [metrics] OPEN  reconnects=2  ping=0.42ms  echo=3.1ms  in=1,204/s  out=0/s  outbox=0}. Pure: the
 * samples carry their own time, so the rates are computed without a clock.
 */
final class MetricsLine {
  private MetricsLine() {}

  /**
   * The figures at one moment. Counters as {@link Metrics} counts them; a round trip of -1 means
   * none measured yet.
   *
   * @param nanos when it was taken, on any monotonic clock (the same for both samples of a line)
   * @param received {@link Metrics#messagesReceived()}
   * @param sent {@link Metrics#messagesSent()}
   * @param pingRttNanos the last ping frame's round trip, from {@code SocketObserver.pongReceived}
   * @param echoRttNanos the last heartbeat envelope's round trip, from {@code SocketObserver.heartbeatEchoed}
   */
  record Sample(long nanos, ConnectionState state, long reconnects, long received, long sent, int outbox,
      long pingRttNanos, long echoRttNanos) {

    /** A socket just built: every counter zero, nothing measured. */
    static Sample start(long nanos) {
      return new Sample(nanos, ConnectionState.IDLE, 0, 0, 0, 0, -1, -1);
    }

    static Sample of(long nanos, ConnectionState state, Metrics m, long pingRttNanos, long echoRttNanos) {
      return new Sample(nanos, state, m.reconnects(), m.messagesReceived(), m.messagesSent(), m.outboxDepth(),
          pingRttNanos, echoRttNanos);
    }
  }

  /** The line for {@code now}, with the message rates since {@code previous}. */
  static String format(Sample previous, Sample now) {
    long elapsed = now.nanos() - previous.nanos();
    return String.format(Locale.ROOT, "[metrics] %s  reconnects=%d  ping=%s  echo=%s  in=%,d/s  out=%,d/s  outbox=%d",
        now.state(), now.reconnects(), rtt(now.pingRttNanos()), rtt(now.echoRttNanos()),
        perSecond(previous.received(), now.received(), elapsed), perSecond(previous.sent(), now.sent(), elapsed),
        now.outbox());
  }

  /** {@code before} to {@code after} over {@code elapsedNanos}, per second, rounded; 0 when no time passed. */
  static long perSecond(long before, long after, long elapsedNanos) {
    return elapsedNanos <= 0 ? 0 : Math.round((after - before) * 1e9 / elapsedNanos);
  }

  /** {@code -} (none yet), {@code 0.42ms}, {@code 3.1ms}, {@code 143ms}. */
  static String rtt(long nanos) {
    if (nanos < 0) {
      return "-";
    }
    double millis = nanos / 1e6;
    return String.format(Locale.ROOT, millis < 1 ? "%.2fms" : millis < 10 ? "%.1fms" : "%.0fms", millis);
  }
}
