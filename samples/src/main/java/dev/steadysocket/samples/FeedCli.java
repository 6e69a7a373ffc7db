package dev.steadysocket.samples;

import dev.steadysocket.Backoff;
import dev.steadysocket.ConnectionState;
import dev.steadysocket.Envelope;
import dev.steadysocket.Heartbeat;
import dev.steadysocket.MessageCodec;
import dev.steadysocket.SteadySocket;
import dev.steadysocket.SteadySocketBuilder;
import dev.steadysocket.samples.support.Console;
import dev.steadysocket.samples.support.ErrorText;
import dev.steadysocket.samples.support.UsageException;
import java.io.IOException;
import java.io.PrintStream;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * {@code feed-cli}: subscribes to a feed and prints every message, showing the reconnect behaviour
 * of {@link SteadySocket} on stderr. Run with {@code --help} for the options.
 *
 * <p>{@link #socket} is all the SteadySocket set-up there is; the options are parsed by {@link
 * FeedOptions}, the output is {@link FeedPrinter}'s.
 */
public final class FeedCli {
  static final int EXIT_OK = 0;
  static final int EXIT_FAILURE = 1;
  static final int EXIT_USAGE = 2;
  static final int EXIT_AUTH = 3;
  static final int EXIT_ATTEMPTS_EXHAUSTED = 4;
  static final int EXIT_HANDSHAKE = 5;

  /** Ids remembered with --resume, to drop what a replay repeats. */
  private static final int RESUME_DEDUP_WINDOW = 4_096;

  private FeedCli() {}

  /** The socket the command line asks for. */
  static SteadySocket socket(String url, FeedOptions o, FeedPrinter printer) {
    SteadySocketBuilder builder = SteadySocket.builder(url)
        .failoverUrls(o.failoverUrls.toArray(new String[0]))
        .acknowledgedSends(o.ack)                 // --send completes on the server's ack
        .resumeStreams(o.resume)                  // the server replays what a drop missed…
        .deduplicate(o.resume ? RESUME_DEDUP_WINDOW : 0) // …and repeats are dropped by id
        .codec(o.raw ? printer.rawTap(MessageCodec.jackson()) : MessageCodec.jackson())
        .listener(printer);
    o.headers.forEach(header -> builder.header(header[0], header[1]));
    String token = o.token;
    if (token != null) {
      builder.tokenProvider(refresh -> token); // sent as Authorization: Bearer <token>
    }
    if (o.heartbeat != null) {
      builder.heartbeat(o.heartbeat.isZero() ? Heartbeat.disabled() : Heartbeat.every(o.heartbeat));
    }
    if (o.maxBackoff != null) {
      Duration initial = o.maxBackoff.compareTo(Duration.ofSeconds(1)) < 0 ? o.maxBackoff : Duration.ofSeconds(1);
      builder.backoff(Backoff.exponential(initial, o.maxBackoff));
    }
    if (o.maxAttempts > 0) {
      builder.maxReconnectAttempts(o.maxAttempts);
    }
    if (o.metrics) {
      builder.observer(FeedMetrics.everySecond(printer::metrics)); // a line on stderr every second until closed
    }
    return builder.build();
  }

  public static void main(String[] argv) {
    PrintStream out = Console.out();
    PrintStream err = Console.err();
    FeedOptions options;
    try {
      options = FeedOptions.parse(argv);
    } catch (UsageException e) {
      err.println("feed-cli: " + e.getMessage());
      System.exit(EXIT_USAGE);
      return;
    }
    if (options.help) {
      out.println(FeedOptions.usage());
      return;
    }
    Console.logLevel(options.verbose ? "debug" : "warn");
    System.exit(run(options, new FeedPrinter(options, out, err), err));
  }

  private static int run(FeedOptions options, FeedPrinter printer, PrintStream err) {
    DemoFeedServer demo = null;
    String url = options.url;
    if (url == null) {
      try {
        demo = DemoFeedServer.start(new DemoFeedServerOptions().chaos(options.chaos).log(options.verbose ? err : null));
      } catch (IOException e) {
        return printer.fail(EXIT_FAILURE, "cannot start the demo feed server: " + e.getMessage());
      }
      url = demo.url("/");
      printer.state("demo feed server on " + url
          + (options.chaos ? " (chaos: drops every 3-6 s; resuming the feed after each)" : ""));
    }
    SteadySocket socket;
    try {
      socket = socket(url, options, printer);
    } catch (IllegalArgumentException e) {
      closeQuietly(demo);
      return printer.fail(EXIT_USAGE, "bad URL: " + e.getMessage()); // not echoed: it may hold a token
    }
    printer.closeAtCount(socket);
    DemoFeedServer demoToClose = demo;
    Runtime.getRuntime().addShutdownHook(new Thread(() -> closeGracefully(socket, demoToClose, err), "feed-cli-shutdown"));

    FeedSubscriptions.register(socket, options.subscribe);
    printer.state("connecting to " + socket.redactedUrl());
    socket.connect();
    String text = options.sendText;
    if (text != null) {
      // Queued in the outbox until the connection is open.
      socket.send(Envelope.builder("text").sender("feed-cli").content(text).build())
          .whenComplete((ok, error) ->
              printer.state(error == null ? "sent the --send text" : "--send failed: " + ErrorText.describe(error)));
    }
    int status = printer.exitStatus().join();
    closeGracefully(socket, demo, err);
    return status;
  }

  /** Idempotent: from the main thread at the end, or from the shutdown hook on Ctrl-C. */
  private static void closeGracefully(SteadySocket socket, @Nullable DemoFeedServer demo, PrintStream err) {
    if (socket.state() != ConnectionState.CLOSED) {
      socket.close();
      try {
        socket.closeFuture().get(6, TimeUnit.SECONDS); // the close handshake's 5 s and a margin
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
}
