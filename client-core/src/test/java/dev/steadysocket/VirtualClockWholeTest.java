package dev.steadysocket;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.steadysocket.testkit.FakeScheduler;
import dev.steadysocket.testkit.FakeTransports;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * #20: every clock the core reads comes from its scheduler. {@link Envelope#builder} presets the
 * wall time when the envelope is built; a socket that sends it with that preset stamps it with its
 * own clock at {@code send} (a test's virtual clock), and an explicit timestamp is kept.
 */
class VirtualClockWholeTest {
  private final FakeScheduler clock = new FakeScheduler();
  private final FakeTransports transports = new FakeTransports();

  private SteadySocket openSocket(boolean ackMode) {
    SteadySocket socket = SteadySocket.builder("ws://example.invalid/feed").scheduler(clock)
        .transportFactory(transports).sharedDispatch(Runnable::run).acknowledgedSends(ackMode).heartbeat(Heartbeat.disabled()).build();
    socket.connect();
    clock.runUntilIdle();
    transports.last().open();
    clock.runUntilIdle();
    return socket;
  }

  private long sentTimestamp(int index) {
    return MessageCodec.jackson().decode(transports.last().sent.get(index)).timestamp();
  }

  @Test
  void aPresetTimestampIsTheSocketClocksTimeAtSend() {
    for (boolean ackMode : new boolean[] {false, true}) {
      SteadySocket socket = openSocket(ackMode);
      clock.advanceBy(Duration.ofHours(2));
      socket.send(Envelope.of("chat", "hi"));
      socket.send(Envelope.builder("chat").content("built").build().toBuilder().sender("me").build());
      clock.runUntilIdle();
      assertEquals(clock.currentTimeMillis(), sentTimestamp(0), "Envelope.of, ack mode " + ackMode);
      assertEquals(clock.currentTimeMillis(), sentTimestamp(1), "via toBuilder, ack mode " + ackMode);
      socket.close();
      clock.runUntilIdle();
    }
  }

  @Test
  void setupMessagesAreStampedPerConnectionWithTheSocketsClock() {
    SteadySocket socket = SteadySocket.builder("ws://example.invalid/feed").scheduler(clock)
        .transportFactory(transports).sharedDispatch(Runnable::run).heartbeat(Heartbeat.disabled()).build();
    socket.setup(SetupMessage.of(Envelope.of("subscribe", "ACME")));
    clock.advanceBy(Duration.ofMinutes(3));
    socket.connect();
    clock.runUntilIdle();
    transports.last().open();
    clock.runUntilIdle();
    assertEquals(clock.currentTimeMillis(), sentTimestamp(0), "the first connection's copy");
    socket.close();
  }

  @Test
  void anExplicitTimestampIsKept() {
    SteadySocket socket = openSocket(false);
    socket.send(Envelope.builder("chat").timestamp(1_700_000_000_123L).build());
    socket.send(Envelope.builder("chat").timestamp(0).build());
    clock.runUntilIdle();
    assertEquals(1_700_000_000_123L, sentTimestamp(0));
    assertEquals(0L, sentTimestamp(1), "0 set on purpose means unknown, and stays");
    socket.close();
  }
}
