package dev.steadysocket.testing;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.steadysocket.Envelope;
import dev.steadysocket.MessageCodec;
import dev.steadysocket.testing.server.Envelopes;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import okio.ByteString;
import org.jspecify.annotations.Nullable;

/** What the Observer…Tests share: frames a server writes, sizes, a recording codec, late replies, a gated executor. */
final class ObserverFixtures {
  private ObserverFixtures() {}

  /** An envelope frame as a server writes it: {@code id}, content {@code {"text": text}}, the server's virtual time. */
  static String frame(TestClock clock, String type, String id, String text) {
    return Envelopes.envelope(type, Envelopes.JSON.valueToTree(Map.of("text", text)), id, "server", null,
        clock.now().toEpochMilli()).toString();
  }

  static long utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8).length;
  }

  /** The server's own WebSocket of a connection: the kit has no binary send, so the test writes one there. */
  static void sendBinary(ServerConnection c, byte[] bytes) {
    try {
      java.lang.reflect.Field f = ServerConnection.class.getDeclaredField("socket");
      f.setAccessible(true);
      ((okhttp3.WebSocket) f.get(c)).send(ByteString.of(bytes));
    } catch (ReflectiveOperationException e) {
      throw new AssertionError(e);
    }
  }

  /** Answers envelopes of {@code type} with a {@code reply} (meta.replyTo = the request's id), {@code delay} after each arrives. */
  static void replyLater(FakeServer server, TestClock clock, String type, Duration delay) {
    replyLater(server, clock, type, delay, c -> true);
  }

  /** As {@link #replyLater(FakeServer, TestClock, String, Duration)}, on the connections {@code on} accepts. */
  static void replyLater(FakeServer server, TestClock clock, String type, Duration delay,
      java.util.function.Predicate<ServerConnection> on) {
    server.onMessage(type, (connection, request) -> {
      if (on.test(connection)) reply(clock, connection, type, request, delay);
    });
  }

  private static void reply(TestClock clock, ServerConnection connection, String type, Envelope request, Duration delay) {
    clock.schedule(() -> {
      ObjectNode reply = Envelopes.envelope("reply", Envelopes.JSON.valueToTree(Map.of("to", type)), null, "server", null,
          clock.now().toEpochMilli());
      ((ObjectNode) reply.get("meta")).put("replyTo", request.id());
      connection.sendRaw(reply.toString());
    }, delay);
  }

  /** Jackson, recording every envelope it encodes but heartbeats: the exact text (and size) the socket writes. */
  static final class RecordingCodec implements MessageCodec {
    private final MessageCodec json = MessageCodec.jackson();
    final List<String> encoded = new CopyOnWriteArrayList<>();

    @Override
    public String encode(Envelope envelope) {
      String text = json.encode(envelope);
      if (!envelope.type().equals("heartbeat")) encoded.add(text);
      return text;
    }

    @Override
    public Envelope decode(String text) {
      return json.decode(text);
    }

    /** The UTF-8 size of the last envelope of {@code type} encoded. */
    long size(String type) {
      List<String> all = new ArrayList<>(encoded);
      for (int i = all.size() - 1; i >= 0; i--) {
        if (json.decode(all.get(i)).type().equals(type)) return utf8(all.get(i));
      }
      throw new AssertionError("no " + type + " encoded: " + all);
    }

    @Nullable String last() {
      return encoded.isEmpty() ? null : encoded.get(encoded.size() - 1);
    }
  }

  /** An executor the test drains on a thread of its own, from the moment it lets it. */
  static final class GateExecutor implements Executor {
    final LinkedBlockingQueue<Runnable> queue = new LinkedBlockingQueue<>();

    @Override
    public void execute(Runnable task) {
      queue.add(task);
    }

    /** Runs what comes, once {@code start} is counted down, until {@code stop} is set and nothing is left. */
    Thread drainAfter(CountDownLatch start, AtomicBoolean stop) {
      Thread t = new Thread(() -> {
        try {
          if (!start.await(20, TimeUnit.SECONDS)) return;
          while (!stop.get() || !queue.isEmpty()) {
            Runnable r = queue.poll(10, TimeUnit.MILLISECONDS);
            if (r != null) r.run();
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }, "test callback executor");
      t.setDaemon(true);
      t.start();
      return t;
    }
  }
}
