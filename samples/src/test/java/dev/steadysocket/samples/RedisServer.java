package dev.steadysocket.samples;

import dev.steadysocket.testsupport.ChildProcess;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * A throw-away {@code redis-server} (Debian's package) in a child process: 127.0.0.1 only, a free
 * port, no persistence, a temporary working directory that {@link #close()} deletes. When the
 * binary is missing the calling test is skipped, except on CI ({@code CI=true}), where that is a
 * broken setup and fails.
 */
final class RedisServer implements AutoCloseable {
  private final ChildProcess process;
  private final Path dir;
  final int port;

  private RedisServer(ChildProcess process, Path dir, int port) {
    this.process = process;
    this.dir = dir;
    this.port = port;
  }

  static RedisServer start() throws IOException, InterruptedException {
    requireOrSkip();
    Path dir = Files.createTempDirectory("steadysocket-redis");
    // A port that was free a moment ago; redis-server fails loudly (and we retry) if it was taken since.
    for (int attempt = 1; ; attempt++) {
      int port = freePort();
      ChildProcess process =
          ChildProcess.start(
              "redis-server",
              Arrays.asList(
                  "redis-server", "--port", Integer.toString(port), "--bind", "127.0.0.1",
                  "--save", "", "--appendonly", "no", "--dir", dir.toString(),
                  "--daemonize", "no", "--protected-mode", "yes", "--logfile", ""));
      try {
        process.awaitStdout("Ready to accept connections", Duration.ofSeconds(15));
        return new RedisServer(process, dir, port);
      } catch (Throwable t) {
        process.close();
        if (attempt == 3) {
          deleteQuietly(dir);
          throw t;
        }
      }
    }
  }

  /** {@code 127.0.0.1:<port>}. */
  String address() {
    return "127.0.0.1:" + port;
  }

  @Override
  public void close() {
    process.close();
    deleteQuietly(dir);
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      return socket.getLocalPort();
    }
  }

  private static void deleteQuietly(Path dir) {
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException ignored) {
      // A temp directory left behind is harmless.
    }
  }

  /** Skips the calling test without redis-server (fails it on CI). */
  static void requireOrSkip() {
    Peers.requireOrSkip("Redis", Peers.commandRuns("redis-server", "--version"),
        "'redis-server' is not on the PATH (Debian: apt-get install redis-server)");
  }
}
