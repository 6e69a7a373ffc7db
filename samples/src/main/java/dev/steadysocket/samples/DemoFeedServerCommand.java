package dev.steadysocket.samples;

import java.io.IOException;
import java.util.concurrent.CountDownLatch;

/**
 * {@code DemoFeedServer}'s command line: parses the flags, starts the server, and waits for
 * Ctrl-C. Run it as {@code java -cp samples/target/feed-cli.jar dev.steadysocket.samples.DemoFeedServer}.
 */
final class DemoFeedServerCommand {
  private DemoFeedServerCommand() {}

  private static final String USAGE =
      String.join(
          "\n",
          "Usage: DemoFeedServer [--port N] [--chaos] [--token T] [--ticker-ms N]",
          "",
          "A demo feed on ws://127.0.0.1:<port>/: ticker envelopes several times a second plus a",
          "chat room; ws://127.0.0.1:<port>/chat is the chat room alone.",
          "",
          "  --port N        port on 127.0.0.1 (default " + DemoFeedServer.DEFAULT_PORT + "; 0 picks a free one)",
          "  --chaos         cut every connection abruptly every 3-6 seconds",
          "  --token T       refuse upgrades (HTTP 401) without 'Authorization: Bearer T'",
          "  --ticker-ms N   interval between ticker envelopes (default 200)",
          "",
          "Delivery guarantees: envelopes with meta.ack=true are acknowledged and handled once per",
          "id; 'request' envelopes get a 'reply' (meta.replyTo); ticker entries carry meta.stream",
          "and are replayed to clients that resume (last 16384 kept).",
          "  --help          show this help");

  public static void main(String[] argv) throws Exception {
    System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
    DemoFeedServer.Options options = new DemoFeedServer.Options().port(DemoFeedServer.DEFAULT_PORT).log(System.err);
    ArgReader args = new ArgReader(argv);
    try {
      while (args.hasNext()) {
        String arg = args.next();
        switch (arg) {
          case "--port":
            options.port(args.intValue(arg, 0));
            break;
          case "--chaos":
            options.chaos(true);
            break;
          case "--token":
            options.requiredToken(args.value(arg));
            break;
          case "--ticker-ms":
            options.tickerMillis(args.intValue(arg, 1));
            break;
          case "--help":
          case "-h":
            System.out.println(USAGE);
            return;
          default:
            throw new UsageException("unknown argument: " + arg + " (see --help)");
        }
      }
    } catch (UsageException e) {
      System.err.println("DemoFeedServer: " + e.getMessage());
      System.exit(2);
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
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  feed.close();
                  stopped.countDown();
                },
                "demo-feed-shutdown"));
    System.out.println("demo feed server listening on " + feed.url("/") + " (chat only: " + feed.url("/chat") + ")"
        + (options.chaos ? ", chaos on" : "") + "; Ctrl-C to stop");
    stopped.await();
  }
}
