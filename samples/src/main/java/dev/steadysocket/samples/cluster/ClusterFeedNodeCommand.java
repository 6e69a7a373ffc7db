package dev.steadysocket.samples.cluster;

import dev.steadysocket.samples.support.CommandLine;
import dev.steadysocket.samples.support.Console;
import java.io.IOException;
import java.util.concurrent.CountDownLatch;

/** {@code ClusterFeedNode}'s command line: parses the flags, starts the node, waits for Ctrl-C. */
final class ClusterFeedNodeCommand {
  private ClusterFeedNodeCommand() {}

  static void main(String[] argv) throws InterruptedException {
    Console.logLevel("warn");
    ClusterFeedNodeOptions options = new ClusterFeedNodeOptions().log(System.out);
    CommandLine commandLine =
        new CommandLine("Usage: ClusterFeedNode --redis HOST:PORT [--port N] [--name NAME] [--stream KEY] [--inbox KEY]")
            .text(
                "",
                "One node of a feed cluster: serves the Redis Stream KEY (default 'ticker') to WebSocket",
                "clients on ws://127.0.0.1:<port>/, replays the gap to clients that resume (from Redis, so",
                "after a failover from another node too), and appends client messages sent with",
                "meta.ack=true to the stream 'inbox' once per id across all nodes. Prints 'LISTENING <port>'",
                "on stdout when ready, then one line per event.",
                "")
            .option("--redis", "HOST:PORT", "the Redis server (default 127.0.0.1:6379)", options::redis)
            .option("--port", "N", "port on 127.0.0.1 (default 0: a free one)",
                v -> options.port(CommandLine.atLeast("--port", v, 0)))
            .option("--name", "NAME", "node name for logs and replies (default 'node')", options::name)
            .option("--stream", "KEY", "the feed's stream key (default 'ticker')", options::stream)
            .option("--inbox", "KEY", "the stream client messages go to (default 'inbox')", options::inboxStream)
            .helpOption();
    if (!commandLine.parseOrExit("ClusterFeedNode", argv, System.out, System.err)) {
      return;
    }
    ClusterFeedNode node;
    try {
      node = ClusterFeedNode.start(options);
    } catch (IOException e) {
      System.err.println("ClusterFeedNode: " + e.getMessage());
      System.exit(1);
      return;
    }
    CountDownLatch done = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      node.close();
      done.countDown();
    }, "cluster-node-shutdown"));
    System.out.println("LISTENING " + node.port());
    done.await();
  }
}
