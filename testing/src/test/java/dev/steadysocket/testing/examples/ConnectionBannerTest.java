package dev.steadysocket.testing.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.steadysocket.Backoff;
import dev.steadysocket.SteadySocket;
import dev.steadysocket.testing.FakeServer;
import dev.steadysocket.testing.SteadySocketExtension;
import dev.steadysocket.testing.TestClock;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(SteadySocketExtension.class)
class ConnectionBannerTest {
  @Test
  void countsDownToTheNextAttemptAndShowsConnectedOnRecovery(FakeServer server, TestClock clock) {
    ConnectionBanner banner = new ConnectionBanner(clock::now);
    SteadySocket socket = server.newSocket()
        .backoff(Backoff.exponential(Duration.ofSeconds(1), Duration.ofSeconds(30)).withoutJitter()) // 1, 2, 4, 8 s
        .listener(banner)
        .build();
    try {
      socket.connect();
      clock.runUntilIdle();
      assertEquals("connected", banner.text());

      server.refuseConnections(); // at 0 s: the connection is reset, and every attempt is refused
      clock.runUntilIdle();
      assertEquals("reconnecting in 1 s", banner.text());
      clock.advanceBy(Duration.ofSeconds(1)); // 1 s: the first failure
      assertEquals("reconnecting in 2 s", banner.text());
      clock.advanceBy(Duration.ofSeconds(2)); // 3 s: the second
      assertEquals("reconnecting in 4 s", banner.text());
      clock.advanceBy(Duration.ofMillis(3_999));
      assertEquals("reconnecting in 1 s", banner.text());
      clock.advanceBy(Duration.ofMillis(1)); // 7 s: the third
      assertEquals("reconnecting in 8 s", banner.text());
      assertEquals(Duration.ofSeconds(7), clock.elapsed());

      clock.advanceBy(Duration.ofSeconds(3));
      assertEquals("reconnecting in 5 s", banner.text());
      server.restore();
      clock.advanceBy(Duration.ofMillis(4_999));
      assertEquals("reconnecting in 1 s", banner.text());
      clock.advanceBy(Duration.ofMillis(1)); // 15 s: the fourth attempt, 8 s after the third failure
      assertEquals("connected", banner.text());
      assertEquals(Duration.ofSeconds(15), clock.elapsed());
    } finally {
      socket.close();
    }
  }
}
