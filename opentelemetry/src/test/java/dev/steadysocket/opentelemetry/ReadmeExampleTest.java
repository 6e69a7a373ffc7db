package dev.steadysocket.opentelemetry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The module's README shows the example files verbatim, so the example it documents is the one
 * {@code mvn verify} runs: every block introduced by a link to a test source equals that file, and
 * every file of the example package is shown. To update the README, copy the file into its block.
 */
class ReadmeExampleTest {
  private static final Path MODULE = Path.of(System.getProperty("basedir", "")).toAbsolutePath();
  private static final Path README = MODULE.resolve("README.md");
  private static final Path EXAMPLE = MODULE.resolve("src/test/java/dev/steadysocket/opentelemetry/example");
  private static final Pattern FILE_BLOCK = Pattern.compile(
      "^\\[`[^`]+`\\]\\((src/test/java/[^)]+\\.java)\\):\\n```java\\n(.*?)^```$", Pattern.MULTILINE | Pattern.DOTALL);

  @Test
  void everyExampleFileIsShownWholeAndUnchanged() throws IOException {
    Map<String, String> blocks = new TreeMap<>();
    Matcher m = FILE_BLOCK.matcher(read(README));
    while (m.find()) {
      if (blocks.put(m.group(1), m.group(2)) != null) fail(m.group(1) + " is shown twice");
    }
    TreeSet<String> files;
    try (Stream<Path> s = Files.list(EXAMPLE)) {
      files = s.map(p -> MODULE.relativize(p).toString().replace('\\', '/')).collect(Collectors.toCollection(TreeSet::new));
    }
    assertEquals(files, new TreeSet<>(blocks.keySet()), "the example's files and the README's blocks");
    for (Map.Entry<String, String> b : blocks.entrySet()) {
      assertEquals(read(MODULE.resolve(b.getKey())), b.getValue(), b.getKey() + " differs from its block in README.md");
    }
  }

  private static String read(Path p) throws IOException {
    return Files.readString(p, StandardCharsets.UTF_8).replace("\r\n", "\n");
  }
}
