package dev.steadysocket.internal;

import static dev.steadysocket.ConnectionState.CLOSED;
import static dev.steadysocket.ConnectionState.CLOSING;
import static dev.steadysocket.ConnectionState.CONNECTING;
import static dev.steadysocket.ConnectionState.IDLE;
import static dev.steadysocket.ConnectionState.OPEN;
import static dev.steadysocket.ConnectionState.PAUSED;
import static dev.steadysocket.ConnectionState.RECONNECTING;

import dev.steadysocket.ConnectionState;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every change of {@link ConnectionState} the socket may make, in one table: {@link
 * ConnectionLoop} asks {@link #check} before each one it makes. The same table is drawn as {@code
 * docs/states.svg} (the test sources' {@code StatesSvg}; {@code StatesSvgTest} fails when the
 * committed picture differs) and must agree with {@code ConnectionState}'s Javadoc diagram and
 * with the transitions {@code StateMachineModel} calls legal ({@code TransitionsTest}).
 *
 * <p>An edge is one trigger: a state, or a named group of states, it leaves from; the state it
 * goes to; and a short label for the picture. A change to the same state is no transition (the
 * loop reports none) and is never in the table. <b>Invariant:</b> nothing leaves {@code CLOSED}.
 *
 * <p>Immutable; any thread.
 */
public final class Transitions {
  private static final Logger log = LoggerFactory.getLogger("dev.steadysocket.SteadySocket");

  /** With assertions on (Surefire's default, so every test run) an illegal transition throws. */
  private static final boolean STRICT = Transitions.class.desiredAssertionStatus();

  /** One row of the table. */
  public static final class Edge {
    /** The states it leaves from; one, unless {@link #group} names them. */
    public final Set<ConnectionState> from;
    /** The name the picture gives {@link #from} when it is a group; null for a single state. */
    public final @Nullable String group;
    public final ConnectionState to;
    /** What makes it happen, as the picture labels the arrow. */
    public final String trigger;

    private Edge(Set<ConnectionState> from, @Nullable String group, ConnectionState to, String trigger) {
      this.from = Collections.unmodifiableSet(EnumSet.copyOf(from));
      this.group = group;
      this.to = to;
      this.trigger = trigger;
    }

    @Override
    public String toString() {
      return (group != null ? group + " " + from : from.iterator().next()) + " -> " + to + ": " + trigger;
    }
  }

  /** {@link ConnectionState#isActive()}: the states that end up connected unless told otherwise. */
  public static final String ACTIVE = "active: isActive()";
  /** Every state {@code close()} leaves from: all but CLOSING and CLOSED. */
  public static final String BEFORE_CLOSE = "any state before CLOSING";

  private static final Set<ConnectionState> ACTIVE_STATES = EnumSet.of(CONNECTING, OPEN, RECONNECTING);
  private static final Set<ConnectionState> BEFORE_CLOSE_STATES = EnumSet.complementOf(EnumSet.of(CLOSING, CLOSED));

  private static final List<Edge> TABLE = Collections.unmodifiableList(Arrays.asList(
      edge(IDLE, CONNECTING, "connect()"),
      edge(IDLE, PAUSED, "connect() while paused"),
      edge(CONNECTING, OPEN, "handshake ok"),
      edge(CONNECTING, RECONNECTING, "attempt failed, policy retries"),
      edge(OPEN, RECONNECTING, "connection lost, policy retries"),
      edge(OPEN, CONNECTING, "replaceConnection()"),
      edge(RECONNECTING, CONNECTING, "delay over, reconnectNow(), replaceConnection()"),
      group(ACTIVE, ACTIVE_STATES, PAUSED, "pause(reason)"),
      edge(PAUSED, CONNECTING, "resume(last reason)"),
      edge(PAUSED, RECONNECTING, "resume(last reason) in a server's wait"),
      edge(CONNECTING, CLOSED, "attempt failed, policy stops"),
      edge(OPEN, CLOSED, "connection lost, policy stops"),
      group(BEFORE_CLOSE, BEFORE_CLOSE_STATES, CLOSING, "close()"),
      edge(CLOSING, CLOSED, "closed, close timeout, internal failure"),
      // A loop task that throws closes the socket from wherever it was (ConnectionLoop.crashed).
      group(BEFORE_CLOSE, BEFORE_CLOSE_STATES, CLOSED, "internal failure (a bug)")));

  /** For each state, the states it may go to. */
  private static final Map<ConnectionState, Set<ConnectionState>> ALLOWED = allowed();

  private Transitions() {}

  /** The table, in the order it is written (the picture's order). */
  public static List<Edge> table() {
    return TABLE;
  }

  /** Whether the table has an edge {@code from -> to}. */
  public static boolean allowed(ConnectionState from, ConnectionState to) {
    return ALLOWED.get(from).contains(to);
  }

  /**
   * Called by {@link ConnectionLoop} on its thread before every change of state. An edge not in the
   * table is a bug in the loop. With assertions on (every test run) it throws {@link
   * AssertionError}: the loop's crash path closes the socket with a {@code SteadySocketException}
   * naming both states, which fails the test that made it. Without them (production) it is logged
   * at ERROR and the change goes ahead as it would have without the table: a wrong picture must
   * never crash the application, nor wedge a socket in a state it meant to leave.
   */
  static void check(ConnectionState from, ConnectionState to) {
    check(from, to, STRICT);
  }

  /** {@link #check} with the mode given (tests show both modes). */
  static void check(ConnectionState from, ConnectionState to, boolean strict) {
    if (from == to || allowed(from, to)) return;
    String what = "illegal state transition " + from + " -> " + to + " (not in internal.Transitions)";
    log.error("{}; a bug in SteadySocket, please report it", what);
    if (strict) throw new AssertionError(what);
  }

  private static Edge edge(ConnectionState from, ConnectionState to, String trigger) {
    return new Edge(EnumSet.of(from), null, to, trigger);
  }

  private static Edge group(String name, Set<ConnectionState> from, ConnectionState to, String trigger) {
    return new Edge(from, name, to, trigger);
  }

  private static Map<ConnectionState, Set<ConnectionState>> allowed() {
    Map<ConnectionState, Set<ConnectionState>> m = new EnumMap<>(ConnectionState.class);
    for (ConnectionState s : ConnectionState.values()) m.put(s, EnumSet.noneOf(ConnectionState.class));
    for (Edge e : TABLE) {
      for (ConnectionState s : e.from) {
        if (s != e.to) m.get(s).add(e.to);
      }
    }
    return m;
  }
}
