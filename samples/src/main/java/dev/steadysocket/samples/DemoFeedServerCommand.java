package dev.steadysocket.samples;

import dev.steadysocket.samples.support.CommandLine;
import dev.steadysocket.samples.support.Console;
import java.io.IOException;
import java.util.concurrent.CountDownLatch;

/**
 * {@code DemoFeedServer}'s command line: parses the flags, starts the server, and waits for
 * Ctrl-C. Run it as {@code java -cp samples/target/feed-cli.jar dev.steadysocket.samples.DemoFeedServer}.
 */
final class DemoFeedServerCommand {
  private DemoFeedServerCommand() {}

  static void main(String[] argv) throws InterruptedException {
    Console.logLevel("warn");
    DemoFeedServerOptions options = new DemoFeedServerOptions().port(DemoFeedServer.DEFAULT_PORT).log(System.err);
    CommandLine commandLine = new CommandLine("Usage: DemoFeedServer [--port N] [--chaos] [--token T] [--ticker-ms N]")
        .text(
            "",
            "A demo feed on ws://127.0.0.1:<port>/: ticker envelopes several times a second plus a",
            "chat room; ws://127.0.0.1:<port>/chat is the chat room alone.",
            "")
        .option("--port", "N", "port on 127.0.0.1 (default " + DemoFeedServer.DEFAULT_PORT + "; 0 picks a free one)",
            v -> options.port(CommandLine.atLeast("--port", v, 0)))
        .flag("--chaos", "cut every connection abruptly every 3-6 seconds", () -> options.chaos(true))
        .option("--token", "T", "refuse upgrades (HTTP 401) without 'Authorization: Bearer T'", options::requiredToken)
        .option("--ticker-ms", "N", "interval between ticker envelopes (default 200)",
            v -> options.tickerMillis(CommandLine.atLeast("--ticker-ms", v, 1)))
        .text(
            "",
            "Delivery guarantees: envelopes with meta.ack=true are acknowledged and handled once per",
            "id; 'request' envelopes get a 'reply' (meta.replyTo); ticker entries carry meta.stream",
            "and are replayed to clients that resume (last 16384 kept).")
        .helpOption();
    if (!commandLine.parseOrExit("DemoFeedServer", argv, System.out, System.err)) {
      return;
    }
    DemoFeedServer feed;
    try {
      feed = DemoFeedServer.start(options);
    } catch (IOException e) {
      System.err.println("DemoFeedServer: cannot listen on 127.0.0.1:" + options.port + ": " + e.getMessage());
      System.exit(1);
      return;
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      feed.close();
      stopped.countDown();
    }, "demo-feed-shutdown"));
    System.out.println("demo feed server listening on " + feed.url("/") + " (chat only: " + feed.url("/chat") + ")"
        + (options.chaos ? ", chaos on" : "") + "; Ctrl-C to stop");
    stopped.await();
  }
}
