package dev.steadysocket.samples;

import dev.steadysocket.samples.support.CommandLine;
import dev.steadysocket.samples.support.UsageException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/** The command line of {@link FeedCli}, parsed and checked; read-only once {@link #parse} returns. */
final class FeedOptions {
  @Nullable String url;
  final List<String> failoverUrls = new ArrayList<>();
  final List<String[]> headers = new ArrayList<>();
  @Nullable String token;
  @Nullable String sendText;
  Set<String> types = new LinkedHashSet<>();
  final List<String> subscribe = new ArrayList<>();
  int count; // 0 = unlimited
  @Nullable Duration heartbeat; // null = library default, ZERO = disabled
  @Nullable Duration maxBackoff; // null = library default
  int maxAttempts; // 0 = unlimited
  boolean json;
  boolean raw;
  boolean pretty;
  boolean chaos;
  boolean verbose;
  boolean metrics;
  boolean ack;
  boolean resume;
  boolean help;

  /** The options and their help; {@link #usage()} prints it. */
  private CommandLine commandLine() {
    return new CommandLine("Usage: feed-cli [URL] [options]")
        .text(
            "",
            "Connects to a WebSocket feed speaking the SteadySocket envelope format and prints every",
            "message as it arrives, one per line: time, type, sender and content. Connection state",
            "(connecting, open, reconnecting, closed) goes to stderr. Both show the local time of",
            "receipt; the sender's own timestamp is in --json. Without a URL, an embedded demo feed",
            "server (stock ticker + chat room) starts on 127.0.0.1 and feed-cli subscribes to it.",
            "",
            "Output:")
        .flag("--pretty", "pretty-print content (and --json envelopes)", () -> pretty = true)
        .flag("--json", "one JSON envelope per line (all wire fields, the sender's\ntimestamp included), for jq",
            () -> json = true)
        .flag("--raw", "text frames exactly as received, heartbeat replies included", () -> raw = true)
        .option("--type", "T", "only messages of type T (repeatable, or comma-separated)", v -> types.addAll(list(v)))
        .option("--count", "N", "exit 0 after N messages have been printed", v -> count = CommandLine.atLeast("--count", v, 1))
        .flag("--verbose,-v", "every error, demo server events and debug logs on stderr", () -> verbose = true)
        .flag("--metrics", "a live line on stderr every second: state, reconnects, ping and\nheartbeat round trips,"
            + " messages in/out per second, outbox depth", () -> metrics = true)
        .text("", "Connection:")
        .option("--header,-H", "K:V", "add a handshake header (repeatable)", this::header)
        .option("--token", "T", "bearer token, sent as 'Authorization: Bearer T' (never printed)", v -> token = v)
        .option("--send", "TEXT|@FILE", "send TEXT (or FILE's content) once as a 'text' envelope", v -> sendText = readSendText(v))
        .option("--subscribe", "SYMBOL",
            "subscribe to SYMBOL on every connection, before anything else is\nsent; the server confirms or rejects it"
                + " (repeatable, or\ncomma-separated; the demo server then sends only those symbols)",
            v -> list(v).stream().filter(s -> !subscribe.contains(s)).forEach(subscribe::add))
        .flag("--ack", "acknowledged sends: --send completes on the server's ack and is\nsent again after a reconnect until then",
            () -> ack = true)
        .option("--failover", "URL", "another URL of the same service, tried when the current one\nfails"
            + " (repeatable; in order, then back to the first)", failoverUrls::add)
        .flag("--resume", "resume streams: after a reconnect the server replays what was\nmissed (entries with"
            + " meta.stream); repeats are dropped by id", () -> resume = true)
        .option("--heartbeat", "SECONDS", "heartbeat interval; 0 disables (default 30)",
            v -> heartbeat = CommandLine.seconds("--heartbeat", v, 0))
        .option("--max-backoff", "SECONDS", "longest wait between reconnect attempts (default 30)",
            v -> maxBackoff = CommandLine.seconds("--max-backoff", v, 0.001))
        .option("--max-attempts", "N", "give up after N failed reconnect attempts (default: never)",
            v -> maxAttempts = CommandLine.atLeast("--max-attempts", v, 1))
        .flag("--chaos", "(demo server only) drop every connection every 3-6 seconds;\nimplies --resume, so no tick"
            + " is lost across the drops", () -> chaos = true)
        .helpOption()
        .text(
            "",
            "Exit status: 0 after --count messages or a requested close; 2 bad arguments or URL;",
            "3 credentials rejected; 4 reconnect attempts exhausted; 5 handshake refused (HTTP",
            "status); 1 any other terminal failure. Ctrl-C closes the connection gracefully.")
        .positional("URL", v -> url = v);
  }

  static String usage() {
    return new FeedOptions().commandLine().usage();
  }

  static FeedOptions parse(String[] argv) throws UsageException {
    FeedOptions o = new FeedOptions();
    o.help = !o.commandLine().parse(argv);
    o.types = Collections.unmodifiableSet(o.types);
    if (o.json && o.raw) {
      throw new UsageException("--json and --raw exclude each other");
    }
    if (!o.failoverUrls.isEmpty() && o.url == null) {
      throw new UsageException("--failover needs a primary URL first");
    }
    if (o.chaos && o.url != null) {
      throw new UsageException("--chaos drives the embedded demo server: use it without a URL");
    }
    if (o.chaos) {
      // The point of the demo: the connection drops, the feed goes on without a gap.
      o.resume = true;
    }
    return o;
  }

  boolean accepts(String type) {
    return types.isEmpty() || types.contains(type);
  }

  private void header(String header) throws UsageException {
    int colon = header.indexOf(':');
    if (colon <= 0) {
      throw new UsageException("--header needs NAME:VALUE, got '" + header + "'");
    }
    headers.add(new String[] {header.substring(0, colon).trim(), header.substring(colon + 1).trim()});
  }

  /** {@code "a, b,,c"} as {@code [a, b, c]}. */
  private static List<String> list(String value) {
    List<String> items = new ArrayList<>();
    for (String item : value.split(",")) {
      if (!item.trim().isEmpty()) {
        items.add(item.trim());
      }
    }
    return items;
  }

  private static String readSendText(String value) throws UsageException {
    if (!value.startsWith("@")) {
      return value;
    }
    Path file = Path.of(value.substring(1));
    try {
      String text = Files.readString(file, StandardCharsets.UTF_8);
      return text.endsWith("\n") ? text.substring(0, text.length() - 1) : text;
    } catch (IOException e) {
      throw new UsageException("--send: cannot read " + file + ": " + e.getMessage());
    }
  }
}
