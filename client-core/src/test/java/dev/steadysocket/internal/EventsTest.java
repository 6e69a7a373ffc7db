package dev.steadysocket.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.steadysocket.ConnectionState;
import dev.steadysocket.Envelope;
import dev.steadysocket.SocketObserver;
import dev.steadysocket.testkit.FakeScheduler;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The funnel: every event reaches every observer, in order, whatever the ones before it throw. */
class EventsTest {
  final FakeScheduler scheduler = new FakeScheduler();
  final LoopTasks clock = new LoopTasks(scheduler);
  final Events events = TestEvents.of(clock);
  static final Envelope ENVELOPE = Envelope.builder("t").id("e1").build();

  /** Every event method of the SPI, by reflection, so a new one cannot be forgotten here. */
  static List<Method> eventMethods() {
    return Arrays.stream(SocketObserver.class.getDeclaredMethods())
        .filter(m -> Modifier.isPublic(m.getModifiers()) && !Modifier.isStatic(m.getModifiers()))
        .collect(Collectors.toList());
  }

  static Object[] arguments(Method m) {
    Class<?>[] types = m.getParameterTypes();
    Object[] args = new Object[types.length];
    for (int i = 0; i < types.length; i++) {
      Class<?> t = types[i];
      if (t == int.class) args[i] = 7;
      else if (t == long.class) args[i] = 7L;
      else if (t == boolean.class) args[i] = true;
      else if (t == String.class) args[i] = "s";
      else if (t == Envelope.class) args[i] = ENVELOPE;
      else if (t == ConnectionState.class) args[i] = ConnectionState.OPEN;
      else if (t == SocketObserver.Phase.class) args[i] = SocketObserver.Phase.TLS;
      else args[i] = null; // Disconnect, CloseReason, exceptions: passed through untouched
    }
    return args;
  }

  @Test
  void everyEventReachesEveryObserverInOrderAndAThrowingOneIsCountedOnce() throws Exception {
    List<String> calls = new ArrayList<>();
    events.observe(List.of(new Forwarding(calls, true, "first"), new Forwarding(calls, false, "second")));
    List<Method> methods = eventMethods();
    assertTrue(methods.size() >= 30, "the SPI has its events: " + methods.size());
    long failures = 0;
    for (Method m : methods) {
      calls.clear();
      Method funnel = Events.class.getMethod(m.getName(), m.getParameterTypes());
      assertEquals(Events.class, funnel.getDeclaringClass(), m.getName() + " is forwarded by the funnel");
      funnel.invoke(events, arguments(m));
      String expected = m.getName() + Arrays.toString(arguments(m));
      assertEquals(List.of("first " + expected, "second " + expected), calls, m.getName());
      failures++;
      assertEquals(failures, events.failures.get(), m.getName() + ": the first observer's exception is counted");
    }
  }

  @Test
  void beforeSendChainsTheObserversAndIgnoresNullsAndThrows() {
    Envelope original = Envelope.builder("t").build();
    SocketObserver adds = new SocketObserver() {
      @Override
      public Envelope beforeSend(Envelope e) {
        return e.toBuilder().meta("a", "1").build();
      }
    };
    SocketObserver nulls = new SocketObserver() {
      @Override
      public Envelope beforeSend(Envelope e) {
        return null;
      }
    };
    SocketObserver throwsOne = new SocketObserver() {
      @Override
      public Envelope beforeSend(Envelope e) {
        throw new IllegalStateException("x");
      }
    };
    SocketObserver addsMore = new SocketObserver() {
      @Override
      public Envelope beforeSend(Envelope e) {
        return e.toBuilder().meta("b", e.metaText("a") + "2").build();
      }
    };
    assertSame(original, events.beforeSend(original), "no observer: the same envelope");
    events.observe(List.of(adds, nulls, throwsOne, addsMore));
    Envelope sent = events.beforeSend(original);
    assertEquals("1", sent.metaText("a"));
    assertEquals("12", sent.metaText("b"), "each observer sees what the one before returned");
    assertEquals(1, events.failures.get());
  }

  @Test
  void theClockIsReadOnlyWhenSomeoneObservesLatencies() {
    scheduler.advanceByMillis(5);
    assertFalse(events.observed());
    assertEquals(0, events.stamp());
    assertEquals(0, events.since(1));
    events.observe(List.of(new SocketObserver() {}));
    assertTrue(events.observed());
    long stamp = events.stamp();
    assertEquals(clock.nanoTime(), stamp);
    scheduler.advanceByMillis(3);
    assertEquals(3_000_000L, events.since(stamp));
  }

  @Test
  void theRecorderHearsEventsWithoutAnyObserver() {
    events.attemptStarted(0, "wss://example.com/...", 1);
    events.messageWritten(10, 0, false);
    assertEquals(1, events.recorder.connectionAttempts.get());
    assertEquals(10, events.recorder.bytesSent.get());
    events.binaryReceived(3);
    assertEquals(1, events.recorder.messagesReceived.get());
    events.disconnected(null, -1);
    assertEquals(-1, events.recorder.disconnectedSince, "an attempt that never opened: no outage starts");
    events.disconnected(null, 0);
    assertEquals(clock.nanoTime(), events.recorder.disconnectedSince, "a connection open for 0 ns was open: the outage starts");
    assertEquals(0, events.failures.get());
  }

  /** Records every call by name and arguments through reflection-free overrides of every event. */
  static final class Forwarding extends SocketObserver {
    private final List<String> calls;
    private final boolean throwing;
    private final String name;

    Forwarding(List<String> calls, boolean throwing, String name) {
      this.calls = calls;
      this.throwing = throwing;
      this.name = name;
    }

    private void call(String method, Object... args) {
      calls.add(name + " " + method + Arrays.toString(args));
      if (throwing) throw new IllegalStateException("observer fault");
    }

    @Override public void stateChanged(ConnectionState from, ConnectionState to) { call("stateChanged", from, to); }
    @Override public void attemptStarted(int urlIndex, String url, int attempt) { call("attemptStarted", urlIndex, url, attempt); }
    @Override public void phaseEnded(Phase phase, long d) { call("phaseEnded", phase, d); }
    @Override public void handshakeResponse(int status) { call("handshakeResponse", status); }
    @Override public void connectionOpened(String sub, String ext, long n) { call("connectionOpened", sub, ext, n); }
    @Override public void disconnected(dev.steadysocket.Disconnect d, long n) { call("disconnected", d, n); }
    @Override public void reconnectScheduled(int a, long d, dev.steadysocket.SteadySocketException c) { call("reconnectScheduled", a, d, c); }
    @Override public void paused(String reason) { call("paused", reason); }
    @Override public void resumed(String reason, boolean still) { call("resumed", reason, still); }
    @Override public void connectionReplaced() { call("connectionReplaced"); }
    @Override public void closed(dev.steadysocket.CloseReason reason) { call("closed", reason); }
    @Override public void pingSent() { call("pingSent"); }
    @Override public void pongReceived(long rtt) { call("pongReceived", rtt); }
    @Override public void heartbeatSent() { call("heartbeatSent"); }
    @Override public void heartbeatEchoed(long rtt) { call("heartbeatEchoed", rtt); }
    @Override public void deadLink(long silence) { call("deadLink", silence); }
    @Override public void messageReceived(Envelope e, long bytes, long decode) { call("messageReceived", e, bytes, decode); }
    @Override public void binaryReceived(long bytes) { call("binaryReceived", bytes); }
    @Override public void decodeFailed() { call("decodeFailed"); }
    @Override public void duplicateDropped(Envelope e) { call("duplicateDropped", e); }
    @Override public void inboundPaused(int messages, long bytes) { call("inboundPaused", messages, bytes); }
    @Override public void inboundResumed(long paused) { call("inboundResumed", paused); }
    @Override public Envelope beforeSend(Envelope e) { call("beforeSend", e); return e; }
    @Override public void messageQueued(long bytes) { call("messageQueued", bytes); }
    @Override public void messageWritten(long bytes, long latency, boolean resent) { call("messageWritten", bytes, latency, resent); }
    @Override public void messageAcknowledged(String id, long latency) { call("messageAcknowledged", id, latency); }
    @Override public void outboxOverflow(int messages) { call("outboxOverflow", messages); }
    @Override public void messagesFailed(int messages) { call("messagesFailed", messages); }
    @Override public void setupMessageSent() { call("setupMessageSent"); }
    @Override public void requestStarted(Envelope request) { call("requestStarted", request); }
    @Override public void requestCompleted(String id, Envelope reply, long latency) { call("requestCompleted", id, reply, latency); }
    @Override public void requestTimedOut(String id, long latency) { call("requestTimedOut", id, latency); }
    @Override public void requestFailed(String id, Throwable error, long latency) { call("requestFailed", id, error, latency); }
    @Override public void callbacksRejected(int callbacks) { call("callbacksRejected", callbacks); }
  }
}
