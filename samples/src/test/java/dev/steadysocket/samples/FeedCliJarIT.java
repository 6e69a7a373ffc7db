package dev.steadysocket.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.steadysocket.testsupport.ChildProcess;
import java.io.File;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The shaded jar, run exactly as the README's first command does (after the package phase). */
@Timeout(60)
class FeedCliJarIT {
  private static final Duration SOON = Duration.ofSeconds(20);

  @Test
  void theShadedJarRunsTheDemoFeed() throws Exception {
    File jar = new File(System.getProperty("feedCli.jar", "target/feed-cli.jar"));
    assertTrue(jar.isFile(), "built by the package phase: " + jar);
    try (ChildProcess cli = ChildProcess.javaJar(jar, "--type", "ticker", "--count", "3")) {
      List<String> lines = cli.remainingStdout(SOON);
      assertEquals(3, lines.size(), cli.transcript());
      assertTrue(lines.get(0).matches("^\\S+  ticker\\s+demo-feed\\s+\\{\"symbol\":.*}$"), lines.get(0));
      assertEquals(0, cli.awaitExit(SOON));
      // slf4j-simple is bound (no "no SLF4J providers" warning) and quiet by default.
      assertTrue(!cli.transcript().contains("SLF4J"), cli.transcript());
    }
  }

  @Test
  void theDemoServerMainRunsFromTheJar() throws Exception {
    File jar = new File(System.getProperty("feedCli.jar", "target/feed-cli.jar"));
    List<String> command =
        List.of(
            java.nio.file.Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-cp", jar.getPath(), DemoFeedServer.class.getName(), "--help");
    try (ChildProcess server = ChildProcess.start("DemoFeedServer", command)) {
      server.awaitStdout("^Usage: DemoFeedServer", SOON);
      assertEquals(0, server.awaitExit(SOON));
    }
  }
}
