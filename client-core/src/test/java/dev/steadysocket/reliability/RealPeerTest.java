package dev.steadysocket.reliability;

import dev.steadysocket.SteadySocketBuilder;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.steadysocket.Backoff;
import dev.steadysocket.ConnectionLostException;
import dev.steadysocket.DeadLinkException;
import dev.steadysocket.ConnectionState;
import dev.steadysocket.Envelope;
import dev.steadysocket.Heartbeat;
import dev.steadysocket.SteadySocket;
import dev.steadysocket.testkit.RecordingListener;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * What the reliability tests share: sockets and peers opened by a test are closed after it
 * (sockets first, then peers in reverse order), and a few builders and helpers. A peer missing in
 * a subclass's {@code @BeforeAll} skips each of its tests with the reason ({@link
 * MissingPeerSkipsEachTest}).
 */
@ExtendWith({MissingPeerSkipsEachTest.class, ReportFailures.class})
abstract class RealPeerTest {
  /**
   * The scaled-down heartbeat used where detection times are measured: bound 1.5 s. Its 500 ms
   * timeout is what a healthy link must never miss (no false alarm is tolerated there); 250 ms
   * was within reach of scheduling stalls on a loaded 2-core machine.
   */
  static final Heartbeat FAST_HEARTBEAT =
      Heartbeat.every(Duration.ofSeconds(1)).withTimeout(Duration.ofMillis(500));
  /**
   * A heartbeat for tests that must not see a false dead link on a loaded 2-core CI machine and
   * measure no detection time: more room than the timeout above. 1 s / 1 s, bound 2 s.
   */
  static final Heartbeat STEADY_HEARTBEAT = Heartbeat.every(Duration.ofSeconds(1));

  private final List<SteadySocket> sockets = new ArrayList<>();
  private final Deque<AutoCloseable> resources = new ArrayDeque<>();

  SteadySocket track(SteadySocket socket) {
    sockets.add(socket);
    return socket;
  }

  <T extends AutoCloseable> T track(T resource) {
    resources.push(resource);
    return resource;
  }

  /**
   * Short backoff, no minimum uptime, heartbeat off unless the test sets one. The connect timeout
   * stays at its 15 s default: a first TLS handshake on a loaded 2-core machine can take seconds.
   */
  static SteadySocketBuilder builder(String url, RecordingListener events) {
    return SteadySocket.builder(url)
        .backoff(Backoff.exponential(Duration.ofMillis(10), Duration.ofMillis(100)))
        .minimumUptime(Duration.ZERO)
        .heartbeat(Heartbeat.disabled())
        .closeTimeout(Duration.ofSeconds(2))
        .listener(events);
  }

  /** Builds, connects and waits for OPEN. */
  SteadySocket open(SteadySocketBuilder builder, RecordingListener events) {
    SteadySocket socket = track(builder.build());
    socket.connect();
    events.awaitState(ConnectionState.OPEN);
    return socket;
  }

  /** Sends an envelope of {@code type} and waits for the echo (an /echo peer). */
  static RecordingListener.Message echo(SteadySocket socket, RecordingListener events, String type) {
    socket.send(Envelope.of(type, Map.of("n", type.hashCode())));
    return events.awaitMessage(type);
  }

  /**
   * Sends {@code envelope} and waits for the message of type {@code replyType}; returns null if an
   * error (a connection failure) came first, after waiting for OPEN again. For tests with an
   * aggressive heartbeat, where a scheduling stall on a loaded machine can end a healthy link.
   */
  static RecordingListener.Message sendAndAwait(SteadySocket socket, RecordingListener events, Envelope envelope, String replyType) {
    socket.send(envelope);
    RecordingListener.Event e =
        events.await(RecordingListener.Event.class,
            x -> x instanceof RecordingListener.Error
                || (x instanceof RecordingListener.Message && ((RecordingListener.Message) x).envelope.type().equals(replyType)));
    if (e instanceof RecordingListener.Message) return (RecordingListener.Message) e;
    events.awaitState(ConnectionState.OPEN);
    return null;
  }

  /**
   * A dead link is found by the heartbeat (DeadLinkException). OkHttp's own pinger is off since
   * SteadySocket sends its own pings, but a SocketTimeoutException from a write that never drains
   * can still come first on a blackholed link: that is accepted too. Returns true for the former.
   */
  static boolean assertDeadLinkDetection(Throwable error) {
    if (error instanceof DeadLinkException) return true;
    assertInstanceOf(ConnectionLostException.class, error, "dead-link detection");
    assertTrue(error.getCause() instanceof java.net.SocketTimeoutException
        && String.valueOf(error.getMessage()).contains("pong"), "not a dead-link detection: " + error);
    return false;
  }

  /** Report text for healthy links a stalled machine made the heartbeat give up on. */
  static String falseAlarms(int n) {
    return n == 0 ? "" : "; " + n + " healthy link(s) declared dead during a machine stall, measured again";
  }

  /** A scenarios.js command envelope. */
  static Envelope command(String command, Object... keyValues) {
    Map<String, Object> content = new LinkedHashMap<>();
    content.put("command", command);
    for (int i = 0; i + 1 < keyValues.length; i += 2) content.put((String) keyValues[i], keyValues[i + 1]);
    return Envelope.of("system", content);
  }

  static long millis(long nanos) {
    return TimeUnit.NANOSECONDS.toMillis(nanos);
  }

  @AfterEach
  void closeEverything() throws Exception {
    Exception first = null;
    for (SteadySocket s : sockets) {
      try {
        s.close();
        s.closeFuture().get(15, TimeUnit.SECONDS);
      } catch (Exception e) {
        if (first == null) first = e;
      }
    }
    sockets.clear();
    while (!resources.isEmpty()) {
      try {
        resources.pop().close();
      } catch (Exception e) {
        if (first == null) first = e;
      }
    }
    if (first != null) throw first;
  }
}
