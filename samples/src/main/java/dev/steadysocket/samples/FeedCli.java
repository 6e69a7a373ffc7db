package dev.steadysocket.samples;

import dev.steadysocket.SteadySocketBuilder;
import dev.steadysocket.SteadySocketException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.steadysocket.AuthenticationException;
import dev.steadysocket.Backoff;
import dev.steadysocket.CloseReason;
import dev.steadysocket.ConnectionState;
import dev.steadysocket.DecodeException;
import dev.steadysocket.Envelope;
import dev.steadysocket.HandshakeException;
import dev.steadysocket.Heartbeat;
import dev.steadysocket.MessageCodec;
import dev.steadysocket.ReconnectAttemptsExhaustedException;
import dev.steadysocket.SetupRegistration;
import dev.steadysocket.SteadySocket;
import dev.steadysocket.SteadySocketListener;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;

/**
 * {@code feed-cli}: subscribes to a feed and prints every message, showing the reconnect behaviour
 * of {@link SteadySocket} on stderr. Run with {@code --help} for the options.
 */
public final class FeedCli {
  static final int EXIT_OK = 0;
  static final int EXIT_FAILURE = 1;
  static final int EXIT_USAGE = 2;
  static final int EXIT_AUTH = 3;
  static final int EXIT_ATTEMPTS_EXHAUSTED = 4;
  static final int EXIT_HANDSHAKE = 5;

  private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(5);
  /** Ids remembered with --resume, to drop what a replay repeats. */
  private static final int RESUME_DEDUP_WINDOW = 4_096;
  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("HH:mm:ss.SSS", Locale.ROOT).withZone(ZoneId.systemDefault());

  private final FeedOptions options;
  private final PrintStream out;
  private final PrintStream err;
  private final ObjectMapper json = new ObjectMapper();
  /** Completed once with the process exit status. */
  private final CompletableFuture<Integer> exit = new CompletableFuture<>();
  private final AtomicInteger printed = new AtomicInteger();
  /** Set by the callback thread (or, with --raw, the reader thread) that printed the last message. */
  private volatile boolean countReached;
  /** Assigned before connect(); read by the callbacks. */
  private @Nullable SteadySocket socket;

  private FeedCli(FeedOptions options, PrintStream out, PrintStream err) {
    this.options = options;
    this.out = out;
    this.err = err;
  }

  public static void main(String[] argv) {
    PrintStream out = new PrintStream(new FileOutputStream(FileDescriptor.out), true, StandardCharsets.UTF_8);
    PrintStream err = new PrintStream(new FileOutputStream(FileDescriptor.err), true, StandardCharsets.UTF_8);
    FeedOptions options;
    try {
      options = FeedOptions.parse(argv);
    } catch (UsageException e) {
      err.println("feed-cli: " + e.getMessage());
      System.exit(EXIT_USAGE);
      return;
    }
    if (options.help) {
      out.println(FeedOptions.USAGE);
      return;
    }
    // Before the first SLF4J logger exists: simplelogger reads its configuration once.
    System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", options.verbose ? "debug" : "warn");
    System.setProperty("org.slf4j.simpleLogger.logFile", "System.err");
    System.exit(new FeedCli(options, out, err).run());
  }

  private int run() {
    DemoFeedServer demo = null;
    String url = options.url;
    if (url == null) {
      try {
        demo =
            DemoFeedServer.start(
                new DemoFeedServer.Options().chaos(options.chaos).log(options.verbose ? err : null));
      } catch (IOException e) {
        return fail(EXIT_FAILURE, "cannot start the demo feed server: " + e.getMessage());
      }
      url = demo.url("/");
      state("demo feed server on " + url + (options.chaos ? " (chaos: drops every 3-6 s; resuming the feed after each)" : ""));
    }

    SteadySocket socket;
    try {
      SteadySocketBuilder builder = SteadySocket.builder(url);
      if (!options.failoverUrls.isEmpty()) {
        builder.failoverUrls(options.failoverUrls.toArray(new String[0]));
      }
      socket = configure(builder).build();
    } catch (IllegalArgumentException e) {
      closeQuietly(demo);
      // Not echoed: a URL may carry a token in its query.
      return fail(EXIT_USAGE, "bad URL: " + e.getMessage());
    }
    this.socket = socket;
    DemoFeedServer demoToClose = demo;
    Thread shutdownHook = new Thread(() -> closeGracefully(socket, demoToClose), "feed-cli-shutdown");
    Runtime.getRuntime().addShutdownHook(shutdownHook);

    FeedSubscriptions.register(socket, options.subscribe);
    state("connecting to " + socket.redactedUrl());
    socket.connect();
    if (options.sendText != null) {
      // Queued in the outbox until the connection is open.
      socket
          .send(Envelope.builder("text").sender("feed-cli").content(options.sendText).build())
          .whenComplete(
              (ok, error) -> state(error == null ? "sent the --send text" : "--send failed: " + ErrorText.describe(error)));
    }
    int status = exit.join();
    closeGracefully(socket, demo);
    return status;
  }

  private SteadySocketBuilder configure(SteadySocketBuilder builder) {
    for (String[] header : options.headers) {
      builder.header(header[0], header[1]);
    }
    String token = options.token;
    if (token != null) {
      builder.tokenProvider(refresh -> token);
    }
    Duration heartbeat = options.heartbeat;
    if (heartbeat != null) {
      builder.heartbeat(heartbeat.isZero() ? Heartbeat.disabled() : Heartbeat.every(heartbeat));
    }
    Duration maxBackoff = options.maxBackoff;
    if (maxBackoff != null) {
      Duration initial = maxBackoff.compareTo(Duration.ofSeconds(1)) < 0 ? maxBackoff : Duration.ofSeconds(1);
      builder.backoff(Backoff.exponential(initial, maxBackoff));
    }
    if (options.maxAttempts > 0) {
      builder.maxReconnectAttempts(options.maxAttempts);
    }
    if (options.raw) {
      builder.codec(new RawTap(MessageCodec.jackson()));
    }
    if (options.ack) {
      builder.acknowledgedSends(true);
    }
    if (options.resume) {
      builder.resumeStreams(true).deduplicate(RESUME_DEDUP_WINDOW);
    }
    return builder.listener(new Printer());
  }

  /** Idempotent: from the main thread at the end, or from the shutdown hook on Ctrl-C. */
  private void closeGracefully(SteadySocket socket, @Nullable DemoFeedServer demo) {
    if (socket.state() != ConnectionState.CLOSED) {
      socket.close();
      try {
        socket.closeFuture().get(CLOSE_TIMEOUT.toMillis() + 1000, TimeUnit.MILLISECONDS);
      } catch (Exception e) {
        err.println("feed-cli: gave up waiting for the close handshake: " + ErrorText.describe(e));
      }
    }
    closeQuietly(demo);
  }

  private static void closeQuietly(@Nullable DemoFeedServer demo) {
    if (demo != null) {
      demo.close();
    }
  }

  /** Prints a terminal failure as one line and returns {@code status}. */
  private int fail(int status, String reason) {
    err.println("feed-cli: " + reason);
    return status;
  }

  private void state(String line) {
    err.println(TIME.format(Instant.now()) + "  * " + line);
  }

  /** Counts a printed message; at --count, closes the socket (onClosed then ends the process). */
  private void counted() {
    if (options.count > 0 && printed.incrementAndGet() == options.count) {
      countReached = true;
      SteadySocket s = socket;
      if (s != null) {
        s.close();
      }
    }
  }

  /** The listener: messages to stdout, everything else to stderr. Runs on the callback executor. */
  private final class Printer implements SteadySocketListener {
    private int attempt;

    @Override
    public void onStateChanged(ConnectionState previous, ConnectionState current) {
      switch (current) {
        case CONNECTING:
          if (previous == ConnectionState.RECONNECTING) {
            state("connecting (attempt " + attempt + ") …");
          }
          break;
        case OPEN:
          state("open");
          break;
        case PAUSED:
        case CLOSING:
          state(current.name().toLowerCase(Locale.ROOT));
          break;
        default:
          break;
      }
    }

    @Override
    public void onMessage(Envelope envelope) {
      if (options.raw || countReached || !options.accepts(envelope.type())) {
        return;
      }
      out.println(options.json ? wireJson(envelope) : line(envelope));
      counted();
    }

    @Override
    public void onBinaryMessage(byte[] bytes) {
      if (countReached || !options.types.isEmpty()) {
        return;
      }
      out.println(TIME.format(Instant.now()) + "  <binary " + bytes.length + " bytes> "
          + Base64.getEncoder().encodeToString(bytes));
      counted();
    }

    @Override
    public void onReconnecting(int attempt, Duration delay, SteadySocketException cause) {
      this.attempt = attempt;
      state(String.format(Locale.ROOT, "reconnecting in %.1f s (attempt %d): %s",
          delay.toMillis() / 1000.0, attempt, ErrorText.describe(cause)));
    }

    @Override
    public void onSetupConfirmed(SetupRegistration setup, Envelope reply) {
      state(FeedSubscriptions.confirmed(setup));
    }

    @Override
    public void onError(SteadySocketException error) {
      String rejected = FeedSubscriptions.rejected(error);
      if (rejected != null) {
        state(rejected);
        return;
      }
      // Connection failures already show in the reconnecting/closed lines.
      if (options.verbose || error instanceof DecodeException || !isConnectionError(error)) {
        state("error: " + error.getClass().getSimpleName() + ": " + ErrorText.describe(error));
      }
    }

    @Override
    public void onClosed(CloseReason reason) {
      Throwable error = reason.error();
      if (error == null) {
        state("closed: " + reason.code() + (reason.reason().isEmpty() ? "" : " " + reason.reason()));
        exit.complete(EXIT_OK);
        return;
      }
      // The reason follows as the program's last line.
      state("closed");
      int status;
      if (error instanceof AuthenticationException) {
        status = fail(EXIT_AUTH, "credentials rejected: " + ErrorText.describe(error));
      } else if (error instanceof ReconnectAttemptsExhaustedException) {
        status = fail(EXIT_ATTEMPTS_EXHAUSTED, "reconnect attempts exhausted: " + ErrorText.describe(error));
      } else if (error instanceof HandshakeException) {
        status = fail(EXIT_HANDSHAKE, "handshake refused: " + ErrorText.describe(error));
      } else {
        status = fail(EXIT_FAILURE, ErrorText.describe(error));
      }
      exit.complete(status);
    }
  }

  private static boolean isConnectionError(Throwable error) {
    return !(error instanceof DecodeException)
        && !(error instanceof dev.steadysocket.ListenerException)
        && !(error instanceof dev.steadysocket.EncodeException)
        && !(error instanceof dev.steadysocket.OutboxOverflowException)
        && !(error instanceof dev.steadysocket.MessageTooLargeException);
  }

  /**
   * With --raw: sees every text frame before the SDK decodes it, so it prints exactly what arrived.
   * Runs on OkHttp's reader thread.
   */
  private final class RawTap implements MessageCodec {
    private final MessageCodec delegate;

    RawTap(MessageCodec delegate) {
      this.delegate = delegate;
    }

    @Override
    public String encode(Envelope envelope) {
      return delegate.encode(envelope);
    }

    @Override
    public Envelope decode(String text) {
      Envelope envelope;
      try {
        envelope = delegate.decode(text);
      } catch (RuntimeException e) {
        print(text, null);
        throw e;
      }
      print(text, envelope.type());
      return envelope;
    }

    private void print(String text, @Nullable String type) {
      if (countReached || (type == null ? !options.types.isEmpty() : !options.accepts(type))) {
        return;
      }
      out.println(text);
      counted();
    }
  }

  /**
   * {@code time  type  sender[→receiver]  content}. The time is the local clock when the line is
   * printed, as on the state lines, so the two streams interleave in order; the envelope's own
   * timestamp (the sender's clock) is in the --json output.
   */
  private String line(Envelope envelope) {
    String who = envelope.sender() == null ? "-" : envelope.sender();
    if (envelope.receiver() != null) {
      who += "→" + envelope.receiver();
    }
    String head = String.format(Locale.ROOT, "%s  %-9s %-12s", TIME.format(Instant.now()), envelope.type(), who);
    return options.pretty
        ? head.stripTrailing() + "\n" + render(envelope.content())
        : head + " " + render(envelope.content());
  }

  private String render(JsonNode content) {
    try {
      return options.pretty
          ? json.writerWithDefaultPrettyPrinter().writeValueAsString(content)
          : json.writeValueAsString(content);
    } catch (IOException e) {
      return String.valueOf(content);
    }
  }

  /** The envelope re-encoded with all seven wire fields. */
  private String wireJson(Envelope envelope) {
    ObjectNode node = json.createObjectNode();
    node.put("id", envelope.id());
    node.put("type", envelope.type());
    node.put("sender", envelope.sender());
    node.put("receiver", envelope.receiver());
    node.set("content", envelope.content());
    node.put("timestamp", envelope.timestamp());
    node.putObject("meta").setAll(envelope.meta());
    return render(node);
  }
}
