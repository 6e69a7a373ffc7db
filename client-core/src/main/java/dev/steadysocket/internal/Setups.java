package dev.steadysocket.internal;

import dev.steadysocket.Disconnect;
import dev.steadysocket.Envelope;
import dev.steadysocket.MessageCodec;
import dev.steadysocket.SetupMessage;
import dev.steadysocket.SetupRegistration;
import dev.steadysocket.SetupStatus;
import dev.steadysocket.SteadySocketException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import org.jspecify.annotations.Nullable;

/**
 * Setup messages: what is written first on every connection, after the resume frame and before
 * everything the application queued ({@link SetupMessage}).
 *
 * <p><b>Threading:</b> {@link #register}, {@link #refuse} and {@link SetupEntry#cancel} run on
 * application threads, {@link #reply} on the thread that decodes frames; they only hold the outbox
 * ({@link Outbound#setupArriving}) and post to the loop, or take a reply out of the concurrent
 * {@link #awaiting} table. Everything below "loop-confined" belongs to the loop. The application's
 * function and codec run on the dispatch pool ({@link SetupEncoder}), never on the loop or under a lock.
 *
 * <p><b>Invariant (setup before the outbox):</b> while the open connection's setup is not released
 * — a registration not yet written, or a reply that {@link SetupMessage#holdsSends holds sends} —
 * the outbound path is held, so nothing queued or newer is written before it; a registration (or a
 * cancellation with a closing message) made on an application thread holds it from that moment
 * until the loop has taken it in. {@link #advance} is the one place that writes setup messages and
 * decides the hold. Nothing is kept for a registration once it is cancelled, nor for a reply once
 * it is in ({@link #retained}).
 */
final class Setups implements SetupEntry.Owner {
  /** What the loop does about the open connection's setup. Loop thread. */
  interface Loop {
    /** A setup message failed the open connection {@code c}: close it; the reconnect policy decides. */
    void failed(Connection c, Disconnect d, String reason);

    /** {@code c}'s setup is complete: everything written, every awaited reply in. */
    void settled(Connection c);
  }

  /** The reply type that rejects a setup message (docs/delivery.md, "Setup messages"). */
  static final String REJECTED = "error";
  /** A reply that was consumed and has nothing to deliver. */
  static final Runnable CONSUMED = () -> {};
  /** How many answered copies' ids are remembered, so a repeated reply is swallowed, not delivered. */
  static final int RECENT_IDS = 256;

  private final Outbound outbound;
  private final SetupEncoder encoder;
  private final LoopTasks tasks;
  private final ListenerBus bus;
  /** Replies awaited on the open connection, by the id of this connection's copy. */
  private final ConcurrentHashMap<String, SetupPhase.Awaited> awaiting = new ConcurrentHashMap<>();
  /** Guarded by itself: ids of copies answered, timed out or cancelled lately, oldest first. */
  private final Map<String, Boolean> recent = new LinkedHashMap<String, Boolean>() {
    private static final long serialVersionUID = 1L;

    @Override
    protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
      return size() > RECENT_IDS;
    }
  };
  /** Set by close(): registrations from now on are born cancelled. */
  private volatile boolean refusing;

  // ---- loop-confined ----
  private @Nullable Loop loop;
  private boolean closed;
  /** Live registrations, in registration order. */
  private final List<SetupEntry> entries = new ArrayList<>();
  /** The open connection's setup, or null while none is open. */
  private @Nullable SetupPhase phase;

  Setups(Outbound outbound, MessageCodec codec, Executor dispatch, LoopTasks tasks, ListenerBus bus) {
    this.outbound = outbound;
    this.encoder = new SetupEncoder(codec, dispatch, tasks);
    this.tasks = tasks;
    this.bus = bus;
  }

  void onLoop(Loop l) {
    this.loop = l;
  }

  /** True if no reply is awaited: frames need not be matched on the reader thread for us. */
  boolean noneAwaited() {
    return awaiting.isEmpty();
  }

  // ---------------------------------------------------------------- application threads

  /**
   * Registers {@code m}. A fixed envelope is encoded here once, so one the codec cannot encode
   * fails now ({@link dev.steadysocket.EncodeException}), not on every connection.
   */
  SetupRegistration register(SetupMessage m) {
    if (m.rejection() == SetupMessage.OnRejection.CLOSE_CONNECTION && m.replyTimeout() == null) {
      throw new IllegalArgumentException("onRejection(CLOSE_CONNECTION) needs awaitReply: " + m);
    }
    encoder.check(m.envelope());
    encoder.check(m.cancelMessage());
    SetupEntry e = new SetupEntry(m, false, this);
    if (refusing) {
      e.cancelSilently();
      return e;
    }
    outbound.setupArriving(); // from now on nothing newer is written before the loop takes e in
    tasks.post(() -> added(e));
    return e;
  }

  /** close() was called: later registrations are born cancelled; earlier ones still go out before the close frame. */
  void refuse() {
    refusing = true;
  }

  @Override
  public void holdForClosingMessage() {
    outbound.setupArriving();
  }

  @Override
  public void cancelled(SetupEntry e, boolean held) {
    tasks.post(() -> cancelledOnLoop(e, held ? 1 : 0));
  }

  // ---------------------------------------------------------------- loop thread

  private void added(SetupEntry e) {
    if (closed) e.cancelSilently(); // registered just before CLOSED
    if (e.isCancelled()) { // cancelled before the loop took it in: cancelledOnLoop follows
      arrived(1);
      return;
    }
    entries.add(e);
    SetupPhase p = phase;
    if (p == null) {
      arrived(1);
      return;
    }
    p.toWrite.add(e);
    prepare(p, Collections.singletonList(e));
    advance(p, 1);
  }

  private void cancelledOnLoop(SetupEntry e, int arrived) {
    entries.remove(e);
    SetupPhase p = phase;
    if (p == null) {
      arrived(arrived);
      return;
    }
    p.toWrite.remove(e);
    p.ready.remove(e);
    for (SetupPhase.Awaited a : new ArrayList<>(p.awaited)) {
      if (a.entry != e) continue;
      LoopTasks.cancel(a.timer);
      forget(a); // its reply, if it comes, is swallowed
      p.remove(a);
    }
    Envelope closingMessage = e.message.cancelMessage();
    if (closingMessage != null && e.writtenOn == p.c.id) {
      SetupEntry closing = new SetupEntry(SetupMessage.of(closingMessage), true, this);
      p.toWrite.add(closing);
      prepare(p, Collections.singletonList(closing));
    }
    advance(p, arrived);
  }

  /**
   * On OPEN, before the lane opens: starts {@code c}'s setup.
   *
   * @return true if the outbound path must hold newer messages until it is released
   */
  boolean opened(Connection c, Transport t) {
    SetupPhase p = new SetupPhase(c, t);
    for (SetupEntry e : entries) if (!e.isCancelled()) p.toWrite.add(e);
    phase = p;
    if (p.toWrite.isEmpty()) return false;
    prepare(p, new ArrayList<>(p.toWrite));
    return true;
  }

  /** {@code c} is gone: what was awaited on it is not, and every registration is pending again. */
  void lost(Connection c) {
    c.token = null;
    SetupPhase p = phase;
    if (p == null || p.c != c) return;
    phase = null;
    for (SetupPhase.Awaited a : p.awaited) {
      LoopTasks.cancel(a.timer);
      forget(a);
    }
    for (SetupEntry e : entries) e.reset();
  }

  /** At CLOSED (the connection already retired, so no phase is left): every registration is cancelled, later ones are born cancelled. */
  void closed() {
    closed = true;
    refusing = true;
    for (SetupEntry e : entries) e.cancelSilently();
    entries.clear();
  }

  /** Whether the open connection's setup holds newer messages back (not written yet, or a reply awaited first). */
  boolean holdsSends() {
    SetupPhase p = phase;
    return p != null && !p.released();
  }

  /** Whether {@code c}'s setup is complete (or it has none): its uptime may end an outage. */
  boolean settled(Connection c) {
    SetupPhase p = phase;
    return p == null || p.c != c || p.settled();
  }

  /**
   * Runs {@code then} once nothing waits to be encoded before the next setup message is written on
   * {@code c} (at once if nothing does): a close frame must not overtake setup messages and the
   * messages they hold, only because they were still being encoded.
   */
  void afterPrepared(Connection c, Runnable then) {
    SetupPhase p = phase;
    if (p == null || p.c != c || !p.preparing()) {
      then.run();
    } else {
      p.whenPrepared = then;
    }
  }

  /**
   * Writes, in order, the setup messages of {@code p} that are ready and not held by an awaited
   * reply, then tells the outbound path whether newer messages must still wait. {@code arrived}
   * registrations made on application threads are taken in by this step.
   */
  private void advance(SetupPhase p, int arrived) {
    List<String> frames = new ArrayList<>();
    while (p.barrier == null && !p.toWrite.isEmpty()) {
      SetupEntry e = p.toWrite.peekFirst();
      if (e.isCancelled()) {
        p.toWrite.pollFirst();
        continue;
      }
      SetupPhase.Prepared r = p.ready.remove(e);
      if (r == null) break; // still being encoded on the dispatch pool
      p.toWrite.pollFirst();
      frames.add(r.text);
      e.writtenOn = p.c.id;
      Duration timeout = e.message.replyTimeout();
      if (timeout == null || e.closing) {
        e.sent(p.c.id, SetupStatus.SENT);
        continue;
      }
      SetupPhase.Awaited a = new SetupPhase.Awaited(e, p, r.id);
      awaiting.put(r.id, a); // before it is written: the reply cannot come first
      p.awaited.add(a);
      e.sent(p.c.id, SetupStatus.AWAITING_REPLY);
      a.holdsAtStart = p.c.holds;
      a.timer = tasks.schedule(() -> timedOut(a, timeout), timeout);
      if (e.message.holdsSends()) p.barrier = a;
    }
    outbound.setup(p.t, frames, !p.released(), arrived);
    if (!p.preparing()) runWhenPrepared(p);
    Loop l = loop;
    if (p == phase && p.settled() && l != null) l.settled(p.c);
  }

  /** Encodes {@code batch} for {@code p}'s connection on the dispatch pool; the result comes back to the loop. */
  private void prepare(SetupPhase p, List<SetupEntry> batch) {
    encoder.prepare(p.c.token, batch, out -> prepared(p, batch, out), error -> fail(p, error, "setup failed"));
  }

  private void prepared(SetupPhase p, List<SetupEntry> batch, List<SetupPhase.Prepared> out) {
    if (p != phase) return; // the connection is gone; the next one prepares afresh
    for (int i = 0; i < batch.size(); i++) {
      SetupEntry e = batch.get(i);
      if (e.isCancelled()) continue;
      SetupPhase.Prepared r = out.get(i);
      SteadySocketException error = r.error;
      if (error != null) {
        fail(p, error, "setup failed");
        return;
      }
      p.ready.put(e, r);
    }
    advance(p, 0);
  }

  /**
   * The thread that decodes frames: takes the reply {@code replyTo} names, if a setup message of
   * {@code c} awaits it.
   *
   * @return null if it is not a reply to a setup message; else what to deliver, in order with the
   *     messages ({@link #CONSUMED} for nothing: a repeat, a late reply, a cancelled registration's)
   */
  @Nullable Runnable reply(Connection c, String replyTo, Envelope answer) {
    SetupPhase.Awaited a = awaiting.get(replyTo);
    if (a == null) return isRecent(replyTo) ? CONSUMED : null;
    if (a.phase.c != c) return null;
    if (!awaiting.remove(replyTo, a)) return CONSUMED; // timed out, cancelled or lost meanwhile
    remember(replyTo);
    boolean rejected = REJECTED.equals(answer.type());
    boolean settled = a.entry.settle(c.id, rejected ? SetupStatus.REJECTED : SetupStatus.CONFIRMED, answer);
    boolean closes = settled && rejected && a.entry.message.rejection() == SetupMessage.OnRejection.CLOSE_CONNECTION;
    Runnable delivery = CONSUMED;
    if (settled && !closes) {
      delivery = rejected
          ? bus.setupRejected(Api.get().setupRejected(a.entry, answer))
          : bus.setupConfirmed(a.entry, answer);
    }
    tasks.post(() -> replied(a, closes ? answer : null));
    return delivery;
  }

  private void replied(SetupPhase.Awaited a, @Nullable Envelope closingRejection) {
    LoopTasks.cancel(a.timer);
    SetupPhase p = a.phase;
    if (p != phase) return;
    p.remove(a);
    if (closingRejection != null) fail(p, Api.get().setupRejected(a.entry, closingRejection), "setup message rejected");
    else advance(p, 0);
  }

  private void timedOut(SetupPhase.Awaited a, Duration timeout) {
    SetupPhase q = a.phase;
    // The reply may be waiting behind a reader held by inbound back-pressure (a slow listener):
    // no verdict then, as for the heartbeat; the wait starts over.
    if (q == phase && (q.c.readerHeld || q.c.holds != a.holdsAtStart)) {
      a.holdsAtStart = q.c.holds;
      a.timer = tasks.schedule(() -> timedOut(a, timeout), timeout);
      return;
    }
    // cancel() returned first: its cancellation, queued on the loop, forgets the reply and goes on.
    if (a.entry.isCancelled()) return;
    // The connection fails: losing it forgets what it awaited.
    if (awaiting.remove(a.id, a) && q == phase) fail(q, Api.get().setupTimeout(a.entry, timeout), "setup reply timed out");
  }

  /** A close waiting for the setup goes out now; otherwise the connection fails. */
  private void fail(SetupPhase p, SteadySocketException error, String reason) {
    if (p != phase) return;
    if (runWhenPrepared(p)) return;
    Loop l = loop;
    if (l != null) l.failed(p.c, Api.get().disconnect(Disconnect.Kind.SETUP_FAILED, -1, -1, null, true, error), reason);
  }

  /** Registrations taken in while no connection is open (or cancelled before): only the hold is released. */
  private void arrived(int n) {
    outbound.setup(null, Collections.<String>emptyList(), false, n);
  }

  /** Runs the close waiting for the setup to be encoded, if any; true if there was one. */
  private boolean runWhenPrepared(SetupPhase p) {
    Runnable then = p.whenPrepared;
    if (then == null) return false;
    p.whenPrepared = null;
    then.run();
    return true;
  }

  private void forget(SetupPhase.Awaited a) {
    if (awaiting.remove(a.id, a)) remember(a.id);
  }

  private void remember(String id) {
    synchronized (recent) {
      recent.put(id, Boolean.TRUE);
    }
  }

  private boolean isRecent(String id) {
    synchronized (recent) {
      return recent.containsKey(id);
    }
  }

  /** Loop thread (tests): what is kept — registrations, awaited replies, the open connection's bookkeeping. */
  int retained() {
    SetupPhase p = phase;
    return entries.size() + awaiting.size() + (p == null ? 0 : p.size());
  }
}
