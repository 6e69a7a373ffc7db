package dev.steadysocket.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import dev.steadysocket.conformance.Case.Result;
import dev.steadysocket.conformance.Case.Verdict;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The protocol-conformance suite, modelled on the Autobahn TestSuite's case list: one dynamic test
 * per case (named by its number and description), each run against a raw RFC 6455 server over a
 * real socket ({@link RawServer}) with SteadySocket as Autobahn's echo testee ({@link Testee}). A
 * case fails the build only when its verdict is FAILED. The last test writes {@code
 * target/conformance-report.md} and checks its (case, verdict) rows against {@code
 * docs/conformance.md} ({@code -Dconformance.update=true} rewrites the doc instead).
 *
 * <p>{@code -Dconformance.cases=6.,7.1} runs only the cases whose numbers start so, and then only
 * writes the report.
 *
 * <p><b>Threading:</b> JUnit's thread runs the cases one after the other.
 */
class ConformanceTest {
  @TestFactory
  Stream<DynamicTest> conformance() {
    String filter = System.getProperty("conformance.cases", "");
    List<String> prefixes = filter.isEmpty() ? List.of() : Arrays.asList(filter.split(","));
    List<Case> cases = Catalog.all().stream()
        .filter(c -> prefixes.isEmpty() || prefixes.stream().anyMatch(p -> (c.id + ".").startsWith(p)))
        .collect(Collectors.toList());
    Report report = new Report();
    List<DynamicTest> tests = new ArrayList<>();
    for (Case c : cases) {
      tests.add(dynamicTest(c.id + " " + c.description, () -> {
        Result r = CaseRunner.run(c);
        report.add(c, r);
        if (r.verdict == Verdict.FAILED) fail(c.id + " FAILED: " + r.reason + " (observed: " + r.observed + ")");
      }));
    }
    tests.add(dynamicTest("report: target/conformance-report.md and docs/conformance.md", () -> {
      List<String> leaked = Thread.getAllStackTraces().keySet().stream()
          .filter(t -> t.isAlive() && t.getName().startsWith("conformance-")).map(Thread::getName)
          .collect(Collectors.toList());
      assertEquals(List.of(), leaked, "server threads still running");
      assertEquals(cases.size(), report.size(), "every case reported");
      Path root = Path.of(System.getProperty("steadysocket.repoRoot", ".."));
      Path doc = Path.of(System.getProperty("conformance.doc", root.resolve("docs/conformance.md").toString()));
      boolean update = Boolean.getBoolean("conformance.update") && prefixes.isEmpty();
      String diff = report.writeAndCheck(Path.of("target/conformance-report.md"), doc, update);
      if (prefixes.isEmpty()) assertNull(diff, diff);
    }));
    return tests.stream();
  }
}
