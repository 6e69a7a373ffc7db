package dev.steadysocket.samples;

import dev.steadysocket.testsupport.ChildProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;

/**
 * The real peer in test-servers/node-ws: Node's {@code ws} library speaking our wire format. When
 * node or its node_modules are missing the calling test is skipped, except on CI ({@code CI=true}),
 * where that is a broken setup and fails ({@link Peers#requireOrSkip}).
 */
final class NodeWsServer implements AutoCloseable {
  private final ChildProcess process;
  final int port;

  private NodeWsServer(ChildProcess process, int port) {
    this.process = process;
    this.port = port;
  }

  static NodeWsServer start() throws IOException, InterruptedException {
    return start(java.util.Map.of());
  }

  /** With extra environment variables (TICKER_INTERVAL_MS, HISTORY_SIZE, …: see server.js). */
  static NodeWsServer start(java.util.Map<String, String> env) throws IOException, InterruptedException {
    Path dir = repoRoot().resolve("test-servers/node-ws");
    requireOrSkip(Peers.commandRuns("node", "--version"), "'node' is not on the PATH (Node 18+ and npm)");
    requireOrSkip(Files.isDirectory(dir.resolve("node_modules/ws")),
        "node_modules/ws missing in " + dir + ": 'mvn verify' installs it with npm ci unless -Dskip.npm"
            + " (see the node-ws-peer lines of the build log), or run 'npm ci' there");
    ChildProcess process =
        ChildProcess.start("node-ws", Arrays.asList("node", dir.resolve("server.js").toString(), "0"), env);
    try {
      int port = Integer.parseInt(process.awaitStdout("^LISTENING (\\d+)$", Duration.ofSeconds(15)).group(1));
      return new NodeWsServer(process, port);
    } catch (Throwable t) {
      process.close();
      throw t;
    }
  }

  String url(String pathAndQuery) {
    return "ws://127.0.0.1:" + port + pathAndQuery;
  }

  /** Cuts every connection abruptly (the server's stdin command). */
  void dropAll() throws IOException {
    process.writeLine("drop");
  }

  /** The next stdout line matching {@code regex} (lines before it are consumed). */
  java.util.regex.Matcher awaitStdout(String regex, Duration timeout) throws InterruptedException {
    return process.awaitStdout(regex, timeout);
  }

  /** The server's own log line matching {@code regex}. */
  void awaitLog(String regex, Duration timeout) throws InterruptedException {
    process.awaitStderr(regex, timeout);
  }

  @Override
  public void close() {
    process.close(); // closes the server's stdin, on which it exits
  }

  static Path repoRoot() {
    String configured = System.getProperty("steadysocket.repoRoot");
    Path root = configured != null ? Path.of(configured) : Path.of("").toAbsolutePath().getParent();
    return root.toAbsolutePath().normalize();
  }

  private static void requireOrSkip(boolean available, String why) {
    Peers.requireOrSkip("Node ws test server", available, why);
  }
}
