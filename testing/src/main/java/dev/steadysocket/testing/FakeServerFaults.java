package dev.steadysocket.testing;

import java.time.Duration;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * {@link FakeServer}'s fault commands on the whole server (rejected handshakes, outages, lost and
 * delayed acknowledgements), apart from the rest of its API so each file reads on its own; a
 * connection's own faults are {@link ServerConnection}'s. Every method may be called from any
 * thread; the state they set is {@link ServerState}'s.
 */
abstract class FakeServerFaults {
  /** Connections, recordings, rules, faults: its own lock guards them. */
  final ServerState state;

  FakeServerFaults(ServerState state) {
    this.state = state;
  }

  /**
   * Open connections, oldest first. A connection is listed from the moment the server accepts its
   * handshake until it has closed or failed; a command given before its upgrade is done (on
   * loopback, a moment after the client sees OPEN) waits for it.
   *
   * @return a new list (a snapshot: later connections are not added to it)
   */
  public abstract List<ServerConnection> connections();

  /**
   * The next {@code count} handshakes are answered with {@code status} (and Retry-After, if given)
   * instead of the upgrade. Replaces any rejections still pending.
   *
   * @param count how many handshakes to reject, not negative; 0 rejects none
   * @param status the HTTP status, 100 to 599 but not 101 (typically 401, 403, 429, 503)
   * @param retryAfter the Retry-After header, not negative, sent in whole seconds (a fraction rounds
   *     up, so the client never waits less than asked), or null for none
   * @throws IllegalArgumentException if {@code status} is 101 or outside 100 to 599, or {@code count}
   *     or {@code retryAfter} is negative
   */
  public void rejectNextHandshakes(int count, int status, @Nullable Duration retryAfter) {
    if (status == 101 || status < 100 || status > 599) throw new IllegalArgumentException("not a rejection: " + status);
    if (count < 0) throw new IllegalArgumentException("count < 0: " + count);
    if (retryAfter != null && retryAfter.isNegative()) throw new IllegalArgumentException("negative Retry-After: " + retryAfter);
    state.reject(count, status, retryAfter);
  }

  /**
   * An outage: every open connection is reset and new ones are refused until {@link #restore()}.
   * In memory a refused attempt fails as a refused TCP connection ({@code ConnectException}); on
   * loopback the TCP connection is accepted and closed once the handshake request is read, so the
   * client sees an I/O failure without an HTTP status. Refused attempts count in {@link
   * FakeServer#handshakes()}.
   */
  public void refuseConnections() {
    state.refusing(true);
    for (ServerConnection c : connections()) c.reset();
  }

  /**
   * Ends {@link #refuseConnections()}: handshakes are accepted again when the sockets next try;
   * pending {@link #rejectNextHandshakes rejections} stay.
   */
  public void restore() {
    state.refusing(false);
  }

  /**
   * The next {@code count} acknowledgements are never sent (the client re-sends after a reconnect);
   * the message itself is still delivered and recorded. Replaces any count still pending.
   *
   * @param count how many acknowledgements to lose, repeats' included; not negative
   * @throws IllegalArgumentException if {@code count} is negative
   */
  public void loseNextAcks(int count) {
    if (count < 0) throw new IllegalArgumentException("count < 0: " + count);
    state.loseAcks(count);
  }

  /**
   * Acknowledgements are sent {@code delay} after their message arrives; ZERO restores at once.
   * Applies to messages that arrive from now on. In memory a delayed acknowledgement is a {@link
   * TestClock} timer.
   *
   * @param delay the delay; zero sends at once
   * @throws IllegalArgumentException if {@code delay} is negative
   */
  public void delayAcks(Duration delay) {
    if (delay.isNegative()) throw new IllegalArgumentException("negative delay: " + delay);
    state.delayAcks(delay);
  }
}
