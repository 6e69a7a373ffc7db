package dev.steadysocket.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.steadysocket.SocketObserver;
import java.io.IOException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Keeps "every event has a test" true as events are added: RecordingObserver records every method
 * of SocketObserver, and each event's name appears in an assertion of some Observer…Test.
 */
class ObserverCoverageTest {
  private static List<Method> events() {
    List<Method> out = new ArrayList<>();
    for (Method m : SocketObserver.class.getDeclaredMethods()) {
      if (Modifier.isPublic(m.getModifiers()) && !Modifier.isStatic(m.getModifiers())) out.add(m);
    }
    return out;
  }

  @Test
  void theRecordingObserverRecordsEveryEvent() {
    List<String> missing = new ArrayList<>();
    for (Method m : events()) {
      try {
        RecordingObserver.class.getDeclaredMethod(m.getName(), m.getParameterTypes());
      } catch (NoSuchMethodException e) {
        missing.add(m.getName());
      }
    }
    assertEquals(List.of(), missing, "SocketObserver methods RecordingObserver does not record");
    assertEquals(34, events().size(), "a new event: record it, test it, then count it here");
  }

  @Test
  void everyEventIsAssertedInAnObserverTest() throws IOException {
    Path dir = Path.of("src/test/java/dev/steadysocket/testing"); // the module's directory, as Maven runs it
    if (!Files.isDirectory(dir)) dir = Path.of("testing").resolve(dir); // from the repository's root
    StringBuilder tests = new StringBuilder();
    try (Stream<Path> files = Files.list(dir)) {
      for (Path f : files.filter(p -> p.getFileName().toString().matches("Observer.*Test\\.java"))
          .filter(p -> !p.getFileName().toString().equals("ObserverCoverageTest.java")).collect(Collectors.toList())) {
        tests.append(Files.readString(f));
      }
    }
    TreeSet<String> untested = new TreeSet<>();
    for (Method m : events()) {
      String name = m.getName();
      if (!tests.toString().contains("\"" + name)) untested.add(name); // "name(…)" lines or "name" counts
    }
    assertEquals(new TreeSet<>(), untested, "events no Observer…Test asserts");
  }
}
