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

  static List<Case> all() {
    List<Case> all = new ArrayList<>();
    all.addAll(FramingCases.cases());
    all.addAll(ProtocolCases.cases());
    all.addAll(Utf8Cases.cases());
    all.addAll(CloseCases.cases());
    return all;
  }
}
