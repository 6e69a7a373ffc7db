package dev.steadysocket.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.steadysocket.AuthenticationException;
import dev.steadysocket.ConnectionLostException;
import dev.steadysocket.Envelope;
import dev.steadysocket.SteadySocketException;
import dev.steadysocket.TokenProvider;
import dev.steadysocket.testkit.FakeScheduler;
import dev.steadysocket.testkit.FakeTransports;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DialerTest {
  final FakeScheduler scheduler = new FakeScheduler();
  final LoopTasks tasks = new LoopTasks(scheduler);
  final FakeTransports primary = new FakeTransports();
  final FakeTransports secondary = new FakeTransports();
  final List<String> failures = new ArrayList<>();
  final List<SteadySocketException> errors = new ArrayList<>();
  final Dialer.Failed failed = (c, error) -> {
    failures.add(c.id + ": " + error.getMessage());
    errors.add(error);
  };

  Connection attempt(long id) {
    return new Connection(null, tasks, null, null, TestEvents.of(tasks), id);
  }

  Dialer dialer(TokenProvider provider, InboundLedger ledger) {
    TokenFetcher tokens = provider == null ? null : new TokenFetcher(provider, Runnable::run, tasks);
    return new Dialer(List.of(primary, secondary), tokens, "Authorization", "Bearer ", ledger);
  }

  @Test
  void withoutATokenProviderItConnectsAtOnceToTheChosenEndpoint() {
    Dialer d = dialer(null, new InboundLedger(0, false));
    Connection c = attempt(1);
    d.dial(c, 1, true, x -> true, failed);
    assertTrue(primary.headers().isEmpty());
    assertEquals(List.of(Map.of()), secondary.headers());
    assertEquals(List.of(true), secondary.refreshes());
    assertInstanceOf(FakeTransports.Fake.class, c.transport);
    assertFalse(c.awaitingToken);
    d.abandon(); // nothing to abandon or close
    d.close();
    assertTrue(failures.isEmpty());
  }

  @Test
  void theTokenAndTheResumePositionsGoInTheHandshake() {
    InboundLedger ledger = new InboundLedger(0, true);
    ledger.delivered(Envelope.builder("m").id("p1").meta(InboundLedger.META_STREAM, "prices").build());
    Dialer d = dialer(refresh -> refresh ? "fresh" : "cached", ledger);
    Connection c = attempt(1);
    d.dial(c, 0, false, x -> true, failed);
    assertTrue(c.awaitingToken, "waiting for the provider");
    assertNull(c.transport);
    scheduler.runUntilIdle();
    assertFalse(c.awaitingToken);
    assertEquals(Map.of("Authorization", "Bearer cached", InboundLedger.RESUME_HEADER, "{\"prices\":\"p1\"}"),
        primary.headers().get(0));
    d.dial(attempt(2), 0, true, x -> true, failed);
    scheduler.runUntilIdle();
    assertEquals("Bearer fresh", primary.headers().get(1).get("Authorization"));
    assertEquals(1, ledger.handshakeHeaders().size(), "the ledger's map is not modified");
  }

  @Test
  void aNullTokenConnectsWithoutTheHeader() {
    Dialer d = dialer(refresh -> null, new InboundLedger(0, false));
    d.dial(attempt(1), 0, false, x -> true, failed);
    scheduler.runUntilIdle();
    assertEquals(List.of(Map.of()), primary.headers());
  }

  @Test
  void aTokenForAnAttemptThatIsOverIsNotUsed() {
    ArrayDeque<Runnable> pool = new ArrayDeque<>();
    TokenFetcher tokens = new TokenFetcher(refresh -> "t", pool::add, tasks);
    Dialer d = new Dialer(List.of(primary), tokens, "Authorization", "Bearer ", new InboundLedger(0, false));
    Connection c = attempt(1);
    d.dial(c, 0, false, x -> false, failed);
    pool.remove().run();
    scheduler.runUntilIdle();
    assertTrue(primary.headers().isEmpty());
    assertTrue(c.awaitingToken, "left as it was: the attempt is over");

    Connection abandoned = attempt(2);
    d.dial(abandoned, 0, false, x -> true, failed);
    d.abandon();
    pool.remove().run();
    scheduler.runUntilIdle();
    assertTrue(primary.headers().isEmpty(), "an abandoned attempt's token is discarded");

    d.dial(attempt(3), 0, false, x -> true, failed);
    d.close();
    pool.remove().run(); // cancelled by close: the provider is not even called
    scheduler.runUntilIdle();
    assertTrue(primary.headers().isEmpty());
    assertTrue(failures.isEmpty());
  }

  @Test
  void aTokenProviderFailureFailsTheAttempt() {
    Dialer d = dialer(refresh -> {
      throw new IOException("down");
    }, new InboundLedger(0, false));
    Connection c = attempt(7);
    d.dial(c, 0, false, x -> true, failed);
    scheduler.runUntilIdle();
    assertEquals(List.of("7: token provider failed: java.io.IOException"), failures);
    assertInstanceOf(ConnectionLostException.class, errors.get(0));
    assertTrue(primary.headers().isEmpty());
    assertFalse(c.awaitingToken);
  }

  @Test
  void aTokenAHeaderCannotCarryFailsWithoutQuotingIt() {
    Dialer d = dialer(refresh -> "ab\ncd", new InboundLedger(0, false));
    d.dial(attempt(1), 0, false, x -> true, failed);
    scheduler.runUntilIdle();
    AuthenticationException e = assertInstanceOf(AuthenticationException.class, errors.get(0));
    assertEquals("the token from the TokenProvider has a character HTTP headers do not allow, at index 2", e.getMessage());
    assertEquals(-1, e.statusCode());
    assertTrue(primary.headers().isEmpty());
  }

  @Test
  void withoutAPrefixABadFirstCharacterIsFoundToo() {
    TokenFetcher tokens = new TokenFetcher(refresh -> "\u0001token", Runnable::run, tasks);
    Dialer d = new Dialer(List.of(primary), tokens, "X-Token", "", new InboundLedger(0, false));
    d.dial(attempt(1), 0, false, x -> true, failed);
    scheduler.runUntilIdle();
    assertTrue(errors.get(0).getMessage().endsWith("at index 0"), errors.get(0).getMessage());
    assertTrue(primary.headers().isEmpty());
    TokenFetcher good = new TokenFetcher(refresh -> "token", Runnable::run, tasks);
    new Dialer(List.of(primary), good, "X-Token", "", new InboundLedger(0, false))
        .dial(attempt(2), 0, false, x -> true, failed);
    scheduler.runUntilIdle();
    assertEquals(List.of(Map.of("X-Token", "token")), primary.headers());
  }

  @Test
  void aFactoryThatThrowsFailsTheAttempt() {
    IllegalStateException bug = new IllegalStateException("bad setting");
    primary.failConnect = bug;
    Dialer d = dialer(null, new InboundLedger(0, false));
    Connection c = attempt(4);
    d.dial(c, 0, false, x -> true, failed);
    assertEquals(List.of("4: could not start the connection: java.lang.IllegalStateException"), failures);
    assertSame(bug, errors.get(0).getCause());
    assertNull(c.transport);
  }

  @Test
  void forbiddenHeaderCharacters() {
    assertEquals(-1, Checks.firstForbiddenChar(""));
    assertEquals(-1, Checks.firstForbiddenChar("Bearer abc.DEF-123_~+/= \t!"));
    assertEquals(0, Checks.firstForbiddenChar("\u001f"));
    assertEquals(-1, Checks.firstForbiddenChar(" ~"));
    assertEquals(1, Checks.firstForbiddenChar("a\u007f"));
    assertEquals(2, Checks.firstForbiddenChar("ab\u0080"));
    assertEquals(3, Checks.firstForbiddenChar("abcé"));
    assertEquals(0, Checks.firstForbiddenChar("\r\n"));
  }
}
