package dev.steadysocket.internal;

import dev.steadysocket.Disconnect;
import dev.steadysocket.EncodeException;
import dev.steadysocket.Envelope;
import dev.steadysocket.MessageCodec;
import dev.steadysocket.SetupMessage;
import dev.steadysocket.SetupRegistration;
import dev.steadysocket.SetupStatus;
import dev.steadysocket.SteadySocketException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import org.jspecify.annotations.Nullable;

/**
 * Setup messages: what is written first on every connection, after the resume frame and before
 * everything the application queued ({@link SetupMessage}).
 *
 * <p><b>Threading:</b> {@link #register} and {@link Entry#cancel} run on application threads,
 * {@link #reply} on the thread that decodes frames; they only hold the outbox ({@link
 * Outbound#setupArriving}) and post to the loop, or take a reply out of the concurrent {@link
 * #awaiting} table. Everything below "loop-confined" belongs to the loop. The application's
 * function and codec run on the dispatch pool ({@link #prepare}), never on the loop or under a lock.
 *
 * <p><b>Invariant (setup before the outbox):</b> while the open connection's setup is not finished
 * — a registration not yet written, or a reply that {@link SetupMessage#holdsSends holds sends} —
 * the outbound path is held, so nothing queued or newer is written before it; a registration made
 * on an application thread holds it from that moment until the loop has taken it in. {@link
 * #advance} is the one place that writes setup messages and decides the hold.
 */
final class Setups {
  /** Closes an open connection whose setup failed. Loop thread. */
  interface Failure {
    void failed(Connection c, Disconnect d, String reason);
  }

  /** One registration; its status is guarded by itself (set by the loop, a reply, or cancel). */
  final class Entry implements SetupRegistration {
    final SetupMessage message;
    /** True for the closing message of a cancelled registration: written once, never registered. */
    final boolean closing;

    private SetupStatus status = SetupStatus.PENDING;
    private @Nullable Envelope reply;
    /** The connection {@link #status} is about, or -1. */
    private long connection = -1;

    Entry(SetupMessage message, boolean closing) {
      this.message = message;
      this.closing = closing;
    }

    @Override
    public SetupMessage message() {
      return message;
    }

    @Override
    public synchronized SetupStatus status() {
      return status;
    }

    @Override
    public synchronized @Nullable Envelope reply() {
      return reply;
    }

    @Override
    public void cancel() {
      synchronized (this) {
        if (status == SetupStatus.CANCELLED) return;
        status = SetupStatus.CANCELLED;
        reply = null;
      }
      // A closing message must precede what the application sends after cancel(): hold until the
      // loop decided whether there is one to write.
      boolean closes = message.cancelMessage() != null;
      if (closes) outbound.setupArriving();
      tasks.post(() -> cancelled(this, closes ? 1 : 0));
    }

    synchronized boolean isCancelled() {
      return status == SetupStatus.CANCELLED;
    }

    /** Loop: handed to connection {@code id}'s lane. */
    synchronized void sent(long id, SetupStatus next) {
      if (status == SetupStatus.CANCELLED) return;
      connection = id;
      status = next;
      reply = null;
    }

    /** A reply on connection {@code id}: false if it no longer matters (cancelled, another connection). */
    synchronized boolean settle(long id, SetupStatus next, Envelope answer) {
      if (status != SetupStatus.AWAITING_REPLY || connection != id) return false;
      status = next;
      reply = answer;
      return true;
    }

    /** Loop: its connection ended. */
    synchronized void reset() {
      if (status == SetupStatus.CANCELLED) return;
      status = SetupStatus.PENDING;
      connection = -1;
      reply = null;
    }

    @Override
    public String toString() {
      return "SetupRegistration{" + message + ", " + status() + "}";
    }
  }

  /** A reply awaited on one connection. */
  private static final class Awaited {
    final Entry entry;
    final Phase phase;
    final String id;
    /** Loop thread only. */
    Scheduler.@Nullable Cancellable timer;

    Awaited(Entry entry, Phase phase, String id) {
      this.entry = entry;
      this.phase = phase;
      this.id = id;
    }
  }

  /** A setup message encoded for one connection, or why it could not be. */
  private static final class Prepared {
    final String id;
    final @Nullable String text;
    final @Nullable SteadySocketException error;

    Prepared(String id, @Nullable String text, @Nullable SteadySocketException error) {
      this.id = id;
      this.text = text;
      this.error = error;
    }
  }

  /** One open connection's setup. Loop-confined. */
  private static final class Phase {
    final Connection c;
    final Transport t;
    /** What is still to be written on this connection, in order. */
    final ArrayDeque<Entry> toWrite = new ArrayDeque<>();
    /** Encoded for this connection and not yet written. */
    final Map<Entry, Prepared> ready = new IdentityHashMap<>();
    final Set<Entry> written = Collections.newSetFromMap(new IdentityHashMap<>());
    final List<Awaited> awaited = new ArrayList<>();
    /** The reply that holds everything after it, or null. */
    @Nullable Awaited barrier;

    Phase(Connection c, Transport t) {
      this.c = c;
      this.t = t;
    }

    boolean finished() {
      return barrier == null && toWrite.isEmpty();
    }
  }

  private final Outbound outbound;
  private final MessageCodec codec;
  private final Executor dispatch;
  private final LoopTasks tasks;
  private final ListenerBus bus;
  /** Replies awaited on the open connection, by the id of this connection's copy. */
  private final ConcurrentHashMap<String, Awaited> awaiting = new ConcurrentHashMap<>();
  private volatile boolean closed;

  // ---- loop-confined ----
  private @Nullable Failure failure;
  /** Live registrations, in registration order. */
  private final List<Entry> entries = new ArrayList<>();
  /** The open connection's setup, or null while none is open. */
  private @Nullable Phase phase;

  Setups(Outbound outbound, MessageCodec codec, Executor dispatch, LoopTasks tasks, ListenerBus bus) {
    this.outbound = outbound;
    this.codec = codec;
    this.dispatch = dispatch;
    this.tasks = tasks;
    this.bus = bus;
  }

  void onFailure(Failure f) {
    this.failure = f;
  }

  /** True if no reply is awaited: frames need not be matched on the reader thread for us. */
  boolean noneAwaited() {
    return awaiting.isEmpty();
  }

  /**
   * Any thread: registers {@code m}. A fixed envelope is encoded here once, so one the codec cannot
   * encode fails now ({@link EncodeException}), not on every connection.
   */
  SetupRegistration register(SetupMessage m) {
    check(m.envelope());
    check(m.cancelMessage());
    Entry e = new Entry(m, false);
    if (closed) {
      e.cancel();
      return e;
    }
    outbound.setupArriving(); // from now on nothing newer is written before the loop takes e in
    tasks.post(() -> added(e));
    return e;
  }

  private void check(@Nullable Envelope envelope) {
    if (envelope == null) return;
    try {
      codec.encode(envelope.toBuilder().id(Ids.next()).build());
    } catch (RuntimeException | StackOverflowError x) {
      throw x instanceof EncodeException
          ? (EncodeException) x
          : new EncodeException("codec failed on a setup message: " + Quiet.describe(x), x);
    }
  }

  // ---------------------------------------------------------------- loop thread

  private void added(Entry e) {
    Phase p = phase;
    if (closed || e.isCancelled()) {
      outbound.setup(null, Collections.<String>emptyList(), false, 1);
      return;
    }
    entries.add(e);
    if (p == null) {
      outbound.setup(null, Collections.<String>emptyList(), false, 1);
      return;
    }
    p.toWrite.add(e);
    prepare(p, Collections.singletonList(e));
    advance(p, 1);
  }

  private void cancelled(Entry e, int arrived) {
    entries.remove(e);
    Phase p = phase;
    if (p == null) {
      outbound.setup(null, Collections.<String>emptyList(), false, arrived);
      return;
    }
    p.toWrite.remove(e);
    p.ready.remove(e);
    for (Awaited a : p.awaited) {
      if (a.entry != e) continue;
      LoopTasks.cancel(a.timer); // its reply, if it comes, is swallowed (reply() finds it cancelled)
      if (p.barrier == a) p.barrier = null;
    }
    Envelope closingMessage = e.message.cancelMessage();
    if (closingMessage != null && p.written.contains(e)) {
      Entry closing = new Entry(SetupMessage.of(closingMessage), true);
      p.toWrite.add(closing);
      prepare(p, Collections.singletonList(closing));
    }
    advance(p, arrived);
  }

  /**
   * Loop thread, on OPEN, before the lane opens: starts {@code c}'s setup.
   *
   * @return true if the outbound path must hold newer messages until it is finished
   */
  boolean opened(Connection c, Transport t) {
    Phase p = new Phase(c, t);
    for (Entry e : entries) if (!e.isCancelled()) p.toWrite.add(e);
    phase = p;
    if (p.toWrite.isEmpty()) return false;
    prepare(p, new ArrayList<>(p.toWrite));
    return true;
  }

  /** Loop thread: {@code c} is gone; what was awaited on it is not, and every registration is pending again. */
  void lost(Connection c) {
    c.token = null;
    Phase p = phase;
    if (p == null || p.c != c) return;
    phase = null;
    for (Awaited a : p.awaited) {
      awaiting.remove(a.id, a);
      LoopTasks.cancel(a.timer);
    }
    for (Entry e : entries) e.reset();
  }

  /** Loop thread, at CLOSED: every registration is cancelled; later ones are born cancelled. */
  void closed() {
    closed = true;
    Phase p = phase;
    if (p != null) lost(p.c);
    for (Entry e : new ArrayList<>(entries)) {
      synchronized (e) {
        e.status = SetupStatus.CANCELLED;
        e.reply = null;
      }
    }
    entries.clear();
  }

  /**
   * Loop thread: writes, in order, the setup messages of {@code p} that are ready and not held by
   * an awaited reply, then tells the outbound path whether newer messages must still wait.
   * {@code arrived} registrations made on application threads are taken in by this step.
   */
  private void advance(Phase p, int arrived) {
    List<String> frames = new ArrayList<>();
    while (p.barrier == null && !p.toWrite.isEmpty()) {
      Entry e = p.toWrite.peekFirst();
      if (e.isCancelled()) {
        p.toWrite.pollFirst();
        continue;
      }
      Prepared r = p.ready.remove(e);
      if (r == null) break; // still being prepared on the dispatch pool
      p.toWrite.pollFirst();
      frames.add(r.text);
      p.written.add(e);
      Duration timeout = e.message.replyTimeout();
      if (timeout == null || e.closing) {
        e.sent(p.c.id, SetupStatus.SENT);
        continue;
      }
      Awaited a = new Awaited(e, p, r.id);
      awaiting.put(r.id, a); // before it is written: the reply cannot come first
      p.awaited.add(a);
      e.sent(p.c.id, SetupStatus.AWAITING_REPLY);
      a.timer = tasks.schedule(() -> timedOut(a, timeout), timeout);
      if (e.message.holdsSends()) p.barrier = a;
    }
    outbound.setup(p.t, frames, !p.finished(), arrived);
  }

  /** Loop thread: encodes {@code batch} for {@code p}'s connection on the dispatch pool. */
  private void prepare(Phase p, List<Entry> batch) {
    String token = p.c.token;
    Runnable job = () -> {
      List<Prepared> out = new ArrayList<>(batch.size());
      for (Entry e : batch) out.add(encode(e.message, token));
      tasks.post(() -> prepared(p, batch, out));
    };
    try {
      dispatch.execute(job);
    } catch (Throwable refused) {
      fail(p, Api.get().listener("could not prepare the setup messages: the dispatch pool refused", refused),
          "setup failed");
    }
  }

  /** Dispatch pool: the application's function and codec run here. */
  private Prepared encode(SetupMessage m, @Nullable String token) {
    String id = Ids.next();
    Envelope envelope;
    try {
      envelope = Api.get().setupEnvelope(m, token, id);
    } catch (Throwable t) {
      return new Prepared(id, null, Api.get().listener("the function of " + m + " threw", t));
    }
    try {
      return new Prepared(id, codec.encode(envelope), null);
    } catch (Throwable t) {
      return new Prepared(id, null, t instanceof EncodeException
          ? (EncodeException) t
          : new EncodeException("codec failed on " + m + ": " + Quiet.describe(t), t));
    }
  }

  private void prepared(Phase p, List<Entry> batch, List<Prepared> out) {
    if (p != phase) return; // the connection is gone; the next one prepares afresh
    for (int i = 0; i < batch.size(); i++) {
      Prepared r = out.get(i);
      SteadySocketException error = r.error;
      if (error != null) {
        fail(p, error, "setup failed");
        return;
      }
      p.ready.put(batch.get(i), r);
    }
    advance(p, 0);
  }

  /**
   * The thread that decodes frames: takes the reply {@code replyTo} names, if a setup message of
   * {@code c} awaits it, and reports it in order with the messages; true if it was one (consumed).
   */
  boolean reply(Connection c, String replyTo, Envelope answer) {
    Awaited a = awaiting.get(replyTo);
    if (a == null || a.phase.c != c) return false;
    if (!awaiting.remove(replyTo, a)) return true; // timed out or lost meanwhile
    if (a.entry.isCancelled()) return true;
    boolean rejected = "error".equals(answer.type());
    boolean closes = rejected && a.entry.message.rejection() == SetupMessage.OnRejection.CLOSE_CONNECTION;
    if (!closes && a.entry.settle(c.id, rejected ? SetupStatus.REJECTED : SetupStatus.CONFIRMED, answer)) {
      c.deliver(rejected
          ? bus.setupRejected(Api.get().setupRejected(a.entry, answer))
          : bus.setupConfirmed(a.entry, answer), 0);
    }
    tasks.post(() -> replied(a, closes ? answer : null));
    return true;
  }

  private void replied(Awaited a, @Nullable Envelope closingRejection) {
    LoopTasks.cancel(a.timer);
    Phase p = a.phase;
    if (p != phase) return;
    if (closingRejection != null) {
      fail(p, Api.get().setupRejected(a.entry, closingRejection), "setup message rejected");
    } else if (p.barrier == a) {
      p.barrier = null;
      advance(p, 0);
    }
  }

  private void timedOut(Awaited a, Duration timeout) {
    if (!awaiting.remove(a.id, a) || a.phase != phase || a.entry.isCancelled()) return;
    fail(a.phase, Api.get().setupTimeout(a.entry, timeout), "setup reply timed out");
  }

  private void fail(Phase p, SteadySocketException error, String reason) {
    Failure f = failure;
    if (f != null && p == phase) {
      f.failed(p.c, Api.get().disconnect(Disconnect.Kind.SETUP_FAILED, -1, -1, null, true, error), reason);
    }
  }

  @Override
  public String toString() {
    return "Setups{" + entries.size() + " registered}";
  }
}
