package dev.steadysocket.reliability;

import static org.junit.jupiter.api.Assertions.fail;

import dev.steadysocket.testsupport.ChildProcess;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;

/**
 * Where the real peers are. A missing peer skips the calling test locally and fails it on CI
 * ({@code CI=true}), where it means the machine was not set up by {@code .ci/run}.
 */
final class Peers {
  private Peers() {}

  static boolean onCi() {
    return "true".equalsIgnoreCase(System.getenv("CI"));
  }

  static void requireOrSkip(boolean condition, String why) {
    if (condition) return;
    Report.row(Report.Section.FAILED, "real peer", "available", (onCi() ? "FAILED" : "SKIPPED") + ": " + why, "");
    if (onCi()) fail("reliability peer unavailable on CI (CI=true): " + why);
    Assumptions.abort("reliability peer unavailable: " + why);
  }

  /** The repository root: the surefire property, or client-core's parent directory. */
  static Path repoRoot() {
    String configured = System.getProperty("steadysocket.repoRoot");
    Path root = configured != null ? Path.of(configured) : Path.of("").toAbsolutePath().getParent();
    return root.toAbsolutePath().normalize();
  }

  static Path nodeWsDir() {
    return repoRoot().resolve("test-servers/node-ws");
  }

  /** Skips (or fails on CI) unless node and test-servers/node-ws/node_modules/ws are there. */
  static Path requireScenarioScript() {
    Path dir = nodeWsDir();
    Path script = dir.resolve("scenarios.js");
    requireOrSkip(Files.isRegularFile(script), "missing " + script);
    requireOrSkip(version("node", "--version") != null, "'node' is not on the PATH (Node 18+ and npm)");
    requireOrSkip(Files.isDirectory(dir.resolve("node_modules/ws")),
        "node_modules/ws missing in " + dir + ": 'mvn verify' installs it with npm ci unless -Dskip.npm"
            + " (see the node-ws-peer lines of the build log), or run 'npm ci' there");
    return script;
  }

  /** Skips (or fails on CI) unless an nginx binary is found. */
  static String requireNginx() {
    String nginx = nginxBinary();
    String configured = System.getProperty("nginx.path", "");
    requireOrSkip(nginx != null,
        configured.isEmpty()
            ? "nginx not found (PATH, /usr/sbin, /usr/local/sbin or -Dnginx.path); apt-get install nginx-light"
            : "nginx not found at -Dnginx.path=" + configured);
    return nginx;
  }

  /** -Dnginx.path if set (and nothing else), else the first nginx on the PATH or in the sbin directories. */
  static String nginxBinary() {
    String configured = System.getProperty("nginx.path");
    if (configured != null && !configured.isEmpty()) {
      return Files.isExecutable(Path.of(configured)) ? configured : null;
    }
    List<String> candidates = new ArrayList<>();
    String path = System.getenv("PATH");
    if (path != null) {
      for (String p : path.split(File.pathSeparator)) candidates.add(p + "/nginx");
    }
    candidates.add("/usr/sbin/nginx");
    candidates.add("/usr/local/sbin/nginx");
    candidates.add("/usr/local/nginx/sbin/nginx");
    for (String c : candidates) {
      if (Files.isExecutable(Path.of(c))) return c;
    }
    return null;
  }

  /** First output line of {@code command} (stdout, else stderr), or null if it cannot run. */
  static String version(String... command) {
    try (ChildProcess p = ChildProcess.start("version", List.of(command), Map.of())) {
      if (!p.waitFor(Duration.ofSeconds(10))) return null; // close() ends it
      if (p.exitValue() != 0) return null;
      List<String> out = p.drainStdout();
      if (out.isEmpty()) out = p.drainStderr();
      return out.isEmpty() ? "" : out.get(0).trim();
    } catch (IOException e) {
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }

  /** The version of the ws package in node_modules, or "?" */
  static String wsVersion() {
    try {
      String json = Files.readString(nodeWsDir().resolve("node_modules/ws/package.json"));
      java.util.regex.Matcher m = java.util.regex.Pattern.compile("\"version\"\\s*:\\s*\"([^\"]+)\"").matcher(json);
      return m.find() ? m.group(1) : "?";
    } catch (IOException e) {
      return "?";
    }
  }
}
