package dev.steadysocket.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.steadysocket.Backoff;
import dev.steadysocket.ConnectionState;
import dev.steadysocket.Heartbeat;
import dev.steadysocket.ReconnectPolicy.Decision;
import dev.steadysocket.testkit.FakeScheduler;
import dev.steadysocket.testkit.FakeTransports;
import dev.steadysocket.testkit.RecordingListener;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Transport and token events through the loop in virtual time ({@link SocketCoreTest} covers
 * commands and timers): a refused frame, what the handshake negotiated, how attempts are named, and
 * a token call that outlives its attempt.
 */
class ConnectionLoopEventsTest {
  static final long SECOND = 1_000_000_000L;

  final FakeScheduler scheduler = new FakeScheduler();
  final List<String> events = new ArrayList<>();
  final FakeTransports transports = new FakeTransports();

  SocketCore build() {
    return Assembly.build(config());
  }

  SocketConfig config() {
    SocketConfig c = new SocketConfig();
    c.urls.add(Checks.webSocketUrl("wss://example.com/feed"));
    c.scheduler = scheduler;
    c.transportFactory = transports;
    c.callbackExecutor = Runnable::run;
    c.backoff = Backoff.exponential(Duration.ofSeconds(1), Duration.ofSeconds(30)).withoutJitter();
    c.heartbeat = Heartbeat.disabled();
    c.listeners.add(new RecordingListener().journal("l", events));
    return c;
  }

  /** Connects and opens the latest attempt. */
  Transport.Listener open(SocketCore core) {
    core.connect();
    scheduler.runUntilIdle();
    Transport.Listener l = transports.last().listener;
    l.onOpen();
    scheduler.runUntilIdle();
    assertEquals(ConnectionState.OPEN, core.state());
    return l;
  }

  /**
   * A frame the transport refused (an oversized message) ends the connection like a server close:
   * the error is reported, the socket reconnects after the backoff, and the transport is not
   * cancelled, since the close handshake the refusal started runs on.
   */
  @Test
  void aRefusedFrameEndsTheConnectionAndTheSocketReconnects() {
    SocketCore core = build();
    Transport.Listener l = open(core);
    l.onRefused(Api.get().messageTooLarge("inbound message over the limit"), 1009);
    scheduler.runUntilIdle();
    assertEquals(ConnectionState.RECONNECTING, core.state());
    assertTrue(events.contains("l: Error(MessageTooLargeException: inbound message over the limit)"), events.toString());
    assertTrue(events.contains("l: Reconnecting(1, 1000 ms, MessageTooLargeException: inbound message over the limit)"), events.toString());
    assertFalse(transports.created.get(0).cancelled, "the close handshake runs on");
    scheduler.advanceByNanos(SECOND);
    assertEquals(2, transports.count(), "the retry dialled");
  }

  /** Attempts are numbered in order, so the log lines of one attempt can be told from the next's. */
  @Test
  void eachAttemptIsNamedWithTheNextNumber() {
    SocketCore core = build();
    Transport.Listener first = open(core);
    first.onFailure(new java.io.IOException("reset"), -1, null);
    scheduler.runUntilIdle();
    scheduler.advanceByNanos(SECOND);
    assertEquals(List.of("connection #1", "connection #2"), transports.created.stream().map(f -> f.listener.toString()).toList());
  }

  /** Without a subprotocol the socket reports none (not ""), and no extensions before OPEN. */
  @Test
  void aTransportThatNegotiatedNothingReportsNoSubprotocol() {
    SocketCore core = build();
    assertNull(core.subprotocol());
    assertEquals("", core.extensions());
    open(core);
    assertNull(core.subprotocol());
    assertEquals("", core.extensions());
  }

  /** What the handshake negotiated is visible through the core once OPEN. */
  @Test
  void theNegotiatedSubprotocolAndExtensionsAreVisibleOnceOpen() {
    SocketCore core = build();
    transports.onConnect = f -> {
      f.subprotocol = "chat.v2";
      f.extensions = "permessage-deflate";
    };
    open(core);
    assertEquals("chat.v2", core.subprotocol());
    assertEquals("permessage-deflate", core.extensions());
  }

  /**
   * A token call that outlives its attempt is discarded when it returns: even if the abandoned
   * attempt had asked for a fresh token, no new provider call starts while no attempt waits for one
   * (it would run the application's provider for nothing, and early); the next attempt asks anew.
   */
  @Test
  void aTokenCallThatOutlivesItsAttemptStartsNoOtherCallWhenItReturns() {
    ArrayDeque<Runnable> pool = new ArrayDeque<>();
    List<Boolean> asked = new ArrayList<>();
    Decision[] next = {Decision.refreshTokenAndRetry()};
    SocketConfig c = config();
    c.dispatch = pool::add; // the provider and the policy run when the test says
    c.tokenProvider = refresh -> {
      asked.add(refresh);
      return "t";
    };
    c.reconnectPolicy = d -> next[0];
    long timeout = c.connectTimeout.toNanos();
    SocketCore core = Assembly.build(c);
    core.connect();
    scheduler.runUntilIdle();
    Runnable hanging = pool.remove(); // attempt 1's token call, held back: the provider hangs

    scheduler.advanceByNanos(timeout); // attempt 1 times out waiting for the token
    pool.remove().run(); // the policy: refresh the token
    scheduler.advanceByNanos(timeout); // the retry after the minimum backoff; attempt 2 waits for the same call
    next[0] = Decision.retry();
    scheduler.advanceByNanos(timeout); // attempt 2 times out too, asking nothing new: the call still runs
    pool.remove().run(); // the policy: retry after the backoff
    scheduler.runUntilIdle();
    assertEquals(ConnectionState.RECONNECTING, core.state());

    hanging.run(); // the hung call returns during the backoff: its attempts are over
    scheduler.runUntilIdle();
    assertEquals(List.of(false), asked);
    assertTrue(pool.isEmpty(), "no provider call while no attempt waits for a token");
    assertEquals(0, transports.count(), "nothing dialled with the stale token");
  }
}
