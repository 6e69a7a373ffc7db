package dev.steadysocket.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * docs/testing.md shows the example files verbatim, so the page cannot rot: every code block
 * introduced by a link to a file under {@code testing/src/test/java} must equal that file, and every
 * file in the examples package must be shown. To update the page, copy the file into its block.
 */
class DocsExamplesTest {
  /** Surefire runs in the module directory; the page is in the repository's docs/. */
  private static final Path MODULE = Path.of(System.getProperty("basedir", "")).toAbsolutePath();
  private static final Path PAGE = MODULE.resolve("../docs/testing.md").normalize();
  private static final Path EXAMPLES = MODULE.resolve("src/test/java/dev/steadysocket/testing/examples");

  /** A line that is only a link to a test source file, followed by the fenced block that shows it. */
  private static final Pattern FILE_BLOCK = Pattern.compile(
      "^\\[`[^`]+`\\]\\(\\.\\./(testing/src/test/java/[^)]+\\.java)\\):?\\n```java\\n(.*?)^```$",
      Pattern.MULTILINE | Pattern.DOTALL);

  @Test
  void everyFileBlockOnThePageEqualsItsFile() throws IOException {
    Map<String, String> blocks = blocks();
    assertTrue(blocks.size() >= 6, "no file blocks found on " + PAGE + "; the page's convention changed?");
    List<String> problems = new ArrayList<>();
    for (Map.Entry<String, String> b : blocks.entrySet()) {
      Path file = MODULE.resolve("..").resolve(b.getKey()).normalize();
      if (!Files.exists(file)) {
        problems.add(b.getKey() + ": the page links a file that does not exist");
        continue;
      }
      String difference = firstDifference(read(file), b.getValue());
      if (difference != null) problems.add(b.getKey() + ": the page's block differs from the file, " + difference);
    }
    if (!problems.isEmpty()) fail("docs/testing.md is out of date (copy each file into its block):\n  " + String.join("\n  ", problems));
  }

  @Test
  void everyExampleFileIsOnThePage() throws IOException {
    TreeSet<String> files;
    try (Stream<Path> s = Files.list(EXAMPLES)) {
      files = s.filter(p -> p.toString().endsWith(".java"))
          .map(p -> MODULE.getFileName() + "/" + MODULE.relativize(p).toString().replace('\\', '/'))
          .collect(Collectors.toCollection(TreeSet::new));
    }
    files.removeAll(blocks().keySet());
    assertEquals(new TreeSet<>(), files, "example files that docs/testing.md does not show");
  }

  private static Map<String, String> blocks() throws IOException {
    Map<String, String> blocks = new TreeMap<>();
    Matcher m = FILE_BLOCK.matcher(read(PAGE));
    while (m.find()) {
      if (blocks.put(m.group(1), m.group(2)) != null) fail(m.group(1) + " is shown twice on the page");
    }
    return blocks;
  }

  private static String read(Path p) throws IOException {
    return Files.readString(p, StandardCharsets.UTF_8).replace("\r\n", "\n");
  }

  /** Null if equal, otherwise the first line that differs, both ways. */
  static String firstDifference(String file, String block) {
    String[] f = file.split("\n", -1), b = block.split("\n", -1);
    for (int i = 0; i < Math.max(f.length, b.length); i++) {
      String fl = i < f.length ? f[i] : "<end of file>", bl = i < b.length ? b[i] : "<end of block>";
      if (!fl.equals(bl)) return "line " + (i + 1) + ":\n    file: " + fl + "\n    page: " + bl;
    }
    return null;
  }
}
