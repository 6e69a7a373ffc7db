package dev.steadysocket.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectMethod;

import dev.steadysocket.ConnectionState;
import dev.steadysocket.Envelope;
import dev.steadysocket.SteadySocket;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Events;

/**
 * What SteadySocketExtension gives a test and what it does after it, in memory: one clock per test
 * shared by its servers, the test's pending work run, its servers closed, its leaks named; and
 * which threads its leak check counts.
 */
class ExtensionMutationTest {
  /** Only run through the engine below (nested: not discovered on its own). */
  @ExtendWith(SteadySocketExtension.class)
  static class Subjects {
    static final List<Object> SEEN = new CopyOnWriteArrayList<>();

    private FakeServer fromBeforeEach;

    @BeforeEach
    void setUp(FakeServer server) {
      fromBeforeEach = server;
    }

    @Test
    void takesTwoServersAndTheClock(FakeServer a, FakeServer b, TestClock clock) {
      SEEN.add(fromBeforeEach);
      SEEN.add(a);
      SEEN.add(b);
      SEEN.add(clock);
    }

    @Test
    void sendsAndClosesWithoutRunningTheClock(FakeServer server, TestClock clock) {
      SEEN.add(server);
      SteadySocket socket = server.newSocket().build();
      socket.connect();
      clock.runUntilIdle();
      socket.send(Envelope.of("order", 7)); // still queued when the test returns
      socket.close();
    }

    @Test
    void leavesTwoSocketsOpen(FakeServer server, TestClock clock) {
      SEEN.add(server.newSocket().build());
      SteadySocket open = server.newSocket().build();
      SEEN.add(open);
      open.connect();
      clock.runUntilIdle();
    }

    @Test
    void asksForAString(String text) {}

    @Test
    void closesItsSocketCleanly(FakeServer server, TestClock clock) {
      SEEN.add(clock);
      SteadySocket socket = server.newSocket().build();
      socket.connect();
      clock.runUntilIdle();
      socket.close();
    }

    @Test
    void closesItsSocketWhileTheServerIsHalfOpen(FakeServer server, TestClock clock) {
      SEEN.add(clock);
      SteadySocket socket = server.newSocket().closeTimeout(java.time.Duration.ofSeconds(7)).build();
      socket.connect();
      clock.runUntilIdle();
      server.connection().goHalfOpen();
      socket.close();
    }
  }

  /** Only run through the engine below. */
  @ExtendWith(SteadySocketExtension.class)
  static class BeforeAllSubject {
    @BeforeAll
    static void shared(TestClock clock) {}

    @Test
    void nothing() {}
  }

  private static final String TWO_SERVERS_AND_CLOCK =
      FakeServer.class.getName() + ", " + FakeServer.class.getName() + ", " + TestClock.class.getName();
  private static final String SERVER_AND_CLOCK = FakeServer.class.getName() + ", " + TestClock.class.getName();

  private static Events run(String method, String parameterTypes) {
    return EngineTestKit.engine("junit-jupiter").selectors(selectMethod(Subjects.class, method, parameterTypes))
        .execute().testEvents();
  }

  private static String failure(Events events) {
    List<Throwable> failed = events.failed().list().stream()
        .map(e -> e.getPayload(TestExecutionResult.class).flatMap(TestExecutionResult::getThrowable).orElseThrow())
        .collect(Collectors.toList());
    assertEquals(1, failed.size(), "one failure: " + events.list());
    return failed.get(0).getMessage();
  }

  @Test
  void aTestsServersShareItsOneClockAndBeforeEachGetsTheTestsFirstServer() {
    Subjects.SEEN.clear();
    assertEquals(1, run("takesTwoServersAndTheClock", TWO_SERVERS_AND_CLOCK).succeeded().count());
    assertEquals(4, Subjects.SEEN.size());
    FakeServer before = (FakeServer) Subjects.SEEN.get(0);
    FakeServer a = (FakeServer) Subjects.SEEN.get(1);
    FakeServer b = (FakeServer) Subjects.SEEN.get(2);
    TestClock clock = (TestClock) Subjects.SEEN.get(3);
    assertTrue(a.isInMemory() && b.isInMemory());
    assertNotSame(a, b);
    assertNotSame(before, a, "every FakeServer parameter is a new server");
    assertSame(clock, a.clock());
    assertSame(clock, b.clock());
    assertSame(clock, before.clock());

    Subjects.SEEN.clear();
    run("takesTwoServersAndTheClock", TWO_SERVERS_AND_CLOCK);
    assertNotSame(clock, Subjects.SEEN.get(3), "a new clock for every test");
  }

  @Test
  void afterTheTestItsPendingWorkRunsAndItsServersAreClosed() {
    Subjects.SEEN.clear();
    assertEquals(1, run("sendsAndClosesWithoutRunningTheClock", SERVER_AND_CLOCK).succeeded().count());
    FakeServer server = (FakeServer) Subjects.SEEN.get(0);
    assertEquals(7, server.expectReceived("order").content().asInt(), "the queued send went out before the close");
    assertTrue(server.connections().isEmpty());

    // The server is closed: a socket that tries it now is refused.
    SteadySocket late = server.newSocket().maxReconnectAttempts(0).build();
    try {
      late.connect();
      server.clock().runUntilIdle();
      assertTrue(late.state() != ConnectionState.OPEN, late.state().toString());
    } finally {
      late.close();
      server.clock().runUntilIdle();
    }
  }

  @Test
  void everySocketLeftOpenIsNamedInOneFailure() {
    Subjects.SEEN.clear();
    String message = failure(run("leavesTwoSocketsOpen", SERVER_AND_CLOCK));
    Subjects.SEEN.forEach(s -> ((SteadySocket) s).close());
    assertTrue(message.startsWith("the test leaked (close every socket it builds, e.g. in a finally block or"
        + " try-with-resources):\n  a socket left open: IDLE socket"), message);
    assertTrue(message.contains("\n  a socket left open: OPEN socket"), message);
  }

  @Test
  void onlyFakeServerAndTestClockParametersAreResolved() {
    String message = failure(run("asksForAString", String.class.getName()));
    assertTrue(message.startsWith("No ParameterResolver registered for parameter [java.lang.String"), message);
  }

  @Test
  void aClassLevelParameterIsRefusedNamingItsType() {
    Events events = EngineTestKit.engine("junit-jupiter").selectors(selectClass(BeforeAllSubject.class)).execute()
        .allEvents();
    String message = events.failed().list().stream()
        .map(e -> e.getPayload(TestExecutionResult.class).flatMap(TestExecutionResult::getThrowable).orElseThrow())
        .map(Throwable::getMessage).collect(Collectors.joining("\n"));
    assertTrue(message.contains("SteadySocketExtension gives TestClock per test (test methods, @BeforeEach, a"
        + " per-method test constructor), not per class"), message);
  }

  // The thread check. An interrupted caller does not wait out the grace: what is alive is reported at once.

  private static Thread parked(String name, CountDownLatch release) {
    Thread t = new Thread(() -> {
      try {
        release.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }, name);
    t.setDaemon(true);
    t.start();
    return t;
  }

  @Test
  void theLeakCheckCountsOnlyTheKitsNewThreadsThatAreStillAlive() {
    Set<Thread> before = new HashSet<>(Thread.getAllStackTraces().keySet());
    CountDownLatch release = new CountDownLatch(1);
    List<Thread> watched = List.of(parked("SteadySocket loop 1", release), parked("SteadySocket OkHttp reader", release),
        parked("FakeServer timer", release), parked("MockWebServer 1234", release));
    Thread dispatch = parked("SteadySocket dispatch 1", release);
    Thread other = parked("app worker", release);
    try {
      Thread.currentThread().interrupt();
      List<Thread> alive = SteadySocketExtension.newThreads(before);
      assertTrue(Thread.interrupted(), "the interrupt is kept");
      assertEquals(new HashSet<>(watched), new HashSet<>(alive));

      Set<Thread> all = new HashSet<>(Thread.getAllStackTraces().keySet());
      Thread.currentThread().interrupt();
      assertEquals(List.of(), SteadySocketExtension.newThreads(all), "threads alive before the test are not its leaks");
      Thread.interrupted();
    } finally {
      release.countDown();
    }
    for (Thread t : watched) assertTrue(dispatch != t && other != t);
  }

  @Test
  void aThreadThatEndsWithinTheGraceIsNotALeak() throws InterruptedException {
    Set<Thread> before = new HashSet<>(Thread.getAllStackTraces().keySet());
    CountDownLatch release = new CountDownLatch(1);
    Thread ending = parked("SteadySocket loop ending", release);
    release.countDown();
    assertEquals(List.of(), SteadySocketExtension.newThreads(before));
    assertTrue(!ending.isAlive());
  }

  @Test
  void afterTheTestTimeMovesOnlyAsLongAsAClosingSocketNeeds() {
    Subjects.SEEN.clear();
    assertEquals(1, run("closesItsSocketCleanly", SERVER_AND_CLOCK).succeeded().count());
    assertEquals(java.time.Duration.ZERO, ((TestClock) Subjects.SEEN.get(0)).elapsed(), "nothing was closing");

    Subjects.SEEN.clear();
    assertEquals(1, run("closesItsSocketWhileTheServerIsHalfOpen", SERVER_AND_CLOCK).succeeded().count());
    assertEquals(java.time.Duration.ofSeconds(7), ((TestClock) Subjects.SEEN.get(0)).elapsed(),
        "the close timeout, then no further");
  }
}
