package dev.steadysocket.testing;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * JUnit 5: gives a test its {@link FakeServer}s and {@link TestClock}, closes them after it, and
 * fails a test that leaks: a socket it built through a server and left open (its queued sends and
 * unacknowledged messages, whose futures would never complete, are named), or a SteadySocket
 * thread still running after it.
 *
 * <pre>{@code
 * @ExtendWith(SteadySocketExtension.class)
 * class BannerTest {
 *   @Test void showsCountdown(FakeServer server, TestClock clock) { ... }   // in memory
 *   @Test void realFrames(@SteadySocketExtension.Loopback FakeServer server) { ... }
 * }
 * }</pre>
 *
 * <p>Parameters: every in-memory {@link FakeServer} of a test shares the test's one {@link
 * TestClock}. Threads checked: those named {@code SteadySocket loop…} and {@code SteadySocket
 * OkHttp…} (per socket; they must end within 5 s of the test) and the fake servers' own (the shared
 * {@code SteadySocket dispatch} pool is not per test: its idle threads expire by themselves).
 *
 * <p>Threads: JUnit calls it on the test's thread; each test's servers and clock live in that
 * test's extension store, so concurrent tests do not share them. The thread check compares the
 * whole JVM's threads before and after the test, so it is meant for tests run one at a time: a
 * test running concurrently can have its threads counted against this one. A leak is reported
 * only if the test passed otherwise.
 */
public final class SteadySocketExtension implements BeforeEachCallback, AfterEachCallback, ParameterResolver {
  /** Marks a {@link FakeServer} parameter that must run on a loopback port (real time). */
  @Target(ElementType.PARAMETER)
  @Retention(RetentionPolicy.RUNTIME)
  public @interface Loopback {}

  private static final ExtensionContext.Namespace NS = ExtensionContext.Namespace.create(SteadySocketExtension.class);
  private static final long THREAD_GRACE_MILLIS = 5_000;
  /** Virtual time a closed socket's close handshake may take after the test (above any close timeout a test sets). */
  private static final java.time.Duration CLOSE_GRACE = java.time.Duration.ofMinutes(5);

  /** One test's servers, clock and the threads that ran before it. */
  private static final class State {
    final List<FakeServer> servers = new ArrayList<>();
    @Nullable TestClock clock;
    final Set<Thread> before = new HashSet<>(Thread.getAllStackTraces().keySet());

    TestClock clock() {
      if (clock == null) clock = new TestClock();
      return clock;
    }
  }

  @Override
  public void beforeEach(ExtensionContext context) {
    state(context); // a constructor parameter may have created it already
  }

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext extension) {
    Class<?> type = parameter.getParameter().getType();
    if (type != FakeServer.class && type != TestClock.class) return false;
    if (!extension.getTestMethod().isPresent()) {
      // A class-level context (a per-class test instance, @BeforeAll): servers would outlive the
      // test whose leaks afterEach checks.
      throw new org.junit.jupiter.api.extension.ParameterResolutionException("SteadySocketExtension gives "
          + type.getSimpleName() + " per test (test methods, @BeforeEach, a per-method test constructor),"
          + " not per class");
    }
    return true;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext extension) {
    State state = state(extension);
    if (parameter.getParameter().getType() == TestClock.class) return state.clock();
    FakeServer server = parameter.isAnnotated(Loopback.class)
        ? FakeServer.loopback()
        : FakeServer.builder().clock(state.clock()).build();
    state.servers.add(server);
    return server;
  }

  @Override
  public void afterEach(ExtensionContext context) {
    State state = context.getStore(NS).remove(State.class, State.class);
    if (state == null) return;
    List<String> leaks = new ArrayList<>();
    try {
      if (state.clock != null) {
        state.clock.runUntilIdle(); // what the test started but did not run yet
        // A socket the test closed may still be in its close handshake (a silent server): give it
        // its close timeout in virtual time before calling it left open.
        try {
          state.clock.advanceUntil(() -> state.servers.stream().allMatch(s -> s.closingSockets() == 0), CLOSE_GRACE);
        } catch (AssertionError stillClosing) {
          // reported below as left open
        }
      }
      for (FakeServer server : state.servers) {
        for (String socket : server.openSockets()) leaks.add("a socket left open: " + socket);
      }
    } finally {
      for (FakeServer server : state.servers) server.close(); // even if running the clock threw
    }
    for (Thread t : newThreads(state.before)) leaks.add("a thread still running: \"" + t.getName() + "\"");
    if (!leaks.isEmpty() && context.getExecutionException().isEmpty()) {
      throw new AssertionError("the test leaked (close every socket it builds, e.g. in a finally block or"
          + " try-with-resources):\n  " + String.join("\n  ", leaks));
    }
  }

  /** SteadySocket and FakeServer threads started during the test that are still alive after a grace. */
  static List<Thread> newThreads(Set<Thread> before) {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(THREAD_GRACE_MILLIS);
    List<Thread> alive = new ArrayList<>();
    for (Thread t : Thread.getAllStackTraces().keySet()) {
      if (before.contains(t) || !watched(t.getName())) continue;
      long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
      try {
        if (left > 0) t.join(left);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      if (t.isAlive()) alive.add(t);
    }
    return alive;
  }

  private static boolean watched(String name) {
    return name.startsWith("SteadySocket loop") || name.startsWith("SteadySocket OkHttp")
        || name.startsWith("FakeServer") || name.startsWith("MockWebServer");
  }

  private static State state(ExtensionContext context) {
    return context.getStore(NS).getOrComputeIfAbsent(State.class, k -> new State(), State.class);
  }
}
