package dev.steadysocket.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.steadysocket.Backoff;
import dev.steadysocket.Envelope;
import dev.steadysocket.Heartbeat;
import dev.steadysocket.MessageCodec;
import dev.steadysocket.SteadySocket;
import dev.steadysocket.SteadySocketBuilder;
import dev.steadysocket.testing.server.Envelopes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The liveness events — pingSent, pongReceived, heartbeatSent, heartbeatEchoed, deadLink — in
 * memory on the kit's virtual clock. The in-memory link moves frames at the instant they are sent,
 * so a pong and an echo come back in zero virtual time; an echo that takes time is made with a
 * server that answers the heartbeat envelope late (a codec that renames it, so the fake's own echo
 * stays out of the way, and an echo the test sends when it chooses).
 */
@ExtendWith(SteadySocketExtension.class)
class ObserverLivenessEventsTest {
  private static final String[] LIVENESS = {"pingSent", "pongReceived", "heartbeatSent", "heartbeatEchoed", "deadLink"};

  private static SteadySocketBuilder socket(FakeServer server, RecordingObserver rec, Heartbeat heartbeat) {
    return server.newSocket().observer(rec.factory()).heartbeat(heartbeat)
        .backoff(Backoff.exponential(Duration.ofSeconds(1), Duration.ofSeconds(30)).withoutJitter());
  }

  private static final Heartbeat EVERY_10_S = Heartbeat.every(Duration.ofSeconds(10)).withTimeout(Duration.ofSeconds(3));

  @Test
  void eachHeartbeatRoundPingsSendsTheEnvelopeAndTimesPongAndEcho(FakeServer server, TestClock clock) {
    RecordingObserver rec = new RecordingObserver(clock);
    SteadySocket socket = socket(server, rec, EVERY_10_S).build();
    try {
      socket.connect();
      clock.advanceBy(Duration.ofSeconds(25));
      assertEquals(List.of(
          "PT10S pingSent()", "PT10S heartbeatSent()", "PT10S pongReceived(PT0S)", "PT10S heartbeatEchoed(PT0S)",
          "PT20S pingSent()", "PT20S heartbeatSent()", "PT20S pongReceived(PT0S)", "PT20S heartbeatEchoed(PT0S)"),
          rec.timeline(LIVENESS));
      assertEquals(0, socket.metrics().lastHeartbeatRttMillis());
    } finally {
      socket.close();
    }
  }

  @Test
  void withoutTheEnvelopeOnlyPingsAndPongs(FakeServer server, TestClock clock) {
    RecordingObserver rec = new RecordingObserver(clock);
    SteadySocket socket = socket(server, rec, EVERY_10_S.withoutEnvelope()).build();
    try {
      socket.connect();
      clock.advanceBy(Duration.ofSeconds(10));
      assertEquals(List.of("PT10S pingSent()", "PT10S pongReceived(PT0S)"), rec.timeline(LIVENESS));
      assertEquals(-1, socket.metrics().lastHeartbeatRttMillis());
    } finally {
      socket.close();
    }
  }

  /**
   * Sends heartbeat envelopes as type {@code slow-heartbeat}, which the fake does not echo; the
   * test's handler echoes each (as type {@code heartbeat}, same id) at the delays given.
   */
  private static List<String> echoLate(FakeServer server, TestClock clock, Duration... delays) {
    List<String> ids = new ArrayList<>();
    server.onMessage("slow-heartbeat", (connection, hb) -> {
      ids.add(hb.id());
      for (Duration d : delays) {
        clock.schedule(() -> connection.sendRaw(Envelopes.envelope("heartbeat", null, hb.id(), "server", null,
            clock.now().toEpochMilli()).toString()), d);
      }
    });
    return ids;
  }

  private static final MessageCodec SLOW_HEARTBEAT = new MessageCodec() {
    private final MessageCodec json = MessageCodec.jackson();

    @Override
    public String encode(Envelope e) {
      if (!e.type().equals("heartbeat")) return json.encode(e);
      return json.encode(Envelope.builder("slow-heartbeat").id(e.id()).timestamp(e.timestamp()).build());
    }

    @Override
    public Envelope decode(String text) {
      return json.decode(text);
    }
  };

  @Test
  void theEchoIsTimedFromTheHeartbeatSentToItsEchoDecoded(FakeServer server, TestClock clock) {
    RecordingObserver rec = new RecordingObserver(clock);
    List<String> heartbeats = echoLate(server, clock, Duration.ofMillis(1_500));
    SteadySocket socket = socket(server, rec, EVERY_10_S).codec(SLOW_HEARTBEAT).build();
    try {
      socket.connect();
      clock.advanceBy(Duration.ofSeconds(12));
      assertEquals(List.of(
          "PT10S pingSent()", "PT10S heartbeatSent()", "PT10S pongReceived(PT0S)", "PT11.5S heartbeatEchoed(PT1.5S)"),
          rec.timeline(LIVENESS));
      assertEquals(1, heartbeats.size());
      assertEquals(1_500, socket.metrics().lastHeartbeatRttMillis());
    } finally {
      socket.close();
    }
  }

  /** Like a pong ("the first pong after a ping"), an echo is timed once: a repeat is only a sign of life. */
  @Test
  void aRepeatedEchoOfTheSameHeartbeatIsNotTimedAgain(FakeServer server, TestClock clock) {
    RecordingObserver rec = new RecordingObserver(clock);
    echoLate(server, clock, Duration.ofMillis(1_500), Duration.ofMillis(2_500));
    SteadySocket socket = socket(server, rec, EVERY_10_S).codec(SLOW_HEARTBEAT).build();
    try {
      socket.connect();
      clock.advanceBy(Duration.ofSeconds(13));
      assertEquals(List.of("PT11.5S heartbeatEchoed(PT1.5S)"), rec.timeline("heartbeatEchoed"));
      assertEquals(1_500, socket.metrics().lastHeartbeatRttMillis(), "the repeat does not overwrite the round trip");
    } finally {
      socket.close();
    }
  }

  @Test
  void aHalfOpenLinkIsADeadLinkAfterTheRoundsTimeout(FakeServer server, TestClock clock) {
    RecordingObserver rec = new RecordingObserver(clock);
    SteadySocket socket = socket(server, rec, EVERY_10_S).build();
    try {
      socket.connect();
      clock.advanceBy(Duration.ofSeconds(14));
      server.connection().goHalfOpen();
      rec.clear();
      clock.advanceBy(Duration.ofSeconds(10));
      assertEquals(List.of(
          "PT20S pingSent()",
          "PT20S heartbeatSent()",
          "PT23S deadLink(PT3S)",
          "PT23S disconnected(DEAD_LINK/DeadLinkException, PT23S)",
          "PT23S stateChanged(OPEN, RECONNECTING)",
          "PT23S reconnectScheduled(1, PT1S, DeadLinkException)",
          "PT24S stateChanged(RECONNECTING, CONNECTING)",
          "PT24S attemptStarted(0, 1)",
          "PT24S handshakeResponse(101)",
          "PT24S stateChanged(CONNECTING, OPEN)",
          "PT24S connectionOpened(null, '', PT0S)"), rec.timeline());
    } finally {
      socket.close();
    }
  }

  @Test
  void checkLivenessOnAHealthyLinkPingsAndTimesThePong(FakeServer server, TestClock clock) {
    RecordingObserver rec = new RecordingObserver(clock);
    SteadySocket socket = socket(server, rec, Heartbeat.disabled()).build();
    try {
      socket.connect();
      clock.advanceBy(Duration.ofSeconds(5));
      socket.checkLiveness(Duration.ofSeconds(2));
      clock.advanceBy(Duration.ofSeconds(5));
      assertEquals(List.of("PT5S pingSent()", "PT5S pongReceived(PT0S)"), rec.timeline(LIVENESS));
    } finally {
      socket.close();
    }
  }

  @Test
  void checkLivenessOnAHalfOpenLinkIsADeadLinkAfterItsTimeout(FakeServer server, TestClock clock) {
    RecordingObserver rec = new RecordingObserver(clock);
    SteadySocket socket = socket(server, rec, Heartbeat.disabled()).build();
    try {
      socket.connect();
      clock.advanceBy(Duration.ofSeconds(5));
      server.connection().goHalfOpen();
      socket.checkLiveness(Duration.ofSeconds(2));
      clock.advanceBy(Duration.ofSeconds(2));
      assertEquals(List.of(
          "PT5S pingSent()",
          "PT7S deadLink(PT2S)",
          "PT7S disconnected(DEAD_LINK/DeadLinkException, PT7S)"), rec.timeline("pingSent", "pongReceived", "deadLink", "disconnected"));
    } finally {
      socket.close();
    }
  }

  /** Two pings before their pongs: only the first pong after a ping is timed (from the last ping). */
  @Test
  void onlyTheFirstPongAfterAPingIsTimed(FakeServer server, TestClock clock) {
    RecordingObserver rec = new RecordingObserver(clock);
    SteadySocket socket = socket(server, rec, Heartbeat.disabled()).build();
    try {
      socket.connect();
      clock.runUntilIdle();
      socket.checkLiveness(Duration.ofSeconds(2));
      socket.checkLiveness(Duration.ofSeconds(1));
      clock.advanceBy(Duration.ofSeconds(3));
      assertEquals(List.of("pingSent()", "pingSent()", "pongReceived(PT0S)"), rec.lines(LIVENESS));
    } finally {
      socket.close();
    }
  }
}
