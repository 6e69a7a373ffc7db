package dev.steadysocket.android;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertThrows;

import java.time.Duration;
import org.junit.Test;

/**
 * Plain JUnit 4: no Android types involved, so no Robolectric. JUnit 4 like the rest of this
 * module, so the mutation profile runs it with PIT's own JUnit 4 support (see its pom).
 */
public class BackgroundPolicyTest {
  @Test
  public void keepAliveHasNoGrace() {
    assertNull(BackgroundPolicy.keepAlive().grace());
    assertEquals("keepAlive", BackgroundPolicy.keepAlive().toString());
  }

  @Test
  public void disconnectInBackgroundIsAValue() {
    BackgroundPolicy policy = BackgroundPolicy.disconnectInBackground(Duration.ofSeconds(3));
    assertEquals(Duration.ofSeconds(3), policy.grace());
    assertEquals(policy, BackgroundPolicy.disconnectInBackground(Duration.ofMillis(3000)));
    assertEquals(policy.hashCode(), BackgroundPolicy.disconnectInBackground(Duration.ofMillis(3000)).hashCode());
    assertNotEquals(policy, BackgroundPolicy.disconnectInBackground(Duration.ofSeconds(4)));
    assertNotEquals(policy, BackgroundPolicy.keepAlive());
    assertNotEquals(BackgroundPolicy.keepAlive(), policy);
    assertEquals("disconnectInBackground(PT3S)", policy.toString());
  }

  @Test
  public void zeroGraceIsAllowedAndNegativeGraceIsRejected() {
    assertEquals(Duration.ZERO, BackgroundPolicy.disconnectInBackground(Duration.ZERO).grace());
    assertThrows(
        IllegalArgumentException.class,
        () -> BackgroundPolicy.disconnectInBackground(Duration.ofSeconds(-1)));
  }
}
