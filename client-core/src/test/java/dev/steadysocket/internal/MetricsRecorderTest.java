package dev.steadysocket.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.steadysocket.Metrics;
import org.junit.jupiter.api.Test;

class MetricsRecorderTest {
  static final long MS = 1_000_000L;

  @Test
  void everyCounterReachesItsOwnGetter() {
    MetricsRecorder m = new MetricsRecorder();
    m.connectionAttempts.set(1);
    m.reconnects.set(2);
    m.messagesReceived.set(3);
    m.bytesReceived.set(4);
    m.messagesSent.set(5);
    m.bytesSent.set(6);
    m.dropped.set(7);
    m.decodeErrors.set(8);
    m.duplicatesDropped.set(9);
    m.resent.set(10);
    m.callbacksRejected.set(11);
    m.setupSent.set(15);
    m.unacknowledged = 12;
    m.outboxDepth = 13;
    m.heartbeatRttNanos = 14 * MS + 999_999;
    Metrics s = m.snapshot(0);
    assertEquals(1, s.connectionAttempts());
    assertEquals(2, s.reconnects());
    assertEquals(3, s.messagesReceived());
    assertEquals(4, s.bytesReceived());
    assertEquals(5, s.messagesSent());
    assertEquals(6, s.bytesSent());
    assertEquals(7, s.messagesDropped());
    assertEquals(8, s.decodeErrors());
    assertEquals(9, s.duplicatesDropped());
    assertEquals(10, s.messagesResent());
    assertEquals(11, s.callbacksRejected());
    assertEquals(12, s.unacknowledged());
    assertEquals(13, s.outboxDepth());
    assertEquals(14, s.lastHeartbeatRttMillis());
    assertEquals(15, s.setupMessagesSent());
    assertEquals(0, s.disconnectedMillis());
    assertEquals(
        "Metrics{attempts=1, reconnects=2, received=3, sent=5, bytesIn=4, bytesOut=6, outbox=13,"
            + " dropped=7, decodeErrors=8, heartbeatRttMs=14, disconnectedMs=0, duplicatesDropped=9,"
            + " unacknowledged=12, resent=10, callbacksRejected=11, setupSent=15}",
        s.toString());
  }

  @Test
  void rttIsMinusOneUntilMeasured() {
    MetricsRecorder m = new MetricsRecorder();
    assertEquals(-1, m.snapshot(0).lastHeartbeatRttMillis());
    m.heartbeatRttNanos = 0;
    assertEquals(0, m.snapshot(0).lastHeartbeatRttMillis());
  }

  @Test
  void disconnectedTimeAccumulatesAcrossStretchesAndCountsTheCurrentOne() {
    MetricsRecorder m = new MetricsRecorder();
    assertEquals(0, m.snapshot(500 * MS).disconnectedMillis(), "not started before connect()");
    m.startDisconnectedClock(1_000 * MS);
    assertEquals(250, m.snapshot(1_250 * MS).disconnectedMillis(), "the current stretch counts");
    m.opened(1_400 * MS);
    assertEquals(0, m.reconnects.get(), "the first open is not a reconnect");
    assertEquals(400, m.snapshot(9_000 * MS).disconnectedMillis(), "stopped while open");
    m.startDisconnectedClock(10_000 * MS);
    m.opened(10_100 * MS);
    assertEquals(1, m.reconnects.get());
    assertEquals(500, m.snapshot(20_000 * MS).disconnectedMillis());
    m.opened(10_200 * MS);
    assertEquals(2, m.reconnects.get());
    assertEquals(500, m.snapshot(20_000 * MS).disconnectedMillis(), "stopping a stopped clock adds nothing");
    m.startDisconnectedClock(30_000 * MS);
    m.stopDisconnectedClock(30_030 * MS);
    assertEquals(530, m.snapshot(40_000 * MS).disconnectedMillis());
    assertEquals(-1, m.disconnectedSince);
  }
}
