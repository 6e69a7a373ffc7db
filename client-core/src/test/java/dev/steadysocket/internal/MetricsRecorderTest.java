package dev.steadysocket.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.steadysocket.ConnectionState;
import dev.steadysocket.Envelope;
import dev.steadysocket.Metrics;
import dev.steadysocket.OutboxPolicy;
import dev.steadysocket.testkit.FakeScheduler;
import org.junit.jupiter.api.Test;

/** metrics() is computed from the socket's events: each counter moves with its event and nothing else. */
class MetricsRecorderTest {
  static final long MS = 1_000_000L;
  final FakeScheduler scheduler = new FakeScheduler();
  final LoopTasks clock = new LoopTasks(scheduler);
  final MetricsRecorder m = new MetricsRecorder(clock);
  final Outbound outbound = new Outbound(OutboxPolicy.defaults(), dev.steadysocket.MessageCodec.jackson(), false,
      new ListenerBus(Runnable::run, true, Runnable::run, n -> {}), TestEvents.of(clock), clock);

  @Test
  void everyCounterReachesItsOwnGetterFromItsEvent() {
    Envelope e = Envelope.builder("t").build();
    m.attemptStarted(0, "wss://example.com/...", 1);
    m.connectionOpened(null, "", 0);
    m.connectionOpened(null, "", 0);
    for (int i = 0; i < 3; i++) m.messageReceived(e, 1, 0);
    m.binaryReceived(1); // 4 received, 4 bytes
    for (int i = 0; i < 5; i++) m.messageWritten(i == 0 ? 2 : 1, 0, false); // 5 sent, 6 bytes
    m.outboxOverflow(3);
    m.messagesFailed(4); // 7 dropped
    for (int i = 0; i < 8; i++) m.decodeFailed();
    for (int i = 0; i < 9; i++) m.duplicateDropped(e);
    for (int i = 0; i < 10; i++) m.messageWritten(0, 0, true); // 10 resent, 15 sent
    m.callbacksRejected(11);
    m.heartbeatEchoed(14 * MS + 999_999);
    for (int i = 0; i < 15; i++) m.setupMessageSent();
    outbound.depth = 13;
    outbound.unacknowledged = 12;
    Metrics s = m.snapshot(outbound, 16);
    assertEquals(1, s.connectionAttempts());
    assertEquals(1, s.reconnects());
    assertEquals(4, s.messagesReceived());
    assertEquals(4, s.bytesReceived());
    assertEquals(15, s.messagesSent());
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
    assertEquals(16, s.observerFailures());
    assertEquals(0, s.disconnectedMillis());
    assertEquals(
        "Metrics{attempts=1, reconnects=1, received=4, sent=15, bytesIn=4, bytesOut=6, outbox=13,"
            + " dropped=7, decodeErrors=8, heartbeatRttMs=14, disconnectedMs=0, duplicatesDropped=9,"
            + " unacknowledged=12, resent=10, callbacksRejected=11, setupSent=15, observerFailures=16}",
        s.toString());
  }

  @Test
  void rttIsMinusOneUntilMeasured() {
    assertEquals(-1, m.snapshot(outbound, 0).lastHeartbeatRttMillis());
    m.heartbeatEchoed(0);
    assertEquals(0, m.snapshot(outbound, 0).lastHeartbeatRttMillis());
  }

  @Test
  void disconnectedTimeAccumulatesAcrossStretchesAndCountsTheCurrentOne() {
    scheduler.advanceByMillis(500);
    assertEquals(0, m.snapshot(outbound, 0).disconnectedMillis(), "not started before connect()");
    scheduler.advanceByMillis(500);
    m.stateChanged(ConnectionState.IDLE, ConnectionState.CONNECTING); // connect() at 1,000 ms
    scheduler.advanceByMillis(250);
    assertEquals(250, m.snapshot(outbound, 0).disconnectedMillis(), "the current stretch counts");
    scheduler.advanceByMillis(150);
    m.connectionOpened(null, "", 0); // 1,400
    assertEquals(0, m.reconnects.get(), "the first open is not a reconnect");
    scheduler.advanceByMillis(7_600);
    assertEquals(400, m.snapshot(outbound, 0).disconnectedMillis(), "stopped while open");
    scheduler.advanceByMillis(1_000);
    m.disconnected(null, 8_600 * MS); // lost at 10,000 after it was open
    m.stateChanged(ConnectionState.OPEN, ConnectionState.RECONNECTING); // a stretch already running goes on
    scheduler.advanceByMillis(100);
    m.connectionOpened(null, "", 0);
    assertEquals(1, m.reconnects.get());
    scheduler.advanceByMillis(9_900);
    assertEquals(500, m.snapshot(outbound, 0).disconnectedMillis());
    m.disconnected(null, -1); // an attempt that never opened does not start the clock
    assertEquals(500, m.snapshot(outbound, 0).disconnectedMillis());
    m.stateChanged(ConnectionState.OPEN, ConnectionState.PAUSED); // pause starts it
    scheduler.advanceByMillis(30);
    m.closed(null);
    scheduler.advanceByMillis(10_000);
    assertEquals(530, m.snapshot(outbound, 0).disconnectedMillis(), "CLOSED stops it");
    assertEquals(-1, m.disconnectedSince);
  }
}
