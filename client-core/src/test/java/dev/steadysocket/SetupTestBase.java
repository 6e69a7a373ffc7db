package dev.steadysocket;

import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** What the setup-message tests (#18) share on top of {@link VirtualTimeTest}: the wire, replies, the machinery's state. */
abstract class SetupTestBase extends VirtualTimeTest {
  static final MessageCodec CODEC = MessageCodec.jackson();

  static Envelope subscribe(String symbol) {
    return Envelope.of("subscribe", Map.of("symbol", symbol));
  }

  /** type:symbol (or type) of every frame the current connection wrote but heartbeats. */
  List<String> wire() {
    List<String> out = new ArrayList<>();
    for (String frame : transports.last().sentMessages()) {
      Envelope e = CODEC.decode(frame);
      String symbol = e.content().path("symbol").asText("");
      out.add(symbol.isEmpty() ? e.type() : e.type() + ":" + symbol);
    }
    return out;
  }

  Envelope sent(int index) {
    return CODEC.decode(transports.last().sentMessages().get(index));
  }

  static String reply(String type, String replyTo) {
    return "{\"type\":\"" + type + "\",\"meta\":{\"replyTo\":\"" + replyTo + "\"}}";
  }

  /** Runs the dispatch pool's tasks, and the loop after each, until the pool is empty. */
  void runPool(List<Runnable> pool) {
    while (!pool.isEmpty()) {
      pool.remove(0).run();
      clock.runUntilIdle();
    }
  }

  /** Takes every event left, for tests that end on a path whose callbacks they do not spell out. */
  void drain() {
    while (true) {
      try {
        listener.next();
      } catch (AssertionError none) {
        return;
      }
    }
  }

  /** Spins until {@code t} is in {@code state} (it parks on a lock or a monitor); fails after 10 s instead of hanging. */
  static void awaitState(Thread t, Thread.State state) {
    long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
    while (t.getState() != state) {
      if (System.nanoTime() > deadline) throw new AssertionError(t.getName() + " never became " + state + ": " + t.getState());
      Thread.onSpinWait();
    }
  }

  static Object field(Object o, String name) throws Exception {
    for (Class<?> c = o.getClass(); c != null; c = c.getSuperclass()) {
      try {
        Field f = c.getDeclaredField(name);
        f.setAccessible(true);
        return f.get(o);
      } catch (NoSuchFieldException e) {
        // look in the superclass
      }
    }
    throw new NoSuchFieldException(name);
  }

  /** What the socket's setup machinery keeps: registrations, awaited replies, the open connection's bookkeeping. */
  static int retained(SteadySocket s) throws Exception {
    Object setups = field(field(field(s, "core"), "parts"), "setups");
    Method m = setups.getClass().getDeclaredMethod("retained");
    m.setAccessible(true);
    return (Integer) m.invoke(setups);
  }
}
