package dev.steadysocket.conformance;

import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * attack17: the judges of cases whose expectation is "Fail the connection (1007)" or "(1002)",
 * given what a client shows that never noticed the bad input and merely lost the TCP connection:
 * no close frame, and only ConnectionLostException / ReconnectAttemptsExhausted in onError. A
 * client with the UTF-8 refusal replaced by a silent end of stream (planted in InboundFrames:
 * {@code invalidUtf8()} setting {@code finished} instead of tripping) produced exactly this, and
 * every 6.x, 7.5.1 and 12.8.x case stayed OK; the promise is close 1007 and a
 * ProtocolViolationException.
 */
class ConformanceJudgeAttackTest {
  private static Case.Observation silentDrop() {
    Testee.Seen app = new Testee.Seen();
    app.errors.add("ConnectionLost");
    app.errors.add("ReconnectAttemptsExhausted");
    return new Case.Observation(List.of(Event.note(Event.Kind.END, "")), app, 1, "");
  }

  @ParameterizedTest
  @ValueSource(strings = {"7.5.1", "12.8.7", "12.8.8", "6.3.1", "7.3.2", "12.8.1"})
  void aConnectionMerelyLostIsNotAFailureForTheBadInput(String id) {
    Case c = Catalog.all().stream().filter(k -> k.id.equals(id)).findFirst().orElseThrow();
    for (Case.Run run : c.runs) {
      Case.Result r = run.judge.judge(silentDrop());
      assertNotEquals(Case.Verdict.OK, r.verdict, id + " (" + c.expected + ") judged " + r.verdictCell()
          + " for: " + r.observed + " — no close " + "frame and no ProtocolViolationException");
    }
  }
}
