package dev.steadysocket;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.steadysocket.testkit.FakeScheduler;
import dev.steadysocket.testkit.FakeTransports;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Review of #20 (Envelope's presetTime, restamped at send). Both tests fail on 0c5821a.
 *
 * <p>The flag is not part of equals/hashCode, so two equal envelopes now go out differently; and
 * what the application holds ({@code envelope.timestamp()}, documented as "when the sender created
 * the message") is no longer what the server receives. With the real scheduler the gap is the time
 * between build and send (an app that builds a message while offline and sends it later, or whose
 * build and send straddle a millisecond); with a virtual clock it is always there.
 */
class EnvelopeStampReviewTest {
  private final FakeScheduler clock = new FakeScheduler();
  private final FakeTransports transports = new FakeTransports();

  private SteadySocket openSocket() {
    SteadySocket socket = SteadySocket.builder("ws://example.invalid/feed").scheduler(clock)
        .transportFactory(transports).sharedDispatch(Runnable::run).heartbeat(Heartbeat.disabled()).build();
    socket.connect();
    clock.runUntilIdle();
    transports.last().open();
    clock.runUntilIdle();
    return socket;
  }

  private Envelope sent(int index) {
    return MessageCodec.jackson().decode(transports.last().sent.get(index));
  }

  @Test
  void equalEnvelopesGoOutEqual() {
    SteadySocket socket = openSocket();
    try {
      Envelope preset = Envelope.of("chat", "hi");
      Envelope explicit = preset.toBuilder().timestamp(preset.timestamp()).build();
      assertEquals(preset, explicit);
      assertEquals(preset.hashCode(), explicit.hashCode());
      socket.send(preset);
      socket.send(explicit);
      clock.runUntilIdle();
      assertEquals(sent(1), sent(0), "equal envelopes, equal frames");
    } finally {
      socket.close();
      clock.runUntilIdle();
    }
  }

  @Test
  void whatTheServerReceivesEqualsTheEnvelopeTheAppSent() {
    SteadySocket socket = openSocket();
    try {
      Envelope message = Envelope.of("chat", "written while offline");
      clock.advanceBy(Duration.ofMinutes(5)); // the app sends it when the user is back online
      socket.send(message);
      clock.runUntilIdle();
      assertEquals(message.timestamp(), sent(0).timestamp(), "Envelope.timestamp(): when the sender created it");
      assertEquals(message, sent(0), "an echo of the frame equals what the app holds");
    } finally {
      socket.close();
      clock.runUntilIdle();
    }
  }
}
