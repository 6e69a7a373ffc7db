package dev.steadysocket.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.steadysocket.ConnectionState;
import dev.steadysocket.samples.MetricsLine.Sample;
import org.junit.jupiter.api.Test;

/** The {@code --metrics} line and its rates, from samples that carry their own time: no clock, no waiting. */
class MetricsLineTest {
  private static final long SECOND = 1_000_000_000L;

  @Test
  void aLineShowsEveryFigureWithRatesSinceThePreviousSample() {
    Sample before = new Sample(5 * SECOND, ConnectionState.OPEN, 2, 10_000, 40, 0, 420_000, 3_140_000);
    Sample now = new Sample(6 * SECOND, ConnectionState.OPEN, 2, 11_204, 40, 0, 420_000, 3_140_000);
    assertEquals("[metrics] OPEN  reconnects=2  ping=0.42ms  echo=3.1ms  in=1,204/s  out=0/s  outbox=0",
        MetricsLine.format(before, now));
  }

  @Test
  void beforeAnyRoundTripTheRttsAreADashAndTheStateIsAsSampled() {
    Sample start = Sample.start(0);
    Sample now = new Sample(SECOND, ConnectionState.RECONNECTING, 0, 0, 0, 7, -1, -1);
    assertEquals("[metrics] RECONNECTING  reconnects=0  ping=-  echo=-  in=0/s  out=0/s  outbox=7",
        MetricsLine.format(start, now));
  }

  @Test
  void ratesAreTheDeltaOverTheElapsedTimeNotOverTheNominalSecond() {
    assertEquals(1_204, MetricsLine.perSecond(10_000, 11_204, SECOND));
    assertEquals(1_200, MetricsLine.perSecond(0, 600, SECOND / 2)); // a tick that came early
    assertEquals(800, MetricsLine.perSecond(0, 1_000, 1_250_000_000L)); // …or late
    assertEquals(3, MetricsLine.perSecond(0, 5, 2 * SECOND)); // 2.5 rounds half up
    assertEquals(0, MetricsLine.perSecond(7, 7, SECOND));
    assertEquals(0, MetricsLine.perSecond(0, 9, 0)); // no time passed: no rate, not a division by zero
  }

  @Test
  void sentMessagesAreTheOutRateWithThousandsSeparated() {
    Sample before = new Sample(0, ConnectionState.OPEN, 0, 0, 0, 0, -1, -1);
    Sample now = new Sample(2 * SECOND, ConnectionState.OPEN, 0, 0, 2_500_000, 12, -1, -1);
    assertEquals("[metrics] OPEN  reconnects=0  ping=-  echo=-  in=0/s  out=1,250,000/s  outbox=12",
        MetricsLine.format(before, now));
  }

  @Test
  void roundTripsInHundredthsBelowOneMillisecondTenthsBelowTenWholeMillisecondsAbove() {
    assertEquals("-", MetricsLine.rtt(-1));
    assertEquals("0.00ms", MetricsLine.rtt(0));
    assertEquals("0.05ms", MetricsLine.rtt(50_000));
    assertEquals("0.42ms", MetricsLine.rtt(420_000));
    assertEquals("3.1ms", MetricsLine.rtt(3_140_000));
    assertEquals("143ms", MetricsLine.rtt(143_400_000));
    assertEquals("2500ms", MetricsLine.rtt(2_500_000_000L));
  }
}
