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
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.ToDoubleFunction;
import org.jspecify.annotations.Nullable;

/**
 * The meters of one socket name (its tags) in one registry, registered once and resolved into
 * fields, so an event costs a field read and the meter's own update: no lookup, no allocation.
 *
 * <p>Shared by the sockets that carry the same tags in the same registry: normally one, two while
 * a replacement is built before the old socket has closed. Counters and timers then add up, and
 * the gauges read every live socket (a sum, or how many are in each state). The meters are
 * registered when the first socket joins and removed from the registry when the last one leaves,
 * so a churn of sockets leaves no meters behind.
 *
 * <p>Threads: the meters are thread-safe (Micrometer's). {@link #join} and {@link #leave} only
 * decide under {@link #LOCK} (membership and who acts); registering and removing, which run the
 * registry's filters and listeners (foreign code, which may block), happen outside it, by one
 * thread at a time per {@link Entry} (its {@code busy} flag). That thread loops until the registry
 * matches the members: a socket that joins while the meters of its name are being removed is
 * given the meters registered again afterwards, never the instances being removed (Micrometer
 * would hand those back for an equal id). So nothing waits on another name, another registry, or a
 * registry's listener, except the thread that runs it.
 */
final class MeterSet {
  private static final Object LOCK = new Object();
  /** Guarded by LOCK: the entries with members or meters, by registry and tags. */
  private static final Map<Key, Entry> ENTRIES = new HashMap<>();

  private final MeterRegistry registry;
  /** Every meter registered, for removal: written while registering, read by the remover (hand-off under LOCK). */
  private final List<Meter> registered;
  /** The entry's members, read by the gauges at a scrape. */
  private final List<SocketMeters> members;

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

  /** Outside LOCK: registers every meter in {@code key.registry} with {@code key.tags}, each added to {@code registered} at once. */
  private MeterSet(Key key, List<SocketMeters> members, List<Meter> registered) {
    this.registry = key.registry;
    this.members = members;
    this.registered = registered;
    MeterRegistry r = key.registry;
    Tags t = key.tags;
    for (ConnectionState state : ConnectionState.values()) {
      ToDoubleFunction<SteadySocket> inState = s -> s.state() == state ? 1 : 0;
      add(Gauge.builder("steadysocket.connection.state", this, set -> set.sum(inState))
          .description("Sockets of this name in this state: 1 or 0 for one socket")
          .tags(t).tag("state", lower(state)).register(r));
    }
    add(Gauge.builder("steadysocket.outbox.depth", this, set -> set.sum(s -> s.metrics().outboxDepth()))
        .description("Messages waiting in the outbox to be written").tags(t).register(r));
    add(Gauge.builder("steadysocket.outbox.unacknowledged", this, set -> set.sum(s -> s.metrics().unacknowledged()))
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

  /** Registers the meters of {@code key}; if a filter or listener refuses one, none stays and that is thrown. */
  private static MeterSet register(Key key, List<SocketMeters> members) {
    List<Meter> registered = new ArrayList<>();
    try {
      return new MeterSet(key, members, registered);
    } catch (RuntimeException | Error e) {
      try {
        remove(key.registry, registered);
      } catch (RuntimeException r) {
        e.addSuppressed(r);
      }
      throw e;
    }
  }

  /**
   * Adds {@code member} to the meters of {@code registry} and {@code tags}, and hands them to it
   * ({@link SocketMeters#attached}) once registered: at once if they are; by this thread, which
   * registers them, if it is the first; or by the thread busy removing them (it registers them
   * again when it is done).
   *
   * @return the entry to {@link #leave}
   * @throws RuntimeException what a registry's filter or listener threw while this thread registered
   *     the meters (then none stays, and {@code member} is not a member)
   */
  static Entry join(MeterRegistry registry, Tags tags, SocketMeters member) {
    Key key = new Key(registry, tags);
    Entry entry;
    @Nullable MeterSet ready = null;
    boolean act = false;
    synchronized (LOCK) {
      entry = ENTRIES.computeIfAbsent(key, Entry::new);
      entry.members.add(member);
      if (entry.busy) {
        // the busy thread re-checks the members before it lets go, and hands the meters over
      } else if (entry.set != null) {
        ready = entry.set;
      } else {
        entry.busy = act = true;
      }
    }
    if (ready != null) member.attached(ready);
    if (act) {
      try {
        entry.settle();
      } catch (RuntimeException | Error e) {
        try {
          leave(entry, member);
        } catch (RuntimeException r) {
          e.addSuppressed(r);
        }
        throw e;
      }
    }
    return entry;
  }

  /**
   * Takes {@code member} out of {@code entry} (and the members whose socket was collected without
   * being closed); the last one out removes the meters from the registry, on this thread, unless
   * another thread is busy with them (it sees the entry empty before it lets go).
   *
   * @throws RuntimeException the first failure of a registry's listener at the removal, after every
   *     meter was removed (the observer's closed event: SteadySocket counts it in {@code
   *     Metrics.observerFailures()})
   */
  static void leave(Entry entry, SocketMeters member) {
    boolean act;
    synchronized (LOCK) {
      entry.members.remove(member);
      entry.members.removeIf(m -> m.socket() == null);
      act = !entry.busy && entry.members.isEmpty();
      if (act) entry.busy = true;
    }
    if (act) entry.settle();
  }

  /**
   * Removes {@code meters} from {@code registry}, every one even if the registry's listeners throw
   * for some; then throws the first failure.
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

  /** The registry's thread, at a scrape: {@code f} summed over the live sockets of the set. */
  private double sum(ToDoubleFunction<SteadySocket> f) {
    double n = 0;
    for (SocketMeters m : members) {
      SteadySocket s = m.socket();
      if (s != null) n += f.applyAsDouble(s);
    }
    return n;
  }

  private static String lower(Enum<?> e) {
    return e.name().toLowerCase(Locale.ROOT);
  }

  /**
   * The sockets of one registry and tags, and the meters registered for them. The thread that sets
   * {@code busy} (under LOCK) is the only one that registers or removes this entry's meters, outside
   * LOCK, in {@link #settle}, until they match the members.
   */
  static final class Entry {
    private final Key key;
    /** Written under LOCK; read by the gauges without it. */
    private final List<SocketMeters> members = new CopyOnWriteArrayList<>();
    /** Guarded by LOCK: the meters registered, null while there are none. */
    private @Nullable MeterSet set;
    /** Guarded by LOCK: a thread is in {@link #settle}. */
    private boolean busy;

    private Entry(Key key) {
      this.key = key;
    }

    MeterRegistry registry() {
      return key.registry;
    }

    /**
     * Run by the thread that set {@code busy}: decides under LOCK, registers or removes outside
     * it, and loops until the registry matches the members (a socket may join or leave meanwhile);
     * then hands the meters to the members. Throws the first failure of a filter or listener,
     * after that; a registration that failed is not tried again here (the next join tries).
     */
    private void settle() {
      RuntimeException failure = null;
      boolean registerFailed = false;
      boolean done = false;
      try {
        while (!done) {
          @Nullable MeterSet toRemove = null;
          @Nullable MeterSet ready = null;
          List<SocketMeters> toAttach = List.of();
          synchronized (LOCK) {
            if (members.isEmpty() && set != null) {
              toRemove = set;
              set = null;
            } else if (!members.isEmpty() && set == null && !registerFailed) {
              // register, below
            } else {
              busy = false;
              done = true;
              if (members.isEmpty()) {
                ENTRIES.remove(key, this);
              } else if (set != null) {
                ready = set;
                toAttach = new ArrayList<>(members);
              }
            }
          }
          if (done) {
            if (ready != null) for (SocketMeters m : toAttach) m.attached(ready);
          } else if (toRemove != null) {
            try {
              remove(toRemove.registry, toRemove.registered);
            } catch (RuntimeException e) {
              if (failure == null) failure = e;
            }
          } else {
            try {
              MeterSet registered = register(key, members);
              synchronized (LOCK) {
                set = registered;
              }
            } catch (RuntimeException e) {
              registerFailed = true;
              if (failure == null) failure = e;
            }
          }
        }
      } finally {
        if (!done) { // an Error: let the next join or leave try again
          synchronized (LOCK) {
            busy = false;
          }
        }
      }
      if (failure != null) throw failure;
    }
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
