package dev.steadysocket.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The paired ratios and per-message costs of the observed peers. */
class LoopbackSummaryTest {
  @Test
  void aRateCostsTheDifferenceOfTheTimePerMessage() {
    // 1,000,000 msgs/s is 1,000 ns a message; 800,000 msgs/s is 1,250 ns.
    assertEquals(250, Loopback.costPerMessage("msgs/s", 800_000, 1_000_000), 1e-9);
    assertEquals(-250, Loopback.costPerMessage("msgs/s", 1_000_000, 800_000), 1e-9);
    assertEquals(1_500, Loopback.costPerMessage("us", 101.5, 100), 1e-9); // µs of round trip → ns
    assertEquals(24, Loopback.costPerMessage("B/msg", 524, 500), 1e-9);
    assertEquals("ns", Loopback.costUnit("msgs/s"));
    assertEquals("ns", Loopback.costUnit("us"));
    assertEquals("B/msg", Loopback.costUnit("B/msg"));
  }

  @Test
  @SuppressWarnings("unchecked")
  void everySteadySocketPeerGetsARatioAndEachObservedOneACostPairedPerIteration() {
    Results results = new Results();
    Map<String, double[]> rates = new LinkedHashMap<>();
    rates.put("okhttp", new double[] {1_000_000, 500_000, 1_000_000});
    rates.put("steadysocket", new double[] {1_000_000, 500_000, 800_000});
    rates.put("steadysocket+counting", new double[] {800_000, 400_000, 800_000});
    Loopback.summarize(results, "inbound_small", "throughput", "msgs/s", rates);
    Map<String, Object> sec = results.section("inbound_small");

    Map<String, Object> plain = (Map<String, Object>) sec.get("throughput ratio steadysocket/okhttp");
    assertEquals(1.0, plain.get("median")); // 1.0, 1.0, 0.8
    Map<String, Object> counting = (Map<String, Object>) sec.get("throughput ratio steadysocket+counting/okhttp");
    assertEquals(0.8, counting.get("median")); // 0.8, 0.8, 0.8
    Map<String, Object> cost = (Map<String, Object>) sec.get("throughput cost steadysocket+counting - steadysocket");
    assertEquals(250.0, cost.get("median")); // 250 ns, 500 ns, 0 ns: paired, not from the means
    assertEquals(0.0, cost.get("min"));
    assertEquals(500.0, cost.get("max"));
    assertEquals("ns", cost.get("unit"));
    assertNull(sec.get("throughput cost steadysocket - steadysocket"));

    String table = Report.table(withMachine(results));
    assertTrue(table.contains("| inbound_small | throughput | steadysocket+counting | 0.800 (mean 0.800 ± 0.000, 3 pairs) "
        + "| +250 ns (mean +250 ± 250, 3 pairs) |"), table);
  }

  @Test
  void withoutObservedPeersTheTableHasNoObserverSection() {
    Results results = new Results();
    Map<String, double[]> rates = new LinkedHashMap<>();
    rates.put("okhttp", new double[] {1_000_000});
    rates.put("steadysocket", new double[] {1_000_000});
    Loopback.summarize(results, "inbound_small", "throughput", "msgs/s", rates);
    assertFalse(Report.table(withMachine(results)).contains("### Observers"));
  }

  private static Results withMachine(Results results) {
    results.json.put("machine", Map.of("cpu", "test"));
    return results;
  }
}
