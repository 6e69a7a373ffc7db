package dev.steadysocket.internal;

import static org.junit.jupiter.api.Assertions.assertTrue;

import okhttp3.Headers;
import org.junit.jupiter.api.Test;

/**
 * Hostile input for {@link Extensions#of}: the server's answer is parsed before anything else
 * decides on it, on OkHttp's call thread, where neither the connect timeout nor close() can stop it.
 */
class ExtensionsAttackTest {
  /**
   * A complexity check, not a speed target: the quadratic parse took 5.5 s here (and grows with
   * the square of the size); a linear one takes about a millisecond. A header of n empty extension tokens (";;;;…") makes the parser look for the next ',' from
   * each token to the end of the value: n²/2 character reads. 200,000 characters (under OkHttp's
   * 256 KiB header limit) take seconds; an answer refused at its first character should not.
   */
  @Test
  void aHugeAnswerIsParsedInLinearTime() {
    Headers h = new Headers.Builder().add("Sec-WebSocket-Extensions", ";".repeat(200_000)).build();
    Extensions.of(h); // warm up
    long t0 = System.nanoTime();
    Extensions e = Extensions.of(h);
    long millis = (System.nanoTime() - t0) / 1_000_000;
    assertTrue(e.unexpected, "refused");
    assertTrue(millis < 1_000, "quadratic: Extensions.of took " + millis + " ms on a 200,000-character answer");
  }
}
