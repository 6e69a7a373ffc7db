package dev.steadysocket.samples.support;

import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The samples' one option parser. A program declares its options, each with its help line and
 * what to do with the value; {@link #parse} applies them in command-line order and {@link #usage}
 * prints them. Accepts {@code --option value}, {@code --option=value} and positional arguments;
 * {@code --help} and {@code -h} are always declared.
 *
 * <pre>{@code
 * CommandLine cli = new CommandLine("Usage: Example [URL] [--name NAME]")
 *     .option("--name", "NAME", "your name", value -> name = value)
 *     .positional("URL", value -> url = value);
 * if (!cli.parseOrExit("example", argv, System.out, System.err)) return; // --help was shown
 * }</pre>
 */
public final class CommandLine {
  /** What an option does with its value; throws for a value it cannot take. */
  public interface Value {
    void accept(String value) throws UsageException;
  }

  /** What a flag does when present. */
  public interface Flag {
    void set() throws UsageException;
  }

  private static final int NAME_COLUMN = 24;

  private final List<String> help = new ArrayList<>();
  private final Map<String, Value> options = new HashMap<>();
  private final Map<String, Flag> flags = new HashMap<>();
  private @Nullable Value positional;
  private @Nullable String positionalName;

  /** @param usage the first line of the help, e.g. {@code Usage: feed-cli [URL] [options]} */
  public CommandLine(String usage) {
    help.add(usage);
  }

  /** Lines of text in the help, in the order declared (a description, a section heading, ""). */
  public CommandLine text(String... lines) {
    help.addAll(List.of(lines));
    return this;
  }

  /**
   * An option that takes a value.
   *
   * @param names the option and its aliases, separated by commas: {@code "--header,-H"}
   * @param valueName how the help names the value, e.g. {@code N} or {@code K:V}
   * @param description its help; a {@code \n} continues it on an indented line; empty: not in
   *     the help (an option kept only to explain that it is gone)
   */
  public CommandLine option(String names, String valueName, String description, Value value) {
    for (String name : names.split(",")) {
      declare(name);
      options.put(name, value);
    }
    describe(names.split(",")[0] + " " + valueName, description);
    return this;
  }

  /** An option without a value. */
  public CommandLine flag(String names, String description, Flag flag) {
    for (String name : names.split(",")) {
      declare(name);
      flags.put(name, flag);
    }
    describe(names.split(",")[0], description);
    return this;
  }

  /** The help line of {@code --help}, which every command line accepts, where it is to appear. */
  public CommandLine helpOption() {
    describe("--help", "show this help");
    return this;
  }

  /** At most one positional argument; a second one is a usage error. */
  public CommandLine positional(String name, Value value) {
    if (positional != null) {
      throw new IllegalStateException("one positional argument only");
    }
    this.positionalName = name;
    this.positional = value;
    return this;
  }

  /**
   * Applies the arguments in order.
   *
   * @return false if {@code --help} was given (the caller shows {@link #usage()} and stops)
   * @throws UsageException for an unknown option, a missing or bad value, a second positional
   */
  public boolean parse(String[] argv) throws UsageException {
    Deque<String> args = split(argv);
    boolean positionalSeen = false;
    while (!args.isEmpty()) {
      String arg = args.removeFirst();
      if (arg.equals("--help") || arg.equals("-h")) {
        return false;
      }
      Flag flag = flags.get(arg);
      Value option = options.get(arg);
      if (flag != null) {
        flag.set();
      } else if (option != null) {
        if (args.isEmpty()) {
          throw new UsageException(arg + " needs a value");
        }
        option.accept(args.removeFirst());
      } else if (arg.startsWith("-") && arg.length() > 1) {
        throw new UsageException("unknown option " + arg + " (see --help)");
      } else if (positional == null) {
        throw new UsageException("unexpected argument '" + arg + "' (see --help)");
      } else if (positionalSeen) {
        throw new UsageException("one " + positionalName + " only (see --help)");
      } else {
        positionalSeen = true;
        positional.accept(arg);
      }
    }
    return true;
  }

  /**
   * For a {@code main}: parses; prints the usage to {@code out} on {@code --help} (returns false);
   * on a mistake prints {@code program: reason} to {@code err} and exits with status 2.
   */
  public boolean parseOrExit(String program, String[] argv, PrintStream out, PrintStream err) {
    try {
      if (parse(argv)) {
        return true;
      }
      out.println(usage());
      return false;
    } catch (UsageException e) {
      err.println(program + ": " + e.getMessage());
      System.exit(2);
      return false;
    }
  }

  public String usage() {
    return String.join("\n", help);
  }

  /** A whole number of at least {@code min}. */
  public static int atLeast(String option, String text, int min) throws UsageException {
    try {
      int value = Integer.parseInt(text);
      if (value < min) {
        throw new UsageException(option + " must be at least " + min + ", got " + text);
      }
      return value;
    } catch (NumberFormatException e) {
      throw new UsageException(option + " needs a whole number, got '" + text + "'");
    }
  }

  /** A duration given in (possibly fractional) seconds, e.g. {@code 2.5}, of at least {@code min}. */
  public static Duration seconds(String option, String text, double min) throws UsageException {
    try {
      double seconds = Double.parseDouble(text);
      if (!(seconds >= min) || Double.isInfinite(seconds)) {
        throw new UsageException(option + " must be at least " + min + " seconds, got " + text);
      }
      return Duration.ofNanos(Math.round(seconds * 1_000_000_000d));
    } catch (NumberFormatException e) {
      throw new UsageException(option + " needs a number of seconds, got '" + text + "'");
    }
  }

  private void declare(String name) {
    if (options.containsKey(name) || flags.containsKey(name) || name.equals("--help") || name.equals("-h")) {
      throw new IllegalStateException("declared twice: " + name);
    }
  }

  private void describe(String left, String description) {
    if (description.isEmpty()) {
      return;
    }
    String[] lines = description.split("\n");
    String head = "  " + left;
    if (head.length() >= NAME_COLUMN) {
      help.add(head);
      head = "";
    }
    help.add(String.format("%-" + NAME_COLUMN + "s%s", head, lines[0]));
    for (int i = 1; i < lines.length; i++) {
      help.add(" ".repeat(NAME_COLUMN) + lines[i]);
    }
  }

  /** {@code --name=value} becomes {@code --name value}. */
  private static Deque<String> split(String[] argv) {
    Deque<String> args = new ArrayDeque<>();
    for (String arg : argv) {
      int eq = arg.indexOf('=');
      if (arg.startsWith("--") && eq > 2) {
        args.add(arg.substring(0, eq));
        args.add(arg.substring(eq + 1));
      } else {
        args.add(arg);
      }
    }
    return args;
  }
}
