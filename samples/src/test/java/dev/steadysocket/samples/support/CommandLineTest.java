package dev.steadysocket.samples.support;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class CommandLineTest {
  private final List<String> seen = new ArrayList<>();

  private CommandLine commandLine() {
    return new CommandLine("Usage: demo [URL] [options]")
        .text("", "Options:")
        .option("--header,-H", "K:V", "a header\n(repeatable)", v -> seen.add("header " + v))
        .flag("--verbose,-v", "say more", () -> seen.add("verbose"))
        .option("--gone", "X", "", v -> {
          throw new UsageException("--gone is gone");
        })
        .positional("URL", v -> seen.add("url " + v));
  }

  @Test
  void appliesArgumentsInOrderWithAliasesAndEqualsForm() throws Exception {
    assertTrue(commandLine().parse(new String[] {"-v", "ws://a/", "--header=X:1=2", "-H", "Y:2"}));
    assertEquals(List.of("verbose", "url ws://a/", "header X:1=2", "header Y:2"), seen);
  }

  @Test
  void helpStopsParsingAndTheUsageListsEachShownOptionOnce() throws Exception {
    assertFalse(commandLine().parse(new String[] {"-v", "--help", "--nope"}));
    assertEquals(List.of("verbose"), seen);
    assertEquals(
        String.join("\n",
            "Usage: demo [URL] [options]",
            "",
            "Options:",
            "  --header K:V          a header",
            "                        (repeatable)",
            "  --verbose             say more"),
        commandLine().usage());
  }

  @Test
  void mistakesAreOneLineUsageErrors() {
    for (String[] argv : List.of(
        new String[] {"--nope"},
        new String[] {"--header"},
        new String[] {"ws://a/", "ws://b/"},
        new String[] {"--gone", "x"})) {
      UsageException e = assertThrows(UsageException.class, () -> commandLine().parse(argv), String.join(" ", argv));
      assertFalse(e.getMessage().isEmpty() || e.getMessage().contains("\n"), e.getMessage());
    }
    assertThrows(UsageException.class, () -> new CommandLine("x").parse(new String[] {"positional"}));
  }

  @Test
  void numbersAndSecondsAreChecked() throws Exception {
    assertEquals(3, CommandLine.atLeast("--n", "3", 1));
    assertThrows(UsageException.class, () -> CommandLine.atLeast("--n", "0", 1));
    assertThrows(UsageException.class, () -> CommandLine.atLeast("--n", "many", 1));
    assertEquals(Duration.ofMillis(2500), CommandLine.seconds("--s", "2.5", 0));
    assertThrows(UsageException.class, () -> CommandLine.seconds("--s", "-1", 0));
    assertThrows(UsageException.class, () -> CommandLine.seconds("--s", "Infinity", 0));
  }

  @Test
  void anOptionDeclaredTwiceIsAProgrammingError() {
    assertThrows(IllegalStateException.class,
        () -> new CommandLine("x").flag("--a", "a", () -> {}).option("--b,--a", "V", "b", v -> {}));
    assertThrows(IllegalStateException.class, () -> new CommandLine("x").flag("--help", "h", () -> {}));
  }
}
