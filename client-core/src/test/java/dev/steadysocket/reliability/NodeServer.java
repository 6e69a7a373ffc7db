package dev.steadysocket.reliability;

import dev.steadysocket.testsupport.ChildProcess;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;

/**
 * test-servers/node-ws/scenarios.js in a child process: a real Node {@code ws} peer that
 * misbehaves on request. Started per test class; it exits by itself when its stdin closes.
 */
final class NodeServer implements AutoCloseable {
  private static final Duration STARTUP = Duration.ofSeconds(15);

  private final ChildProcess process;
  final int port;

  private NodeServer(ChildProcess process, int port) {
    this.process = process;
    this.port = port;
  }

  /** On a random port. Skips (fails on CI) if node or node_modules/ws is missing. */
  static NodeServer start() throws IOException, InterruptedException {
    return start(0);
  }

  /** On {@code port} (0: random). */
  static NodeServer start(int port) throws IOException, InterruptedException {
    return start(port, Collections.<String, String>emptyMap());
  }

  /** On {@code port} (0: random), with extra environment variables (e.g. SINK_LOG). */
  static NodeServer start(int port, Map<String, String> env) throws IOException, InterruptedException {
    Path script = Peers.requireScenarioScript();
    Map<String, String> all = new HashMap<>(env);
    all.put("MAX_LIFETIME_MS", "900000");
    ChildProcess p =
        ChildProcess.start("scenarios.js", Arrays.asList("node", script.toString(), String.valueOf(port)), all);
    try {
      Matcher m = p.awaitStdout("^LISTENING (\\d+)$", STARTUP);
      return new NodeServer(p, Integer.parseInt(m.group(1)));
    } catch (Throwable t) {
      p.kill();
      throw t;
    }
  }

  String url(String pathAndQuery) {
    return "ws://127.0.0.1:" + port + pathAndQuery;
  }

  Matcher awaitStdout(String regex, Duration timeout) throws InterruptedException {
    return process.awaitStdout(regex, timeout);
  }

  /** The next stdout line, or null if none within {@code timeout}. */
  String nextStdout(Duration timeout) throws InterruptedException {
    return process.nextStdout(timeout);
  }

  List<String> drainStdout() {
    return process.drainStdout();
  }

  /** SIGKILL: the kernel closes the server's sockets; stdout is read to its end. */
  void kill() throws InterruptedException {
    process.kill();
  }

  @Override
  public void close() {
    process.close();
  }
}
