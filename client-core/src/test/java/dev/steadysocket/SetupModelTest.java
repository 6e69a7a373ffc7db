package dev.steadysocket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.steadysocket.testkit.FakeScheduler;
import dev.steadysocket.testkit.FakeTransports;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import net.jqwik.api.AfterFailureMode;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/**
 * The setup-before-outbox invariant (#18) over random histories: registrations of every kind
 * (fixed or from the token; no reply, a reply, a reply that holds sends; keep or close on
 * rejection; with or without a closing message), cancellations, sends, opens, drops, replies that
 * confirm or reject, time passing, and the dispatch pool (where setup messages are built) running
 * its tasks in random order. After every step, on every connection's wire:
 *
 * <ol>
 *   <li>the resume frame, when resuming, comes first;
 *   <li>setup messages appear in registration order, each at most once;
 *   <li>no application message is written before the setup message of any registration made
 *       before it was sent and not cancelled before it was written (never a queued message first);
 *   <li>nothing is written after a setup message that holds sends until its reply (or its
 *       cancellation);
 *   <li>liveness: once idle on an open connection with no reply holding sends, every live
 *       registration was written on it and the outbox is empty;
 *   <li>statuses agree with the wire: cancelled ones CANCELLED, none but PENDING while nothing is open.
 * </ol>
 *
 * A failing history prints its seed and steps; replay it by pasting them into {@link #replay}.
 */
class SetupModelTest {
  @Property(tries = 1000, afterFailure = AfterFailureMode.SAMPLE_FIRST)
  void setupMessagesPrecedeTheOutboxOnEveryConnection(
      @ForAll long seed,
      @ForAll @Size(min = 1, max = 80) List<@IntRange(min = 0, max = 99) Integer> steps) {
    new History(seed).run(steps);
  }

  /** A fixed history: a barrier, a drop while it is awaited, a cancel during the outage. */
  @net.jqwik.api.Example
  void replay() {
    new History(7).run(List.of(0, 10, 40, 50, 60, 30, 70, 40, 50, 20, 80, 40, 50, 90));
  }

  @net.jqwik.api.Example
  void registerThenSendWhileOpen() {
    new History(3).run(List.of(84, 40, 84, 0, 22, 84));
  }

  /** One generated history and the model it is checked against. */
  static final class History {
    final Random random;
    final FakeScheduler clock = new FakeScheduler();
    final FakeTransports transports = new FakeTransports();
    final List<Runnable> pool = new ArrayList<>();
    final boolean ackMode, resume, heartbeats;
    final SteadySocket socket;
    final List<Reg> regs = new ArrayList<>();
    final List<CompletableFuture<Void>> futures = new ArrayList<>();
    /** Per send number, the step it was sent at. */
    final List<Integer> sentAt = new ArrayList<>();
    /** Per connection (index in transports.created), the step each frame was written at. */
    final Map<Integer, List<Integer>> writtenAt = new HashMap<>();
    /** Setup frame ids answered, with the step. */
    final Map<String, Integer> answered = new HashMap<>();
    final StringBuilder log = new StringBuilder();
    final java.util.Set<Integer> opened = new java.util.HashSet<>();
    boolean paused;
    int step;

    static final class Reg {
      final int n;
      final SetupMessage message;
      final SetupRegistration handle;
      final int registeredAt;
      int cancelledAt = Integer.MAX_VALUE;

      Reg(int n, SetupMessage message, SetupRegistration handle, int registeredAt) {
        this.n = n;
        this.message = message;
        this.handle = handle;
        this.registeredAt = registeredAt;
      }
    }

    History(long seed) {
      random = new Random(seed);
      ackMode = random.nextBoolean();
      resume = random.nextBoolean();
      heartbeats = random.nextBoolean();
      log.append("seed=").append(seed).append(" ack=").append(ackMode).append(" resume=").append(resume)
          .append(" heartbeats=").append(heartbeats);
      Executor manual = pool::add;
      socket = SteadySocket.builder("wss://example.com/feed")
          .scheduler(clock)
          .transportFactory(transports)
          .callbackExecutor(Runnable::run)
          .sharedDispatch(manual)
          .tokenProvider(refresh -> "token-" + random.nextInt(1000))
          .backoff(Backoff.defaults().withRandom(new Random(seed)))
          .heartbeat(heartbeats ? Heartbeat.every(Duration.ofSeconds(3)).withTimeout(Duration.ofSeconds(3)) : Heartbeat.disabled())
          .acknowledgedSends(ackMode)
          .resumeStreams(resume)
          .build();
    }

    void run(List<Integer> steps) {
      try {
        socket.connect();
        for (int s : steps) {
          step++;
          act(s);
          record();
          check(false);
        }
        settle();
        record();
        check(true);
        socket.close();
        settle();
        Fake last = last();
        if (last != null && !last.ended()) last.transport.serverClose(1000, "");
        settle();
        clock.advanceBy(Duration.ofSeconds(10));
        settle();
        assertEquals(ConnectionState.CLOSED, socket.state());
        for (CompletableFuture<Void> f : futures) assertTrue(f.isDone(), "every send future completes");
        for (Reg r : regs) assertEquals(SetupStatus.CANCELLED, r.handle.status());
      } catch (AssertionError | RuntimeException e) {
        fail("history " + log + " steps=" + steps + " failed at step " + step + ": " + e, e);
      }
    }

    private record Fake(FakeTransports.Fake transport, int index) {
      boolean ended() {
        return transport.cancelled || transport.closeCode != -1;
      }
    }

    private Fake last() {
      int n = transports.count();
      return n == 0 ? null : new Fake(transports.created.get(n - 1), n - 1);
    }

    private void act(int s) {
      Fake f = last();
      if (s < 15) { // register
        int n = regs.size();
        Envelope e = Envelope.of("setup", Map.of("k", n));
        SetupMessage m = random.nextInt(4) == 0
            ? SetupMessage.fromToken(token -> Envelope.of("setup", Map.of("k", n, "token", String.valueOf(token))))
            : SetupMessage.of(e);
        switch (random.nextInt(4)) {
          case 1: m = m.awaitReply(Duration.ofSeconds(5)); break;
          case 2: m = m.awaitReplyBeforeSends(Duration.ofSeconds(5)); break;
          default: break;
        }
        if (m.replyTimeout() != null && random.nextInt(3) == 0) m = m.onRejection(SetupMessage.OnRejection.CLOSE_CONNECTION);
        if (random.nextBoolean()) m = m.cancelWith(Envelope.of("unsetup", Map.of("k", n)));
        regs.add(new Reg(n, m, socket.setup(m), step));
        log.append(" | ").append(step).append(":register#").append(n).append(m);
      } else if (s < 22) { // cancel
        List<Reg> live = new ArrayList<>();
        for (Reg r : regs) if (r.cancelledAt == Integer.MAX_VALUE) live.add(r);
        if (live.isEmpty()) return;
        Reg r = live.get(random.nextInt(live.size()));
        r.cancelledAt = step;
        r.handle.cancel();
        log.append(" | ").append(step).append(":cancel#").append(r.n);
      } else if (s < 40) { // send
        sentAt.add(step);
        futures.add(socket.send(Envelope.of("publish", Map.of("n", sentAt.size() - 1))));
      } else if (s < 50) { // open the attempt
        // OkHttp reports OPEN once per connection.
        if (f != null && !f.ended() && opened.add(f.index)) f.transport.open();
        log.append(" | ").append(step).append(":open");
      } else if (s < 58) { // reply to an awaited setup message on the open connection
        if (f == null || socket.state() != ConnectionState.OPEN) return;
        List<String> ids = new ArrayList<>();
        for (String frame : f.transport.sent) {
          Envelope e = MessageCodec.jackson().decode(frame);
          if (e.type().equals("setup") && !answered.containsKey(e.id())) ids.add(e.id());
        }
        if (ids.isEmpty()) return;
        String id = ids.get(random.nextInt(ids.size()));
        answered.put(id, step);
        String type = random.nextInt(4) == 0 ? "error" : random.nextBoolean() ? "ok" : "ack"; // "ack" confirms too
        f.transport.receive("{\"type\":\"" + type + "\",\"meta\":{\"replyTo\":\"" + id + "\"}}");
        log.append(" | ").append(step).append(":").append(type);
      } else if (s < 61) { // drop
        if (f != null && !f.ended()) f.transport.fail(new IOException("reset"));
        log.append(" | ").append(step).append(":drop");
      } else if (s < 62) {
        socket.replaceConnection();
        log.append(" | ").append(step).append(":replace");
      } else if (s < 64) {
        if (paused) socket.resume("model");
        else socket.pause("model");
        paused = !paused;
        log.append(" | ").append(step).append(paused ? ":pause" : ":resume");
      } else if (s < 74) { // one dispatch task, in random order
        if (!pool.isEmpty()) pool.remove(random.nextInt(pool.size())).run();
      } else if (s < 84) {
        clock.runUntilIdle();
      } else if (s < 92) {
        settle();
      } else {
        clock.advanceBy(Duration.ofMillis(random.nextInt(8_000)));
        log.append(" | ").append(step).append(":advance");
      }
    }

    /** Runs the loop and the dispatch pool until neither has anything to do. */
    void settle() {
      for (int i = 0; i < 10_000; i++) {
        clock.runUntilIdle();
        if (pool.isEmpty()) return;
        pool.remove(0).run();
      }
      fail("never idle");
    }

    /** Stamps the frames written since the last step with this step. */
    private void record() {
      for (int c = 0; c < transports.count(); c++) {
        List<Integer> stamps = writtenAt.computeIfAbsent(c, k -> new ArrayList<>());
        int size = transports.created.get(c).sent.size();
        while (stamps.size() < size) stamps.add(step);
      }
    }

    private void check(boolean idle) {
      for (int c = 0; c < transports.count(); c++) checkConnection(c, idle && c == transports.count() - 1);
      boolean open = socket.state() == ConnectionState.OPEN;
      for (Reg r : regs) {
        SetupStatus st = r.handle.status();
        if (r.cancelledAt != Integer.MAX_VALUE) assertEquals(SetupStatus.CANCELLED, st, "#" + r.n);
        else if (!open) assertEquals(SetupStatus.PENDING, st, "#" + r.n + " while not open");
      }
    }

    private void checkConnection(int c, boolean idleAndLast) {
      FakeTransports.Fake t = transports.created.get(c);
      List<Integer> stamps = writtenAt.get(c);
      Map<Integer, Integer> setupPos = new HashMap<>(); // registration -> frame index
      Map<Integer, String> setupId = new HashMap<>();
      Map<Integer, Integer> closingPos = new HashMap<>(); // registration -> its closing message's index
      int lastSetup = -1;
      Integer heldBy = null; // a registration that holds sends, not yet answered at the frame's step
      for (int i = 0; i < t.sent.size(); i++) {
        Envelope e = MessageCodec.jackson().decode(t.sent.get(i));
        int at = stamps.get(i);
        if (i == 0 && resume) assertEquals("resume", e.type(), "resume frame first");
        if (e.type().equals("resume")) {
          assertEquals(0, i, "resume only first");
          continue;
        }
        if (e.type().equals("heartbeat")) { // the heartbeat envelope waits for the setup too
          for (Reg r : regs) {
            if (r.registeredAt < at && r.cancelledAt > at && !setupPos.containsKey(r.n)) {
              fail("connection " + c + ": heartbeat (written at " + at + ") before setup #" + r.n);
            }
          }
          continue;
        }
        if (heldBy != null && !released(heldBy, setupId.get(heldBy), at)) {
          fail("connection " + c + " frame " + i + " (" + e.type() + ") written while #" + heldBy + " held sends");
        }
        if (e.type().equals("setup")) {
          int k = e.content().path("k").asInt();
          assertTrue(k > lastSetup, "connection " + c + ": setup #" + k + " after #" + lastSetup + " (order, once)");
          lastSetup = k;
          setupPos.put(k, i);
          setupId.put(k, e.id());
          if (regs.get(k).message.holdsSends()) heldBy = k;
        } else if (e.type().equals("unsetup")) {
          int k = e.content().path("k").asInt();
          assertTrue(setupPos.containsKey(k), "connection " + c + ": closing message of #" + k + " without its setup");
          assertTrue(regs.get(k).cancelledAt <= at, "closing message of #" + k + " before its cancel");
          assertTrue(closingPos.put(k, i) == null, "one closing message of #" + k);
        } else if (e.type().equals("publish")) {
          int n = e.content().path("n").asInt();
          int sent = sentAt.get(n);
          for (Reg r : regs) {
            if (r.registeredAt < sent && r.cancelledAt > at && !setupPos.containsKey(r.n)) {
              fail("connection " + c + ": publish " + n + " (sent at step " + sent + ", written at " + at
                  + ") before setup #" + r.n + " (registered at " + r.registeredAt + ")");
            }
            // Cancelled after it stood on this connection and before the send: its closing message first.
            if (r.message.cancelMessage() != null && r.cancelledAt < sent && setupPos.containsKey(r.n)
                && stamps.get(setupPos.get(r.n)) < r.cancelledAt && !closingPos.containsKey(r.n)) {
              fail("connection " + c + ": publish " + n + " (sent at step " + sent + ") before the closing message of #"
                  + r.n + " (cancelled at " + r.cancelledAt + ")");
            }
          }
        }
      }
      if (!idleAndLast || socket.state() != ConnectionState.OPEN) return;
      if (heldBy != null && !released(heldBy, setupId.get(heldBy), step)) return; // legitimately held
      if (!pool.isEmpty()) return; // setup messages still being built
      for (Reg r : regs) {
        if (r.cancelledAt == Integer.MAX_VALUE) {
          assertTrue(setupPos.containsKey(r.n), "idle and open: live setup #" + r.n + " written on " + c);
        } else if (r.message.cancelMessage() != null && setupPos.containsKey(r.n)
            && stamps.get(setupPos.get(r.n)) < r.cancelledAt) {
          assertTrue(closingPos.containsKey(r.n), "idle and open: the closing message of #" + r.n + " written on " + c);
        }
      }
      assertEquals(0, socket.metrics().outboxDepth(), "idle and open: nothing left in the outbox");
    }

    /** Whether the hold of registration {@code k} (frame {@code id}) was lifted by step {@code at}. */
    private boolean released(int k, String id, int at) {
      Integer answeredAt = answered.get(id);
      return regs.get(k).cancelledAt <= at || (answeredAt != null && answeredAt <= at);
    }
  }
}
