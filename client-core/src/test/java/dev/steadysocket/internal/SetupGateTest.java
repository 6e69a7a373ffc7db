package dev.steadysocket.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.steadysocket.testkit.FakeTransports;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The outbound path's setup gate: frames first, held back only above OkHttp's high water, and the hold. */
class SetupGateTest {
  private final SetupGate gate = new SetupGate();
  private final FakeTransports.Fake t = new FakeTransports.Fake();
  private final SendReport report = new SendReport();

  @Test
  void writesWhileTheBufferStaysAtOrBelowTheHighWater() {
    String frame = "0123456789";
    t.queueSize = Outbound.SEND_BUFFER_HIGH_WATER - frame.length(); // exactly at the high water after it
    gate.update(true, List.of(frame), false, 0);
    assertFalse(gate.write(t, report), "written: not above the high water");
    assertEquals(List.of(frame), t.sent);
    assertEquals(1, report.setupWritten);
    assertFalse(gate.holdsSends());
  }

  @Test
  void holdsBackAFrameThatWouldGoAboveTheHighWater() {
    t.queueSize = Outbound.SEND_BUFFER_HIGH_WATER - 5;
    gate.update(true, List.of("0123456789"), false, 0);
    assertTrue(gate.write(t, report), "blocked: poll again");
    assertTrue(t.sent.isEmpty());
    assertTrue(gate.holdsSends(), "a frame still waiting holds newer messages");
    t.queueSize = 0;
    assertFalse(gate.write(t, report));
    assertEquals(1, t.sent.size());
  }

  @Test
  void aTransportThatRefusesKeepsTheFrameAndReportsNoBackPressure() {
    t.acceptSends = false;
    gate.update(true, List.of("x"), false, 0);
    assertFalse(gate.write(t, report), "failing, not full: the failure event follows");
    assertTrue(gate.holdsSends());
    assertEquals(0, report.setupWritten);
  }

  @Test
  void arrivalsHoldUntilTakenInAndANewConnectionDropsTheOldFrames() {
    gate.arriving();
    assertTrue(gate.holdsSends());
    gate.update(false, Collections.emptyList(), false, 1);
    assertFalse(gate.holdsSends());
    gate.update(true, List.of("old"), true, 0);
    gate.reset(false);
    assertFalse(gate.holdsSends(), "a frame for the old connection is not written on the new one");
    assertFalse(gate.write(t, report));
    assertTrue(t.sent.isEmpty());
  }

  @Test
  void aFrameLargerThanTheHighWaterIsWrittenWhenNothingElseWaits() {
    String big = "x".repeat((int) Outbound.SEND_BUFFER_HIGH_WATER + 1);
    gate.update(true, List.of(big), false, 0);
    assertFalse(gate.write(t, report), "an empty buffer takes any frame (OkHttp's own limit is 16 MiB)");
    assertEquals(1, t.sent.size());
  }
}
