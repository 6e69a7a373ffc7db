package dev.steadysocket.conformance;

import java.util.ArrayList;
import java.util.List;

/**
 * Every conformance case, in report order: the case classes of Autobahn this suite models.
 *
 * <p>Stateless; the test's thread.
 */
final class Catalog {
  private Catalog() {}

  /** Numeric order of case numbers: 1.1.2 before 1.1.10, 9.2.4 before 9.3.1. */
  static int compareIds(Case a, Case b) {
    String[] x = a.id.split("\\."), y = b.id.split("\\.");
    for (int i = 0; i < Math.min(x.length, y.length); i++) {
      int c = Integer.compare(Integer.parseInt(x[i]), Integer.parseInt(y[i]));
      if (c != 0) return c;
    }
    return Integer.compare(x.length, y.length);
  }

  static List<Case> all() {
    List<Case> all = new ArrayList<>();
    all.addAll(FramingCases.cases());
    all.addAll(ProtocolCases.cases());
    all.addAll(Utf8Cases.cases());
    all.addAll(CloseCases.cases());
    all.addAll(LargeCases.cases());
    all.addAll(DeflateCases.cases());
    all.sort(Catalog::compareIds);
    return all;
  }
}
