package dev.steadysocket.samples;

import static java.util.stream.Collectors.toList;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.steadysocket.testsupport.ChildProcess;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Each single-file example as samples/README.md runs it: a child JVM without a URL, so against the
 * embedded demo server; judged by its output and by ending by itself with status 0.
 */
@Timeout(90)
class ExamplesTest {
  private static final Duration SOON = Duration.ofSeconds(30);

  @Test
  void quickStartPrintsTheConfirmationThreeAcmeTicksAndACleanClose() throws Exception {
    List<String> out = run(QuickStart.class);
    assertTrue(out.contains("state: CONNECTING -> OPEN"), String.join("\n", out));
    assertTrue(out.stream().anyMatch(l -> l.startsWith("subscribed: {\"symbol\":\"ACME\"")), String.join("\n", out));
    List<String> ticks = out.stream().filter(l -> l.startsWith("ticker: ")).collect(toList());
    assertEquals(3, ticks.size(), String.join("\n", out));
    ticks.forEach(t -> assertTrue(t.startsWith("ticker: {\"symbol\":\"ACME\""), t));
    assertEquals("closed with code 1000", out.get(out.size() - 1));
  }

  @Test
  void typedHandlersPrintRecordsConvertedFromContent() throws Exception {
    List<String> out = run(TypedHandlers.class);
    assertTrue(out.contains("welcome: Welcome[event=welcome, online=1]"), String.join("\n", out));
    List<String> ticks = out.stream().filter(l -> l.startsWith("tick: ")).collect(toList());
    assertEquals(5, ticks.size(), String.join("\n", out));
    ticks.forEach(t -> assertTrue(t.matches("tick: [A-Z]+ at \\d+\\.\\d\\d \\([+-]\\d+\\.\\d\\d\\)"), t));
    assertTrue(out.stream().noneMatch(l -> l.startsWith("error: ")), String.join("\n", out));
    assertEquals("closed", out.get(out.size() - 1));
  }

  @Test
  void acknowledgedSendsCompleteOnceEachAndTheRepeatedDropIsNotObeyedAgain() throws Exception {
    List<String> out = run(AcknowledgedSends.class);
    for (String id : List.of("order-1", "order-2", "order-3", "drop-1", "order-4", "order-5", "order-6")) {
      assertEquals(1, out.stream().filter(l -> l.equals(id + " acknowledged")).count(), id + ":\n" + String.join("\n", out));
    }
    // The drop's ack was lost with its connection, so it was sent again; obeyed twice, it would
    // have cut the connection twice (and then again after every resend).
    Matcher summary = Pattern.compile("all acknowledged; connections lost: (\\d+), messages sent again after a reconnect: (\\d+)")
        .matcher(out.get(out.size() - 1));
    assertTrue(summary.matches(), String.join("\n", out));
    assertEquals("1", summary.group(1));
    assertTrue(Integer.parseInt(summary.group(2)) >= 1, "the drop itself was sent again");
  }

  @Test
  void pauseOnSleepReconnectsOnWakeAndTheTicksRunOnWithoutAGap() throws Exception {
    List<String> out = run(PauseOnSleep.class);
    String all = String.join("\n", out);
    assertTrue(all.contains("-- the machine goes to sleep\nstate: PAUSED\n-- the machine wakes up\nstate: CONNECTING\nstate: OPEN"), all);
    List<Long> seqs = out.stream().filter(l -> l.startsWith("tick #"))
        .map(l -> Long.parseLong(l.substring("tick #".length(), l.indexOf(' ', "tick #".length())))).collect(toList());
    assertEquals(11, seqs.size(), all);
    for (int i = 1; i < seqs.size(); i++) {
      assertEquals(seqs.get(i - 1) + 1, seqs.get(i), "meta.seq without a gap or repeat across the sleep:\n" + all);
    }
    assertEquals("state: CLOSED", out.get(out.size() - 1));
  }

  /** Runs {@code example}'s main without arguments; its stdout once it has exited 0 by itself. */
  private static List<String> run(Class<?> example) throws Exception {
    try (ChildProcess process = ChildProcess.java(example)) {
      process.awaitStderr("^\\* demo feed server on ws://127\\.0\\.0\\.1:\\d+/$", SOON);
      List<String> out = process.remainingStdout(SOON);
      assertEquals(0, process.awaitExit(SOON), process.transcript());
      return out;
    }
  }
}
