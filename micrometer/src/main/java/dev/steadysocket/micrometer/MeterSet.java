package dev.steadysocket.micrometer;

import dev.steadysocket.ConnectionState;
import dev.steadysocket.Disconnect;
import dev.steadysocket.SocketObserver;
import dev.steadysocket.SteadySocket;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.BaseUnits;
import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.jspecify.annotations.Nullable;

/**
 * The meters of one socket name (its tags) in one registry, registered once and resolved into
 * fields, so an event costs a field read and the meter's own update: no lookup, no allocation.
 *
 * <p>Shared by the sockets that carry the same tags in the same registry: normally one, two while
 * a replacement is built before the old socket has closed. Counters and timers then add up, and
 * the gauges read every live socket (a sum, or how many are in each state). The set is registered
 * when its first socket joins and removed from the registry when its last one leaves, so a churn
 * of sockets leaves no meters behind.
 *
 * <p>Threads: the meters are thread-safe (Micrometer's); {@link #join} and {@link #leave} take
 * {@link #LOCK} and register or remove meters under it, so a set is never removed while another
 * socket joins it. No SteadySocket lock is held then (observer events never run under one), and the
 * only foreign code under {@code LOCK} is the registry's (its filters and listeners).
 */
final class MeterSet {
  private static final Object LOCK = new Object();
  /** Guarded by LOCK: the sets with at least one live socket, by registry and tags. */
  private static final Map<Key, MeterSet> SETS = new HashMap<>();

  private final Key key;
  /** Guarded by LOCK: every meter registered, for removal. */
  private final List<Meter> registered;
  /** The live sockets, weakly: the registry's gauges must not keep a socket alive. Written under LOCK. */
  private final List<WeakReference<SteadySocket>> sockets = new CopyOnWriteArrayList<>();

  final Counter attemptsOpened;
  final Counter attemptsFailed;
  final Counter attemptsAbandoned;
  final Timer attemptDuration;
  final Counter reconnects;
  final Timer reconnectDelay;
  /** By {@code kind.ordinal() * 2 + (opened ? 1 : 0)}. */
  private final Counter[] disconnects;
  final Timer heartbeatRtt;
  final Timer pingRtt;
  final Counter deadLinks;
  final Counter messagesIn;
  final Counter messagesOut;
  final Counter bytesIn;
  final Counter bytesOut;
  final Counter messagesResent;
  final Counter droppedOverflow;
  final Counter droppedClosed;
  final Timer sendWritten;
  final Timer sendAcknowledged;
  final Timer requestCompleted;
  final Timer requestTimeout;
  final Timer requestFailed;
  /** By {@code Phase.ordinal()}. */
  private final Timer[] phases;
  final Counter decodeErrors;
  final Counter duplicates;
  final Timer inboundPaused;
  final Counter callbacksRejected;

  /** Under LOCK: registers every meter in {@code key.registry} with {@code key.tags}, each added to {@code registered} at once. */
  private MeterSet(Key key, List<Meter> registered) {
    this.key = key;
    this.registered = registered;
    MeterRegistry r = key.registry;
    Tags t = key.tags;
    for (ConnectionState state : ConnectionState.values()) {
      add(Gauge.builder("steadysocket.connection.state", this, set -> set.inState(state))
          .description("Sockets of this name in this state: 1 or 0 for one socket")
          .tags(t).tag("state", lower(state)).register(r));
    }
    add(Gauge.builder("steadysocket.outbox.depth", this, MeterSet::outboxDepth)
        .description("Messages waiting in the outbox to be written").tags(t).register(r));
    add(Gauge.builder("steadysocket.unacknowledged", this, MeterSet::unacknowledged)
        .description("Acknowledged sends written and not yet acknowledged").tags(t).register(r));

    String attempts = "steadysocket.connection.attempts";
    String attemptsHelp = "Connection attempts, by how they ended";
    attemptsOpened = add(Counter.builder(attempts).description(attemptsHelp).tags(t).tag("outcome", "opened").register(r));
    attemptsFailed = add(Counter.builder(attempts).description(attemptsHelp).tags(t).tag("outcome", "failed").register(r));
    attemptsAbandoned = add(Counter.builder(attempts).description(attemptsHelp).tags(t).tag("outcome", "abandoned").register(r));
    attemptDuration = add(Timer.builder("steadysocket.connection.attempt.duration")
        .description("From an attempt's start to its connection open").tags(t).register(r));
    reconnects = add(Counter.builder("steadysocket.reconnects")
        .description("Connections opened after the first one").tags(t).register(r));
    reconnectDelay = add(Timer.builder("steadysocket.reconnect.delay")
        .description("The wait before each scheduled reconnect attempt (backoff or the server's Retry-After)")
        .tags(t).register(r));
    Disconnect.Kind[] kinds = Disconnect.Kind.values();
    disconnects = new Counter[kinds.length * 2];
    for (Disconnect.Kind kind : kinds) {
      for (int opened = 0; opened < 2; opened++) {
        disconnects[kind.ordinal() * 2 + opened] = add(Counter.builder("steadysocket.disconnects")
            .description("Failed attempts (opened=false) and lost connections (opened=true), by kind")
            .tags(t).tag("reason", lower(kind)).tag("opened", opened == 1 ? "true" : "false").register(r));
      }
    }
    heartbeatRtt = add(Timer.builder("steadysocket.heartbeat.rtt")
        .description("Round trip of the heartbeat envelope, from sent to its echo decoded").tags(t).register(r));
    pingRtt = add(Timer.builder("steadysocket.ping.rtt")
        .description("Round trip of a ping frame, from sent to its pong read").tags(t).register(r));
    deadLinks = add(Counter.builder("steadysocket.dead.links")
        .description("Open connections given up because they stayed silent after a ping").tags(t).register(r));
    String messages = "steadysocket.messages";
    messagesIn = add(Counter.builder(messages).description("Messages delivered (in) and written (out)")
        .tags(t).tag("direction", "in").register(r));
    messagesOut = add(Counter.builder(messages).description("Messages delivered (in) and written (out)")
        .tags(t).tag("direction", "out").register(r));
    String bytes = "steadysocket.bytes";
    bytesIn = add(Counter.builder(bytes).description("Payload bytes of the messages delivered (in) and written (out)")
        .baseUnit(BaseUnits.BYTES).tags(t).tag("direction", "in").register(r));
    bytesOut = add(Counter.builder(bytes).description("Payload bytes of the messages delivered (in) and written (out)")
        .baseUnit(BaseUnits.BYTES).tags(t).tag("direction", "out").register(r));
    messagesResent = add(Counter.builder("steadysocket.messages.resent")
        .description("Messages written again on a new connection").tags(t).register(r));
    String dropped = "steadysocket.messages.dropped";
    droppedOverflow = add(Counter.builder(dropped).description("Sends failed: outbox full (overflow) or socket closed")
        .tags(t).tag("reason", "overflow").register(r));
    droppedClosed = add(Counter.builder(dropped).description("Sends failed: outbox full (overflow) or socket closed")
        .tags(t).tag("reason", "closed").register(r));
    String send = "steadysocket.send.latency";
    sendWritten = add(Timer.builder(send).description("From send() to the message written, or acknowledged")
        .tags(t).tag("stage", "written").register(r));
    sendAcknowledged = add(Timer.builder(send).description("From send() to the message written, or acknowledged")
        .tags(t).tag("stage", "acknowledged").register(r));
    String request = "steadysocket.request.latency";
    String requestHelp = "From request() to its reply, its timeout or its failure";
    requestCompleted = add(Timer.builder(request).description(requestHelp).tags(t).tag("outcome", "completed").register(r));
    requestTimeout = add(Timer.builder(request).description(requestHelp).tags(t).tag("outcome", "timeout").register(r));
    requestFailed = add(Timer.builder(request).description(requestHelp).tags(t).tag("outcome", "failed").register(r));
    SocketObserver.Phase[] all = SocketObserver.Phase.values();
    phases = new Timer[all.length];
    for (SocketObserver.Phase phase : all) {
      phases[phase.ordinal()] = add(Timer.builder("steadysocket.handshake.phase")
          .description("The phases of connection attempts: DNS, TCP connect, TLS, WebSocket upgrade")
          .tags(t).tag("phase", lower(phase)).register(r));
    }
    decodeErrors = add(Counter.builder("steadysocket.decode.errors")
        .description("Text frames the codec could not decode").tags(t).register(r));
    duplicates = add(Counter.builder("steadysocket.duplicates")
        .description("Messages dropped as already delivered (de-duplication)").tags(t).register(r));
    inboundPaused = add(Timer.builder("steadysocket.inbound.paused")
        .description("Times the reader was held by inbound back-pressure, and for how long").tags(t).register(r));
    callbacksRejected = add(Counter.builder("steadysocket.callbacks.rejected")
        .description("Listener callbacks dropped because the callback executor refused them").tags(t).register(r));
  }

  /**
   * Adds {@code socket} to the set of {@code registry} and {@code tags}, registering the set's
   * meters if it is the first.
   */
  static MeterSet join(MeterRegistry registry, Tags tags, WeakReference<SteadySocket> socket) {
    synchronized (LOCK) {
      Key key = new Key(registry, tags);
      MeterSet set = SETS.get(key);
      if (set == null) {
        List<Meter> registered = new ArrayList<>();
        try {
          set = new MeterSet(key, registered);
        } catch (RuntimeException | Error e) { // a registry's filter or listener refused one: none stays
          remove(registry, registered);
          throw e;
        }
        SETS.put(key, set);
      }
      set.sockets.add(socket);
      return set;
    }
  }

  /**
   * Takes {@code socket} out of {@code set} (and the sockets collected without being closed); the
   * last one out removes the set's meters from its registry.
   */
  static void leave(MeterSet set, WeakReference<SteadySocket> socket) {
    synchronized (LOCK) {
      set.sockets.removeIf(s -> s == socket || s.get() == null);
      if (!set.sockets.isEmpty() || SETS.get(set.key) != set) return;
      SETS.remove(set.key);
      remove(set.key.registry, set.registered);
    }
  }

  /**
   * Removes {@code meters} from {@code registry}, every one even if the registry's listeners throw
   * for some; then throws the first failure, for the caller to report (the observer's closed event:
   * SteadySocket counts it in {@code Metrics.observerFailures()}).
   */
  private static void remove(MeterRegistry registry, List<Meter> meters) {
    RuntimeException first = null;
    for (Meter m : meters) {
      try {
        registry.remove(m);
      } catch (RuntimeException e) {
        if (first == null) first = e;
      }
    }
    meters.clear();
    if (first != null) throw first;
  }

  Counter disconnects(Disconnect.Kind kind, boolean opened) {
    return disconnects[kind.ordinal() * 2 + (opened ? 1 : 0)];
  }

  Timer phase(SocketObserver.Phase phase) {
    return phases[phase.ordinal()];
  }

  private <M extends Meter> M add(M meter) {
    registered.add(meter);
    return meter;
  }

  /** The registry's thread, at a scrape: sockets of this set in {@code state}. */
  private double inState(ConnectionState state) {
    int n = 0;
    for (WeakReference<SteadySocket> ref : sockets) {
      SteadySocket s = ref.get();
      if (s != null && s.state() == state) n++;
    }
    return n;
  }

  /** The registry's thread, at a scrape. */
  private double outboxDepth() {
    long n = 0;
    for (WeakReference<SteadySocket> ref : sockets) {
      SteadySocket s = ref.get();
      if (s != null) n += s.metrics().outboxDepth();
    }
    return n;
  }

  /** The registry's thread, at a scrape. */
  private double unacknowledged() {
    long n = 0;
    for (WeakReference<SteadySocket> ref : sockets) {
      SteadySocket s = ref.get();
      if (s != null) n += s.metrics().unacknowledged();
    }
    return n;
  }

  private static String lower(Enum<?> e) {
    return e.name().toLowerCase(Locale.ROOT);
  }

  /** A registry (by identity) and the tags every meter of the set carries. */
  private static final class Key {
    final MeterRegistry registry;
    final Tags tags;

    Key(MeterRegistry registry, Tags tags) {
      this.registry = registry;
      this.tags = tags;
    }

    @Override
    public boolean equals(@Nullable Object o) {
      return o instanceof Key && ((Key) o).registry == registry && ((Key) o).tags.equals(tags);
    }

    @Override
    public int hashCode() {
      return System.identityHashCode(registry) * 31 + tags.hashCode();
    }
  }
}
