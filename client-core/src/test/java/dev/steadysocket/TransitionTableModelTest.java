package dev.steadysocket;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.steadysocket.internal.Transitions;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The loop's table ({@code internal.Transitions}, which {@code setState} enforces in every test)
 * and the model test's independent list of legal transitions ({@link StateMachineModel.Observer#LEGAL},
 * which it checks every reported transition against) say the same thing, but for the closes an
 * internal failure makes from any state (the model allows those only after a crash it provoked).
 */
class TransitionTableModelTest {
  /** The table's edge from every state before CLOSING to CLOSED, for a loop task that threw. */
  private static final String CRASH = "internal failure (a bug)";

  @Test
  void tableAndModelAgree() {
    Set<String> table = new TreeSet<>();
    for (Transitions.Edge e : Transitions.table()) {
      if (e.trigger.equals(CRASH)) continue;
      for (ConnectionState s : e.from) table.add(s + ">" + e.to);
    }
    assertEquals(new TreeSet<>(StateMachineModel.Observer.LEGAL), table,
        "internal.Transitions and StateMachineModel.Observer.LEGAL disagree");
  }

  @Test
  void theCrashEdgeCoversEveryStateBeforeClosing() {
    Set<ConnectionState> from = null;
    for (Transitions.Edge e : Transitions.table()) if (e.trigger.equals(CRASH)) from = e.from;
    assertEquals(Set.of(ConnectionState.IDLE, ConnectionState.CONNECTING, ConnectionState.OPEN,
        ConnectionState.RECONNECTING, ConnectionState.PAUSED), from);
  }
}
