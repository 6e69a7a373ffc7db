package dev.steadysocket.reliability;

import dev.steadysocket.testsupport.ChildProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.regex.Matcher;

/**
 * test-servers/tornado/server.py in a child process: a real Tornado server that reads the token
 * from {@code Sec-WebSocket-Protocol}. It exits by itself when its stdin closes.
 */
final class TornadoServer implements AutoCloseable {
  private final ChildProcess process;
  final int port;

  private TornadoServer(ChildProcess process, int port) {
    this.process = process;
    this.port = port;
  }

  /** Skips (fails on CI) unless a Python with Tornado is found ({@code apt-get install python3-tornado}). */
  static TornadoServer start() throws IOException, InterruptedException {
    Path script = Peers.repoRoot().resolve("test-servers/tornado/server.py");
    Peers.requireOrSkip(Files.isRegularFile(script), "missing " + script);
    String python = python();
    Peers.requireOrSkip(python != null,
        "no Python with Tornado (tried -Dtornado.python, /usr/bin/python3, python3): apt-get install python3-tornado");
    ChildProcess p = ChildProcess.start("tornado", List.of(python, script.toString(), "0"), Collections.emptyMap());
    try {
      Matcher m = p.awaitStdout("^LISTENING (\\d+)$", Duration.ofSeconds(15));
      return new TornadoServer(p, Integer.parseInt(m.group(1)));
    } catch (Throwable t) {
      p.kill();
      throw t;
    }
  }

  /** The first Python that can import tornado, or null. */
  static String python() {
    List<String> candidates = new ArrayList<>();
    String configured = System.getProperty("tornado.python");
    if (configured != null && !configured.isEmpty()) candidates.add(configured);
    candidates.add("/usr/bin/python3");
    candidates.add("python3");
    for (String c : candidates) {
      if (Peers.version(c, "-c", "import tornado; print(tornado.version)") != null) return c;
    }
    return null;
  }

  static String version(String python) {
    return Peers.version(python, "-c", "import tornado; print(tornado.version)");
  }

  String url(String path) {
    return "ws://127.0.0.1:" + port + path;
  }

  @Override
  public void close() {
    process.close();
  }
}
