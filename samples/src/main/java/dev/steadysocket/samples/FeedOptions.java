package dev.steadysocket.samples;

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

/** The command line of {@link FeedCli}, parsed and checked. */
final class FeedOptions {
  static final String USAGE =
      String.join(
          "\n",
          "Usage: feed-cli [URL] [options]",
          "",
          "Connects to a WebSocket feed speaking the SteadySocket envelope format and prints every",
          "message as it arrives, one per line: time, type, sender and content. Connection state",
          "(connecting, open, reconnecting, closed) goes to stderr. Both show the local time of",
          "receipt; the sender's own timestamp is in --json. Without a URL, an embedded demo feed",
          "server (stock ticker + chat room) starts on 127.0.0.1 and feed-cli subscribes to it.",
          "",
          "Output:",
          "  --pretty              pretty-print content (and --json envelopes)",
          "  --json                one JSON envelope per line (all wire fields, the sender's",
          "                        timestamp included), for jq",
          "  --raw                 text frames exactly as received, heartbeat replies included",
          "  --type T              only messages of type T (repeatable, or comma-separated)",
          "  --count N             exit 0 after N messages have been printed",
          "  --verbose             every error, demo server events and debug logs on stderr",
          "",
          "Connection:",
          "  --header K:V          add a handshake header (repeatable)",
          "  --token T             bearer token, sent as 'Authorization: Bearer T' (never printed)",
          "  --send TEXT|@FILE     send TEXT (or FILE's content) once as a 'text' envelope",
          "  --subscribe SYMBOL    subscribe to SYMBOL on every connection, before anything else is",
          "                        sent; the server confirms or rejects it (repeatable, or",
          "                        comma-separated; the demo server then sends only those symbols)",
          "  --ack                 acknowledged sends: --send completes on the server's ack and is",
          "                        sent again after a reconnect until then",
          "  --failover URL        another URL of the same service, tried when the current one",
          "                        fails (repeatable; in order, then back to the first)",
          "  --resume              resume streams: after a reconnect the server replays what was",
          "                        missed (entries with meta.stream); repeats are dropped by id",
          "  --heartbeat SECONDS   heartbeat interval; 0 disables (default 30)",
          "  --max-backoff SECONDS longest wait between reconnect attempts (default 30)",
          "  --max-attempts N      give up after N failed reconnect attempts (default: never)",
          "  --chaos               (demo server only) drop every connection every 3-6 seconds;",
          "                        implies --resume, so no tick is lost across the drops",
          "  --help                show this help",
          "",
          "Exit status: 0 after --count messages or a requested close; 2 bad arguments or URL;",
          "3 credentials rejected; 4 reconnect attempts exhausted; 5 handshake refused (HTTP",
          "status); 1 any other terminal failure. Ctrl-C closes the connection gracefully.");

  @Nullable String url;
  final List<String> failoverUrls = new ArrayList<>();
  final List<String[]> headers = new ArrayList<>();
  @Nullable String token;
  @Nullable String sendText;
  Set<String> types = Collections.emptySet();
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
  boolean ack;
  boolean resume;
  boolean help;

  static FeedOptions parse(String[] argv) throws UsageException {
    FeedOptions o = new FeedOptions();
    Set<String> types = new LinkedHashSet<>();
    ArgReader args = new ArgReader(argv);
    while (args.hasNext()) {
      String arg = args.next();
      switch (arg) {
        case "--header":
        case "-H":
          String header = args.value(arg);
          int colon = header.indexOf(':');
          if (colon <= 0) {
            throw new UsageException("--header needs NAME:VALUE, got '" + header + "'");
          }
          o.headers.add(new String[] {header.substring(0, colon).trim(), header.substring(colon + 1).trim()});
          break;
        case "--token":
          o.token = args.value(arg);
          break;
        case "--send":
          o.sendText = readSendText(args.value(arg));
          break;
        case "--type":
          for (String type : args.value(arg).split(",")) {
            if (!type.trim().isEmpty()) {
              types.add(type.trim());
            }
          }
          break;
        case "--subscribe":
          for (String symbol : args.value(arg).split(",")) {
            if (!symbol.trim().isEmpty() && !o.subscribe.contains(symbol.trim())) {
              o.subscribe.add(symbol.trim());
            }
          }
          break;
        case "--count":
          o.count = args.intValue(arg, 1);
          break;
        case "--heartbeat":
          o.heartbeat = args.seconds(arg, 0);
          break;
        case "--max-backoff":
          o.maxBackoff = args.seconds(arg, 0.001);
          break;
        case "--max-attempts":
          o.maxAttempts = args.intValue(arg, 1);
          break;
        case "--json":
          o.json = true;
          break;
        case "--raw":
          o.raw = true;
          break;
        case "--pretty":
          o.pretty = true;
          break;
        case "--chaos":
          o.chaos = true;
          break;
        case "--ack":
          o.ack = true;
          break;
        case "--resume":
          o.resume = true;
          break;
        case "--failover":
          o.failoverUrls.add(args.value(arg));
          break;
        case "--verbose":
        case "-v":
          o.verbose = true;
          break;
        case "--help":
        case "-h":
          o.help = true;
          break;
        default:
          if (arg.startsWith("-")) {
            throw new UsageException("unknown option " + arg + " (see --help)");
          }
          if (o.url != null) {
            throw new UsageException("one URL only: got '" + o.url + "' and '" + arg + "'");
          }
          o.url = arg;
      }
    }
    o.types = Collections.unmodifiableSet(types);
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

  boolean accepts(String type) {
    return types.isEmpty() || types.contains(type);
  }
}
