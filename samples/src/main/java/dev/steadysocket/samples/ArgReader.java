package dev.steadysocket.samples;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;

/** Reads {@code --option value}, {@code --option=value} and positional arguments, in order. */
public final class ArgReader {
  private final Deque<String> args = new ArrayDeque<>();

  public ArgReader(String[] argv) {
    for (String arg : argv) {
      int eq = arg.indexOf('=');
      if (arg.startsWith("--") && eq > 2) {
        args.add(arg.substring(0, eq));
        args.add(arg.substring(eq + 1));
      } else {
        args.add(arg);
      }
    }
  }

  public boolean hasNext() {
    return !args.isEmpty();
  }

  public String next() {
    return args.removeFirst();
  }

  /** The value following {@code option}. */
  public String value(String option) throws UsageException {
    if (args.isEmpty()) {
      throw new UsageException(option + " needs a value");
    }
    return args.removeFirst();
  }

  public int intValue(String option, int min) throws UsageException {
    String text = value(option);
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

  /** A duration given in (possibly fractional) seconds, e.g. {@code 2.5}. */
  public Duration seconds(String option, double min) throws UsageException {
    String text = value(option);
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
}
