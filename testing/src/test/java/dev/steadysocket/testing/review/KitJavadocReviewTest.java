package dev.steadysocket.testing.review;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.steadysocket.Disconnect;
import dev.steadysocket.ReconnectPolicy;
import dev.steadysocket.SteadySocket;
import dev.steadysocket.testing.FakeServer;
import dev.steadysocket.testing.ServerConnection;
import dev.steadysocket.testing.SocketEvents;
import dev.steadysocket.testing.SteadySocketExtension;
import dev.steadysocket.testing.TestClock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Review of #20: the kit's public Javadoc against its code. Each test asserts what the Javadoc
 * promises; each fails on 0c5821a.
 */
@ExtendWith(SteadySocketExtension.class)
class KitJavadocReviewTest {

  /**
   * FakeServer's class Javadoc: "The server's own envelopes (sends, ...) are stamped with the real
   * wall clock ... in both modes: only the sockets read the TestClock"; ServerConnection.send: "the
   * real wall time as timestamp"; publish: "minted from the real wall clock". In memory the code
   * uses the TestClock (FakeServer's wallClock field: "the test clock in memory").
   */
  @Test
  void inMemoryServerStampsWithTheRealWallClockAsDocumented(FakeServer server, TestClock clock) {
    SocketEvents events = new SocketEvents();
    SteadySocket socket = server.newSocket().listener(events).build();
    try {
      long before = System.currentTimeMillis();
      socket.connect();
      clock.runUntilIdle();
      server.connection().send("note", "hi");
      String id = server.publish("feed", "tick", 1);
      clock.advanceBy(Duration.ofSeconds(1)); // past the resume grace: the entry goes out
      long sent = events.messages("note").get(0).timestamp();
      assertTrue(sent >= before, "ServerConnection.send: 'the real wall time as timestamp'; got " + sent
          + " (TestClock.EPOCH is " + TestClock.EPOCH.toEpochMilli() + ")");
      long minted = Long.parseLong(id.substring(0, id.indexOf('-')));
      assertTrue(minted >= before, "publish: 'minted from the real wall clock'; got " + id);
    } finally {
      socket.close();
    }
  }

  /** delayAcks @param: "zero or negative sends at once"; the code throws IllegalArgumentException. */
  @Test
  void delayAcksNegativeSendsAtOnce(FakeServer server) {
    assertDoesNotThrow(() -> server.delayAcks(Duration.ofMillis(-1)));
  }

  /** rejectNextHandshakes @param count: "zero or less rejects none"; the code throws for -1. */
  @Test
  void rejectNextHandshakesWithANegativeCountRejectsNone(FakeServer server) {
    assertDoesNotThrow(() -> server.rejectNextHandshakes(-1, 503, null));
  }

  /** loseNextAcks @param count: "zero or less loses none"; the code throws for -1. */
  @Test
  void loseNextAcksWithANegativeCountLosesNone(FakeServer server) {
    assertDoesNotThrow(() -> server.loseNextAcks(-1));
  }

  /**
   * rejectNextHandshakes @param retryAfter: "sent in whole seconds (a fraction is dropped, so less
   * than a second sends 0)"; wholeSeconds() rounds a fraction up, so 500 ms sends 1.
   */
  @Test
  void aFractionOfASecondOfRetryAfterIsDropped(FakeServer server, TestClock clock) {
    List<Disconnect> seen = new CopyOnWriteArrayList<>();
    SteadySocket socket = server.newSocket().reconnectPolicy(d -> {
      seen.add(d);
      return ReconnectPolicy.defaults().decide(d);
    }).build();
    try {
      server.rejectNextHandshakes(1, 503, Duration.ofMillis(500));
      socket.connect();
      clock.advanceUntil(() -> !seen.isEmpty(), Duration.ofSeconds(5));
      assertEquals(Duration.ZERO, seen.get(0).retryAfter(), "documented: less than a second sends 0");
    } finally {
      socket.close();
    }
  }

  /**
   * ServerConnection.close @param code: "in memory it is sent as given" and @throws "on loopback,
   * if OkHttp refuses"; in memory MemoryLink.checkClose refuses it too.
   */
  @Test
  void inMemoryAReservedCloseCodeIsSentAsGiven(FakeServer server, TestClock clock) {
    SteadySocket socket = server.newSocket().build();
    try {
      socket.connect();
      clock.runUntilIdle();
      ServerConnection c = server.connection();
      assertDoesNotThrow(() -> c.close(1006, "abnormal"));
      clock.runUntilIdle();
    } finally {
      socket.close();
    }
  }
}
