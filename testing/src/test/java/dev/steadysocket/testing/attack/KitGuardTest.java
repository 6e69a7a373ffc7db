package dev.steadysocket.testing.attack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectMethod;

import dev.steadysocket.ConnectionState;
import dev.steadysocket.Envelope;
import dev.steadysocket.SteadySocket;
import dev.steadysocket.testing.FakeServer;
import dev.steadysocket.testing.SocketEvents;
import dev.steadysocket.testing.SteadySocketExtension;
import dev.steadysocket.testing.TestClock;
import java.net.ConnectException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.testkit.engine.EngineTestKit;

/**
 * Promises the kit keeps today but its own tests do not check: each of these bugs, planted in
 * testing/src/main together, left all 22 of the kit's tests passing (InMemoryServerTest,
 * LoopbackServerTest, ExtensionLeakCheckTest). These tests pass now and each fails with its plant.
 */
@ExtendWith(SteadySocketExtension.class)
class KitGuardTest {
  /** Plant: TestClock's RUNAWAY_LIMIT checks removed (runaway loops hang). The kit's test named for it never makes a runaway. */
  @Test
  void aTaskThatRepostsItselfWithoutDelayFailsInsteadOfHanging(FakeServer server, TestClock clock) {
    server.onMessage("echo", (c, e) -> c.send("echo", e.content()));
    SteadySocket socket = server.newSocket().build();
    socket.on("echo", Integer.class, n -> socket.send(Envelope.of("echo", n))); // ping-pong, no delay
    try {
      socket.connect();
      clock.runUntilIdle();
      socket.send(Envelope.of("echo", 1));
      AssertionError e = assertThrows(AssertionError.class,
          () -> org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(Duration.ofSeconds(60), clock::runUntilIdle));
      assertTrue(e.getMessage().contains("without time passing"), "not the runaway report: " + e.getMessage());
    } finally {
      server.onMessage("echo", (c, e) -> {});
      socket.close();
      clock.advanceBy(Duration.ofMinutes(1)); // the runaway wedged the link (see aThrowingServerHandlerWedgesTheInMemoryLink): close times out
    }
  }

  /** Plant: MemoryNetwork reports a refusal as an EOFException. Nothing checked the promised "refused TCP connect". */
  @Test
  void aRefusedConnectionLooksLikeARefusedTcpConnectInMemory(FakeServer server, TestClock clock) {
    SocketEvents events = new SocketEvents();
    server.refuseConnections();
    SteadySocket socket = server.newSocket().listener(events).build();
    try {
      socket.connect();
      clock.runUntilIdle();
      assertInstanceOf(ConnectException.class, events.reconnects().get(0).cause().getCause());
    } finally {
      socket.close();
    }
  }

  /**
   * Plant: SocketEvents no longer notifies waiters. The kit's loopback tests still passed, each
   * wait lasting its whole timeout (105 s instead of about 3 s).
   */
  @Test
  void awaitReturnsAsSoonAsTheEventArrives(@SteadySocketExtension.Loopback FakeServer real) {
    SocketEvents events = new SocketEvents();
    SteadySocket socket = real.newSocket().listener(events).build();
    try {
      long start = System.nanoTime();
      socket.connect();
      events.awaitState(ConnectionState.OPEN, Duration.ofSeconds(10));
      Duration took = Duration.ofNanos(System.nanoTime() - start);
      assertTrue(took.compareTo(Duration.ofSeconds(3)) < 0, "opened a loopback socket in " + took);
    } finally {
      socket.close();
    }
  }

  /** Only run through the engine below. */
  @ExtendWith(SteadySocketExtension.class)
  static class Subjects {
    static final List<SteadySocket> LEFT = new CopyOnWriteArrayList<>();

    @Test
    void failsWithASocketOpen(FakeServer server, TestClock clock) {
      SteadySocket socket = server.newSocket().build();
      LEFT.add(socket);
      socket.connect();
      clock.runUntilIdle();
      throw new AssertionError("the test's own failure");
    }
  }

  /** Plant: the extension reports leaks even when the test already failed. Nothing checked that the test's failure comes first. */
  @Test
  void aFailingTestsOwnFailureIsNotMaskedByTheLeakReport() {
    var events = EngineTestKit.engine("junit-jupiter").selectors(selectMethod(Subjects.class, "failsWithASocketOpen",
        FakeServer.class.getName() + ", " + TestClock.class.getName())).execute().testEvents();
    Subjects.LEFT.forEach(SteadySocket::close);
    Throwable t = events.failed().list().get(0).getPayload(TestExecutionResult.class)
        .flatMap(TestExecutionResult::getThrowable).orElseThrow();
    assertEquals("the test's own failure", t.getMessage());
    assertEquals(0, t.getSuppressed().length, "no leak report added to it");
  }
}
