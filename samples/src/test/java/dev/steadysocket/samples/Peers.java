package dev.steadysocket.samples;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * The one rule for the real peers these tests start (Node's {@code ws}, Redis): a missing peer
 * skips the calling test locally and fails it on CI ({@code CI=true}), where it means a broken
 * setup.
 */
final class Peers {
  private Peers() {}

  /** Returns if {@code available}; otherwise skips the test with {@code why}, or fails it on CI. */
  static void requireOrSkip(String peer, boolean available, String why) {
    if (available) {
      return;
    }
    if ("true".equals(System.getenv("CI"))) {
      fail(peer + " unavailable on CI: " + why);
    }
    Assumptions.abort(peer + " unavailable: " + why);
  }

  /** Whether {@code command} (a version query) starts and exits with 0 within 10 s. */
  static boolean commandRuns(String... command) {
    try {
      Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
      p.getInputStream().readAllBytes();
      return p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }
}
