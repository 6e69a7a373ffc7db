package dev.steadysocket.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectMethod;

import dev.steadysocket.Envelope;
import dev.steadysocket.SteadySocket;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Event;
import org.junit.platform.testkit.engine.Events;

/**
 * The extension's leak check, seen failing tests that leak: each {@code Leaky} test is run by the
 * JUnit engine here, and must fail with a message naming the leak; its tidy twin must pass.
 */
class ExtensionLeakCheckTest {
  /** Run only through the engine below (the nested class is excluded from normal discovery by its name). */
  @ExtendWith(SteadySocketExtension.class)
  static class Leaky {
    /** What the leaky tests left behind, closed by the outer test once the leak was reported. */
    static final List<SteadySocket> LEAKED = new java.util.concurrent.CopyOnWriteArrayList<>();

    @Test
    void leavesASocketOpenWithAQueuedSend(FakeServer server, TestClock clock) {
      SteadySocket socket = server.newSocket().build();
      socket.connect();
      clock.runUntilIdle();
      server.refuseConnections();
      socket.send(Envelope.of("order", 1));
      clock.advanceBy(Duration.ofSeconds(1));
    }

    @Test
    void closesItsSocket(FakeServer server, TestClock clock) {
      SteadySocket socket = server.newSocket().build();
      socket.connect();
      clock.runUntilIdle();
      socket.close();
    }

    @Test
    void leavesARealSocketAndItsThreadsRunning(@SteadySocketExtension.Loopback FakeServer server) {
      SteadySocket socket = SteadySocket.builder(server.url()).build();
      LEAKED.add(socket);
      socket.connect();
      new SocketEvents().await(e -> socket.state() == dev.steadysocket.ConnectionState.OPEN, "open",
          Duration.ofSeconds(10));
    }

    @Test
    void closesItsRealSocket(@SteadySocketExtension.Loopback FakeServer server) {
      SteadySocket socket = SteadySocket.builder(server.url()).build();
      socket.connect();
      socket.close();
    }
  }

  private static Events run(String method) {
    return EngineTestKit.engine("junit-jupiter")
        .selectors(selectMethod(Leaky.class, method, FakeServer.class.getName() + ", " + TestClock.class.getName()))
        .execute().testEvents();
  }

  private static Events runLoopback(String method) {
    return EngineTestKit.engine("junit-jupiter")
        .selectors(selectMethod(Leaky.class, method, FakeServer.class.getName())).execute().testEvents();
  }

  private static String failure(Events events) {
    List<Event> failed = events.failed().list();
    assertEquals(1, failed.size(), "one failed test: " + events.list());
    return failed.get(0).getPayload(org.junit.platform.engine.TestExecutionResult.class)
        .flatMap(org.junit.platform.engine.TestExecutionResult::getThrowable).map(Throwable::getMessage).orElse("");
  }

  @Test
  void aSocketLeftOpenFailsTheTestAndNamesItsPendingWork() {
    String message = failure(run("leavesASocketOpenWithAQueuedSend"));
    assertTrue(message.contains("a socket left open: RECONNECTING socket with 1 queued"), message);
  }

  @Test
  void aClosedSocketPasses() {
    Events events = run("closesItsSocket");
    assertEquals(1, events.succeeded().count(), events.list().stream().map(Object::toString).collect(Collectors.joining("\n")));
  }

  @Test
  void aRealSocketLeftRunningFailsTheTestNamingItsThreads() {
    String message = failure(runLoopback("leavesARealSocketAndItsThreadsRunning"));
    Leaky.LEAKED.forEach(SteadySocket::close);
    assertTrue(message.contains("a thread still running: \"SteadySocket loop"), message);
  }

  @Test
  void aClosedRealSocketPasses() {
    assertEquals(1, runLoopback("closesItsRealSocket").succeeded().count());
  }
}
