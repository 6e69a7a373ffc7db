package dev.steadysocket.testing;

import dev.steadysocket.CloseReason;
import dev.steadysocket.ConnectionState;
import dev.steadysocket.Disconnect;
import dev.steadysocket.Envelope;
import dev.steadysocket.SocketObserver;
import dev.steadysocket.SteadySocketException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/**
 * A {@link SocketObserver} for the Observer…Tests: records every event — its name, its arguments
 * and the thread it came on — in the order the calls arrived, and renders each as one line
 * ({@code attemptStarted(0, 1)}, {@code messageWritten(42, PT2S, resent)}) so a test can assert a
 * whole history with one {@code assertEquals}. Durations render as {@link Duration}s (exact: the
 * kit's virtual clock), envelopes as {@code type#id}, errors as their simple class name. Thread-safe.
 */
final class RecordingObserver extends SocketObserver {
  /** One recorded call. */
  static final class Event {
    final String name;
    final List<@Nullable Object> args;
    final Thread thread;
    /** When it was recorded: virtual nanoseconds since the clock was made, or System.nanoTime(). */
    final long at;

    Event(String name, List<@Nullable Object> args, long at) {
      this.name = name;
      this.args = args;
      this.thread = Thread.currentThread();
      this.at = at;
    }

    @Nullable Object arg(int i) {
      return args.get(i);
    }

    /** A duration argument, in nanoseconds. */
    long nanos(int i) {
      return ((Nanos) args.get(i)).value;
    }

    @Override
    public String toString() {
      return name + "(" + args.stream().map(RecordingObserver::render).collect(Collectors.joining(", ")) + ")";
    }
  }

  /** Markers for arguments that are durations, so they render as such. */
  private static final class Nanos {
    final long value;

    Nanos(long value) {
      this.value = value;
    }

    @Override
    public String toString() {
      return value == -1 ? "-1" : Duration.ofNanos(value).toString();
    }
  }

  private final List<Event> events = new CopyOnWriteArrayList<>();
  private final LongSupplier now;
  private volatile UnaryOperator<Envelope> beforeSend = UnaryOperator.identity();
  private volatile Consumer<Event> onEvent = e -> {};

  /** Events stamped with real time (loopback). */
  RecordingObserver() {
    this.now = System::nanoTime;
  }

  /** Events stamped with {@code clock}'s virtual time ({@link TestClock#elapsed()}). */
  RecordingObserver(TestClock clock) {
    this.now = () -> clock.elapsed().toNanos();
  }

  /** The factory installing this one observer on every socket built. */
  SocketObserver.Factory factory() {
    return socket -> this;
  }

  /** What {@link #beforeSend} returns for an envelope (identity by default); recorded before it runs. */
  RecordingObserver beforeSend(UnaryOperator<Envelope> change) {
    this.beforeSend = change;
    return this;
  }

  /** Runs after each event is recorded, on the event's thread (probes, throwing observers). */
  RecordingObserver onEvent(Consumer<Event> hook) {
    this.onEvent = hook;
    return this;
  }

  List<Event> events() {
    return new ArrayList<>(events);
  }

  /** Every event, rendered, in order. */
  List<String> lines() {
    return events.stream().map(Event::toString).collect(Collectors.toList());
  }

  /** The events named {@code names} (all others left out), rendered, in order. */
  List<String> lines(String... names) {
    Set<String> keep = new HashSet<>(Arrays.asList(names));
    return events.stream().filter(e -> keep.contains(e.name)).map(Event::toString).collect(Collectors.toList());
  }

  /** The events named {@code names}, each rendered after the (virtual) time it came at: {@code "PT1S attemptStarted(0, 2)"}. */
  List<String> timeline(String... names) {
    Set<String> keep = new HashSet<>(Arrays.asList(names));
    return events.stream().filter(e -> keep.isEmpty() || keep.contains(e.name))
        .map(e -> Duration.ofNanos(e.at) + " " + e).collect(Collectors.toList());
  }

  /** The events other than {@code names}, rendered, in order. */
  List<String> linesExcept(String... names) {
    Set<String> drop = new HashSet<>(Arrays.asList(names));
    return events.stream().filter(e -> !drop.contains(e.name)).map(Event::toString).collect(Collectors.toList());
  }

  List<Event> named(String name) {
    return events.stream().filter(e -> e.name.equals(name)).collect(Collectors.toList());
  }

  int count(String name) {
    return named(name).size();
  }

  /** The one event named {@code name}; fails if there is none or several. */
  Event only(String name) {
    List<Event> found = named(name);
    if (found.size() != 1) throw new AssertionError("expected one " + name + ", got " + found + " in " + lines());
    return found.get(0);
  }

  /** The last event recorded, or null. */
  @Nullable Event last() {
    List<Event> all = events();
    return all.isEmpty() ? null : all.get(all.size() - 1);
  }

  void clear() {
    events.clear();
  }

  private void record(String name, @Nullable Object... args) {
    Event e = new Event(name, Collections.unmodifiableList(Arrays.asList(args)), now.getAsLong());
    events.add(e);
    onEvent.accept(e);
  }

  static String render(@Nullable Object o) {
    if (o instanceof Envelope) {
      Envelope e = (Envelope) o;
      return e.type() + "#" + e.id();
    }
    if (o instanceof Throwable) return o.getClass().getSimpleName();
    if (o instanceof Disconnect) {
      Disconnect d = (Disconnect) o;
      return d.kind() + "/" + d.error().getClass().getSimpleName();
    }
    if (o instanceof CloseReason) {
      CloseReason r = (CloseReason) o;
      return r.code() + " " + (r.initiatedByApp() ? "app" : "socket");
    }
    return String.valueOf(o);
  }

  private static Nanos ns(long nanos) {
    return new Nanos(nanos);
  }

  // ---------------------------------------------------------------- every event

  @Override public void stateChanged(ConnectionState from, ConnectionState to) { record("stateChanged", from, to); }
  @Override public void attemptStarted(int urlIndex, String url, int attempt) { record("attemptStarted", urlIndex, attempt); }
  @Override public void phaseEnded(Phase phase, long durationNanos) { record("phaseEnded", phase, ns(durationNanos)); }
  @Override public void handshakeResponse(int httpStatus) { record("handshakeResponse", httpStatus); }

  @Override
  public void connectionOpened(@Nullable String subprotocol, String extensions, long attemptNanos) {
    record("connectionOpened", subprotocol, "'" + extensions + "'", ns(attemptNanos));
  }

  @Override public void disconnected(Disconnect disconnect, long openNanos) { record("disconnected", disconnect, ns(openNanos)); }

  @Override
  public void reconnectScheduled(int attempt, long delayNanos, SteadySocketException cause) {
    record("reconnectScheduled", attempt, ns(delayNanos), cause);
  }

  @Override public void paused(String reason) { record("paused", reason); }
  @Override public void resumed(String reason, boolean stillPaused) { record("resumed", reason, stillPaused ? "stillPaused" : "released"); }
  @Override public void connectionReplaced() { record("connectionReplaced"); }
  @Override public void closed(CloseReason reason) { record("closed", reason); }
  @Override public void pingSent() { record("pingSent"); }
  @Override public void pongReceived(long rttNanos) { record("pongReceived", ns(rttNanos)); }
  @Override public void heartbeatSent() { record("heartbeatSent"); }
  @Override public void heartbeatEchoed(long rttNanos) { record("heartbeatEchoed", ns(rttNanos)); }
  @Override public void deadLink(long silenceNanos) { record("deadLink", ns(silenceNanos)); }

  @Override
  public void messageReceived(Envelope envelope, long bytes, long decodeNanos) {
    record("messageReceived", envelope, bytes, ns(decodeNanos));
  }

  @Override public void binaryReceived(long bytes) { record("binaryReceived", bytes); }
  @Override public void decodeFailed() { record("decodeFailed"); }
  @Override public void duplicateDropped(Envelope envelope) { record("duplicateDropped", envelope); }
  @Override public void inboundPaused(int messages, long bytes) { record("inboundPaused", messages, bytes); }
  @Override public void inboundResumed(long pausedNanos) { record("inboundResumed", ns(pausedNanos)); }

  @Override
  public Envelope beforeSend(Envelope envelope) {
    record("beforeSend", envelope);
    return beforeSend.apply(envelope);
  }

  @Override public void messageQueued(long bytes) { record("messageQueued", bytes); }

  @Override
  public void messageWritten(long bytes, long latencyNanos, boolean resent) {
    record("messageWritten", bytes, ns(latencyNanos), resent ? "resent" : "first");
  }

  @Override public void messageAcknowledged(String id, long latencyNanos) { record("messageAcknowledged", id, ns(latencyNanos)); }
  @Override public void outboxOverflow(int messages) { record("outboxOverflow", messages); }
  @Override public void messagesFailed(int messages) { record("messagesFailed", messages); }
  @Override public void setupMessageSent() { record("setupMessageSent"); }
  @Override public void requestStarted(Envelope request) { record("requestStarted", request); }

  @Override
  public void requestCompleted(String id, Envelope reply, long latencyNanos) {
    record("requestCompleted", id, reply.type(), ns(latencyNanos));
  }

  @Override public void requestTimedOut(String id, long latencyNanos) { record("requestTimedOut", id, ns(latencyNanos)); }

  @Override
  public void requestFailed(String id, Throwable error, long latencyNanos) {
    record("requestFailed", id, error, ns(latencyNanos));
  }

  @Override public void callbacksRejected(int callbacks) { record("callbacksRejected", callbacks); }
}
