package dev.steadysocket.samples;

import dev.steadysocket.SteadySocketBuilder;
import dev.steadysocket.SteadySocketException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.steadysocket.CloseReason;
import dev.steadysocket.ConnectionState;
import dev.steadysocket.Envelope;
import dev.steadysocket.SteadySocket;
import dev.steadysocket.SteadySocketListener;
import dev.steadysocket.samples.support.CommandLine;
import dev.steadysocket.samples.support.Console;
import dev.steadysocket.samples.support.ErrorText;
import dev.steadysocket.samples.support.UsageException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * A line-based chat client: every line typed on stdin becomes a {@code text} envelope to the room,
 * {@code /to NAME message} one to NAME only; others' messages are printed as {@code [sender] text}.
 * Talks to the demo server's chat room or to any server that relays the envelope wire format.
 */
public final class ChatSample {
  static final String DEFAULT_URL = "ws://127.0.0.1:" + DemoFeedServer.DEFAULT_PORT + "/chat";

  private static final String COMMANDS =
      String.join(
          "\n",
          "In the chat:",
          "  any line              to everyone in the room",
          "  /to NAME message      to NAME only",
          "  /all message          to everyone (for a message that starts with '/')",
          "  /help                 these commands",
          "  /quit                 leave (as does Ctrl-D, end of input)");

  private final String name;
  private final PrintStream out;
  private final PrintStream err;
  /** Assigned before connect(); read by the listener. */
  private volatile @Nullable SteadySocket socket;

  private ChatSample(String name, PrintStream out, PrintStream err) {
    this.name = name;
    this.out = out;
    this.err = err;
  }

  public static void main(String[] argv) throws IOException {
    PrintStream out = Console.out();
    PrintStream err = Console.err();
    String[] url = {DEFAULT_URL};
    String[] name = {"guest-" + ThreadLocalRandom.current().nextInt(1000, 10000)};
    String[] token = {null};
    CommandLine commandLine = new CommandLine("Usage: ChatSample [URL] [--name NAME] [--token T]")
        .text(
            "",
            "Sends every line read from stdin as a 'text' envelope and prints the others' messages.",
            "URL defaults to " + DEFAULT_URL + " (start DemoFeedServer --port " + DemoFeedServer.DEFAULT_PORT + " first).",
            "")
        .option("--name", "NAME", "your sender name (default: a random guest name)", v -> name[0] = v)
        .option("--token", "T", "bearer token for the handshake (never printed)", v -> token[0] = v)
        .option("--to", "NAME", "", v -> {
          throw new UsageException("--to is gone: type '/to NAME message' in the chat instead");
        })
        .helpOption()
        .text("", COMMANDS)
        .positional("URL", v -> url[0] = v);
    if (!commandLine.parseOrExit("chat", argv, out, err)) {
      return;
    }
    Console.logLevel("warn");
    System.exit(new ChatSample(name[0], out, err).run(url[0], token[0]));
  }

  private int run(String url, @Nullable String token) throws IOException {
    SteadySocketBuilder builder;
    try {
      builder = SteadySocket.builder(url);
    } catch (IllegalArgumentException e) {
      err.println("chat: bad URL: " + e.getMessage());
      return FeedCli.EXIT_USAGE;
    }
    if (token != null) {
      builder.tokenProvider(refresh -> token);
    }
    SteadySocket socket = builder.listener(new Listener()).build();
    this.socket = socket;
    Runtime.getRuntime().addShutdownHook(new Thread(() -> closeAndWait(socket), "chat-shutdown"));
    err.println("* connecting to " + socket.redactedUrl() + " as " + name);
    err.println("* lines go to the room; '/to NAME message' to one person; /help for more");
    socket.connect();

    // Sends made while disconnected wait in the outbox and go out after the reconnect.
    List<CompletableFuture<Void>> pending = new ArrayList<>();
    BufferedReader stdin = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    String line;
    while ((line = stdin.readLine()) != null && !line.trim().equals("/quit")) {
      Line parsed = Line.parse(line);
      if (parsed.problem != null) {
        err.println("* " + parsed.problem);
        continue;
      }
      if (parsed.text == null) {
        continue;
      }
      pending.removeIf(CompletableFuture::isDone);
      pending.add(
          socket
              .send(Envelope.builder("text").sender(name).receiver(parsed.to).content(parsed.text).build())
              .whenComplete((ok, error) -> {
                if (error != null) {
                  err.println("* not sent: " + ErrorText.describe(error));
                }
              }));
    }
    // End of input: let queued lines reach the server, then close.
    try {
      CompletableFuture.allOf(pending.toArray(new CompletableFuture<?>[0])).get(5, TimeUnit.SECONDS);
    } catch (Exception e) {
      err.println("* some lines may not have been sent: " + ErrorText.describe(e));
    }
    closeAndWait(socket);
    return 0;
  }

  private static void closeAndWait(SteadySocket socket) {
    if (socket.state() == ConnectionState.CLOSED) {
      return;
    }
    socket.close();
    try {
      socket.closeFuture().get(6, TimeUnit.SECONDS);
    } catch (Exception ignored) {
      // Exiting anyway.
    }
  }

  private final class Listener implements SteadySocketListener {
    @Override
    public void onStateChanged(ConnectionState previous, ConnectionState current) {
      SteadySocket s = socket;
      if (current == ConnectionState.OPEN && s != null) {
        err.println("* open");
        // Announce ourselves on every (re)connect; the room prints "<name> joined".
        s.send(Envelope.builder("join").sender(name).build());
      }
    }

    @Override
    public void onMessage(Envelope envelope) {
      switch (envelope.type()) {
        case "text":
          String sender = envelope.sender() == null ? "?" : envelope.sender();
          String direct = envelope.receiver() != null && !envelope.receiver().equals("room") ? " → you" : "";
          out.println("[" + sender + direct + "] " + text(envelope.content()));
          break;
        case "join":
          out.println("* " + (envelope.sender() == null ? "someone" : envelope.sender()) + " joined");
          break;
        case "system":
          if ("welcome".equals(envelope.content().path("event").asText())) {
            err.println("* in the room as " + name + " (" + envelope.content().path("online").asInt() + " online)");
          }
          break;
        default:
          break; // e.g. ticker envelopes when connected to the feed path
      }
    }

    @Override
    public void onReconnecting(int attempt, Duration delay, SteadySocketException cause) {
      err.println(String.format(Locale.ROOT, "* reconnecting in %.1f s (attempt %d): %s",
          delay.toMillis() / 1000.0, attempt, ErrorText.describe(cause)));
    }

    @Override
    public void onClosed(CloseReason reason) {
      Throwable error = reason.error();
      if (error != null) {
        err.println("chat: closed: " + ErrorText.describe(error));
        // stdin may block forever; a terminal failure ends the program here.
        new Thread(() -> System.exit(FeedCli.EXIT_FAILURE), "chat-exit").start();
      }
    }
  }

  /** One line typed in the chat: a message to send (to someone, or the room), or something to say back. */
  static final class Line {
    final @Nullable String to;
    final @Nullable String text;
    final @Nullable String problem;

    private Line(@Nullable String to, @Nullable String text, @Nullable String problem) {
      this.to = to;
      this.text = text;
      this.problem = problem;
    }

    static Line parse(String line) {
      String trimmed = line.trim();
      if (trimmed.isEmpty()) {
        return new Line(null, null, null);
      }
      if (!trimmed.startsWith("/")) {
        return new Line(null, line, null);
      }
      String[] words = trimmed.split("\\s+", 3);
      switch (words[0]) {
        case "/to":
          return words.length < 3
              ? new Line(null, null, "usage: /to NAME message")
              : new Line(words[1], words[2], null);
        case "/all":
          String rest = trimmed.substring("/all".length()).trim();
          return rest.isEmpty() ? new Line(null, null, "usage: /all message") : new Line(null, rest, null);
        case "/help":
          return new Line(null, null, COMMANDS.replace("\n", "\n* "));
        default:
          return new Line(null, null, "unknown command " + words[0] + " (/help lists them; '/all " + words[0]
              + " …' sends it as text)");
      }
    }
  }

  private static String text(JsonNode content) {
    return content.isTextual() ? content.asText() : content.toString();
  }
}
