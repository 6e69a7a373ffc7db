package dev.steadysocket.micrometer;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The README's meter table lists exactly the meters the module registers. */
class ReadmeTableTest {
  private static final Path README = Path.of(System.getProperty("basedir", "")).toAbsolutePath().resolve("README.md");
  private static final Pattern ROW = Pattern.compile("^\\| `(steadysocket\\.[a-z.]+)` \\|", Pattern.MULTILINE);

  @Test
  void theTableListsEveryMeterOnce() throws IOException {
    TreeSet<String> rows = new TreeSet<>();
    int count = 0;
    Matcher m = ROW.matcher(Files.readString(README, StandardCharsets.UTF_8));
    while (m.find()) {
      rows.add(m.group(1));
      count++;
    }
    assertEquals(MeterNames.ALL, rows);
    assertEquals(MeterNames.ALL.size(), count, "a meter listed twice");
  }
}
