package dev.steadysocket.testing;

import static dev.steadysocket.testing.ObserverFixtures.frame;
import static dev.steadysocket.testing.ObserverFixtures.replyLater;
import static dev.steadysocket.testing.ObserverFixtures.sendBinary;

import dev.steadysocket.Backoff;
import dev.steadysocket.Envelope;
import dev.steadysocket.Heartbeat;
import dev.steadysocket.OutboxPolicy;
import dev.steadysocket.SetupMessage;
import dev.steadysocket.SocketObserver;
import dev.steadysocket.SteadySocket;
import dev.steadysocket.SteadySocketBuilder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * One scripted in-memory history that makes nearly every event happen (all but phaseEnded, which
 * needs OkHttp, and inboundPaused/Resumed, which need a held reader): a queued send, the
 * connection, a setup message, messages in and out (text, binary, undecodable, a replayed
 * duplicate), acknowledgements (delayed, lost and re-sent), requests (answered, late, timed out,
 * pending at close), heartbeat rounds, a liveness check, pause/resume with an outbox overflow,
 * replaceConnection, a half-open link found dead, and a close with a message still queued. What
 * the application saw is returned, with random ids masked, so runs with different observers can
 * be compared.
 */
final class ObserverScript {
  private static final Pattern UUID = Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");

  /** What the application saw: the listener's callbacks, the futures' outcomes, the metrics. */
  static final class Outcome {
    final List<String> callbacks;
    final List<String> futures;
    final String metrics;
    final long observerFailures;

    Outcome(List<String> callbacks, List<String> futures, String metrics, long observerFailures) {
      this.callbacks = callbacks;
      this.futures = futures;
      this.metrics = metrics;
      this.observerFailures = observerFailures;
    }
  }

  static String mask(String s) {
    return UUID.matcher(s).replaceAll("<id>");
  }

  static List<String> mask(List<String> lines) {
    return lines.stream().map(ObserverScript::mask).collect(Collectors.toList());
  }

  /** Builds the socket with {@code observers} (in order), runs the history on {@code server}'s clock, closes it. */
  static Outcome run(FakeServer server, List<SocketObserver.Factory> observers, Consumer<SteadySocket> whileOpen) {
    TestClock clock = server.clock();
    SocketEvents listener = new SocketEvents();
    SteadySocketBuilder b = server.newSocket().listener(listener).acknowledgedSends(true).deduplicate(64)
        .heartbeat(Heartbeat.every(Duration.ofSeconds(10)).withTimeout(Duration.ofSeconds(3)))
        .backoff(Backoff.exponential(Duration.ofSeconds(1), Duration.ofSeconds(30)).withoutJitter())
        .outbox(OutboxPolicy.bounded(3, 1 << 20, OutboxPolicy.Overflow.DROP_OLDEST));
    for (SocketObserver.Factory f : observers) b.observer(f);
    SteadySocket socket = b.build();
    server.replyTo("ask", request -> Map.of("answer", 42));
    replyLater(server, clock, "slow", Duration.ofMillis(700));
    List<CompletableFuture<?>> futures = new ArrayList<>();
    try {
      socket.setup(SetupMessage.of(Envelope.builder("subscribe").id("sub").content("prices").build()));
      futures.add(socket.send(order(0)));
      socket.connect();
      clock.advanceBy(Duration.ofSeconds(1));
      server.publish("feed", "tick", Map.of("price", 1));
      clock.runUntilIdle();
      server.connection().replay("feed", 1);
      server.connection().sendRaw("{not json");
      sendBinary(server.connection(), new byte[] {7, 7, 7});
      server.connection().sendRaw(frame(clock, "greet", "g-1", "héllo"));
      server.delayAcks(Duration.ofMillis(500));
      futures.add(socket.send(order(1)));
      futures.add(socket.send("raw text"));
      futures.add(socket.request(Envelope.builder("ask").id("r-1").build(), Duration.ofSeconds(5)));
      futures.add(socket.request(Envelope.builder("slow").id("r-2").build(), Duration.ofSeconds(5)));
      futures.add(socket.request(Envelope.builder("silent").id("r-3").build(), Duration.ofSeconds(2)));
      clock.advanceBy(Duration.ofSeconds(10)); // a heartbeat round at 10 s
      whileOpen.accept(socket);
      socket.checkLiveness(Duration.ofSeconds(1));
      server.delayAcks(Duration.ZERO);
      server.loseNextAcks(1);
      futures.add(socket.send(order(2)));
      clock.advanceBy(Duration.ofSeconds(1));
      server.connection().drop();
      clock.advanceBy(Duration.ofSeconds(2)); // reconnected; order 2 re-sent
      socket.pause("p");
      clock.runUntilIdle();
      for (int i = 3; i < 7; i++) futures.add(socket.send(order(i))); // 4 into an outbox of 3: the oldest dropped
      socket.resume("p");
      clock.advanceBy(Duration.ofSeconds(6));
      socket.replaceConnection();
      clock.advanceBy(Duration.ofSeconds(6));
      server.connection().goHalfOpen();
      clock.advanceBy(Duration.ofSeconds(25)); // found dead by a round; reconnected
      futures.add(socket.request(Envelope.builder("silent").id("r-4").build(), Duration.ofSeconds(60)));
      server.refuseConnections();
      clock.advanceBy(Duration.ofSeconds(2));
      futures.add(socket.send(order(7))); // waits, then fails at close
    } finally {
      socket.close();
      clock.runUntilIdle();
    }
    List<String> outcomes = new ArrayList<>();
    for (CompletableFuture<?> f : futures) outcomes.add(describe(f));
    String metrics = mask(socket.metrics().toString()).replaceAll(", observerFailures=\\d+", "");
    return new Outcome(mask(listener.log()), outcomes, metrics, socket.metrics().observerFailures());
  }

  private static Envelope order(int i) {
    return Envelope.builder("order").id("o-" + i).content(Map.of("n", i)).build();
  }

  private static String describe(CompletableFuture<?> f) {
    if (!f.isDone()) return "not done";
    try {
      f.join();
      return "ok";
    } catch (CompletionException e) {
      return e.getCause().getClass().getSimpleName();
    }
  }

  private ObserverScript() {}
}
