package dev.steadysocket.micrometer.example;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.steadysocket.SteadySocket;
import dev.steadysocket.micrometer.SteadySocketMeters;
import dev.steadysocket.testing.FakeServer;
import dev.steadysocket.testing.SteadySocketExtension;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Runs the README's example, and keeps the README's code blocks equal to the example file's marked parts. */
@ExtendWith(SteadySocketExtension.class)
class MicrometerExampleTest {
  private static final Path MODULE = Path.of(System.getProperty("basedir", "")).toAbsolutePath();
  private static final Path EXAMPLE = MODULE.resolve("src/test/java/dev/steadysocket/micrometer/example/MicrometerExample.java");
  private static final Path README = MODULE.resolve("README.md");
  private static final Pattern MARKED = Pattern.compile("^ *// README:begin \\w+\\n(.*?)^ *// README:end\\n",
      Pattern.MULTILINE | Pattern.DOTALL);

  @Test
  void theExampleRunsAndItsMetersShowThePricesAndTheReconnect(FakeServer server) {
    MeterRegistry registry = new SimpleMeterRegistry();
    List<String> lines = MicrometerExample.run(server, registry);
    assertTrue(lines.contains("steadysocket.messages{direction=in} count=3.000"), () -> String.join("\n", lines));
    assertTrue(lines.contains("steadysocket.reconnects{} count=1.000"), () -> String.join("\n", lines));
    assertTrue(lines.contains("steadysocket.connection.state{state=open} value=1.000"), () -> String.join("\n", lines));
    assertFalse(String.join("\n", lines).contains("secret"));
    assertEquals(List.of(), registry.getMeters(), "closed: the meters are gone");
  }

  @Test
  void theSpringShapeCountsOnceTheContainerBindsTheMeters() {
    SteadySocketMeters meters = MicrometerExample.tickerMeters();
    SteadySocket socket = MicrometerExample.ticker(meters);
    try {
      MeterRegistry registry = new SimpleMeterRegistry();
      meters.bindTo(registry); // what Boot does with every MeterBinder bean
      assertEquals(1, registry.get("steadysocket.connection.state").tag("socket", "ticker").tag("state", "idle").gauge().value());
    } finally {
      socket.close();
    }
  }

  @Test
  void theReadmeShowsTheExampleVerbatim() throws IOException {
    String readme = read(README);
    List<String> blocks = new ArrayList<>();
    Matcher m = MARKED.matcher(read(EXAMPLE));
    while (m.find()) blocks.add(m.group(1).replaceAll("(?m)^  ", ""));
    assertEquals(2, blocks.size(), "two marked parts in " + EXAMPLE);
    for (String block : blocks) {
      assertTrue(readme.contains("```java\n" + block + "```\n"),
          () -> "README.md does not show this part of MicrometerExample.java verbatim (copy it):\n" + block);
    }
  }

  private static String read(Path p) throws IOException {
    return Files.readString(p, StandardCharsets.UTF_8).replace("\r\n", "\n");
  }
}
