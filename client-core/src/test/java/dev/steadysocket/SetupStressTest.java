package dev.steadysocket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import okhttp3.WebSocket;
import okhttp3.WebSocketListener;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Setup-before-outbox under real threads (#18): application threads register, cancel and send at
 * once while a real server (MockWebServer) confirms setup messages and cuts connections whenever it
 * has seen enough progress. For every thread, on every connection the server saw: the thread's
 * setup messages in its registration order, a closing message only after its setup message, and
 * none of its messages before a setup message it registered before sending it and never cancelled.
 * Every future completes.
 */
@Timeout(60)
class SetupStressTest {
  private static final int THREADS = 4;
  /** Each thread acts until the drops are done, at most this many times. */
  private static final int MAX_ACTIONS = 50_000;
  /** Live registrations per thread: past it, a thread cancels instead of registering. */
  private static final int MAX_LIVE = 8;
  /**
   * Every other registration is never cancelled: each must precede every message the thread sends
   * after registering it, on every connection. (One cancelled later may be missing legitimately:
   * cancelled after the send, but before the connection it was written on opened.)
   */
  private static final int PERMANENT_EVERY = 2;
  /** Actions a thread takes between connections. */
  private static final int BATCH = 60;
  private static final int DROPS = 15;

  /** What the server received, per connection, in order: "s T k", "u T k" (closing) or "p T n". */
  private final List<List<String>> connections = Collections.synchronizedList(new ArrayList<>());
  private final Set<WebSocket> live = ConcurrentHashMap.newKeySet();
  private final Object progress = new Object();
  private int frames; // guarded by progress

  @Test
  void everyThreadsSetupPrecedesItsLaterSendsOnEveryConnection() throws Exception {
    try (MockWebServer server = new MockWebServer()) {
      server.setDispatcher(new Dispatcher() {
        @Override
        public MockResponse dispatch(RecordedRequest request) {
          return new MockResponse.Builder().webSocketUpgrade(new Recorder()).build();
        }
      });
      server.start(InetAddress.getByName("127.0.0.1"), 0);
      SteadySocket socket = SteadySocket.builder("ws://127.0.0.1:" + server.getPort() + "/")
          .backoff(Backoff.exponential(Duration.ofMillis(5), Duration.ofMillis(20)))
          .minimumUptime(Duration.ZERO)
          .heartbeat(Heartbeat.disabled())
          .outbox(OutboxPolicy.bounded(100_000, 64L << 20, OutboxPolicy.Overflow.REJECT_NEW))
          .build();
      socket.connect();
      AtomicBoolean done = new AtomicBoolean();
      AtomicBoolean dropsDone = new AtomicBoolean();
      Thread dropper = new Thread(() -> {
        drop(done);
        dropsDone.set(true);
      }, "stress-dropper");
      dropper.start();
      List<List<String[]>> logs = new ArrayList<>();
      List<CompletableFuture<Void>> futures = Collections.synchronizedList(new ArrayList<>());
      CountDownLatch start = new CountDownLatch(1);
      List<Thread> threads = new ArrayList<>();
      List<Throwable> failures = Collections.synchronizedList(new ArrayList<>());
      for (int t = 0; t < THREADS; t++) {
        List<String[]> log = new ArrayList<>();
        logs.add(log);
        int id = t;
        Thread thread = new Thread(() -> {
          try {
            start.await();
            act(socket, id, log, futures, dropsDone);
          } catch (Throwable e) {
            failures.add(e);
          }
        }, "stress-app-" + t);
        threads.add(thread);
        thread.start();
      }
      start.countDown();
      for (Thread t : threads) t.join(40_000);
      assertTrue(failures.isEmpty(), "application threads failed: " + failures);
      for (CompletableFuture<Void> f : new ArrayList<>(futures)) f.get(20, TimeUnit.SECONDS);
      done.set(true);
      synchronized (progress) {
        progress.notifyAll();
      }
      dropper.join(10_000);
      socket.close();
      socket.closeFuture().get(10, TimeUnit.SECONDS);
      check(logs);
    }
  }

  /** One thread's history: the log holds {"s", k} registered, {"c", k} cancelled, {"p", n} sent, in program order. */
  private void act(SteadySocket socket, int thread, List<String[]> log, List<CompletableFuture<Void>> futures,
      AtomicBoolean stop) throws InterruptedException {
    int connectionsSeen = 0;
    Random random = new Random(thread);
    List<SetupRegistration> mine = new ArrayList<>();
    List<Integer> mineK = new ArrayList<>();
    int k = 0;
    int n = 0;
    for (int i = 0; i < MAX_ACTIONS && !stop.get(); i++) {
      if (i % BATCH == BATCH - 1) connectionsSeen = awaitAnotherConnection(connectionsSeen, stop);
      int roll = random.nextInt(10);
      if (roll < 2 && mine.size() < MAX_LIVE || roll < 2 && k % PERMANENT_EVERY == 0) {
        SetupMessage m = SetupMessage.of(Envelope.of("s", Map.of("t", thread, "k", k)))
            .cancelWith(Envelope.of("u", Map.of("t", thread, "k", k)));
        if (random.nextBoolean()) m = m.awaitReply(Duration.ofSeconds(10));
        SetupRegistration registration = socket.setup(m);
        if (k % PERMANENT_EVERY != 0) { // cancellable
          mine.add(registration);
          mineK.add(k);
        }
        log.add(new String[] {"s", String.valueOf(k++)});
      } else if (roll < 3 && !mine.isEmpty() || roll < 2) {
        int j = random.nextInt(mine.size());
        log.add(new String[] {"c", String.valueOf(mineK.get(j))});
        mine.remove(j).cancel();
        mineK.remove(j);
      } else {
        futures.add(socket.send(Envelope.of("p", Map.of("t", thread, "n", n))));
        log.add(new String[] {"p", String.valueOf(n++)});
      }
    }
  }

  /** Spreads the threads' actions over the drops: after each batch, until a new connection opened (bounded). */
  private int awaitAnotherConnection(int seen, AtomicBoolean stop) throws InterruptedException {
    synchronized (progress) {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
      while (connections.size() <= seen && !stop.get() && System.nanoTime() < deadline) progress.wait(100);
      return connections.size();
    }
  }

  /** Closes every connection (1012: the client reconnects) each time the server has received another 100 frames, DROPS times. */
  private void drop(AtomicBoolean done) {
    int seen = 0;
    int dropped = 0;
    while (dropped < DROPS && !done.get()) {
      synchronized (progress) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while ((frames < seen + 100 || live.isEmpty()) && !done.get() && System.nanoTime() < deadline) {
          try {
            progress.wait(100);
          } catch (InterruptedException e) {
            return;
          }
        }
        seen = frames;
      }
      if (live.isEmpty()) continue;
      for (WebSocket ws : live) ws.close(1012, "restarting"); // the server-side cancel() of MockWebServer is a no-op
      live.clear();
      dropped++;
    }
  }

  private void check(List<List<String[]>> logs) {
    assertTrue(connections.size() >= DROPS, "the drops happened: " + connections.size() + " connections");
    for (int t = 0; t < THREADS; t++) {
      List<String[]> log = logs.get(t);
      for (int c = 0; c < connections.size(); c++) {
        List<String> wire;
        synchronized (connections) {
          wire = new ArrayList<>(connections.get(c));
        }
        checkThreadOnConnection(t, log, c, wire);
      }
    }
  }

  private static void checkThreadOnConnection(int t, List<String[]> log, int c, List<String> wire) {
    Map<Integer, Integer> setupAt = new ConcurrentHashMap<>();
    Map<Integer, Integer> publishAt = new ConcurrentHashMap<>();
    int lastK = -1;
    for (int i = 0; i < wire.size(); i++) {
      String[] f = wire.get(i).split(" ");
      if (Integer.parseInt(f[1]) != t) continue;
      int v = Integer.parseInt(f[2]);
      if (f[0].equals("s")) {
        assertTrue(v > lastK, "thread " + t + " connection " + c + ": setup " + v + " after " + lastK + ": " + wire);
        lastK = v;
        setupAt.put(v, i);
      } else if (f[0].equals("p")) {
        publishAt.put(v, i);
      } else {
        assertTrue(setupAt.containsKey(v), "thread " + t + " connection " + c + ": closing message " + v
            + " without its setup message before it");
      }
    }
    // For each publish on this connection: every setup registered before it and never cancelled precedes it.
    for (int i = 0; i < log.size(); i++) {
      String[] a = log.get(i);
      if (!a[0].equals("p")) continue;
      Integer at = publishAt.get(Integer.parseInt(a[1]));
      if (at == null) continue;
      for (int j = 0; j < i; j++) {
        String[] r = log.get(j);
        if (!r[0].equals("s") || cancelledBefore(log, r[1], log.size())) continue;
        Integer s = setupAt.get(Integer.parseInt(r[1]));
        if (!(s != null && s < at)) {
          StringBuilder b = new StringBuilder();
          for (int x = 0; x < Math.min(12, log.size()); x++) b.append(String.join(" ", log.get(x))).append("; ");
          List<String> head = new ArrayList<>();
          for (String w : wire) if (w.split(" ")[1].equals(String.valueOf(t)) && head.size() < 12) head.add(w);
          throw new AssertionError("thread " + t + " connection " + c + ": publish " + a[1]
              + " before setup " + r[1] + " registered before it; log: " + b + " wire: " + head + " all-head: "
              + wire.subList(0, Math.min(12, wire.size())));
        }
      }
    }
  }

  private static boolean cancelledBefore(List<String[]> log, String k, int index) {
    for (int j = 0; j < index; j++) {
      if (log.get(j)[0].equals("c") && log.get(j)[1].equals(k)) return true;
    }
    return false;
  }

  /** One server-side connection: records, confirms setup messages that await a reply. */
  private final class Recorder extends WebSocketListener {
    private final List<String> mine = Collections.synchronizedList(new ArrayList<>());

    @Override
    public void onOpen(WebSocket webSocket, okhttp3.Response response) {
      live.add(webSocket);
      synchronized (progress) {
        connections.add(mine);
        progress.notifyAll();
      }
    }

    @Override
    public void onMessage(WebSocket webSocket, String text) {
      Envelope e = MessageCodec.jackson().decode(text);
      JsonNode c = e.content();
      int value = c.has("k") ? c.get("k").asInt() : c.path("n").asInt();
      mine.add(e.type() + " " + c.path("t").asInt() + " " + value);
      if (e.type().equals("s")) {
        webSocket.send("{\"type\":\"ok\",\"meta\":{\"replyTo\":\"" + e.id() + "\"}}");
      }
      synchronized (progress) {
        frames++;
        progress.notifyAll();
      }
    }

    @Override
    public void onClosing(WebSocket webSocket, int code, String reason) {
      webSocket.close(1000, null);
      live.remove(webSocket);
    }

    @Override
    public void onFailure(WebSocket webSocket, Throwable t, okhttp3.Response response) {
      live.remove(webSocket);
    }
  }
}
