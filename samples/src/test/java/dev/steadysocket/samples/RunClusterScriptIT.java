package dev.steadysocket.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.steadysocket.testsupport.ChildProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * samples/cluster/run-cluster.sh as the README runs it (after the package phase): redis-server, two
 * nodes, the producer and feed-cli; node A is killed mid-feed and feed-cli's output must go on
 * from node B without a gap or a repeat.
 */
@Timeout(180)
class RunClusterScriptIT {
  private static final Duration LONG = Duration.ofSeconds(150);

  @Test
  void theScriptFailsOverWithoutGapOrRepeat() throws Exception {
    RedisServer.requireOrSkip(); // the script starts its own
    Path script = NodeWsServer.repoRoot().resolve("samples/cluster/run-cluster.sh");
    assertTrue(Files.isRegularFile(script), script.toString());
    try (ChildProcess run =
        ChildProcess.start("run-cluster", List.of("bash", script.toString(), "--rate", "20", "--kill-after", "2",
            "--", "--type", "ticker,system", "--count", "200"))) {
      List<String> lines = run.remainingStdout(LONG);
      assertEquals(0, run.awaitExit(LONG), run.transcript());
      ObjectMapper json = new ObjectMapper();
      List<Long> numbers = new ArrayList<>();
      List<String> nodes = new ArrayList<>();
      for (String line : lines) {
        String[] fields = line.split("\\s+", 4);
        if (fields.length < 4) {
          continue;
        }
        if (fields[1].equals("ticker")) {
          numbers.add(json.readTree(fields[3]).get("n").asLong());
        } else if (fields[1].equals("system")) {
          nodes.add(json.readTree(fields[3]).path("node").asText());
        }
      }
      assertEquals(List.of("A", "B"), nodes, "welcomed by A, then by B after the kill\n" + run.transcript());
      assertTrue(numbers.size() >= 190, run.transcript());
      for (int i = 1; i < numbers.size(); i++) {
        assertEquals(numbers.get(0) + i, numbers.get(i), "consecutive across the failover\n" + run.transcript());
      }
    }
  }
}
