package dev.steadysocket.android;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Plain JUnit 5: no Android types involved, so no Robolectric. */
class BackgroundPolicyTest {
  @Test
  void keepAliveHasNoGrace() {
    assertNull(BackgroundPolicy.keepAlive().grace());
    assertEquals("keepAlive", BackgroundPolicy.keepAlive().toString());
  }

  @Test
  void disconnectInBackgroundIsAValue() {
    BackgroundPolicy policy = BackgroundPolicy.disconnectInBackground(Duration.ofSeconds(3));
    assertEquals(Duration.ofSeconds(3), policy.grace());
    assertEquals(policy, BackgroundPolicy.disconnectInBackground(Duration.ofMillis(3000)));
    assertEquals("disconnectInBackground(PT3S)", policy.toString());
  }

  @Test
  void negativeGraceIsRejected() {
    assertThrows(
        IllegalArgumentException.class,
        () -> BackgroundPolicy.disconnectInBackground(Duration.ofSeconds(-1)));
  }
}
