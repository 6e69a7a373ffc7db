package dev.steadysocket.internal;

import static dev.steadysocket.ConnectionState.CLOSED;
import static dev.steadysocket.ConnectionState.CLOSING;
import static dev.steadysocket.ConnectionState.CONNECTING;
import static dev.steadysocket.ConnectionState.IDLE;
import static dev.steadysocket.ConnectionState.OPEN;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.steadysocket.ConnectionState;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.StringJoiner;
import org.junit.jupiter.api.Test;

/**
 * The table's own rules, which the enum's Javadoc states: CLOSED is terminal, nothing returns to
 * IDLE, CLOSING only ends, every state is reachable and can end; and the Javadoc's list is the table. (That the loop makes only these
 * transitions is {@link Transitions#check}'s job, exercised by every test; that they agree with
 * the model test's legal set is {@code TransitionTableModelTest}'s.)
 */
class TransitionsTest {
  @Test
  void illegalTransitionThrowsUnderAssertionsAndIsOnlyLoggedWithout() {
    assertTrue(Transitions.class.desiredAssertionStatus(), "tests run with -ea (Surefire's default)");
    AssertionError e = assertThrows(AssertionError.class, () -> Transitions.check(OPEN, IDLE));
    assertEquals("illegal state transition OPEN -> IDLE (not in internal.Transitions)", e.getMessage());
    Transitions.check(OPEN, IDLE, false); // production: logged at ERROR, never thrown
    Transitions.check(CONNECTING, OPEN);
    Transitions.check(OPEN, OPEN); // no transition at all
  }

  @Test
  void closedIsTerminalAndNothingReturnsToIdle() {
    for (ConnectionState s : ConnectionState.values()) {
      assertFalse(Transitions.allowed(CLOSED, s), "CLOSED -> " + s);
      assertFalse(Transitions.allowed(s, IDLE), s + " -> IDLE");
      assertFalse(Transitions.allowed(s, s), s + " -> itself");
      assertEquals(s == CLOSED, Transitions.allowed(CLOSING, s), "CLOSING -> " + s);
    }
  }

  @Test
  void everyStateIsReachedFromIdleAndReachesClosed() {
    assertEquals(EnumSet.allOf(ConnectionState.class), reachableFrom(IDLE));
    for (ConnectionState s : ConnectionState.values()) {
      assertTrue(reachableFrom(s).contains(CLOSED), s + " can end");
      if (s != CLOSING && s != CLOSED) assertTrue(Transitions.allowed(s, CLOSING), "close() from " + s);
    }
  }

  @Test
  void theActiveGroupIsIsActive() {
    for (Transitions.Edge e : Transitions.table()) {
      if (!Transitions.ACTIVE.equals(e.group)) continue;
      for (ConnectionState s : ConnectionState.values()) assertEquals(s.isActive(), e.from.contains(s), s.name());
    }
  }

  @Test
  void eachPairHasOneRow() {
    Set<String> seen = new HashSet<>();
    for (Transitions.Edge e : Transitions.table()) {
      assertFalse(e.trigger.isEmpty(), e.toString());
      for (ConnectionState s : e.from) {
        if (e.group == null) assertTrue(seen.add(s + ">" + e.to), "second row for " + s + " -> " + e.to);
      }
    }
  }

  /** ConnectionState's Javadoc lists the table, one edge per line, in its order. */
  @Test
  void theEnumsJavadocListsTheTable() throws IOException {
    Path source = Paths.get(System.getProperty("basedir", Files.isDirectory(Paths.get("src/main/java")) ? "." : "client-core"))
        .resolve("src/main/java/dev/steadysocket/ConnectionState.java");
    String text = new String(Files.readAllBytes(source), StandardCharsets.UTF_8);
    String pre = text.substring(text.indexOf("<pre>") + 5, text.indexOf("</pre>"));
    List<String> listed = new ArrayList<>();
    for (String line : pre.split("\n")) {
      String l = line.replaceFirst("^\\s*\\*", "").trim();
      if (!l.isEmpty()) listed.add(l);
    }
    List<String> table = new ArrayList<>();
    for (Transitions.Edge e : Transitions.table()) {
      StringJoiner from = new StringJoiner("/");
      e.from.forEach(s -> from.add(s.name()));
      table.add(from + " ──" + e.trigger + "──▶ " + e.to);
    }
    assertEquals(table, listed, "ConnectionState's Javadoc list and internal.Transitions disagree");
  }

  private static Set<ConnectionState> reachableFrom(ConnectionState start) {
    Set<ConnectionState> seen = EnumSet.of(start);
    Deque<ConnectionState> todo = new ArrayDeque<>(seen);
    while (!todo.isEmpty()) {
      ConnectionState s = todo.pop();
      for (ConnectionState t : ConnectionState.values()) {
        if (Transitions.allowed(s, t) && seen.add(t)) todo.push(t);
      }
    }
    return seen;
  }
}
