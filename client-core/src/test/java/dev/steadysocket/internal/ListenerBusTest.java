package dev.steadysocket.internal;

import dev.steadysocket.SteadySocketException;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.steadysocket.CloseReason;
import dev.steadysocket.ConnectionState;
import dev.steadysocket.DecodeException;
import dev.steadysocket.Envelope;
import dev.steadysocket.ListenerException;
import dev.steadysocket.SteadySocketListener;
import dev.steadysocket.Subscription;
import dev.steadysocket.testkit.RecordingListener;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ListenerBusTest {
  /** An executor that refuses while {@code refusing}, else runs inline. */
  static final class Switchable implements Executor {
    boolean refusing;

    @Override
    public void execute(Runnable r) {
      if (refusing) throw new RejectedExecutionException("busy");
      r.run();
    }
  }

  final List<String> events = new ArrayList<>();
  final AtomicLong rejected = new AtomicLong();
  final Switchable executor = new Switchable();
  final ListenerBus bus = new ListenerBus(executor, false, Runnable::run, rejected::addAndGet);
  final RecordingListener a = new RecordingListener().journal("a", events);
  final RecordingListener b = new RecordingListener().journal("b", events);

  {
    bus.addListener(a);
    bus.addListener(b);
  }

  @Test
  void eventsReachEveryListenerInOrder() {
    bus.stateChanged(ConnectionState.IDLE, ConnectionState.CONNECTING);
    SteadySocketException cause = new SteadySocketException("reset");
    bus.reconnecting(2, Duration.ofMillis(1500), cause);
    bus.error(cause);
    assertEquals(List.of(
        "a: State(IDLE -> CONNECTING)", "b: State(IDLE -> CONNECTING)",
        "a: Reconnecting(2, 1500 ms, SteadySocketException: reset)", "b: Reconnecting(2, 1500 ms, SteadySocketException: reset)",
        "a: Error(SteadySocketException: reset)", "b: Error(SteadySocketException: reset)"), events);
    assertSame(cause, a.errors().get(0));
    assertFalse(bus.isSharedDispatch());
    assertTrue(new ListenerBus(Runnable::run, true, Runnable::run, rejected::addAndGet).isSharedDispatch());
  }

  @Test
  void enqueuedEventsWaitForAKick() {
    bus.enqueueStateChanged(ConnectionState.CONNECTING, ConnectionState.OPEN);
    assertEquals(List.of(), events);
    bus.kick();
    assertEquals(List.of("a: State(CONNECTING -> OPEN)", "b: State(CONNECTING -> OPEN)"), events);
  }

  @Test
  void aThrowingListenerIsReportedOnceAfterTheEventAndDeliveryGoesOn() {
    Error error = new StackOverflowError("listener recursion");
    a.throwAfter(RecordingListener.State.class, error);
    bus.stateChanged(ConnectionState.IDLE, ConnectionState.CONNECTING);
    a.throwAfter(RecordingListener.State.class, null);
    b.throwAfter(RecordingListener.State.class, new SteadySocketException("b's bug"));
    bus.stateChanged(ConnectionState.CONNECTING, ConnectionState.OPEN);
    assertEquals(List.of(
        "a: State(IDLE -> CONNECTING)", "b: State(IDLE -> CONNECTING)", "a: Error(ListenerException: a threw from onStateChanged)", "b: Error(ListenerException: a threw from onStateChanged)",
        "a: State(CONNECTING -> OPEN)", "b: State(CONNECTING -> OPEN)", "a: Error(ListenerException: b threw from onStateChanged)", "b: Error(ListenerException: b threw from onStateChanged)"),
        events);
    ListenerException first = assertInstanceOf(ListenerException.class, a.errors().get(0));
    assertSame(error, first.getCause());
    assertEquals("a threw from onStateChanged", first.getMessage());
    assertEquals("b threw from onStateChanged", a.errors().get(1).getMessage());
  }

  @Test
  void aListenerWhoseToStringThrowsIsNamedByClassAndIdentity() {
    // #16 part 2: the name in the ListenerException must not depend on the application's toString().
    SteadySocketListener broken = new SteadySocketListener() {
      @Override
      public void onStateChanged(ConnectionState previous, ConnectionState current) {
        throw new SteadySocketException("its bug");
      }

      @Override
      public String toString() {
        throw new IllegalStateException("toString bug");
      }
    };
    bus.addListener(broken);
    bus.stateChanged(ConnectionState.IDLE, ConnectionState.CONNECTING);
    String expected = broken.getClass().getName() + "@" + Integer.toHexString(System.identityHashCode(broken));
    assertEquals(expected + " threw from onStateChanged", a.errors().get(0).getMessage());
    assertEquals(expected, Quiet.identity(broken));
  }

  @Test
  void anOnErrorThatThrowsIsNotReportedAgain() {
    a.throwAfter(RecordingListener.Error.class, new SteadySocketException("onError bug"));
    bus.error(new SteadySocketException("x"));
    bus.stateChanged(ConnectionState.IDLE, ConnectionState.CONNECTING);
    assertEquals(List.of("a: Error(SteadySocketException: x)", "b: Error(SteadySocketException: x)",
        "a: State(IDLE -> CONNECTING)", "b: State(IDLE -> CONNECTING)"), events);
  }

  @Test
  void removedListenersHearNothingMore() {
    bus.removeListener(a);
    bus.stateChanged(ConnectionState.IDLE, ConnectionState.CONNECTING);
    assertEquals(List.of("b: State(IDLE -> CONNECTING)"), events);
  }

  public static final class Tick {
    public String symbol;
  }

  @Test
  void typedHandlersGetConvertedContentForTheirTypeOnly() {
    List<Object> got = new ArrayList<>();
    bus.on("tick", Tick.class, t -> got.add("class " + t.symbol));
    bus.on("tick", new TypeReference<Map<String, String>>() {}, m -> got.add("ref " + m));
    bus.on("other", Tick.class, t -> got.add("other"));
    bus.message(Envelope.of("tick", Map.of("symbol", "ACME"))).run();
    assertEquals(List.of("class ACME", "ref {symbol=ACME}"), got);
    assertEquals(List.of("a: Message(tick)", "b: Message(tick)"), events);
    bus.deliverMessage(Envelope.of("untyped", 1));
    assertEquals(2, got.size());
    assertEquals(List.of("a: Message(tick)", "b: Message(tick)", "a: Message(untyped)", "b: Message(untyped)"), events);
  }

  @Test
  void theHandlersAreSnapshottedWhenTheFrameIsConvertedAndACancelledOneIsSkipped() {
    List<String> got = new ArrayList<>();
    Subscription first = bus.on("tick", Tick.class, t -> got.add("first"));
    bus.on("tick", Tick.class, t -> got.add("second"));
    Runnable delivery = bus.message(Envelope.of("tick", Map.of("symbol", "X")));
    bus.on("tick", Tick.class, t -> got.add("late")); // after the snapshot
    first.cancel();
    delivery.run();
    assertEquals(List.of("second"), got);
    bus.message(Envelope.of("tick", Map.of("symbol", "Y"))).run();
    assertEquals(List.of("second", "second", "late"), got);
  }

  @Test
  void cancellingTheLastHandlerLeavesAPlainMessage() {
    List<String> got = new ArrayList<>();
    Subscription s = bus.on("tick", Tick.class, t -> got.add("tick"));
    s.cancel();
    s.cancel(); // idempotent
    bus.message(Envelope.of("tick", Map.of("symbol", "X"))).run();
    assertEquals(List.of(), got);
    assertEquals(List.of("a: Message(tick)", "b: Message(tick)"), events);
  }

  @Test
  void contentThatDoesNotConvertIsReportedAfterTheMessage() {
    List<String> got = new ArrayList<>();
    bus.on("tick", Integer.class, n -> got.add("int"));
    bus.post(bus.message(Envelope.of("tick", Map.of("symbol", "X"))));
    String decodeError = "Error(DecodeException: content of 'tick' does not fit java.lang.Integer: '{\"symbol\":\"X\"}')";
    assertEquals(List.of("a: Message(tick)", "b: Message(tick)", "a: " + decodeError, "b: " + decodeError), events);
    assertInstanceOf(DecodeException.class, a.errors().get(0));
    assertTrue(got.isEmpty());
  }

  @Test
  void aContentClassThatThrowsAndAHandlerThatThrowsAreListenerExceptions() {
    // Jackson wraps whatever a content class throws; an Error from elsewhere in the conversion is not.
    bus.on("boom", new TypeReference<Map<String, Object>>() {
      @Override
      public java.lang.reflect.Type getType() {
        throw new AssertionError("type bug");
      }
    }, m -> {});
    bus.post(bus.message(Envelope.of("boom", Map.of("x", 1))));
    Throwable conversion = a.errors().get(0);
    assertInstanceOf(ListenerException.class, conversion);
    assertInstanceOf(AssertionError.class, conversion.getCause());
    assertEquals("converting the content of 'boom' threw", conversion.getMessage());

    SteadySocketException bug = new SteadySocketException("handler bug");
    bus.on("tick", Tick.class, t -> {
      throw bug;
    });
    bus.post(bus.message(Envelope.of("tick", Map.of("symbol", "X"))));
    Throwable handler = a.errors().get(1);
    assertEquals("handler for 'tick' threw from accept", handler.getMessage());
    assertSame(bug, handler.getCause());
  }

  @Test
  void binaryFramesAreCopiedOnlyWhenListenersShareThem() {
    byte[] bytes = {1, 2, 3};
    bus.binary(bytes).run();
    assertNotSame(a.recorded(RecordingListener.Binary.class).get(0).bytes, b.recorded(RecordingListener.Binary.class).get(0).bytes);
    assertEquals(3, a.recorded(RecordingListener.Binary.class).get(0).bytes.length);
    ListenerBus single = new ListenerBus(Runnable::run, true, Runnable::run, rejected::addAndGet);
    RecordingListener only = new RecordingListener().journal("only", events);
    single.addListener(only);
    single.binary(bytes).run();
    assertSame(bytes, only.recorded(RecordingListener.Binary.class).get(0).bytes);
  }

  @Test
  void nothingIsDeliveredAfterOnClosed() {
    List<String> after = new ArrayList<>();
    a.throwAfter(RecordingListener.Closed.class, new SteadySocketException("onClosed bug"));
    bus.closed(Api.get().closeReason(1000, "", true, null), () -> after.add("afterwards"));
    bus.stateChanged(ConnectionState.CLOSING, ConnectionState.CLOSED);
    bus.error(new SteadySocketException("late"));
    bus.closed(Api.get().closeReason(1001, "", true, null), () -> after.add("afterwards again"));
    assertEquals(List.of("a: Closed(CloseReason(1000, by app))", "b: Closed(CloseReason(1000, by app))"), events, "not even the error onClosed raised");
    assertEquals(List.of("afterwards", "afterwards again"), after);
  }

  @Test
  void theTerminalBookkeepingRunsEvenWhenTheExecutorRefuses() {
    executor.refusing = true;
    List<String> after = new ArrayList<>();
    CompletableFuture<String> f = new CompletableFuture<>();
    bus.stateChanged(ConnectionState.OPEN, ConnectionState.CLOSING);
    bus.complete(f, "value", null);
    bus.closed(Api.get().closeReason(1000, "", true, null), () -> after.add("afterwards"));
    assertEquals(List.of(), events, "callbacks are dropped");
    assertEquals("value", f.getNow(null), "futures still complete");
    assertEquals(List.of("afterwards"), after);
    assertEquals(2, rejected.get(), "onStateChanged and onClosed were dropped");
    executor.refusing = false;
    bus.error(new SteadySocketException("after close"));
    assertEquals(List.of(), events, "terminated: not even the refusal is reported");
  }

  @Test
  void aRefusalIsReportedToOnErrorAtTheNextAcceptedDrain() {
    executor.refusing = true;
    bus.stateChanged(ConnectionState.IDLE, ConnectionState.CONNECTING);
    assertEquals(1, rejected.get());
    executor.refusing = false;
    bus.stateChanged(ConnectionState.CONNECTING, ConnectionState.OPEN);
    assertEquals(List.of("a: Error(ListenerException: the callback executor refused callbacks; some were dropped)", "b: Error(ListenerException: the callback executor refused callbacks; some were dropped)",
        "a: State(CONNECTING -> OPEN)", "b: State(CONNECTING -> OPEN)"), events);
    assertEquals("the callback executor refused callbacks; some were dropped", a.errors().get(0).getMessage());
    assertInstanceOf(RejectedExecutionException.class, a.errors().get(0).getCause());
  }

  @Test
  void completionsSucceedOrFail() {
    CompletableFuture<String> ok = new CompletableFuture<>();
    CompletableFuture<String> bad = new CompletableFuture<>();
    SteadySocketException error = new SteadySocketException("no");
    bus.complete(ok, "yes", null);
    bus.complete(bad, null, error);
    assertEquals("yes", ok.getNow(null));
    assertTrue(bad.isCompletedExceptionally());

    CompletableFuture<Void> q = new CompletableFuture<>();
    bus.enqueueCompletion(q, null, null);
    assertFalse(q.isDone(), "queued, not started");
    CompletableFuture<Void> f1 = new CompletableFuture<>(), f2 = new CompletableFuture<>();
    bus.enqueueFailAll(List.of(f1), error);
    bus.enqueueSucceedAll(List.of(f2));
    bus.enqueueFailAll(List.of(), error);
    bus.enqueueSucceedAll(List.of());
    assertFalse(f1.isDone() || f2.isDone());
    bus.kick();
    assertTrue(q.isDone() && !q.isCompletedExceptionally());
    assertTrue(f1.isCompletedExceptionally());
    assertTrue(f2.isDone() && !f2.isCompletedExceptionally());
  }

  @Test
  void raisedErrorsFollowTheirDelivery() {
    bus.post(() -> {
      bus.raise(new SteadySocketException("one"));
      bus.raise(Api.get().listener("two", new IllegalStateException()));
      events.add("delivery");
    });
    assertEquals(List.of("delivery", "a: Error(SteadySocketException: one)", "b: Error(SteadySocketException: one)",
        "a: Error(ListenerException: two)", "b: Error(ListenerException: two)"), events);
  }
}
