package dev.steadysocket.testsupport;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.TestSource;
import org.junit.platform.engine.support.descriptor.ClassSource;
import org.junit.platform.engine.support.descriptor.MethodSource;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;

/**
 * Puts the reason of every skipped test in the build log. Surefire counts skipped tests on the
 * console but keeps their reasons in target/surefire-reports/TEST-*.xml only; this listener
 * (registered in this module's META-INF/services, so in every test JVM that has test-support on
 * its class path) writes one line per test class and reason to the test JVM's own stderr, which
 * Surefire copies to the build log, e.g.
 *
 * <pre>SKIPPED 3 tests in NginxProxyTest: reliability peer unavailable: nginx not found …</pre>
 *
 * A whole class aborted before its tests (which Surefire shows as "Tests run: 0") is printed too.
 */
public final class SkipReasonsOnConsole implements TestExecutionListener {
  private final PrintStream console =
      new PrintStream(new FileOutputStream(FileDescriptor.err), true, StandardCharsets.UTF_8);
  /** Test class → reason → skipped tests. */
  private final Map<String, Map<String, AtomicInteger>> skipped = new ConcurrentHashMap<>();

  @Override
  public void executionSkipped(TestIdentifier test, String reason) {
    record(test, "SKIPPED", reason);
  }

  @Override
  public void executionFinished(TestIdentifier test, TestExecutionResult result) {
    if (result.getStatus() == TestExecutionResult.Status.ABORTED) {
      record(test, "ABORTED", result.getThrowable().map(Throwable::getMessage).orElse("aborted"));
    }
    Optional<TestSource> source = test.getSource();
    if (source.isPresent() && source.get() instanceof ClassSource) {
      String className = ((ClassSource) source.get()).getClassName();
      Map<String, AtomicInteger> reasons = skipped.remove(className);
      if (reasons == null) return;
      reasons.forEach((reason, n) ->
          console.println("SKIPPED " + n + (n.get() == 1 ? " test" : " tests") + " in " + simpleName(className)
              + ": " + reason));
    }
  }

  private void record(TestIdentifier test, String what, String reason) {
    String why = firstLine(reason);
    Optional<TestSource> source = test.getSource();
    if (source.isPresent() && source.get() instanceof ClassSource) {
      // The class as a whole: none of its tests ran or will be reported.
      console.println(what + " all of " + simpleName(((ClassSource) source.get()).getClassName())
          + (what.equals("ABORTED") ? " (Surefire: \"Tests run: 0\")" : "") + ": " + why);
    } else if (source.isPresent() && source.get() instanceof MethodSource) {
      skipped.computeIfAbsent(((MethodSource) source.get()).getClassName(), c -> new ConcurrentSkipListMap<>())
          .computeIfAbsent(why, r -> new AtomicInteger())
          .incrementAndGet();
    } else {
      console.println(what + " " + test.getDisplayName() + ": " + why);
    }
  }

  private static String firstLine(String s) {
    if (s == null || s.isBlank()) return "(no reason given)";
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }

  private static String simpleName(String className) {
    return className.substring(className.lastIndexOf('.') + 1);
  }
}
