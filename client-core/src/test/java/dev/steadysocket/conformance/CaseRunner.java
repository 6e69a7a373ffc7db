package dev.steadysocket.conformance;

import dev.steadysocket.conformance.Case.Result;
import dev.steadysocket.conformance.Case.Verdict;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs a {@link Case}: each run against a fresh {@link RawServer} and a fresh {@link Testee},
 * waits (bounded) for the connection to end and the socket to close, joins the server's threads,
 * and judges. A case's result is its worst run's; when every run is OK, the first run stands for
 * all.
 *
 * <p><b>Threading:</b> the test's thread only.
 */
final class CaseRunner {
  private CaseRunner() {}

  static Result run(Case c) throws Exception {
    List<Result> results = new ArrayList<>();
    for (Case.Run run : c.runs) results.add(runOnce(run));
    if (results.size() == 1) return results.get(0);
    Result worst = results.get(0);
    int worstIndex = 0;
    for (int i = 0; i < results.size(); i++) {
      Result r = results.get(i);
      if (r.verdict.compareTo(worst.verdict) > 0) {
        worst = r;
        worstIndex = i;
      }
    }
    String label = c.runs.get(worstIndex).label;
    if (worst.verdict == Verdict.OK) {
      return new Result(Verdict.OK, results.size() + " runs, each: " + worst.observed, "");
    }
    // Not "k of n": where the outcome depends on timing (7.1.5) the count would make the doc unstable.
    return new Result(worst.verdict, results.size() + " runs, not all OK; " + label + ": " + worst.observed,
        label + ": " + worst.reason);
  }

  private static Result runOnce(Case.Run run) throws Exception {
    RawServer server = new RawServer(run.extensions, run.script);
    Case.Observation o;
    try (server; Testee testee = new Testee(server.url(), run.offer)) {
      testee.connect();
      Peer peer = server.awaitPeer(Peer.PATIENCE_MILLIS);
      if (peer == null) {
        return new Result(Verdict.FAILED, "no connection", "the client did not connect");
      }
      peer.awaitEnd(4 * Peer.PATIENCE_MILLIS);
      testee.awaitClosed(Peer.PATIENCE_MILLIS);
      o = new Case.Observation(peer.events(), testee.seen(), server.peers.size(), peer.offered);
    }
    server.join(Peer.PATIENCE_MILLIS);
    return run.judge.judge(o);
  }
}
