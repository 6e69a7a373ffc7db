package dev.steadysocket.testing;

import dev.steadysocket.SocketObserver;
import dev.steadysocket.SteadySocket;
import java.lang.reflect.Array;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * "An observer is never called while SteadySocket holds one of its own locks", checked from inside
 * each event two ways:
 *
 * <ol>
 *   <li>exactly, on the event's thread: {@link Thread#holdsLock} for every monitor reachable from
 *       the socket — each {@code new Object()} lock field and every object and collection of
 *       SteadySocket's (and the kit's) classes, found by reflection (the locks are private, not
 *       hidden);
 *   <li>as the brief's practical check: a probe on another thread calls {@code send}, {@code
 *       metrics()}, {@code state()} and {@code heartbeat()} and is waited for (5 s at most); an
 *       event fired under Outbound's lock would leave it blocked.
 * </ol>
 *
 * Violations are collected (an assertion thrown inside an observer would be caught by the socket
 * and only counted). Each event name is probed at most {@code perEvent} times on each kind of thread.
 */
final class LockProbe {
  private final int perEvent;
  private volatile SteadySocket socket;
  private final Map<String, AtomicInteger> seen = new ConcurrentHashMap<>();
  private final Set<Thread> probes = ConcurrentHashMap.newKeySet();
  final List<String> violations = new CopyOnWriteArrayList<>();
  /** Event names probed at least once. */
  final Set<String> probed = ConcurrentHashMap.newKeySet();
  /** Checks under way (on loopback an event's check may still run when the test has seen the event). */
  final AtomicInteger running = new AtomicInteger();

  LockProbe(int perEvent) {
    this.perEvent = perEvent;
  }

  /** The kinds of events fired on threads other than the probes' own (whose sends cause events too). */
  static Set<String> firedOutsideProbes(RecordingObserver rec) {
    return rec.events().stream().filter(e -> !e.thread.getName().startsWith("lock probe")).map(e -> e.name)
        .collect(java.util.stream.Collectors.toCollection(java.util.TreeSet::new));
  }

  /** A factory installing {@code observer} and handing this probe the socket being built. */
  SocketObserver.Factory install(RecordingObserver observer) {
    observer.onEvent(this::check);
    return s -> {
      socket = s;
      return observer;
    };
  }

  private void check(RecordingObserver.Event e) {
    if (probes.contains(Thread.currentThread())) return; // the probe's own send: not probed again
    // Up to perEvent of each kind on each kind of thread (a write on the sender and on the loop are two paths).
    String kind = e.name + " on " + Thread.currentThread().getName().replaceAll("[0-9]", "");
    if (seen.computeIfAbsent(kind, n -> new AtomicInteger()).incrementAndGet() > perEvent) return;
    SteadySocket s = socket;
    if (s == null) return;
    running.incrementAndGet();
    try {
      Map<Object, String> monitors = new IdentityHashMap<>();
      collect(s, monitors);
      monitors.forEach((monitor, where) -> {
        if (Thread.holdsLock(monitor)) {
          violations.add(e.name + " on " + Thread.currentThread().getName() + " holding the monitor of " + where);
        }
      });
      Thread probe = new Thread(() -> {
        s.send("probe");
        s.metrics();
        s.state();
        s.heartbeat();
      }, "lock probe for " + e.name);
      probe.setDaemon(true);
      probes.add(probe);
      probe.start();
      probe.join(5_000);
      if (probe.isAlive()) {
        violations.add(e.name + " on " + Thread.currentThread().getName()
            + ": a probe calling send/metrics/state/heartbeat from another thread was blocked for 5 s");
      }
      probed.add(e.name);
    } catch (Throwable t) {
      violations.add(e.name + ": the probe itself failed: " + t);
    } finally {
      running.decrementAndGet();
    }
  }

  /**
   * Every object reachable from {@code root} through instance fields of SteadySocket's classes
   * ({@code dev.steadysocket…}, the kit's included), with the collections, maps and arrays they
   * hold: each may be a monitor. Plain {@code Object} fields (the {@code lock} objects) are included.
   */
  static List<Object> monitorsReachableFrom(Object root) {
    Map<Object, String> monitors = new IdentityHashMap<>();
    collect(root, monitors);
    return new ArrayList<>(monitors.keySet());
  }

  /** As {@link #monitorsReachableFrom}, each with where it was found ({@code Outbound.lock}, a class name). */
  private static void collect(Object root, Map<Object, String> monitors) {
    Set<Object> seen = Collections.newSetFromMap(new IdentityHashMap<>());
    Deque<Object> todo = new ArrayDeque<>();
    todo.push(root);
    while (!todo.isEmpty()) {
      Object o = todo.pop();
      if (!seen.add(o)) continue;
      monitors.putIfAbsent(o, o.getClass().getName());
      if (o instanceof Collection) {
        for (Object x : snapshot((Collection<?>) o)) offer(x, todo);
        continue;
      }
      if (o instanceof Map) {
        for (Object x : snapshot(((Map<?, ?>) o).keySet())) offer(x, todo);
        for (Object x : snapshot(((Map<?, ?>) o).values())) offer(x, todo);
        continue;
      }
      if (o.getClass().isArray()) {
        if (!o.getClass().getComponentType().isPrimitive()) {
          for (int i = 0; i < Array.getLength(o); i++) offer(Array.get(o, i), todo);
        }
        continue;
      }
      for (Class<?> c = o.getClass(); c != null && c != Object.class; c = c.getSuperclass()) {
        if (!c.getName().startsWith("dev.steadysocket")) break;
        for (Field f : c.getDeclaredFields()) {
          if (Modifier.isStatic(f.getModifiers()) || f.getType().isPrimitive()) continue;
          try {
            f.setAccessible(true);
            Object v = f.get(o);
            if (v != null && v.getClass() == Object.class) {
              monitors.putIfAbsent(v, c.getSimpleName() + "." + f.getName()); // a lock object
            } else {
              offer(v, todo);
            }
          } catch (RuntimeException | IllegalAccessException ignored) {
            // a field we may not read (a JDK-hidden one): not ours
          }
        }
      }
    }
  }

  private static void offer(Object v, Deque<Object> todo) {
    if (v == null) return;
    if (v instanceof Collection || v instanceof Map || v.getClass().isArray() || v.getClass().getName().startsWith("dev.steadysocket")) {
      todo.push(v);
    }
  }

  private static List<Object> snapshot(Collection<?> c) {
    for (int attempt = 0; attempt < 3; attempt++) {
      try {
        return new ArrayList<>(c);
      } catch (RuntimeException concurrentlyChanged) {
        // another thread changed it while we copied: try again
      }
    }
    return List.of();
  }
}
