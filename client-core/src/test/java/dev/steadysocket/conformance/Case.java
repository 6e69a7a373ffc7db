package dev.steadysocket.conformance;

import dev.steadysocket.Compression;
import java.util.List;

/**
 * One conformance case: an Autobahn-style number, a description, the expectation in words and one
 * or more runs (each a fresh server and a fresh client: a case that tries a message at every split
 * point has one run per split when each must fail the connection). Its verdict is the worst of
 * its runs'.
 *
 * <p>Immutable; built by the catalogs on the test's thread.
 */
final class Case {
  enum Verdict {
    OK("OK"), NON_STRICT("NON-STRICT"), FAILED("FAILED");

    final String label;

    Verdict(String label) {
      this.label = label;
    }
  }

  /** A verdict, what was observed (deterministic text), and why it is not OK (or ""). */
  static final class Result {
    final Verdict verdict;
    final String observed;
    final String reason;

    Result(Verdict verdict, String observed, String reason) {
      this.verdict = verdict;
      this.observed = observed;
      this.reason = reason;
    }

    /** The report's verdict column. */
    String verdictCell() {
      return verdict == Verdict.OK ? "OK" + (reason.isEmpty() ? "" : " (" + reason + ")") : verdict.label + ": " + reason;
    }
  }

  /** What one run saw: the server's events, the application's record and the connection count. */
  static final class Observation {
    final List<Event> server;
    final Testee.Seen app;
    final int connections;
    final String offered;

    Observation(List<Event> server, Testee.Seen app, int connections, String offered) {
      this.server = server;
      this.app = app;
      this.connections = connections;
      this.offered = offered;
    }
  }

  interface Judge {
    Result judge(Observation o);
  }

  /** One connection: the extensions the server answers (or null), its script, and the judge. */
  static final class Run {
    final String label;
    final String extensions;
    final Peer.Script script;
    final Judge judge;
    /** What the client offers ({@code SteadySocketBuilder.compression}). */
    final Compression offer;

    Run(String label, String extensions, Peer.Script script, Judge judge) {
      this(label, extensions, script, judge, Compression.defaults());
    }

    Run(String label, String extensions, Peer.Script script, Judge judge, Compression offer) {
      this.label = label;
      this.extensions = extensions;
      this.script = script;
      this.judge = judge;
      this.offer = offer;
    }
  }

  final String id;
  final String description;
  final String expected;
  final List<Run> runs;

  Case(String id, String description, String expected, List<Run> runs) {
    this.id = id;
    this.description = description;
    this.expected = expected;
    this.runs = runs;
  }

  static Case of(String id, String description, String expected, String extensions, Peer.Script script, Judge judge) {
    return new Case(id, description, expected, List.of(new Run("", extensions, script, judge)));
  }

  /** A case whose client offers {@code offer} instead of the default. */
  static Case of(String id, String description, String expected, Compression offer, String extensions,
      Peer.Script script, Judge judge) {
    return new Case(id, description, expected, List.of(new Run("", extensions, script, judge, offer)));
  }
}
