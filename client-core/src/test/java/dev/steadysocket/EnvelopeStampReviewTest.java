package dev.steadysocket;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.steadysocket.testkit.FakeTransports;
import dev.steadysocket.testkit.RecordingListener;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Review of #20: with the real clock, what the application holds is what goes out. The first cut
 * restamped every builder-preset timestamp at send, so two equal envelopes went out as different
 * frames and an envelope built before a wait went out with another time than it holds (both tests
 * failed on 0c5821a, under a virtual clock; now only a virtual clock restamps, see
 * VirtualClockWholeTest). Real scheduler, fake transport.
 */
class EnvelopeStampReviewTest {
  @Test
  void withTheRealClockEqualEnvelopesGoOutEqualAndAsTheAppHoldsThem() throws Exception {
    FakeTransports transports = new FakeTransports();
    CompletableFuture<FakeTransports.Fake> attempt = new CompletableFuture<>();
    transports.onConnect = attempt::complete;
    RecordingListener events = new RecordingListener();
    SteadySocket socket = SteadySocket.builder("ws://example.invalid/feed").transportFactory(transports)
        .listener(events).heartbeat(Heartbeat.disabled()).build();
    try {
      Envelope builtEarlier = Envelope.of("chat", "written while offline");
      socket.connect();
      attempt.get(10, TimeUnit.SECONDS).open();
      events.awaitState(ConnectionState.OPEN, Duration.ofSeconds(10));
      Envelope preset = Envelope.of("chat", "hi");
      Envelope explicit = preset.toBuilder().timestamp(preset.timestamp()).build();
      assertEquals(preset, explicit);
      socket.send(builtEarlier).get(10, TimeUnit.SECONDS);
      socket.send(preset).get(10, TimeUnit.SECONDS);
      socket.send(explicit).get(10, TimeUnit.SECONDS);
      FakeTransports.Fake t = transports.last();
      Envelope[] sent;
      synchronized (t) {
        sent = t.sent.stream().map(MessageCodec.jackson()::decode).toArray(Envelope[]::new);
      }
      assertEquals(builtEarlier, sent[0], "an echo of the frame equals what the app holds");
      assertEquals(builtEarlier.timestamp(), sent[0].timestamp(), "Envelope.timestamp(): when it was created");
      assertEquals(sent[1], sent[2], "equal envelopes, equal frames");
    } finally {
      socket.close();
    }
  }
}
